import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { setBackend, type Backend } from '../backend.js';
import { arange, array, full, zeros } from '../create.js';
import type { DType } from '../dtype.js';
import { sigmoidScalar } from '../kernels/activation.js';
import { jsBackend } from '../kernels/js-backend.js';
import type { NDArray, NestedArray } from '../ndarray.js';
import {
  abs,
  add,
  ceil,
  clamp,
  copy_,
  cos,
  div,
  eq,
  erf,
  exp,
  expm1,
  fill_,
  floor,
  ge,
  gt,
  le,
  log,
  log1p,
  lt,
  mapBinary,
  maximum,
  minimum,
  mul,
  ne,
  neg,
  pow,
  reciprocal,
  relu,
  resultType,
  round,
  rsqrt,
  sigmoid,
  sign,
  sin,
  sqrt,
  square,
  sub,
  tanh,
  where,
} from './elementwise.js';

// ---------------------------------------------------------------- naive reference

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function ravel(idx: readonly number[], shape: readonly number[]): number {
  let f = 0;
  for (let i = 0; i < shape.length; i++) f = f * shape[i]! + idx[i]!;
  return f;
}

function unravel(f: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    idx[i] = f % shape[i]!;
    f = Math.floor(f / shape[i]!);
  }
  return idx;
}

function nest(flat: readonly number[], shape: readonly number[]): NestedArray {
  const build = (dim: number, start: number): NestedArray => {
    if (dim === shape.length) return flat[start]!;
    const step = numel(shape.slice(dim + 1));
    return Array.from({ length: shape[dim]! }, (_, i) => build(dim + 1, start + i * step));
  };
  return build(0, 0);
}

/**
 * Broadcast `fn` by explicit index arithmetic: the output shape takes, per aligned dim, the size
 * that is not 1; each operand is read at the output index with its size-1 dims pinned to 0.
 */
function naiveBinary(
  aShape: readonly number[],
  aVals: readonly number[],
  bShape: readonly number[],
  bVals: readonly number[],
  fn: (x: number, y: number) => number,
): { shape: number[]; flat: number[] } {
  const nd = Math.max(aShape.length, bShape.length);
  const shape: number[] = [];
  for (let k = 0; k < nd; k++) {
    const x = aShape[k - (nd - aShape.length)] ?? 1;
    const y = bShape[k - (nd - bShape.length)] ?? 1;
    shape.push(x === 1 ? y : x);
  }
  const flat: number[] = [];
  for (let f = 0; f < numel(shape); f++) {
    const idx = unravel(f, shape);
    const ia = idx.slice(nd - aShape.length).map((v, k) => (aShape[k] === 1 ? 0 : v));
    const ib = idx.slice(nd - bShape.length).map((v, k) => (bShape[k] === 1 ? 0 : v));
    flat.push(fn(aVals[ravel(ia, aShape)]!, bVals[ravel(ib, bShape)]!));
  }
  return { shape, flat };
}

/**
 * An array with logical shape `shape` and row-major values `vals`, laid out contiguously (mode 0),
 * as a permuted view of reversed storage (mode 1), or as every other element of wider storage (mode 2).
 */
function makeOperand(shape: number[], vals: readonly number[], mode: number, dtype: DType = 'float32'): NDArray {
  const nd = shape.length;
  if (mode === 1 && nd > 1) {
    const rev = [...shape].reverse();
    const store = new Array<number>(vals.length);
    vals.forEach((v, f) => (store[ravel(unravel(f, shape).reverse(), rev)] = v));
    return array(store.length ? store : [], { dtype }).reshape(rev).permute(shape.map((_, i) => nd - 1 - i));
  }
  if (mode === 2 && nd > 0) {
    const wide = [...shape.slice(0, -1), shape[nd - 1]! * 2];
    const store = new Array<number>(numel(wide)).fill(-999);
    vals.forEach((v, f) => {
      const idx = unravel(f, shape);
      idx[nd - 1] = idx[nd - 1]! * 2;
      store[ravel(idx, wide)] = v;
    });
    return array(store.length ? store : [], { dtype }).reshape(wide).slice(-1, 0, undefined, 2);
  }
  return array(vals.length ? [...vals] : [], { dtype }).reshape(shape);
}

/** An output shape and two operand shapes that broadcast to it (leading dims dropped, some dims set to 1). */
const broadcastCaseArb = fc
  .array(fc.integer({ min: 0, max: 3 }), { minLength: 0, maxLength: 4 })
  .chain((out) =>
    fc.tuple(
      fc.constant(out),
      fc.nat(out.length),
      fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
      fc.nat(out.length),
      fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
    ),
  )
  .map(([out, dropA, onesA, dropB, onesB]) => ({
    a: out.slice(dropA).map((s, k) => (onesA[k + dropA] ? 1 : s)),
    b: out.slice(dropB).map((s, k) => (onesB[k + dropB] ? 1 : s)),
  }))
  .chain(({ a, b }) =>
    fc.record({
      aShape: fc.constant(a),
      bShape: fc.constant(b),
      aVals: fc.array(fc.float({ min: -100, max: 100 }), { minLength: numel(a), maxLength: numel(a) }),
      bVals: fc.array(fc.float({ min: -100, max: 100 }), { minLength: numel(b), maxLength: numel(b) }),
      aMode: fc.nat(2),
      bMode: fc.nat(2),
    }),
  );

const f32 = Math.fround;

describe('binary ops with broadcasting against the naive reference (property)', () => {
  const ops: [string, (a: NDArray | number, b: NDArray | number) => NDArray, (x: number, y: number) => number][] = [
    ['add', add, (x, y) => x + y],
    ['sub', sub, (x, y) => x - y],
    ['mul', mul, (x, y) => x * y],
    ['div', div, (x, y) => x / y],
    ['maximum', maximum, (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y))],
    ['minimum', minimum, (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y))],
  ];
  for (const [name, op, fn] of ops) {
    it(`${name} of two arrays, contiguous or not`, () => {
      fc.assert(
        fc.property(broadcastCaseArb, ({ aShape, bShape, aVals, bVals, aMode, bMode }) => {
          const A = makeOperand(aShape, aVals, aMode);
          const B = makeOperand(bShape, bVals, bMode);
          // the sign of a zero picked by max/min is unspecified (IEEE maxNum): compare them as +0
          const z = name === 'maximum' || name === 'minimum' ? (v: number): number => (v === 0 ? 0 : v) : (v: number): number => v;
          const expected = naiveBinary(aShape, aVals, bShape, bVals, (x, y) => z(f32(fn(x, y))));
          const r = op(A, B);
          expect(r.dtype).toBe('float32');
          expect(r.shape).toEqual(expected.shape);
          expect(nest([...r.denseData()].map(z), r.shape)).toEqual(nest(expected.flat, expected.shape));
        }),
        { numRuns: 120 },
      );
    });
  }

  it('comparisons of two arrays give bool arrays', () => {
    const cmps: [(a: NDArray | number, b: NDArray | number) => NDArray, (x: number, y: number) => boolean][] = [
      [eq, (x, y) => x === y],
      [ne, (x, y) => x !== y],
      [lt, (x, y) => x < y],
      [le, (x, y) => x <= y],
      [gt, (x, y) => x > y],
      [ge, (x, y) => x >= y],
    ];
    fc.assert(
      fc.property(broadcastCaseArb, fc.nat(5), ({ aShape, bShape, aVals, bVals, aMode, bMode }, which) => {
        // few distinct values, so that ties happen
        const round1 = (v: number): number => Math.round(v / 50);
        const A = makeOperand(aShape, aVals.map(round1), aMode);
        const B = makeOperand(bShape, bVals.map(round1), bMode);
        const [op, fn] = cmps[which]!;
        const expected = naiveBinary(aShape, aVals.map(round1), bShape, bVals.map(round1), (x, y) => (fn(x, y) ? 1 : 0));
        const r = op(A, B);
        expect(r.dtype).toBe('bool');
        expect(r.shape).toEqual(expected.shape);
        expect([...r.denseData()]).toEqual(expected.flat);
      }),
      { numRuns: 120 },
    );
  });

  it('a number on either side broadcasts like a 0-d array', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }).chain((shape) =>
          fc.tuple(fc.constant(shape), fc.array(fc.float({ min: -100, max: 100 }), { minLength: numel(shape), maxLength: numel(shape) })),
        ),
        fc.float({ min: -100, max: 100 }),
        fc.nat(2),
        ([shape, vals], s, mode) => {
          const A = makeOperand(shape, vals, mode);
          expect(sub(A, s).toArray()).toEqual(nest(vals.map((x) => f32(x - s)), shape));
          expect(sub(s, A).toArray()).toEqual(nest(vals.map((x) => f32(s - x)), shape));
          expect(div(s, A).toArray()).toEqual(nest(vals.map((x) => f32(s / x)), shape));
        },
      ),
      { numRuns: 120 },
    );
  });

  it('in-place ops on views match the reference and write through to the storage', () => {
    fc.assert(
      fc.property(broadcastCaseArb, ({ aShape, bShape, aVals, bVals, aMode, bMode }) => {
        const expected = naiveBinary(aShape, aVals, bShape, bVals, (x, y) => f32(x + y));
        // the destination needs the broadcast shape: only run when A already has it
        if (aShape.length !== expected.shape.length || aShape.some((s, k) => s !== expected.shape[k])) return;
        const A = makeOperand(aShape, aVals, aMode);
        const storage = A.data;
        const B = makeOperand(bShape, bVals, bMode);
        expect(A.add_(B)).toBe(A);
        expect(A.data).toBe(storage);
        expect(A.toArray()).toEqual(nest(expected.flat, expected.shape));
      }),
      { numRuns: 120 },
    );
  });
});

describe('broadcasting errors name the op', () => {
  it('incompatible shapes', () => {
    const a = zeros([3, 4]);
    const b = zeros([2, 4]);
    expect(() => add(a, b)).toThrow(/^add: shapes \[3, 4\] and \[2, 4\] cannot be broadcast together \(dim -2: 3 vs 2\)$/);
    expect(() => sub(a, b)).toThrow(/^sub:/);
    expect(() => mul(a, b)).toThrow(/^mul:/);
    expect(() => div(a, b)).toThrow(/^div:/);
    expect(() => pow(a, b)).toThrow(/^pow:/);
    expect(() => maximum(a, b)).toThrow(/^maximum:/);
    expect(() => minimum(a, b)).toThrow(/^minimum:/);
    expect(() => eq(a, b)).toThrow(/^eq:/);
    expect(() => ne(a, b)).toThrow(/^ne:/);
    expect(() => lt(a, b)).toThrow(/^lt:/);
    expect(() => le(a, b)).toThrow(/^le:/);
    expect(() => gt(a, b)).toThrow(/^gt:/);
    expect(() => ge(a, b)).toThrow(/^ge:/);
    expect(() => where(zeros([3, 4], { dtype: 'bool' }), a, b)).toThrow(/^where:/);
    expect(() => where(zeros([5], { dtype: 'bool' }), a, 0)).toThrow(/^where:/);
  });
});

describe('dtype promotion (PyTorch rules)', () => {
  it('two arrays promote bool < uint8 < int32 < float32 < float64', () => {
    const mk = (d: DType): NDArray => zeros([1], { dtype: d });
    expect(add(mk('int32'), mk('int32')).dtype).toBe('int32');
    expect(add(mk('uint8'), mk('int32')).dtype).toBe('int32');
    expect(add(mk('bool'), mk('uint8')).dtype).toBe('uint8');
    expect(add(mk('bool'), mk('bool')).dtype).toBe('bool');
    expect(add(mk('int32'), mk('float32')).dtype).toBe('float32');
    expect(mul(mk('float32'), mk('float64')).dtype).toBe('float64');
    expect(resultType(mk('uint8'), mk('float64'))).toBe('float64');
  });

  it('a number is a weak scalar: it keeps the array dtype unless it is fractional next to integers', () => {
    const i = array([1, 2], { dtype: 'int32' });
    expect(add(i, 1).dtype).toBe('int32');
    expect(add(i, 1).toArray()).toEqual([2, 3]);
    expect(add(i, 0.5).dtype).toBe('float32');
    expect(add(i, 0.5).toArray()).toEqual([1.5, 2.5]);
    expect(mul(2.5, i).dtype).toBe('float32');
    expect(add(array([1], { dtype: 'float64' }), 1).dtype).toBe('float64');
    expect(add(array([true]), 1).dtype).toBe('int32');
    expect(add(array([true]), 1.5).dtype).toBe('float32');
    expect(add(array([200], { dtype: 'uint8' }), 100).toArray()).toEqual([44]); // stays uint8 and wraps, like PyTorch
    expect(resultType(1, 2)).toBe('float32');
  });

  it('true division of integers gives float32', () => {
    const a = array([1, 7, -7], { dtype: 'int32' });
    const b = array([2, 2, 2], { dtype: 'int32' });
    const q = div(a, b);
    expect(q.dtype).toBe('float32');
    expect(q.toArray()).toEqual([0.5, 3.5, -3.5]);
    expect(div(a, 0).toArray()).toEqual([Infinity, Infinity, -Infinity]);
    expect(div(array([1], { dtype: 'uint8' }), array([true])).dtype).toBe('float32');
    expect(div(array([1], { dtype: 'float64' }), 2).dtype).toBe('float64');
  });

  it('comparisons give bool whatever the operands', () => {
    expect(lt(array([1, 2], { dtype: 'int32' }), 1.5).toArray()).toEqual([true, false]);
    expect(eq(array([1], { dtype: 'float64' }), array([1], { dtype: 'uint8' })).dtype).toBe('bool');
    expect(gt(3, array([1, 5])).toArray()).toEqual([true, false]);
  });

  it('a number next to a float32 array is rounded to float32 first, as PyTorch converts scalars', () => {
    expect(eq(array([0.1]), 0.1).toArray()).toEqual([true]);
    expect(array([0.1]).ge(0.1).toArray()).toEqual([true]);
    expect(array([0.1]).gt(0.1).toArray()).toEqual([false]);
    expect(eq(0.1, array([0.1])).toArray()).toEqual([true]);
    expect(ne(array([0.1], { dtype: 'float64' }), 0.1).toArray()).toEqual([false]);
    expect(eq(array([0.1], { dtype: 'float64' }), Math.fround(0.1)).toArray()).toEqual([false]);
    expect(sub(array([1]), 0.1).get(0)).toBe(f32(1 - f32(0.1)));
  });
});

describe('unary ops', () => {
  it('float-only ops compute in the float dtype; integer inputs give float32', () => {
    const x = array([0, 1, 4]);
    expect(exp(x).toArray()).toEqual([1, f32(Math.E), f32(Math.exp(4))]);
    expect(log(x).toArray()).toEqual([-Infinity, 0, f32(Math.log(4))]);
    expect(sqrt(x).toArray()).toEqual([0, 1, 2]);
    expect(rsqrt(x).toArray()).toEqual([Infinity, 1, 0.5]);
    expect(reciprocal(x).toArray()).toEqual([Infinity, 1, 0.25]);
    expect(expm1(array([1e-10], { dtype: 'float64' })).get(0)).toBeCloseTo(1e-10, 20);
    expect(log1p(array([1e-10], { dtype: 'float64' })).get(0)).toBeCloseTo(1e-10, 20);
    expect(sin(array([0])).item()).toBe(0);
    expect(cos(array([0])).item()).toBe(1);
    expect(tanh(array([-1000, 0, 1000])).toArray()).toEqual([-1, 0, 1]);
    expect(exp(array([1, 2], { dtype: 'int32' })).dtype).toBe('float32');
    expect(log(array([1], { dtype: 'uint8' })).dtype).toBe('float32');
    expect(sqrt(array([4], { dtype: 'float64' })).dtype).toBe('float64');
    expect(Number.isNaN(log(array([-1])).item())).toBe(true);
    expect(Number.isNaN(sqrt(array([-1])).item())).toBe(true);
  });

  it('sigmoid is exact at 0 and saturates without overflow at ±1000', () => {
    const s = sigmoid(array([-1000, -30, 0, 30, 1000], { dtype: 'float64' }));
    const v = s.toArray() as number[];
    expect(v[0]).toBe(0);
    expect(v[1]).toBeCloseTo(Math.exp(-30), 25);
    expect(v[2]).toBe(0.5);
    expect(v[3]).toBeCloseTo(1, 12);
    expect(v[4]).toBe(1);
    expect(v.every(Number.isFinite)).toBe(true);
    expect(sigmoid(array([1], { dtype: 'int32' })).dtype).toBe('float32');
  });

  it('sign-preserving ops keep the dtype (bool becomes int32)', () => {
    const i = array([-2, 0, 3], { dtype: 'int32' });
    expect(neg(i).dtype).toBe('int32');
    expect(neg(i).toArray()).toEqual([2, 0, -3]);
    expect(abs(i).toArray()).toEqual([2, 0, 3]);
    expect(sign(i).toArray()).toEqual([-1, 0, 1]);
    expect(square(i).toArray()).toEqual([4, 0, 9]);
    expect(relu(i).toArray()).toEqual([0, 0, 3]);
    expect(neg(array([1, 0], { dtype: 'uint8' })).toArray()).toEqual([255, 0]);
    expect(abs(array([true, false])).dtype).toBe('int32');
    expect(square(array([1.5])).toArray()).toEqual([2.25]);
  });

  it('relu keeps NaN and maps -0 and negatives to 0', () => {
    const r = relu(array([NaN, -1, -0, 2]));
    const v = r.toArray() as number[];
    expect(Number.isNaN(v[0])).toBe(true);
    expect(v.slice(1)).toEqual([0, 0, 2]);
  });

  it('floor / ceil / round (half to even)', () => {
    const x = array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.4, -2.6]);
    expect(floor(x).toArray()).toEqual([-3, -2, -1, 0, 1, 2, 2, -3]);
    expect(ceil(x).toArray()).toEqual([-2, -1, -0, 1, 2, 3, 3, -2]);
    expect(round(x).toArray()).toEqual([-2, -2, -0, 0, 2, 2, 2, -3]);
    expect(round(array([7], { dtype: 'int32' })).dtype).toBe('int32');
  });

  it('work on non-contiguous views', () => {
    const t = arange(6, undefined, 1, { dtype: 'float32' }).reshape(2, 3).transpose(0, 1);
    expect(neg(t).toArray()).toEqual([[-0, -3], [-1, -4], [-2, -5]]);
    expect(sqrt(t.slice(0, 1)).toArray()).toEqual([[1, 2], [f32(Math.SQRT2), f32(Math.sqrt(5))]]);
  });
});

describe('erf', () => {
  // erf(x) to 17 significant digits (they agree with Abramowitz & Stegun, table 7.1, to its 10–15 digits)
  const reference: [number, number][] = [
    [1e-20, 1.1283791670955125e-20],
    [1e-8, 1.1283791670955126e-8],
    [0.1, 0.1124629160182849],
    [0.25, 0.2763263901682369],
    [0.46875, 0.49261347321793797],
    [0.5, 0.5204998778130465],
    [0.75, 0.7111556336535151],
    [1, 0.8427007929497149],
    [1.5, 0.9661051464753108],
    [2, 0.9953222650189527],
    [2.5, 0.999593047982555],
    [3, 0.9999779095030014],
    [3.5, 0.9999992569016276],
    [4, 0.9999999845827421],
    [4.5, 0.9999999998033839],
    [5, 0.9999999999984626],
    [5.5, 0.9999999999999927],
  ];

  it('matches reference values to ~1e-15 (relative) on both sides of 0, in every range of the approximation', () => {
    const xs = reference.flatMap(([x]) => [x, -x]);
    const got = erf(array(xs, { dtype: 'float64' })).toArray() as number[];
    reference.forEach(([x, e], i) => {
      expect(Math.abs(got[2 * i]! - e), `erf(${x})`).toBeLessThanOrEqual(1e-15 * Math.abs(e));
      expect(got[2 * i + 1], `erf(${-x}) = −erf(${x})`).toBe(-got[2 * i]!);
    });
  });

  it('is exact at 0, saturates to ±1, keeps NaN, and is monotone', () => {
    const v = erf(array([0, -0, 6, -6, 30, Infinity, -Infinity, NaN], { dtype: 'float64' })).toArray() as number[];
    expect(v.slice(0, 7)).toEqual([0, -0, 1, -1, 1, 1, -1]);
    expect(Number.isNaN(v[7])).toBe(true);
    const grid = Array.from({ length: 2001 }, (_, i) => -6 + i * 0.006);
    const g = erf(array(grid, { dtype: 'float64' })).toArray() as number[];
    for (let i = 1; i < g.length; i++) expect(g[i]! >= g[i - 1]!, `at ${grid[i]}`).toBe(true);
  });

  it('float32 in, float32 out (rounded once); integers give float32', () => {
    const x = array([0.5, -2]);
    expect(erf(x).dtype).toBe('float32');
    expect(erf(x).toArray()).toEqual([f32(0.5204998778130465), f32(-0.9953222650189527)]);
    const i = erf(array([1, 0], { dtype: 'int32' }));
    expect(i.dtype).toBe('float32');
    expect(i.toArray()).toEqual([f32(0.8427007929497149), 0]);
  });
});

describe('pow', () => {
  it('raises element-wise with broadcasting', () => {
    expect(pow(array([1, 2, 3]), 2).toArray()).toEqual([1, 4, 9]);
    expect(pow(2, array([0, 1, 3], { dtype: 'int32' })).toArray()).toEqual([1, 2, 8]);
    expect(pow(array([4]), 0.5).toArray()).toEqual([2]);
    expect(pow(array([2], { dtype: 'int32' }), 3).dtype).toBe('int32');
    expect(pow(array([2], { dtype: 'int32' }), 0.5).dtype).toBe('float32');
    expect(pow(array([[2], [3]]), array([1, 2])).toArray()).toEqual([[2, 4], [3, 9]]);
  });

  it('rejects integers to negative integer powers, as PyTorch', () => {
    expect(() => pow(array([2], { dtype: 'int32' }), -1)).toThrow(/^pow: integers to negative integer powers are not allowed \(exponent -1\)$/);
    expect(pow(array([2]), -1).toArray()).toEqual([0.5]);
  });
});

describe('maximum / minimum', () => {
  it('propagate NaN from either side', () => {
    const m = maximum(array([NaN, 1, 5]), array([0, NaN, 3])).toArray() as number[];
    expect(Number.isNaN(m[0])).toBe(true);
    expect(Number.isNaN(m[1])).toBe(true);
    expect(m[2]).toBe(5);
    const n = minimum(array([NaN, 1, 5]), 3).toArray() as number[];
    expect(Number.isNaN(n[0])).toBe(true);
    expect(n.slice(1)).toEqual([1, 3]);
  });
});

describe('where', () => {
  it('picks from a where true, b elsewhere, broadcasting all three', () => {
    const c = array([[true], [false]]);
    expect(where(c, array([1, 2, 3]), 0).toArray()).toEqual([[1, 2, 3], [0, 0, 0]]);
    expect(where(array([true, false]), 1, 2).toArray()).toEqual([1, 2]);
    expect(where(array([true, false]), array([1, 2], { dtype: 'int32' }), 0).dtype).toBe('int32');
    expect(where(array([true, false]), array([1, 2], { dtype: 'int32' }), 0.5).dtype).toBe('float32');
    expect(where(array([false]), array([1]), 0.1).get(0)).toBe(f32(0.1));
    const t = arange(4).reshape(2, 2).transpose(0, 1);
    expect(where(array([true, false]), t, t.neg()).toArray()).toEqual([[0, -2], [1, -3]]);
  });

  it('requires a bool condition', () => {
    expect(() => where(array([1, 0]), 1, 2)).toThrow(TypeError);
    expect(() => where(array([1, 0]), 1, 2)).toThrow(/^where: condition must be a bool array, got float32$/);
  });
});

describe('clamp', () => {
  it('limits to [min, max], either bound optional; NaN stays NaN', () => {
    const x = array([-2, -0.5, 0.5, 2, NaN]);
    const both = clamp(x, -1, 1).toArray() as number[];
    expect(both.slice(0, 4)).toEqual([-1, -0.5, 0.5, 1]);
    expect(Number.isNaN(both[4])).toBe(true);
    expect((clamp(x, 0).toArray() as number[]).slice(0, 4)).toEqual([0, 0, 0.5, 2]);
    expect((clamp(x, null, 0).toArray() as number[]).slice(0, 4)).toEqual([-2, -0.5, 0, 0]);
    expect((clamp(x, undefined, 0).toArray() as number[]).slice(0, 4)).toEqual([-2, -0.5, 0, 0]);
  });

  it('with min > max every element becomes max, as torch.clamp', () => {
    expect(clamp(array([-5, 0, 5]), 2, 1).toArray()).toEqual([1, 1, 1]);
  });

  it('keeps integer dtypes with integer bounds and promotes with fractional ones', () => {
    const i = array([-5, 0, 5], { dtype: 'int32' });
    expect(clamp(i, -1, 1).dtype).toBe('int32');
    expect(clamp(i, -1, 1).toArray()).toEqual([-1, 0, 1]);
    expect(clamp(i, 0.5).dtype).toBe('float32');
    expect(clamp(i, 0.5).toArray()).toEqual([0.5, 0.5, 5]);
    expect(clamp(array([true, false]), 0, 0).dtype).toBe('int32');
  });

  it('needs at least one bound', () => {
    expect(() => clamp(array([1]))).toThrow(TypeError);
    expect(() => clamp(array([1]), null, null)).toThrow(/^clamp: at least one of min and max must be given$/);
  });
});

describe('in place: out arrays, fill_ and copy_', () => {
  it('writes into out and checks its shape and dtype', () => {
    const out = zeros([2, 2]);
    expect(add(array([1, 2]), array([[10], [20]]), out)).toBe(out);
    expect(out.toArray()).toEqual([[11, 12], [21, 22]]);
    expect(() => add(array([1, 2]), array([[10], [20]]), zeros([2]))).toThrow(
      /^add: the result has shape \[2, 2\] but the output array has shape \[2\]$/,
    );
    expect(() => div(array([1], { dtype: 'int32' }), 2, zeros([1], { dtype: 'int32' }))).toThrow(
      /^div: the result type float32 cannot be written in place into an array of dtype int32$/,
    );
    expect(() => exp(array([1]), zeros([1], { dtype: 'int32' }))).toThrow(/^exp: the result type float32 cannot be written/);
    expect(() => exp(array([1, 2]), zeros([3]))).toThrow(/^exp: the result has shape \[2\] but the output array has shape \[3\]$/);
    expect(() => add(array([1]), 1, zeros([1], { dtype: 'bool' }))).toThrow(/^add: the result type float32 cannot be written in place into an array of dtype bool$/);
  });

  it('an out array of the same kind takes the result cast, like PyTorch (float64 into float32)', () => {
    const out = zeros([1]);
    mul(array([0.1], { dtype: 'float64' }), 3, out);
    expect(out.get(0)).toBe(f32(0.1 * 3));
    // the op computes in its own dtype, then converts into out: bool + bool is true, uint8 wraps
    const u = zeros([1], { dtype: 'int32' });
    add(array([true]), array([true]), u);
    expect(u.toArray()).toEqual([1]);
    add(array([200], { dtype: 'uint8' }), array([100], { dtype: 'uint8' }), u);
    expect(u.toArray()).toEqual([44]);
    const d = zeros([1], { dtype: 'float64' });
    add(array([0.1]), array([0.2]), d);
    expect(d.get(0)).toBe(f32(f32(0.1) + f32(0.2)));
    neg(array([0.1]), d);
    expect(d.get(0)).toBe(-f32(0.1));
  });

  it('fill_ writes a cast value into every element of any view', () => {
    const a = zeros([3, 4], { dtype: 'int32' });
    expect(fill_(a.transpose(0, 1).slice(0, 0, 4, 3), 7.9).shape).toEqual([2, 3]);
    expect(a.toArray()).toEqual([[7, 0, 0, 7], [7, 0, 0, 7], [7, 0, 0, 7]]);
    expect(fill_(a, -1)).toBe(a);
    expect(a.toArray()).toEqual([[-1, -1, -1, -1], [-1, -1, -1, -1], [-1, -1, -1, -1]]);
    const s = full([], 0);
    fill_(s, 0.1);
    expect(s.item()).toBe(f32(0.1));
  });

  it('copy_ broadcasts the source and casts it to the destination dtype', () => {
    const d = zeros([2, 3], { dtype: 'uint8' });
    copy_(d, array([1, 256, -1], { dtype: 'int32' }));
    expect(d.toArray()).toEqual([[1, 0, 255], [1, 0, 255]]);
    copy_(d.select(0, 1), 9);
    expect(d.toArray()).toEqual([[1, 0, 255], [9, 9, 9]]);
    const f = zeros([2, 2]);
    copy_(f, array([[1, 2], [3, 4]]).transpose(0, 1));
    expect(f.toArray()).toEqual([[1, 3], [2, 4]]);
    expect(() => copy_(zeros([2]), zeros([3]))).toThrow(/^copy_: shapes \[2\] and \[3\] cannot be broadcast/);
    expect(() => copy_(zeros([2]), zeros([2, 2]))).toThrow(/^copy_: source of shape \[2, 2\] does not broadcast to the destination's \[2\]$/);
  });
});

describe('mapBinary', () => {
  it('casts the results of a custom function into integer outputs', () => {
    const r = mapBinary('custom', array([1.7, -1.7]), 0, (x) => x * 2, 'int32');
    expect(r.dtype).toBe('int32');
    expect(r.toArray()).toEqual([3, -3]);
    expect(() => mapBinary('custom', zeros([2]), zeros([3]), (x) => x, 'float32')).toThrow(/^custom: shapes/);
  });
});

/** Runs `f` with a backend that records the sigmoidForward calls (and their n). */
function spyingSigmoid<T>(f: () => T): { result: T; calls: string[] } {
  const calls: string[] = [];
  const spy: Backend = {
    ...jsBackend,
    name: 'spy',
    sigmoidForward: (input, out, n) => {
      calls.push(`forward ${n}`);
      jsBackend.sigmoidForward(input, out, n);
    },
  };
  const previous = setBackend(spy);
  try {
    return { result: f(), calls };
  } finally {
    setBackend(previous);
  }
}

describe('sigmoid goes through the backend', () => {
  it('calls sigmoidForward for float arrays, dense or strided, and keeps dtype and shape', () => {
    const x = array([[-1, 0], [2, 3], [4, -5]], { dtype: 'float64' });
    const { result, calls } = spyingSigmoid(() => [sigmoid(x), sigmoid(x.transpose(0, 1)), sigmoid(array([0.5], { dtype: 'float32' }))]);
    expect(calls).toEqual(['forward 6', 'forward 6', 'forward 1']);
    const [dense, strided, f32] = result;
    const s = sigmoidScalar;
    expect(dense!.dtype).toBe('float64');
    expect(dense!.shape).toEqual([3, 2]);
    expect(dense!.toArray()).toEqual([[s(-1), 0.5], [s(2), s(3)], [s(4), s(-5)]]);
    expect(strided!.toArray()).toEqual([[s(-1), s(2), s(4)], [0.5, s(3), s(-5)]]);
    expect(f32!.dtype).toBe('float32');
    expect(f32!.item()).toBe(Math.fround(s(0.5)));
  });

  it('keeps the generic path for integer inputs (float32 results) and out arrays', () => {
    const out = zeros([2]);
    const { result, calls } = spyingSigmoid(() => [sigmoid(array([0, 1], { dtype: 'int32' })), sigmoid(array([0, 0]), out)]);
    expect(calls).toEqual([]);
    expect(result[0]!.dtype).toBe('float32');
    expect(result[0]!.toArray()).toEqual([0.5, Math.fround(sigmoidScalar(1))]);
    expect(result[1]).toBe(out);
    expect(out.toArray()).toEqual([0.5, 0.5]);
  });

  it('empty arrays call the kernel with n = 0', () => {
    const { result, calls } = spyingSigmoid(() => sigmoid(zeros([0, 3])));
    expect(calls).toEqual(['forward 0']);
    expect(result.shape).toEqual([0, 3]);
  });
});

describe('the dedicated loops of add/sub/mul/div (array∘array, array∘scalar, scalar∘array, a row repeated, out)', () => {
  // the generic path: the same op through mapBinary without loops
  const generic: Record<string, (x: number, y: number) => number> = {
    add: (x, y) => x + y,
    sub: (x, y) => x - y,
    mul: (x, y) => x * y,
    div: (x, y) => x / y,
  };
  const ops = { add, sub, mul, div };
  const bits = (a: NDArray): number[] => [...a.denseData()];

  it('give what the generic loop gives, bit for bit, in every layout', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('add', 'sub', 'mul', 'div'),
        fc.constantFrom('float32', 'float64'),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 3 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom('vv', 'vs', 'sv', 'v0', '0v', 'out', 'strided', 'rowA', 'rowB', 'rowB1'),
        (name, dtype, shape, seed, layout) => {
          let s = seed || 1;
          const rnd = (): number => {
            s = (s * 48271) % 2147483647;
            return (s / 2147483647) * 8 - 4;
          };
          const n = shape.reduce((p, q) => p * q, 1);
          const A = array(Array.from({ length: n }, rnd), { shape, dtype: dtype as 'float32' }) as NDArray;
          const B = array(Array.from({ length: n }, rnd), { shape, dtype: dtype as 'float32' }) as NDArray;
          const op = ops[name];
          const fn = generic[name]!;
          const t = dtype as DType;
          type Case = [NDArray | number, NDArray | number, NDArray | undefined];
          // a batch of 3 (2·1) copies' worth of values: the dense operand the other one repeats along
          const batch = array(Array.from({ length: 3 * 2 * n }, rnd), { shape: [3, 2, ...shape], dtype: dtype as 'float32' }) as NDArray;
          const cases: Record<string, Case> = {
            vv: [A, B, undefined],
            vs: [A, 1.7, undefined],
            sv: [1.3, B, undefined],
            v0: [A, array(2.5, { dtype: dtype as 'float32' }), undefined],
            '0v': [array(-0.5, { dtype: dtype as 'float32' }), B, undefined],
            out: [A, B, zeros(shape, { dtype: dtype as 'float32' })],
            strided: shape.length >= 2 ? [A.transpose(0, 1), B.transpose(0, 1), undefined] : [A, B, undefined],
            rowA: [A, batch, undefined],
            rowB: [batch, B, undefined],
            rowB1: [batch, B.reshape([1, ...shape]), undefined],
          };
          {
            const [a, b, out] = cases[layout]!;
            const fast = op(a, b, out);
            const slow = mapBinary(name, a, b, fn, typeof a === 'number' && typeof b === 'number' ? 'float32' : t, out ? zeros(shape, { dtype: dtype as 'float32' }) : undefined);
            expect(fast.shape).toEqual(slow.shape);
            expect(bits(fast)).toEqual(bits(slow));
            if (out) expect(fast).toBe(out);
          }
        },
      ),
      { numRuns: 300, seed: 31 },
    );
  });

  it('an in-place add into one of its operands reads each element before writing it', () => {
    const a = array([1, 2, 3]);
    add(a, a, a);
    expect(a.toArray()).toEqual([2, 4, 6]);
  });
});
