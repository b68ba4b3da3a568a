import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getBackend, setBackend, type Backend } from '../backend.js';
import { array, zeros } from '../create.js';
import type { FloatDType } from '../dtype.js';
import type { NDArray } from '../ndarray.js';
import { broadcastShapes, shapeSize } from '../shape.js';
import { linear, matmul } from './matmul.js';

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let seed = 1;
/**
 * Random values that are multiples of 1/8 in [-2, 2]: every product and every sum of a few dozen
 * of them is exact in float32, so results can be compared exactly whatever the summation order.
 */
function rand(shape: readonly number[], dtype: FloatDType = 'float32'): NDArray {
  const r = rng(seed++);
  const n = shapeSize(shape);
  const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.round((r() * 4 - 2) * 8) / 8;
  return array(data, { shape });
}

/** torch.matmul by definition, element by element through `get` (independent of the op). */
function refMatmul(a: NDArray, b: NDArray): { shape: number[]; data: number[] } {
  const a2 = a.ndim === 1 ? a.unsqueeze(0) : a;
  const b2 = b.ndim === 1 ? b.unsqueeze(-1) : b;
  const m = a2.shape[a2.ndim - 2]!;
  const k = a2.shape[a2.ndim - 1]!;
  const n = b2.shape[b2.ndim - 1]!;
  const aBatch = a2.shape.slice(0, -2);
  const bBatch = b2.shape.slice(0, -2);
  const batch = broadcastShapes('ref', aBatch, bBatch);
  const data: number[] = [];
  const idx = new Array<number>(batch.length).fill(0);
  const pick = (own: readonly number[]): number[] => own.map((d, i) => (d === 1 ? 0 : idx[batch.length - own.length + i]!));
  for (let t = 0; t < shapeSize(batch); t++) {
    let rem = t;
    for (let d = batch.length - 1; d >= 0; d--) {
      idx[d] = rem % batch[d]!;
      rem = Math.floor(rem / batch[d]!);
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a2.get(...pick(aBatch), i, p) * b2.get(...pick(bBatch), p, j);
        data.push(s);
      }
    }
  }
  const shape = [...batch];
  if (a.ndim > 1) shape.push(m);
  if (b.ndim > 1) shape.push(n);
  return { shape, data };
}

function expectEqualRef(got: NDArray, ref: { shape: number[]; data: number[] }): void {
  expect(got.shape).toEqual(ref.shape);
  expect(got.isContiguous()).toBe(true);
  expect([...got.denseData()]).toEqual(ref.data);
}

function checkMatmul(a: NDArray, b: NDArray): NDArray {
  const out = matmul(a, b);
  expectEqualRef(out, refMatmul(a, b));
  return out;
}

describe('matmul', () => {
  it('computes the doc example', () => {
    const a = array([[1, 2, 3], [4, 5, 6]]);
    const b = array([[1, 0], [0, 1], [1, 1]]);
    expect(matmul(a, b).toArray()).toEqual([[4, 5], [10, 11]]);
    const dot = matmul(array([1, 2, 3]), array([4, 5, 6]));
    expect(dot.shape).toEqual([]);
    expect(dot.item()).toBe(32);
    expect(matmul(zeros([8, 2, 3]), b).shape).toEqual([8, 2, 2]);
  });

  const shapeCases: [number[], number[], number[]][] = [
    [[3], [3], []],
    [[2, 3], [3], [2]],
    [[3], [3, 4], [4]],
    [[2, 3], [3, 4], [2, 4]],
    [[2, 2, 3], [3, 4], [2, 2, 4]],
    [[3], [2, 3, 4], [2, 4]],
    [[2, 2, 3], [3], [2, 2]],
    [[2, 1, 2, 3], [3, 3, 2], [2, 3, 2, 2]],
    [[4, 2, 3], [4, 3, 2], [4, 2, 2]],
    [[1, 3], [2, 3, 4], [2, 1, 4]],
    [[5, 1, 4, 3], [1, 6, 3, 2], [5, 6, 4, 2]],
    [[2, 1, 3, 5], [4, 5, 2], [2, 4, 3, 2]],
    [[1, 1], [1, 1], [1, 1]],
    [[1], [1], []],
    [[3, 20, 30], [30, 25], [3, 20, 25]], // big enough for the packed kernel; batch merged into rows
    [[3, 20, 30], [3, 30, 25], [3, 20, 25]],
    [[2, 3, 17, 9], [9, 70], [2, 3, 17, 70]],
    [[1, 40, 33], [2, 33, 41], [2, 40, 41]],
    // empty dims
    [[0, 3], [3, 4], [0, 4]],
    [[2, 0], [0, 3], [2, 3]],
    [[0], [0], []],
    [[0, 2, 3], [3, 4], [0, 2, 4]],
    [[2, 3], [3, 0], [2, 0]],
    [[3, 0, 2], [2, 5], [3, 0, 5]],
  ];
  for (const [sa, sb, so] of shapeCases) {
    it(`[${sa.join(', ')}] @ [${sb.join(', ')}] → [${so.join(', ')}]`, () => {
      const out = checkMatmul(rand(sa), rand(sb));
      expect(out.shape).toEqual(so);
      expect(out.dtype).toBe('float32');
    });
  }

  it('gives zeros for an empty inner dim', () => {
    expect(matmul(zeros([2, 0]), zeros([0, 3])).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(matmul(zeros([0]), zeros([0])).item()).toBe(0);
  });

  describe('non-contiguous inputs', () => {
    it('transposed views (passed to GEMM as transposed operands)', () => {
      const at = rand([4, 3]).transpose(0, 1); // [3, 4], strides [1, 3]
      const bt = rand([5, 4]).transpose(0, 1); // [4, 5]
      checkMatmul(at, rand([4, 5]));
      checkMatmul(rand([3, 4]), bt);
      checkMatmul(at, bt);
      checkMatmul(rand([2, 40, 30]).transpose(1, 2), rand([2, 41, 40]).transpose(-1, -2));
      checkMatmul(rand([30, 40]).transpose(0, 1), rand([30, 20])); // packed kernel, transA
    });

    it('sliced, narrowed, permuted and selected views', () => {
      checkMatmul(rand([3, 8]).slice(1, 0, 8, 2), rand([4, 3])); // column stride 2: copied
      checkMatmul(rand([3, 4]), rand([9, 3]).slice(0, 1, 9, 2));
      checkMatmul(rand([6, 5]).narrow(0, 1, 3), rand([7, 4]).narrow(0, 2, 5)); // offsets
      checkMatmul(rand([3, 2, 4, 5]).permute(1, 0, 2, 3), rand([5, 3])); // batch dims do not merge
      checkMatmul(rand([3, 2, 4, 5]).permute(1, 0, 2, 3), rand([3, 5, 3]));
      checkMatmul(rand([2, 3, 4, 5]).select(0, 1), rand([5, 6])); // offset, batch merged
      checkMatmul(rand([4, 3, 5]).transpose(0, 1), rand([5, 6]));
      checkMatmul(rand([2, 3, 6, 5]).slice(2, 0, 6, 2), rand([5, 4])); // row stride 10, batch gaps
    });

    it('strided and broadcast 1-D operands', () => {
      const v = rand([8]).slice(0, 0, 8, 2); // [4], stride 2
      checkMatmul(v, v);
      checkMatmul(rand([3, 4]), v);
      checkMatmul(v, rand([4, 3]));
      checkMatmul(v, rand([2, 4, 3]));
      const e = array([1.5]).expand(4); // stride 0
      checkMatmul(e, rand([4, 3]));
      checkMatmul(rand([2, 3, 4]), e);
      checkMatmul(e, e);
    });

    it('expanded (stride-0) batch dims and matrices', () => {
      checkMatmul(rand([1, 3, 4]).expand(5, 3, 4), rand([4, 2]));
      checkMatmul(rand([3, 4]), rand([1, 4, 2]).expand(5, 4, 2));
      checkMatmul(rand([1, 4]).expand(3, 4), rand([4, 2])); // rows of stride 0: copied
      checkMatmul(rand([3, 1]).expand(3, 4), rand([4, 1]).expand(4, 5));
      checkMatmul(rand([2, 1, 3, 4]).expand(2, 6, 3, 4), rand([6, 4, 5]));
    });
  });

  describe('dtypes', () => {
    it('float64 @ float64 gives float64', () => {
      const out = checkMatmul(rand([2, 3, 5], 'float64'), rand([5, 4], 'float64'));
      expect(out.dtype).toBe('float64');
      const x = array([[1e-10, 1]], { dtype: 'float64' });
      const y = array([[1], [1]], { dtype: 'float64' });
      expect(matmul(x, y).item()).toBe(1 + 1e-10); // not rounded to float32
    });

    it('float32 @ float64 promotes to float64', () => {
      for (const [a, b] of [
        [rand([3, 4]), rand([4, 2], 'float64')],
        [rand([3, 4], 'float64'), rand([4, 2])],
        [rand([4]), rand([2, 4, 3], 'float64')],
      ] as const) {
        const out = checkMatmul(a, b);
        expect(out.dtype).toBe('float64');
      }
    });

    it('rejects integer and bool operands with a TypeError naming the op', () => {
      const i = array([[1, 2], [3, 4]], { dtype: 'int32' });
      const f = array([[1, 2], [3, 4]]);
      expect(() => matmul(i, f)).toThrow(TypeError);
      expect(() => matmul(f, i)).toThrow(/^matmul: expected float32 or float64 arrays, got float32 \[2, 2\] and int32 \[2, 2\]/);
      expect(() => matmul(array([true, false]), array([1, 2]))).toThrow(/matmul.*bool/);
      expect(() => matmul(f.astype('uint8'), f)).toThrow(/matmul.*uint8/);
    });
  });

  describe('errors', () => {
    it('inner dimensions that differ', () => {
      expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow('matmul: inner dimensions do not match: [2, 3] @ [4, 5] (3 vs 4)');
      expect(() => matmul(zeros([3]), zeros([4]))).toThrow('matmul: inner dimensions do not match: [3] @ [4] (3 vs 4)');
      expect(() => matmul(zeros([2, 3]), zeros([2]))).toThrow(RangeError);
      expect(() => matmul(zeros([5, 2, 3]), zeros([5, 2, 3]))).toThrow(/matmul: inner dimensions do not match: \[5, 2, 3\] @ \[5, 2, 3\]/);
    });

    it('batch dims that do not broadcast', () => {
      expect(() => matmul(zeros([2, 2, 3]), zeros([3, 3, 4]))).toThrow(/^matmul: batch dimensions do not broadcast: \[2, 2, 3\] @ \[3, 3, 4\]/);
      expect(() => matmul(zeros([4, 2, 2, 3]), zeros([3, 3, 4]))).toThrow(RangeError);
      expect(() => matmul(zeros([2, 5, 2, 3]), zeros([3, 1, 3, 4]))).toThrow(/\(batch shapes \[2, 5\] and \[3, 1\], dim -2: 2 vs 3\)/);
    });

    it('0-d operands', () => {
      expect(() => matmul(array(2), zeros([3]))).toThrow('matmul: both operands must be at least 1-D, got [] @ [3]');
      expect(() => matmul(zeros([3]), array(2))).toThrow(/matmul: .*\[3\] @ \[\]/);
      expect(() => matmul(array(2), array(3))).toThrow(RangeError);
    });

    it('non-arrays', () => {
      expect(() => matmul([1, 2] as unknown as NDArray, zeros([2]))).toThrow(/^matmul: first operand must be an NDArray/);
    });
  });

  it('matches the reference for random shapes, broadcasts and layouts (property)', () => {
    /** An operand of `shape`, stored with its last two dims swapped (a transposed view) when asked. */
    const operand = (shape: number[], transposed: boolean, dtype: FloatDType): NDArray => {
      if (!transposed || shape.length < 2) return rand(shape, dtype);
      const swapped = [...shape];
      [swapped[swapped.length - 2], swapped[swapped.length - 1]] = [shape[shape.length - 1]!, shape[shape.length - 2]!];
      return rand(swapped, dtype).transpose(-1, -2);
    };
    fc.assert(
      fc.property(
        fc.record({
          batch: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 }),
          dropA: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), // size-1 / missing batch dims of a
          dropB: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
          lead: fc.nat(3),
          m: fc.integer({ min: 0, max: 9 }),
          k: fc.integer({ min: 0, max: 9 }),
          n: fc.integer({ min: 0, max: 9 }),
          vecA: fc.boolean(),
          vecB: fc.boolean(),
          transA: fc.boolean(),
          transB: fc.boolean(),
          f64: fc.constantFrom<FloatDType[]>(['float32', 'float32'], ['float64', 'float32'], ['float64', 'float64']),
        }),
        (c) => {
          const batchOf = (drop: boolean[]): number[] => c.batch.map((d, i) => (drop[i] ? 1 : d)).slice(Math.min(c.lead, c.batch.length));
          const sa = c.vecA ? [c.k] : [...batchOf(c.dropA), c.m, c.k];
          const sb = c.vecB ? [c.k] : [...batchOf(c.dropB), c.k, c.n];
          const a = operand(sa, c.transA, c.f64[0]!);
          const b = operand(sb, c.transB, c.f64[1]!);
          const out = checkMatmul(a, b);
          expect(out.dtype).toBe(c.f64[0] === 'float64' || c.f64[1] === 'float64' ? 'float64' : 'float32');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('calls the GEMM kernel of the current backend', () => {
    const calls: boolean[][] = [];
    const base = getBackend();
    const spy: Backend = {
      ...base,
      name: 'spy',
      gemm: (...args: Parameters<Backend['gemm']>) => {
        calls.push([args[0], args[1]]);
        base.gemm(...args);
      },
    };
    const previous = setBackend(spy);
    try {
      checkMatmul(rand([4, 3]).transpose(0, 1), rand([4, 5]));
      checkMatmul(rand([6, 2, 3]), rand([3, 4]));
      checkMatmul(rand([2, 2, 3]), rand([2, 3, 4]));
      linear(rand([2, 3]), rand([4, 3]), rand([4]));
    } finally {
      setBackend(previous);
    }
    // the transposed view is read in place; the batch of 6 is merged into one call; the batch of 2 is looped
    expect(calls).toEqual([[true, false], [false, false], [false, false], [false, false], [false, true]]);
  });
});

/** linear by definition: input @ weightᵀ + bias. */
function refLinear(input: NDArray, weight: NDArray, bias: NDArray | null): { shape: number[]; data: number[] } {
  const ref = refMatmul(input, weight.transpose(0, 1));
  if (bias !== null) {
    const outF = weight.shape[0]!;
    ref.data = ref.data.map((v, i) => v + bias.get(i % outF));
  }
  return ref;
}

describe('linear', () => {
  it('computes the doc example', () => {
    const x = array([[1, 2, 3], [4, 5, 6]]);
    const w = array([[1, 0, 0], [0, 1, 1]]);
    expect(linear(x, w, array([10, 20])).toArray()).toEqual([[11, 25], [14, 31]]);
    expect(linear(x, w).toArray()).toEqual([[1, 5], [4, 11]]);
  });

  const cases: [number[], number[], number[]][] = [
    [[4, 5], [3, 5], [4, 3]],
    [[2, 3, 4], [2, 4], [2, 3, 2]],
    [[5], [3, 5], [3]],
    [[1, 1], [1, 1], [1, 1]],
    [[2, 3, 4, 30], [40, 30], [2, 3, 4, 40]],
    [[0, 5], [3, 5], [0, 3]],
    [[2, 0], [3, 0], [2, 3]],
    [[2, 4], [0, 4], [2, 0]],
  ];
  for (const [si, sw, so] of cases) {
    for (const withBias of [true, false]) {
      it(`[${si.join(', ')}] with weight [${sw.join(', ')}]${withBias ? ' and bias' : ''} → [${so.join(', ')}]`, () => {
        const input = rand(si);
        const weight = rand(sw);
        const bias = withBias ? rand([sw[0]!]) : null;
        const out = linear(input, weight, bias);
        expect(out.shape).toEqual(so);
        expect(out.dtype).toBe('float32');
        expectEqualRef(out, refLinear(input, weight, bias));
      });
    }
  }

  it('the bias defaults to none', () => {
    const input = rand([3, 4]);
    const weight = rand([2, 4]);
    expectEqualRef(linear(input, weight), refLinear(input, weight, null));
  });

  it('accepts non-contiguous input, weight and bias', () => {
    const input = rand([5, 3]).transpose(0, 1); // [3, 5]
    const weight = rand([5, 4]).transpose(0, 1); // [4, 5], a transposed view: passed as is
    const bias = rand([8]).slice(0, 0, 8, 2); // [4], stride 2
    expectEqualRef(linear(input, weight, bias), refLinear(input, weight, bias));
    const x3 = rand([4, 2, 5]).permute(1, 0, 2); // leading dims do not merge: reshaped by copy
    expectEqualRef(linear(x3, weight, bias), refLinear(x3, weight, bias));
    const wSliced = rand([4, 10]).slice(1, 0, 10, 2); // column stride 2: copied
    expectEqualRef(linear(x3, wSliced, null), refLinear(x3, wSliced, null));
    const xe = rand([1, 5]).expand(3, 5);
    expectEqualRef(linear(xe, weight, bias), refLinear(xe, weight, bias));
  });

  it('promotes to float64 when any operand is float64', () => {
    const input = rand([3, 4], 'float64');
    const weight = rand([2, 4]);
    const bias = rand([2]);
    const out = linear(input, weight, bias);
    expect(out.dtype).toBe('float64');
    expectEqualRef(out, refLinear(input, weight, bias));
    expect(linear(rand([3, 4]), weight, rand([2], 'float64')).dtype).toBe('float64');
    expect(linear(rand([3, 4]), weight, bias).dtype).toBe('float32');
  });

  describe('errors', () => {
    it('feature count mismatch', () => {
      expect(() => linear(zeros([5, 3]), zeros([2, 4]))).toThrow(
        'linear: input has 3 features but weight expects 4 (input shape [5, 3], weight shape [2, 4])',
      );
      expect(() => linear(zeros([3]), zeros([2, 4]), zeros([2]))).toThrow(RangeError);
    });

    it('wrong bias shape', () => {
      expect(() => linear(zeros([5, 4]), zeros([2, 4]), zeros([3]))).toThrow(
        'linear: bias must have shape [2] to match weight shape [2, 4], got [3]',
      );
      expect(() => linear(zeros([5, 4]), zeros([2, 4]), zeros([1, 2]))).toThrow(/linear: bias .*got \[1, 2\]/);
      expect(() => linear(zeros([5, 4]), zeros([2, 4]), array(1))).toThrow(/linear: bias .*got \[\]/);
    });

    it('weight not 2-D, input 0-d', () => {
      expect(() => linear(zeros([5, 4]), zeros([4]))).toThrow('linear: weight must be 2-D (outFeatures, inFeatures), got shape [4]');
      expect(() => linear(zeros([5, 4]), zeros([1, 2, 4]))).toThrow(/linear: weight must be 2-D.*\[1, 2, 4\]/);
      expect(() => linear(array(1), zeros([2, 1]))).toThrow('linear: input must be at least 1-D (..., inFeatures), got shape []');
    });

    it('non-float operands', () => {
      const i = zeros([2, 3]).astype('int32');
      expect(() => linear(i, zeros([4, 3]))).toThrow(TypeError);
      expect(() => linear(zeros([2, 3]), zeros([4, 3]), zeros([4]).astype('int32'))).toThrow(/^linear: expected float32 or float64/);
    });
  });
});

// ------------------------------------------------------------------ PyTorch reference values

interface GoldenTensor {
  shape: number[];
  dtype: 'float32' | 'float64' | 'int64' | 'bool';
  data: (number | boolean)[];
}
interface Tol {
  rtol: number;
  atol: number;
}
interface GoldenCase {
  id: string;
  op: 'linear' | 'matmul';
  inputs: Record<string, GoldenTensor | null>;
  outputs?: { out?: GoldenTensor };
  tol?: Tol;
  tol_overrides?: Record<string, Tol>;
  expect_error?: boolean;
}

function tensor(t: GoldenTensor): NDArray {
  switch (t.dtype) {
    case 'float32':
      return array(Float32Array.from(t.data as number[], (v) => Math.fround(v)), { shape: t.shape });
    case 'float64':
      return array(Float64Array.from(t.data as number[]), { shape: t.shape });
    case 'int64':
      return array(Int32Array.from(t.data as number[]), { shape: t.shape });
    case 'bool':
      return array(Uint8Array.from(t.data as boolean[], (v) => (v ? 1 : 0)), { shape: t.shape, dtype: 'bool' });
  }
}

function optional(t: GoldenTensor | null | undefined): NDArray | null {
  return t === null || t === undefined ? null : tensor(t);
}

function runGolden(c: GoldenCase): NDArray {
  const ins = c.inputs;
  if (c.op === 'linear') return linear(tensor(ins.input!), tensor(ins.weight!), optional(ins.bias));
  return matmul(tensor(ins.input!), tensor(ins.other!));
}

describe('golden: PyTorch reference (golden/linear.json)', () => {
  const file = JSON.parse(readFileSync(new URL('../../../../golden/linear.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };

  it('has cases for both ops, including error cases', () => {
    expect(file.cases.some((c) => c.op === 'linear' && !c.expect_error)).toBe(true);
    expect(file.cases.some((c) => c.op === 'matmul' && !c.expect_error)).toBe(true);
    expect(file.cases.some((c) => c.expect_error)).toBe(true);
    for (const c of file.cases) expect(['linear', 'matmul']).toContain(c.op);
  });

  for (const c of file.cases) {
    if (c.expect_error) {
      it(`${c.id} throws`, () => {
        expect(() => runGolden(c)).toThrow(new RegExp(`^${c.op}: `));
      });
      continue;
    }
    it(c.id, () => {
      const expected = c.outputs!.out!;
      const tol = c.tol_overrides?.['outputs.out'] ?? c.tol!;
      const out = runGolden(c);
      expect(out.shape).toEqual(expected.shape);
      const got = out.denseData();
      expect(got.length).toBe(expected.data.length);
      for (let i = 0; i < got.length; i++) {
        const e = Math.fround(expected.data[i] as number);
        const a = got[i]!;
        if (!(Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e))) {
          expect.fail(`${c.id}: out[${i}] = ${a}, expected ${e} (atol ${tol.atol}, rtol ${tol.rtol})`);
        }
      }
    });
  }
});
