import { tensor, Tensor } from '@torchlet/autograd';
import { arange, defaultGenerator, Generator, manualSeed, NDArray } from '@torchlet/ndarray';
import { describe, expect, it } from 'vitest';
import { DataLoader } from './dataloader.js';
import { randomSplit, Subset, TensorDataset, type Dataset } from './dataset.js';

/** A dataset whose sample i is [x_i (2 floats), i (int32)]: labels reveal the order. */
function numbered(n: number): TensorDataset<[Tensor, Tensor]> {
  const x = new Tensor(arange(0, 2 * n, 1, { dtype: 'float32' }).reshape(n, 2));
  const y = new Tensor(arange(0, n, 1, { dtype: 'int32' }));
  return new TensorDataset(x, y);
}

/** The labels of every batch of one epoch. */
function epoch(loader: Iterable<[Tensor, Tensor]>): number[][] {
  return [...loader].map(([, y]) => y.toArray() as number[]);
}

/** A plain Dataset (no fast path) with the same samples as `numbered`. */
function plain(n: number): Dataset<[Tensor, Tensor]> {
  const inner = numbered(n);
  return { length: n, get: (i) => inner.get(i) };
}

describe('DataLoader batching', () => {
  it('batches in order with a short last batch, or drops it', () => {
    const ds = numbered(10);
    const loader = new DataLoader(ds, { batchSize: 4 });
    expect(loader.length).toBe(3);
    expect(epoch(loader)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    const [x, y] = [...loader][2]!;
    expect(x.shape).toEqual([2, 2]);
    expect(x.dtype).toBe('float32');
    expect(x.toArray()).toEqual([[16, 17], [18, 19]]);
    expect(y.dtype).toBe('int32');
    const dropping = new DataLoader(ds, { batchSize: 4, dropLast: true });
    expect(dropping.length).toBe(2);
    expect(epoch(dropping)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    expect(new DataLoader(ds, { batchSize: 5, dropLast: true }).length).toBe(2);
    expect(new DataLoader(ds, { batchSize: 11, dropLast: true }).length).toBe(0);
    expect([...new DataLoader(ds, { batchSize: 11, dropLast: true })]).toEqual([]);
  });

  it('defaults to batches of one and destructures as tuples', () => {
    const loader = new DataLoader(numbered(3));
    expect(loader.length).toBe(3);
    let count = 0;
    for (const [x, y] of loader) {
      expect(x.shape).toEqual([1, 2]);
      expect(y.toArray()).toEqual([count++]);
    }
    expect(count).toBe(3);
  });

  it('gives the same batches on the fast path (TensorDataset, Subset) as on the general path', () => {
    for (const [batchSize, shuffle] of [[3, false], [4, true]] as const) {
      const fast = new DataLoader(numbered(10), { batchSize, shuffle, generator: new Generator(5) });
      const slow = new DataLoader(plain(10), { batchSize, shuffle, generator: new Generator(5) });
      const a = [...fast].map(([x, y]) => [x.toArray(), y.toArray(), x.dtype, y.dtype]);
      const b = [...slow].map(([x, y]) => [x.toArray(), y.toArray(), x.dtype, y.dtype]);
      expect(a).toEqual(b);
    }
    // subsets of subsets of a TensorDataset compose their indices
    const sub = new Subset(new Subset(numbered(10), [9, 8, 7, 6, 5]), [4, 0, 2]);
    expect(epoch(new DataLoader(sub, { batchSize: 2 }))).toEqual([[5, 9], [7]]);
    const [train] = randomSplit(numbered(10), [6, 4], { generator: new Generator(0) });
    expect(epoch(new DataLoader(train, { batchSize: 6 }))[0]).toEqual([...train.indices]);
  });

  it('reads non-contiguous and offset tensors correctly on the fast path', () => {
    const base = tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]);
    const ds = new TensorDataset(base.transpose(0, 1), base.slice(0, 1, 4).slice(1, 0, 1).squeeze(1));
    const [x, y] = [...new DataLoader(ds, { batchSize: 3 })][0]!;
    expect(x.toArray()).toEqual([[0, 3, 6, 9], [1, 4, 7, 10], [2, 5, 8, 11]]);
    expect(y.toArray()).toEqual([3, 6, 9]);
  });

  it('accepts a custom collate', () => {
    const loader = new DataLoader(numbered(5), {
      batchSize: 2,
      collate: (samples) => samples.map(([, y]) => y.item()).join(','),
    });
    expect([...loader]).toEqual(['0,1', '2,3', '4']);
    const squares = new DataLoader({ length: 4, get: (i: number) => ({ n: i, sq: i * i }) }, { batchSize: 4 });
    const [batch] = [...squares];
    expect(batch!.sq.toArray()).toEqual([0, 1, 4, 9]);
  });

  it('keeps gradients flowing when the dataset tensors require grad', () => {
    const w = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const [x] = [...new DataLoader(new TensorDataset(w), { batchSize: 2 })][0]!;
    x.sum().backward();
    expect(w.grad!.toArray()).toEqual([[1, 1], [1, 1]]);
  });

  it('validates its options eagerly', () => {
    const ds = numbered(4);
    expect(() => new DataLoader(ds, { batchSize: 0 })).toThrow(/DataLoader: batchSize must be a positive integer, got number 0/);
    expect(() => new DataLoader(ds, { batchSize: 1.5 })).toThrow(/batchSize must be a positive integer/);
    expect(() => new DataLoader(ds, { shuffle: 'yes' as unknown as boolean })).toThrow(/shuffle must be a boolean, got string "yes"/);
    expect(() => new DataLoader(ds, { dropLast: 1 as unknown as boolean })).toThrow(/dropLast must be a boolean/);
    expect(() => new DataLoader(ds, { generator: 42 as unknown as Generator })).toThrow(/DataLoader: generator must be a Generator, got number 42/);
    expect(() => new DataLoader(ds, { collate: 'stack' as unknown as () => void })).toThrow(/collate must be a function/);
    expect(() => new DataLoader([1, 2] as unknown as Dataset<number>)).toThrow(/DataLoader: expected a dataset/);
  });
});

describe('DataLoader shuffling', () => {
  const sorted = (batches: number[][]): number[] => batches.flat().sort((a, b) => a - b);

  it('visits a permutation each epoch, a different one every epoch', () => {
    const loader = new DataLoader(numbered(20), { batchSize: 6, shuffle: true, generator: new Generator(1) });
    const e1 = epoch(loader);
    const e2 = epoch(loader);
    expect(e1.map((b) => b.length)).toEqual([6, 6, 6, 2]);
    const all = Array.from({ length: 20 }, (_, i) => i);
    expect(sorted(e1)).toEqual(all);
    expect(sorted(e2)).toEqual(all);
    expect(e1.flat()).not.toEqual(all);
    expect(e1.flat()).not.toEqual(e2.flat());
  });

  it('is identical for the same generator seed, and independent of the default generator', () => {
    const run = (seed: number): number[][][] => {
      const loader = new DataLoader(numbered(16), { batchSize: 5, shuffle: true, generator: new Generator(seed) });
      return [epoch(loader), epoch(loader), epoch(loader)];
    };
    manualSeed(0);
    const a = run(3);
    manualSeed(99);
    defaultGenerator().nextUint32();
    expect(run(3)).toEqual(a);
    expect(run(4)).not.toEqual(a);
  });

  it('derives each epoch from the default generator when no generator is given', () => {
    const run = (): number[][][] => {
      const loader = new DataLoader(numbered(16), { batchSize: 16, shuffle: true });
      return [epoch(loader), epoch(loader)];
    };
    manualSeed(11);
    const a = run();
    manualSeed(11);
    expect(run()).toEqual(a);
    expect(a[0]).not.toEqual(a[1]);
    manualSeed(12);
    expect(run()).not.toEqual(a);
    // each epoch start consumes two 32-bit draws of the default generator
    manualSeed(11);
    const g = new Generator(11);
    expect([...new DataLoader(numbered(4), { shuffle: true })]).toHaveLength(4);
    g.nextUint32();
    g.nextUint32();
    expect(defaultGenerator().nextUint32()).toBe(g.nextUint32());
  });

  it('does not touch any generator without shuffle', () => {
    manualSeed(5);
    const g = new Generator(1);
    const before = g.getState();
    epoch(new DataLoader(numbered(8), { batchSize: 3, generator: g }));
    expect(g.getState()).toEqual(before);
    expect(defaultGenerator().nextUint32()).toBe(new Generator(5).nextUint32());
  });

  it('shuffles general datasets the same way as TensorDatasets', () => {
    const a = epoch(new DataLoader(numbered(9), { batchSize: 4, shuffle: true, generator: new Generator(2) }));
    const b = epoch(new DataLoader(plain(9), { batchSize: 4, shuffle: true, generator: new Generator(2) }));
    expect(a).toEqual(b);
    expect(new NDArray(Int32Array.from(a.flat()), 'int32', [9]).size).toBe(9);
  });
});
