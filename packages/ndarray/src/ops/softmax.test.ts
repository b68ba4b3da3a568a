import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arange, array, full, zeros } from '../create.js';
import type { NDArray, NestedArray } from '../ndarray.js';
import { logSoftmax, softmax } from './softmax.js';

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function unravel(f: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    idx[i] = f % shape[i]!;
    f = Math.floor(f / shape[i]!);
  }
  return idx;
}

function flatten(x: NestedArray): number[] {
  return typeof x === 'number' ? [x] : typeof x === 'boolean' ? [x ? 1 : 0] : x.flatMap(flatten);
}

/**
 * Naive softmax along `dim`: for every element, sum exp(x − max) over the elements that share its
 * index on every other dim, found by comparing multi-indices of all elements.
 */
function naiveSoftmax(a: NDArray, dim: number, log: boolean): number[] {
  const d = dim < 0 ? dim + a.ndim : dim;
  const flat = flatten(a.toArray());
  const idx = flat.map((_, f) => unravel(f, a.shape));
  const sameRow = (p: number[], q: number[]): boolean => p.every((v, k) => k === d || v === q[k]);
  return flat.map((x, f) => {
    const row = flat.filter((_, g) => sameRow(idx[f]!, idx[g]!));
    const m = Math.max(...row);
    const s = row.reduce((t, y) => t + Math.exp(y - m), 0);
    return log ? x - m - Math.log(s) : Math.exp(x - m) / s;
  });
}

const caseArb = fc
  .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 })
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      values: fc.array(fc.float({ min: -50, max: 50, noNaN: true }), { minLength: numel(shape), maxLength: numel(shape) }),
      dim: fc.integer({ min: -shape.length, max: shape.length - 1 }),
      shift: fc.constantFrom(0, 1000, -1000),
      transposed: fc.boolean(),
    }),
  );

describe('softmax / logSoftmax against a naive reference (property)', () => {
  it('match the naive formula along any dim, for views too, shifted by ±1000', () => {
    fc.assert(
      fc.property(caseArb, ({ shape, values, dim, shift, transposed }) => {
        let a = array(new Float32Array(values.map((v) => v + shift)), { shape });
        if (transposed && shape.length > 1) a = a.transpose(0, -1);
        const want = naiveSoftmax(a, dim, false);
        const wantLog = naiveSoftmax(a, dim, true);
        const s = softmax(a, dim);
        const l = logSoftmax(a, dim);
        expect(s.shape).toEqual(a.shape);
        expect(l.shape).toEqual(a.shape);
        expect(s.dtype).toBe('float32');
        flatten(s.toArray()).forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1e-6 + 1e-5 * want[i]!));
        flatten(l.toArray()).forEach((v, i) => expect(Math.abs(v - wantLog[i]!)).toBeLessThanOrEqual(1e-4 + 1e-5 * Math.abs(wantLog[i]!)));
        // softmax is shift-invariant, so a row of logits ~1000 gives the same probabilities as ~0
        if (shift !== 0) {
          const base = softmax(array(new Float32Array(values), { shape }), dim);
          if (!transposed || shape.length === 1) {
            flatten(s.toArray()).forEach((v, i) => expect(v).toBeCloseTo(flatten(base.toArray())[i]!, 3));
          }
        }
      }),
      { numRuns: 120 },
    );
  });
});

describe('softmax', () => {
  it('rows sum to one and the example matches PyTorch', () => {
    const s = softmax(array([[1, 2, 3]]), -1);
    const v = s.toArray() as number[][];
    expect(v[0]![0]).toBeCloseTo(0.09003057, 7);
    expect(v[0]![1]).toBeCloseTo(0.24472847, 7);
    expect(v[0]![2]).toBeCloseTo(0.66524096, 7);
    const t = softmax(arange(12, undefined, 1, { dtype: 'float32' }).reshape(3, 4), 0);
    const sums = [0, 1, 2, 3].map((j) => t.get(0, j) + t.get(1, j) + t.get(2, j));
    for (const x of sums) expect(x).toBeCloseTo(1, 6);
  });

  it('is stable for logits ~1000 and keeps float64', () => {
    const big = softmax(array([1000, 1001, 1002]), 0).toArray() as number[];
    expect(big.every(Number.isFinite)).toBe(true);
    expect(big[2]).toBeCloseTo(0.66524096, 6);
    expect(softmax(array([-1000, 0]), 0).toArray()).toEqual([0, 1]);
    const d = softmax(array([1, 2], { dtype: 'float64' }), 0);
    expect(d.dtype).toBe('float64');
    expect(d.get(1)).toBeCloseTo(1 / (1 + Math.exp(-1)), 15);
  });

  it('handles -inf (masked) entries, 0-d arrays and empty arrays', () => {
    expect(softmax(array([-Infinity, 0, 0]), 0).toArray()).toEqual([0, 0.5, 0.5]);
    expect(softmax(full([], 3), 0).item()).toBe(1);
    expect(softmax(full([], 3), -1).shape).toEqual([]);
    expect(softmax(zeros([2, 0]), 1).shape).toEqual([2, 0]);
    expect(softmax(zeros([0, 3]), 1).shape).toEqual([0, 3]);
    const n = softmax(array([NaN, 0]), 0).toArray() as number[];
    expect(n.every(Number.isNaN)).toBe(true);
  });

  it('rejects integer arrays and bad dims, naming softmax', () => {
    expect(() => softmax(array([1, 2], { dtype: 'int32' }), 0)).toThrow(TypeError);
    expect(() => softmax(array([1, 2], { dtype: 'int32' }), 0)).toThrow(/^softmax: expected a float32 or float64 array, got int32$/);
    expect(() => softmax(array([true]), 0)).toThrow(/^softmax:/);
    expect(() => softmax(zeros([2, 3]), 2)).toThrow(/^softmax: dim 2 is out of range for an array with 2 dims/);
    expect(() => softmax(zeros([2, 3]), -3)).toThrow(/^softmax:/);
  });
});

describe('logSoftmax', () => {
  it('is x − logsumexp(x), accurate where log(softmax) underflows', () => {
    const l = logSoftmax(array([0, -200], { dtype: 'float64' }), 0).toArray() as number[];
    expect(l[0]).toBeCloseTo(-Math.exp(-200), 15);
    expect(l[1]).toBeCloseTo(-200, 10);
    const big = logSoftmax(array([[1000, 1001, 1002]]), 1).toArray() as number[][];
    expect(big[0]![2]).toBeCloseTo(Math.log(0.66524096), 4);
    expect(logSoftmax(array([-Infinity, 0]), 0).toArray()).toEqual([-Infinity, 0]);
    expect(logSoftmax(full([], 7), 0).item()).toBe(0);
  });

  it('rejects integer arrays and bad dims, naming logSoftmax', () => {
    expect(() => logSoftmax(array([1], { dtype: 'uint8' }), 0)).toThrow(/^logSoftmax: expected a float32 or float64 array, got uint8$/);
    expect(() => logSoftmax(zeros([2]), 1)).toThrow(/^logSoftmax: dim 1 is out of range/);
  });
});
