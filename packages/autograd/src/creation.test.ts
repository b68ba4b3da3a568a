import { describe, expect, it } from 'vitest';
import { Generator, manualSeed } from '@torchlet/ndarray';
import { arange, eye, full, linspace, ones, onesLike, rand, randint, randn, randperm, zeros, zerosLike } from './creation.js';

describe('tensor factories', () => {
  it('make leaves with the requested dtype and requiresGrad', () => {
    const z = zeros([2, 3], { requiresGrad: true });
    expect(z.isLeaf && z.requiresGrad).toBe(true);
    expect(z.toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(ones([2], { dtype: 'float64' }).dtype).toBe('float64');
    expect(full([2], 7).toArray()).toEqual([7, 7]);
    expect(zerosLike(ones([1, 2], { dtype: 'int32' })).dtype).toBe('int32');
    expect(onesLike(zeros([3])).toArray()).toEqual([1, 1, 1]);
    expect(arange(4).dtype).toBe('int32');
    expect(linspace(0, 1, 3).toArray()).toEqual([0, 0.5, 1]);
    expect(eye(2).toArray()).toEqual([[1, 0], [0, 1]]);
  });

  it('draw from the seeded generator', () => {
    manualSeed(3);
    const a = randn([4]).toArray();
    manualSeed(3);
    expect(randn([4]).toArray()).toEqual(a);
    expect(rand([3], { generator: new Generator(1) }).toArray()).toEqual(rand([3], { generator: new Generator(1) }).toArray());
    expect([...randperm(5).toArray() as number[]].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(randint(0, 3, [10]).dtype).toBe('int32');
  });

  it('reject what cannot require grad', () => {
    expect(() => zeros([2], { dtype: 'int32', requiresGrad: true })).toThrow(/only float32\/float64 tensors can require gradients/);
    expect(() => rand([2], { dtype: 'int32' })).toThrow(/expected a float dtype/);
  });
});
