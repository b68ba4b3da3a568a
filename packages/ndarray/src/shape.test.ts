import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  broadcastShapes,
  broadcastStrides,
  checkShape,
  contiguousStrides,
  formatShape,
  normalizeDim,
  normalizeDims,
  pair,
  shapesEqual,
  shapeSize,
} from './shape.js';

describe('shape basics', () => {
  it('formats shapes as errors print them', () => {
    expect(formatShape([2, 3, 4])).toBe('[2, 3, 4]');
    expect(formatShape([])).toBe('[]');
  });

  it('counts elements', () => {
    expect(shapeSize([])).toBe(1);
    expect(shapeSize([2, 3, 4])).toBe(24);
    expect(shapeSize([2, 0, 4])).toBe(0);
  });

  it('computes row-major strides', () => {
    expect(contiguousStrides([])).toEqual([]);
    expect(contiguousStrides([5])).toEqual([1]);
    expect(contiguousStrides([2, 3, 4])).toEqual([12, 4, 1]);
    expect(contiguousStrides([2, 0, 4])).toEqual([0, 4, 1]);
  });

  it('compares shapes', () => {
    expect(shapesEqual([2, 3], [2, 3])).toBe(true);
    expect(shapesEqual([2, 3], [3, 2])).toBe(false);
    expect(shapesEqual([2, 3], [2, 3, 1])).toBe(false);
    expect(shapesEqual([], [])).toBe(true);
  });
});

describe('checkShape', () => {
  it('copies a valid shape', () => {
    const s = [2, 0, 3];
    const c = checkShape('zeros', s);
    expect(c).toEqual(s);
    expect(c).not.toBe(s);
  });

  it('rejects negative, fractional and non-numeric sizes, naming the op', () => {
    expect(() => checkShape('zeros', [2, -1])).toThrow(RangeError);
    expect(() => checkShape('zeros', [2, -1])).toThrow(/^zeros: shape must hold non-negative integers, got \[2, -1\]$/);
    expect(() => checkShape('ones', [1.5])).toThrow(/^ones:/);
    expect(() => checkShape('ones', [NaN])).toThrow(/^ones:/);
  });

  it('rejects a non-array with a TypeError naming the op', () => {
    expect(() => checkShape('full', 3 as unknown as number[])).toThrow(TypeError);
    expect(() => checkShape('full', 3 as unknown as number[])).toThrow(/^full: shape must be an array/);
  });
});

describe('normalizeDim', () => {
  it('maps negative dims from the end', () => {
    expect(normalizeDim('sum', -1, 3)).toBe(2);
    expect(normalizeDim('sum', -3, 3)).toBe(0);
    expect(normalizeDim('sum', 2, 3)).toBe(2);
  });

  it('accepts 0 and -1 for a 0-d array, as PyTorch', () => {
    expect(normalizeDim('sum', 0, 0)).toBe(0);
    expect(normalizeDim('sum', -1, 0)).toBe(0);
    expect(() => normalizeDim('sum', 1, 0)).toThrow(/^sum:/);
  });

  it('rejects out-of-range and fractional dims, naming the op and the range', () => {
    expect(() => normalizeDim('softmax', 3, 3)).toThrow(RangeError);
    expect(() => normalizeDim('softmax', 3, 3)).toThrow(/^softmax: dim 3 is out of range for an array with 3 dims \(expected -3\.\.2\)$/);
    expect(() => normalizeDim('softmax', -4, 3)).toThrow(/^softmax:/);
    expect(() => normalizeDim('softmax', 0.5, 3)).toThrow(/^softmax:/);
  });

  it('normalizeDims rejects repeats after normalisation', () => {
    expect(normalizeDims('sum', [0, -1], 3)).toEqual([0, 2]);
    expect(() => normalizeDims('sum', [2, -1], 3)).toThrow(/^sum: dim \[2, -1\] has a repeated dim$/);
    expect(() => normalizeDims('sum', [0, 5], 3)).toThrow(/^sum: dim 5 is out of range/);
  });
});

/** A shape arbitrary: `ndim` in [0, maxNd], sizes in [0, maxSize]. */
const shapeArb = (maxNd: number, minSize: number, maxSize: number) =>
  fc.array(fc.integer({ min: minSize, max: maxSize }), { minLength: 0, maxLength: maxNd });

/** Naive NumPy broadcasting: pad with 1s on the left, then each dim is max or fails. */
function naiveBroadcast(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const pa = [...new Array<number>(n - a.length).fill(1), ...a];
  const pb = [...new Array<number>(n - b.length).fill(1), ...b];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) out.push(x);
    else if (x === 1) out.push(y);
    else if (y === 1) out.push(x);
    else return null;
  }
  return out;
}

describe('broadcastShapes', () => {
  it('broadcasts the usual cases', () => {
    expect(broadcastShapes('add', [4, 1], [1, 5])).toEqual([4, 5]);
    expect(broadcastShapes('add', [2, 3, 4], [4])).toEqual([2, 3, 4]);
    expect(broadcastShapes('add', [], [2, 3])).toEqual([2, 3]);
    expect(broadcastShapes('add', [3, 1, 2], [3, 4, 1])).toEqual([3, 4, 2]);
    expect(broadcastShapes('add', [1, 0], [5, 1])).toEqual([5, 0]);
  });

  it('throws naming the op, both shapes and the dim', () => {
    expect(() => broadcastShapes('add', [3, 4], [2, 4])).toThrow(RangeError);
    expect(() => broadcastShapes('add', [3, 4], [2, 4])).toThrow(
      /^add: shapes \[3, 4\] and \[2, 4\] cannot be broadcast together \(dim -2: 3 vs 2\)$/,
    );
    expect(() => broadcastShapes('mul', [0], [2])).toThrow(/^mul:/);
  });

  it('matches a naive reference, and is commutative (property)', () => {
    fc.assert(
      fc.property(shapeArb(4, 0, 3), shapeArb(4, 0, 3), (a, b) => {
        const expected = naiveBroadcast(a, b);
        if (expected === null) {
          expect(() => broadcastShapes('add', a, b)).toThrow(/^add: shapes/);
          expect(() => broadcastShapes('add', b, a)).toThrow(/^add: shapes/);
        } else {
          expect(broadcastShapes('add', a, b)).toEqual(expected);
          expect(broadcastShapes('add', b, a)).toEqual(expected);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('broadcastStrides', () => {
  it('gives stride 0 to stretched and new dims', () => {
    expect(broadcastStrides([3, 1], [1, 1], [2, 3, 4])).toEqual([0, 1, 0]);
    expect(broadcastStrides([], [], [2, 2])).toEqual([0, 0]);
    expect(broadcastStrides([2, 3], [3, 1], [2, 3])).toEqual([3, 1]);
  });
});

describe('pair', () => {
  it('turns an int or a pair into a pair', () => {
    expect(pair('conv2d', 'stride', 2)).toEqual([2, 2]);
    expect(pair('conv2d', 'stride', [1, 3])).toEqual([1, 3]);
  });

  it('rejects anything else, naming the op and the argument', () => {
    expect(() => pair('conv2d', 'stride', 1.5)).toThrow(TypeError);
    expect(() => pair('conv2d', 'stride', 1.5)).toThrow(/^conv2d: stride must be an integer or a pair of integers, got 1\.5$/);
    expect(() => pair('conv2d', 'padding', [1, 2, 3])).toThrow(/^conv2d: padding/);
    expect(() => pair('conv2d', 'padding', [1])).toThrow(/^conv2d: padding/);
  });
});
