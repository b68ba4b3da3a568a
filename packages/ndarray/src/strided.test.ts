import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contiguousStrides } from './shape.js';
import { copyStrided, forEachRow } from './strided.js';

/** The storage offset of every element of a strided view, in row-major order, by brute force. */
function naiveOffsets(shape: readonly number[], strides: readonly number[], offset: number): number[] {
  const n = shape.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let f = 0; f < n; f++) {
    let rest = f;
    let o = offset;
    for (let k = shape.length - 1; k >= 0; k--) {
      o += (rest % shape[k]!) * strides[k]!;
      rest = Math.floor(rest / shape[k]!);
    }
    out.push(o);
  }
  return out;
}

describe('forEachRow', () => {
  it('visits one row of length 1 for a 0-d space and nothing for an empty one', () => {
    const rows: [number[], number][] = [];
    forEachRow([], [[]], [5], (o, n) => rows.push([[...o], n]));
    expect(rows).toEqual([[[5], 1]]);
    const none: number[] = [];
    forEachRow([3, 0, 2], [[0, 2, 1]], [0], (_, n) => none.push(n));
    expect(none).toEqual([]);
  });

  it('hands each innermost row with the offsets of every operand (property)', () => {
    const arb = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 }).chain((shape) =>
      fc.tuple(
        fc.constant(shape),
        fc.array(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: shape.length, maxLength: shape.length }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 3, maxLength: 3 }),
      ),
    );
    fc.assert(
      fc.property(arb, ([shape, stridesList, starts]) => {
        const k = stridesList.length;
        const seen: number[][] = stridesList.map(() => []);
        forEachRow(shape, stridesList, starts.slice(0, k), (offs, n) => {
          expect(n).toBe(shape[shape.length - 1]);
          for (let j = 0; j < k; j++) {
            const step = stridesList[j]![shape.length - 1]!;
            for (let i = 0; i < n; i++) seen[j]!.push(offs[j]! + i * step);
          }
        });
        for (let j = 0; j < k; j++) expect(seen[j]).toEqual(naiveOffsets(shape, stridesList[j]!, starts[j]!));
      }),
      { numRuns: 150 },
    );
  });
});

describe('copyStrided', () => {
  it('gathers a strided view into dense row-major order, converting the element type', () => {
    const src = Float64Array.from({ length: 12 }, (_, i) => i + 0.5);
    const dst = new Int32Array(6);
    // the transpose of a 3x4 array restricted to columns 0..1: shape [2, 3], strides [1, 4]
    copyStrided(src, 0, [2, 3], [1, 4], dst);
    expect([...dst]).toEqual([0, 4, 8, 1, 5, 9]);
    const into = new Float32Array(8).fill(-1);
    copyStrided(src, 3, [], [], into, 2);
    expect([...into]).toEqual([-1, -1, 3.5, -1, -1, -1, -1, -1]);
  });

  it('matches the naive offsets (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }), fc.boolean(), (shape, reverse) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const strides = contiguousStrides(shape).map((s) => s * 2);
        const offset = reverse ? 0 : 1;
        const src = Float64Array.from({ length: 2 * n + 2 }, (_, i) => i);
        const dst = new Float64Array(n);
        copyStrided(src, offset, shape, strides, dst);
        expect([...dst]).toEqual(naiveOffsets(shape, strides, offset).map((o) => src[o]));
      }),
      { numRuns: 100 },
    );
  });
});
