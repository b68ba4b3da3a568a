import { describe, expect, it } from 'vitest';
import { gradcheck } from '../gradcheck.js';
import { tensor } from '../tensor.js';
import { cat, stack } from './join.js';

const f64 = (data: number[][], requiresGrad = true) => tensor(data, { dtype: 'float64', requiresGrad });

describe('cat and stack', () => {
  it('join values along a dim', () => {
    expect(cat([tensor([[1, 2]]), tensor([[3, 4], [5, 6]])], 0).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(cat([tensor([[1], [2]]), tensor([[3], [4]])], -1).toArray()).toEqual([[1, 3], [2, 4]]);
    expect(stack([tensor([1, 2]), tensor([3, 4])], 1).toArray()).toEqual([[1, 3], [2, 4]]);
  });

  it('send each input its slice of the gradient', () => {
    expect(gradcheck((a, b) => cat([a, b], 1).mul(cat([a, b], 1)), [f64([[1, 2]]), f64([[3, 4, 5]])])).toBe(true);
    expect(gradcheck((a, b) => stack([a, b], 0).pow(3), [f64([[1, 2]]), f64([[3, 4]])])).toBe(true);
    const x = f64([[1, 2]]);
    cat([x, f64([[3]], false)], 1).sum().backward();
    expect(x.grad!.toArray()).toEqual([[1, 1]]);
  });

  it('validate shapes and dtypes', () => {
    expect(() => cat([], 0)).toThrow(/^cat: expected a non-empty list/);
    expect(() => cat([tensor([[1, 2]]), tensor([[1, 2, 3]])], 0)).toThrow(/^cat: tensor 1 has shape \[1, 3\]/);
    expect(() => cat([tensor([1]), tensor([1], { dtype: 'float64' })])).toThrow(/^cat: tensor 1 is float64/);
    expect(() => stack([tensor([1]), tensor([1, 2])])).toThrow(/^stack: tensor 1 has shape \[2\]/);
    expect(() => cat([tensor([1])], 2)).toThrow(/^cat: dim 2 is out of range/);
  });
});
