/**
 * Broadcasting: element-wise binary ops between arrays of broadcastable (or not) shapes, any
 * layout, float32/float64/int32 (PyTorch's promotion), JS-number operands (the weak scalar rule),
 * the in-place forms, and autograd's gradients of broadcast operands (summed back to their shape).
 * Element-wise ops do not go through the Backend, so this runs once, on the current backend.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { NDArray, add, div, maximum, minimum, mul, sub } from '@torchlet/ndarray';
import { Tensor, add as tadd, mul as tmul, sub as tsub } from '@torchlet/autograd';
import { check, expectClose, expectRejects, toDense, values, viewOf, type FloatDType } from './harness.js';
import { binaryRef, broadcastShape, size, sumToRef, type Dense } from './reference.js';

type DT = 'float32' | 'float64' | 'int32';
const RANK: Record<DT, number> = { int32: 0, float32: 1, float64: 2 };

const OPS = {
  add: { fn: add, ref: (x: number, y: number) => x + y },
  sub: { fn: sub, ref: (x: number, y: number) => x - y },
  mul: { fn: mul, ref: (x: number, y: number) => x * y },
  div: { fn: div, ref: (x: number, y: number) => x / y },
  maximum: { fn: maximum, ref: (x: number, y: number) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y)) },
  minimum: { fn: minimum, ref: (x: number, y: number) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y)) },
} as const;
type OpName = keyof typeof OPS;

const LAYOUTS = ['contiguous', 'permuted', 'strided'] as const;

/** Two shapes that broadcast to `out` (dims dropped from the front or squashed to 1), or not, when corrupted. */
const shapesArb = fc
  .record({
    out: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }),
    aDrop: fc.integer({ min: 0, max: 2 }),
    bDrop: fc.integer({ min: 0, max: 2 }),
    aOnes: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    bOnes: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    corrupt: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  })
  .map((r) => {
    const derive = (drop: number, ones: boolean[]) => r.out.slice(Math.min(drop, r.out.length)).map((s, i) => (ones[i] ? 1 : s));
    const a = derive(r.aDrop, r.aOnes);
    const b = derive(r.bDrop, r.bOnes);
    if (r.corrupt && a.length > 0 && b.length > 0) {
      // trailing dims n ≥ 2 and n + 1: never broadcast
      a[a.length - 1] = Math.max(a.at(-1)!, 2);
      b[b.length - 1] = a.at(-1)! + 1;
    }
    return { a, b };
  });

function operand(shape: number[], seed: number, dtype: DT, layout: (typeof LAYOUTS)[number]): { ref: Dense; nd: NDArray } {
  const data = values(size(shape), seed, dtype === 'int32');
  if (dtype === 'int32') {
    // zeros included on purpose: 0/0 and x/0 in true division
    return { ref: { data, shape }, nd: new NDArray(Int32Array.from(data), 'int32', shape) };
  }
  const ref = { data, shape };
  return { ref, nd: viewOf(ref, dtype, layout) };
}

/** PyTorch's result dtype; `div` of integers is float32. */
function resultDType(op: OpName, a: DT, b: DT | 'scalar', scalar: number): DT {
  let t: DT;
  if (b === 'scalar') t = a === 'int32' && !Number.isInteger(scalar) ? 'float32' : a;
  else t = RANK[a] >= RANK[b] ? a : b;
  return op === 'div' && t === 'int32' ? 'float32' : t;
}

const caseArb = fc.record({
  shapes: shapesArb,
  op: fc.constantFrom(...(Object.keys(OPS) as OpName[])),
  aDtype: fc.constantFrom<DT>('float32', 'float64', 'int32'),
  bDtype: fc.constantFrom<DT | 'scalar'>('float32', 'float64', 'int32', 'scalar'),
  scalar: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ min: -3, max: 3, noNaN: true })),
  aLayout: fc.constantFrom(...LAYOUTS),
  bLayout: fc.constantFrom(...LAYOUTS),
  seed: fc.integer(),
});

describe('broadcast fuzz', () => {
  it('binary ops broadcast, promote and compute like the reference; incompatible shapes throw', () => {
    check('broadcast/binary', 300, caseArb, (c) => {
      const { op, aDtype, bDtype } = c;
      const a = operand(c.shapes.a, c.seed, aDtype, c.aLayout);
      const b = bDtype === 'scalar' ? null : operand(c.shapes.b, c.seed + 1, bDtype, c.bLayout);
      const t = resultDType(op, aDtype, bDtype, c.scalar);
      const rhs = b ? b.nd : c.scalar;
      if (b && broadcastShape(a.ref.shape, b.ref.shape) === null) {
        expectRejects(op, () => OPS[op].fn(a.nd, b.nd));
        return 'invalid';
      }
      // the op computes in the result dtype: a JS number is rounded to float32 first when that is float32
      const s = t === 'float32' ? Math.fround(c.scalar) : c.scalar;
      const bRef: Dense = b ? b.ref : { data: Float64Array.of(s), shape: [] };
      const cast = (v: number): number => (t === 'float32' ? Math.fround(v) : t === 'int32' ? v | 0 : v);
      const want = binaryRef(a.ref, bRef, (x, y) => cast(OPS[op].ref(x, y)));
      const got = OPS[op].fn(a.nd, rhs);
      if (got.dtype !== t) throw new Error(`${op}: ${aDtype} with ${bDtype} gave ${got.dtype}, expected ${t}`);
      expectClose(op, got, want, t, true);
      return 'valid';
    });
  });

  it('in-place ops accept exactly the operands that broadcast to self', () => {
    check('broadcast/inplace', 150, caseArb, (c) => {
      const op = c.op === 'maximum' ? 'add' : c.op === 'minimum' ? 'mul' : c.op; // no in-place forms of those
      const dtype: FloatDType = c.aDtype === 'float64' ? 'float64' : 'float32';
      const self = operand(c.shapes.a, c.seed, dtype, 'contiguous');
      const other = operand(c.shapes.b, c.seed + 1, c.bDtype === 'float64' ? 'float64' : 'float32', c.bLayout);
      const method = `${op}_` as const;
      const shape = broadcastShape(self.ref.shape, other.ref.shape);
      const fits = shape !== null && shape.length === self.ref.shape.length && shape.every((s, i) => s === self.ref.shape[i]);
      if (!fits) {
        expectRejects(op, () => self.nd[method](other.nd));
        return 'invalid';
      }
      const cast = (v: number): number => (dtype === 'float32' ? Math.fround(v) : v);
      const want = binaryRef(self.ref, other.ref, (x, y) => cast(OPS[op].ref(x, y)));
      const back = self.nd[method](other.nd);
      if (back !== self.nd) throw new Error(`${method} did not return self`);
      expectClose(method, self.nd, want, dtype, true);
      return 'valid';
    });
  });

  it("autograd sends each broadcast operand the output gradient summed back to the operand's shape", () => {
    check('broadcast/autograd', 150, caseArb, (c) => {
      const dtype: FloatDType = c.aDtype === 'float64' ? 'float64' : 'float32';
      const shape = broadcastShape(c.shapes.a, c.shapes.b);
      if (shape === null) return 'skipped';
      const a = operand(c.shapes.a, c.seed, dtype, c.aLayout);
      const b = operand(c.shapes.b, c.seed + 1, dtype, c.bLayout);
      const g = operand(shape, c.seed + 2, dtype, 'contiguous');
      const A = new Tensor(a.nd, { requiresGrad: true });
      const B = new Tensor(b.nd, { requiresGrad: true });
      const kind = c.op === 'sub' ? 'sub' : c.op === 'mul' ? 'mul' : 'add';
      const y = kind === 'add' ? tadd(A, B) : kind === 'sub' ? tsub(A, B) : tmul(A, B);
      y.backward(new Tensor(g.nd));
      // d/da: g (add, sub) or g·b (mul); d/db: g, −g or g·a — then summed to each operand's shape
      const local = (other: Dense | null, sign: number): Dense => {
        const prod = other ? binaryRef(g.ref, other, (x, yv) => (dtype === 'float32' ? Math.fround(x * yv) : x * yv)) : g.ref;
        return { data: prod.data.map((v) => sign * v), shape: prod.shape };
      };
      const wantA = sumToRef(local(kind === 'mul' ? b.ref : null, 1), c.shapes.a);
      const wantB = sumToRef(local(kind === 'mul' ? a.ref : null, kind === 'sub' ? -1 : 1), c.shapes.b);
      expectClose('grad a', A.grad!.data, wantA, dtype);
      expectClose('grad b', B.grad!.data, wantB, dtype);
      if (toDense(A.grad!.data).shape.length !== c.shapes.a.length) throw new Error('grad a has the wrong rank');
      return 'valid';
    });
  });
});
