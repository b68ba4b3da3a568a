import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convOutputSize, samePadding } from './conv-output-size.js';

describe('convOutputSize', () => {
  it('follows PyTorch on familiar layers', () => {
    expect(convOutputSize(28, 5)).toBe(24); // LeNet conv1 without padding
    expect(convOutputSize(28, 5, 1, 2)).toBe(28); // LeNet conv1 as in D2L (padding 2)
    expect(convOutputSize(28, 2, 2)).toBe(14); // 2x2 pool
    expect(convOutputSize(224, 11, 4, 2)).toBe(55); // AlexNet conv1
    expect(convOutputSize(224, 7, 2, 3)).toBe(112); // ResNet stem
    expect(convOutputSize(112, 3, 2, 1)).toBe(56); // ResNet max pool
    expect(convOutputSize(7, 3, 2, 1)).toBe(4);
    expect(convOutputSize(8, 3, 1, 0, 2)).toBe(4); // dilated span 5
    expect(convOutputSize(5, 5)).toBe(1); // kernel exactly fits
    expect(convOutputSize(0, 1, 1, 1)).toBe(2);
  });

  it('returns 0 or less when the kernel does not fit (callers throw)', () => {
    expect(convOutputSize(3, 4)).toBe(0);
    expect(convOutputSize(5, 3, 1, 0, 3)).toBeLessThanOrEqual(0);
  });

  it('ceilMode rounds up and drops a last window starting in the right padding', () => {
    expect(convOutputSize(6, 3, 2)).toBe(2);
    expect(convOutputSize(6, 3, 2, 0, 1, true)).toBe(3);
    expect(convOutputSize(5, 2, 2, 0, 1, true)).toBe(3);
    // MaxPool2d(2, 2, padding=1, ceil_mode=True) on 5: ceil gives 4, but window 4 would start at 6 ≥ 5 + 1
    expect(convOutputSize(5, 2, 2, 1, 1, true)).toBe(3);
    expect(convOutputSize(4, 2, 2, 0, 1, true)).toBe(2); // exact division: no change
  });

  it('ceilMode (with pooling\'s padding ≤ kernel / 2) equals floor mode when the stride divides evenly, else is at most one more', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        (size, k, s, p, d) => {
          const floor = convOutputSize(size, k, s, p, d);
          const ceil = convOutputSize(size, k, s, p, d, true);
          // outside pooling's constraint, the drop rule can even give fewer windows than floor mode
          fc.pre(floor >= 1 && p <= k / 2);
          expect(ceil - floor).toBeGreaterThanOrEqual(0);
          expect(ceil - floor).toBeLessThanOrEqual(1);
          if ((size + 2 * p - d * (k - 1) - 1) % s === 0) expect(ceil).toBe(floor);
          // every window counted starts inside the input or the left padding
          expect((ceil - 1) * s).toBeLessThan(size + p);
        },
      ),
    );
  });

  it('matches counting window positions directly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        (size, k, s, p, d) => {
          let count = 0;
          for (let start = 0; start + d * (k - 1) < size + 2 * p; start += s) count++;
          expect(Math.max(0, convOutputSize(size, k, s, p, d))).toBe(count);
        },
      ),
    );
  });

  it('rejects arguments out of range', () => {
    expect(() => convOutputSize(-1, 3)).toThrow(/convOutputSize: size must be an integer ≥ 0, got -1/);
    expect(() => convOutputSize(5, 0)).toThrow(/kernel must be an integer ≥ 1, got 0/);
    expect(() => convOutputSize(5, 3, 0)).toThrow(/stride must be an integer ≥ 1, got 0/);
    expect(() => convOutputSize(5, 3, 1, -1)).toThrow(/padding must be an integer ≥ 0, got -1/);
    expect(() => convOutputSize(5, 3, 1, 0, 0)).toThrow(/dilation must be an integer ≥ 1, got 0/);
    expect(() => convOutputSize(5.5, 3)).toThrow(/size/);
  });
});

describe('samePadding', () => {
  it('splits d·(k−1) with the extra one after', () => {
    expect(samePadding(1)).toEqual([0, 0]);
    expect(samePadding(2)).toEqual([0, 1]);
    expect(samePadding(3)).toEqual([1, 1]);
    expect(samePadding(4)).toEqual([1, 2]);
    expect(samePadding(5)).toEqual([2, 2]);
    expect(samePadding(3, 2)).toEqual([2, 2]);
    expect(samePadding(2, 3)).toEqual([1, 2]);
  });

  it('keeps the size with stride 1', () => {
    for (let k = 1; k <= 6; k++) {
      for (let d = 1; d <= 3; d++) {
        const [a, b] = samePadding(k, d);
        // the output size formula with asymmetric padding: size + a + b − d·(k−1)
        expect(convOutputSize(10 + a + b, k, 1, 0, d)).toBe(10);
      }
    }
  });

  it('rejects bad arguments', () => {
    expect(() => samePadding(0)).toThrow(/samePadding: kernel/);
    expect(() => samePadding(3, 0)).toThrow(/samePadding: dilation/);
  });
});
