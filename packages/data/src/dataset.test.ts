import { tensor, type Tensor } from '@torchlet/autograd';
import { Generator, manualSeed } from '@torchlet/ndarray';
import { describe, expect, it } from 'vitest';
import { randomSplit, Subset, TensorDataset, type Dataset } from './dataset.js';

const range = (n: number): Dataset<number> => ({ length: n, get: (i) => i });

describe('TensorDataset', () => {
  it('returns tuples of the i-th slices, as views', () => {
    const X = tensor([[0, 1], [2, 3], [4, 5]]);
    const y = tensor([7, 8, 9], { dtype: 'int32' });
    const ds = new TensorDataset(X, y);
    expect(ds.length).toBe(3);
    expect(ds.tensors).toEqual([X, y]);
    const [x1, y1] = ds.get(1);
    expect(x1.toArray()).toEqual([2, 3]);
    expect(y1.shape).toEqual([]);
    expect(y1.item()).toBe(8);
    expect(y1.dtype).toBe('int32');
    expect(ds.get(-1)[0].toArray()).toEqual([4, 5]);
    // a view: writing through the dataset's tensor is seen by the sample
    X.data.set(42, 1, 0);
    expect(x1.toArray()).toEqual([42, 3]);
  });

  it('rejects no tensors, non-tensors, 0-d tensors and mismatched first dims', () => {
    expect(() => new TensorDataset()).toThrow(/TensorDataset: expected at least one tensor/);
    expect(() => new TensorDataset(tensor([1]), [1, 2] as unknown as Tensor)).toThrow(/argument 1 must be a Tensor, got an array/);
    expect(() => new TensorDataset(tensor(3))).toThrow(/tensor 0 is 0-d/);
    expect(() => new TensorDataset(tensor([[1, 2], [3, 4]]), tensor([1, 2, 3]))).toThrow(
      /size mismatch between tensors: tensor 0 has 2 samples \(shape \[2,2\]\) but tensor 1 has 3 \(shape \[3\]\)/,
    );
  });

  it('checks indices', () => {
    const ds = new TensorDataset(tensor([1, 2, 3]));
    expect(() => ds.get(3)).toThrow(/TensorDataset.get: index 3 is out of range for a dataset of length 3/);
    expect(() => ds.get(-4)).toThrow(/out of range/);
    expect(() => ds.get(1.5)).toThrow(/TensorDataset.get: index must be an integer, got number 1.5/);
  });
});

describe('Subset', () => {
  it('maps indices, normalises negatives, and validates eagerly', () => {
    const s = new Subset(range(5), [4, -5, 2]);
    expect(s.length).toBe(3);
    expect(s.indices).toEqual([4, 0, 2]);
    expect([0, 1, 2].map((i) => s.get(i))).toEqual([4, 0, 2]);
    expect(s.get(-1)).toBe(2);
    expect(new Subset(range(5), Int32Array.of(1, 3)).get(1)).toBe(3);
    expect(() => new Subset(range(5), [0, 5])).toThrow(/Subset: indices\[1\] = 5 is out of range for a dataset of length 5/);
    expect(() => new Subset(range(5), [0.5])).toThrow(/indices\[0\] must be an integer/);
    expect(() => new Subset({ length: 2 } as unknown as Dataset<number>, [0])).toThrow(/Subset: expected a dataset/);
    expect(() => s.get(3)).toThrow(/Subset.get: index 3 is out of range/);
  });
});

describe('randomSplit', () => {
  const flat = (parts: Subset<number>[]): number[] => parts.flatMap((p) => [...p.indices]);

  it('splits by counts into disjoint subsets covering the dataset', () => {
    const parts = randomSplit(range(10), [5, 3, 2], { generator: new Generator(1) });
    expect(parts.map((p) => p.length)).toEqual([5, 3, 2]);
    expect(flat(parts).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    parts.forEach((p) => p.indices.forEach((idx, k) => expect(p.get(k)).toBe(idx)));
  });

  it('splits by fractions as PyTorch 1.13: floor, then the remainder round-robin', () => {
    expect(randomSplit(range(10), [0.8, 0.2]).map((p) => p.length)).toEqual([8, 2]);
    // floor(11·0.3) = 3, 3, floor(11·0.4) = 4: remainder 1 → the first split
    expect(randomSplit(range(11), [0.3, 0.3, 0.4]).map((p) => p.length)).toEqual([4, 3, 4]);
    // floor(7·0.25) = 1 ×4 = 4, remainder 3 → the first three splits
    expect(randomSplit(range(7), [0.25, 0.25, 0.25, 0.25]).map((p) => p.length)).toEqual([2, 2, 2, 1]);
    expect(randomSplit(range(10), [0.1, 0.2, 0.3, 0.4]).map((p) => p.length)).toEqual([1, 2, 3, 4]);
    expect(randomSplit(range(3), [0.5, 0.5]).map((p) => p.length)).toEqual([2, 1]);
    expect(randomSplit(range(4), [1, 0]).map((p) => p.length)).toEqual([4, 0]);
  });

  it('is deterministic for a seeded generator and uses the default generator otherwise', () => {
    const a = flat(randomSplit(range(50), [0.5, 0.5], { generator: new Generator(7) }));
    const b = flat(randomSplit(range(50), [0.5, 0.5], { generator: new Generator(7) }));
    const c = flat(randomSplit(range(50), [0.5, 0.5], { generator: new Generator(8) }));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    manualSeed(3);
    const d = flat(randomSplit(range(50), [25, 25]));
    manualSeed(3);
    expect(flat(randomSplit(range(50), [25, 25]))).toEqual(d);
  });

  it('rejects lengths that match neither the size nor 1', () => {
    expect(() => randomSplit(range(10), [5, 4])).toThrow(/randomSplit: the lengths \[5,4\] sum to 9, but the dataset has 10 samples/);
    expect(() => randomSplit(range(10), [0.5, 0.4])).toThrow(/not an integer and the lengths sum to 0.9/);
    expect(() => randomSplit(range(10), [-1, 11])).toThrow(/lengths\[0\] must be a non-negative number, got number -1/);
    expect(() => randomSplit(range(10), [])).toThrow(/non-empty array/);
    expect(() => randomSplit(range(10), [10], { generator: 3 as unknown as Generator })).toThrow(/randomSplit: generator must be a Generator/);
  });
});
