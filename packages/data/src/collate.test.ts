import { noGrad, tensor, type Tensor } from '@torchlet/autograd';
import { array, NDArray } from '@torchlet/ndarray';
import { describe, expect, it } from 'vitest';
import { defaultCollate } from './collate.js';

describe('defaultCollate', () => {
  it('stacks tensors along a new first dim, keeping the dtype', () => {
    const batch = defaultCollate([tensor([[1, 2]]), tensor([[3, 4]]), tensor([[5, 6]])]);
    expect(batch.shape).toEqual([3, 1, 2]);
    expect(batch.toArray()).toEqual([[[1, 2]], [[3, 4]], [[5, 6]]]);
    const ints = defaultCollate([tensor(1, { dtype: 'int32' }), tensor(2, { dtype: 'int32' })]);
    expect(ints.dtype).toBe('int32');
    expect(ints.toArray()).toEqual([1, 2]);
    // non-contiguous inputs are read through their strides
    const t = tensor([[1, 2], [3, 4]]).transpose(0, 1);
    expect(defaultCollate([t, t]).toArray()).toEqual([[[1, 3], [2, 4]], [[1, 3], [2, 4]]]);
  });

  it('turns numbers into int32 (all integers) or float64, booleans into bool', () => {
    const i = defaultCollate([1, 2, 3]);
    expect(i.dtype).toBe('int32');
    expect(i.toArray()).toEqual([1, 2, 3]);
    const f = defaultCollate([1, 2.5]);
    expect(f.dtype).toBe('float64');
    expect(f.toArray()).toEqual([1, 2.5]);
    expect(defaultCollate([1, 2 ** 31]).dtype).toBe('float64');
    const b = defaultCollate([true, false]);
    expect(b.dtype).toBe('bool');
    expect(b.toArray()).toEqual([true, false]);
  });

  it('recurses into tuples, arrays and objects, and keeps strings as lists', () => {
    const samples = [
      { image: tensor([1, 2]), meta: { label: 0, tags: ['a', 'b'] as [string, string] }, name: 'x' },
      { image: tensor([3, 4]), meta: { label: 1, tags: ['c', 'd'] as [string, string] }, name: 'y' },
    ];
    const batch = defaultCollate(samples);
    expect(batch.image.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(batch.meta.label.toArray()).toEqual([0, 1]);
    expect(batch.meta.tags).toEqual([['a', 'c'], ['b', 'd']]);
    expect(batch.name).toEqual(['x', 'y']);
    const [x, [y, z]] = defaultCollate([
      [tensor([1]), [2, 0.5]],
      [tensor([3]), [4, 1.5]],
    ] as [Tensor, [number, number]][]);
    expect(x.shape).toEqual([2, 1]);
    expect(y.toArray()).toEqual([2, 4]);
    expect(z.toArray()).toEqual([0.5, 1.5]);
  });

  it('stacks NDArrays and typed arrays into NDArrays', () => {
    const a = defaultCollate([array([1, 2]), array([3, 4])]);
    expect(a).toBeInstanceOf(NDArray);
    expect(a.toArray()).toEqual([[1, 2], [3, 4]]);
    const u = defaultCollate([Uint8Array.of(1, 2), Uint8Array.of(3, 4)]);
    expect(u.dtype).toBe('uint8');
    expect(u.shape).toEqual([2, 2]);
  });

  it('records the stack on the tape when an input requires grad', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    const s = defaultCollate([a, b]);
    expect(s.gradFn?.name).toBe('StackBackward0');
    s.mul(tensor([[1, 2], [3, 4]])).sum().backward();
    expect(a.grad!.toArray()).toEqual([1, 2]);
    expect(b.grad!.toArray()).toEqual([3, 4]);
    expect(noGrad(() => defaultCollate([a, b])).requiresGrad).toBe(false);
  });

  it('throws clear errors on mismatched or unsupported samples', () => {
    expect(() => defaultCollate([])).toThrow(/defaultCollate: expected at least one sample/);
    expect(() => defaultCollate([tensor([1, 2]), tensor([1, 2, 3])])).toThrow(
      /defaultCollate: tensor 1 has shape \[3\] and dtype float32 but tensor 0 has shape \[2\] and dtype float32/,
    );
    expect(() => defaultCollate([tensor([1]), tensor([1], { dtype: 'int32' })])).toThrow(/dtype int32 but tensor 0 has shape \[1\] and dtype float32/);
    expect(() => defaultCollate([[tensor([1]), 1], [tensor([1]), 'a']] as unknown[])).toThrow(
      /defaultCollate: sample 1 at \[1\] is string "a" but sample 0 there is number 1/,
    );
    expect(() => defaultCollate([[1, 2], [1]])).toThrow(/sample 1 has 1 elements but sample 0 has 2/);
    expect(() => defaultCollate([{ a: 1 }, { b: 1 }] as object[])).toThrow(/sample 1 has keys \["b"\] but sample 0 has \["a"\]/);
    expect(() => defaultCollate([new Map(), new Map()])).toThrow(/cannot collate a Map/);
    expect(() => defaultCollate([{ x: null }, { x: null }])).toThrow(/cannot collate null at \.x/);
  });
});
