import { describe, expect, it } from 'vitest';
import { array, arange, softmax, sum } from '../src/index.js';

describe('smoke', () => {
  it('works', () => {
    const x = arange(6).reshape(2, 3);
    expect(x.toString()).toBe('ndarray([[0, 1, 2],\n         [3, 4, 5]], dtype=int32)');
    expect(array([[1.5, 2], [3, 4]]).toString()).toBe('ndarray([[1.5000, 2.0000],\n         [3.0000, 4.0000]])');
    expect(sum(x, 0).toArray()).toEqual([3, 5, 7]);
    expect(x.add(1).mul(2).toArray()).toEqual([[2, 4, 6], [8, 10, 12]]);
    expect(x.transpose(0, 1).contiguous().toArray()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(softmax(array([[1, 2, 3]]), -1).sum().item()).toBeCloseTo(1);
    expect(array([[1, 2], [3, 4]]).toString()).toBe('ndarray([[1., 2.],\n         [3., 4.]])');
  });
});
