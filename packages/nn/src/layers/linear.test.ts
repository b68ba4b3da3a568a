import { tensor } from '@torchlet/autograd';
import { manualSeed, uniform, zeros } from '@torchlet/ndarray';
import { describe, expect, it } from 'vitest';
import { Flatten, Identity, Linear, Unflatten } from '../index.js';
import { expectModuleGradcheck, f64, flat } from '../test-helpers.js';

describe('Linear', () => {
  it('initialises weight then bias from U(−1/√in, 1/√in), reproducibly', () => {
    manualSeed(3);
    const fc = new Linear(400, 120);
    const bound = 1 / Math.sqrt(400);
    manualSeed(3);
    expect(flat(fc.weight)).toEqual(Array.from(uniform([120, 400], -bound, bound).data));
    expect(flat(fc.bias!)).toEqual(Array.from(uniform([120], -bound, bound).data));
    expect(Math.max(...flat(fc.weight).map(Math.abs))).toBeGreaterThan(0.99 * bound);
  });

  it('computes x·Wᵀ + b on (…, in) inputs', () => {
    const fc = new Linear(2, 1);
    fc.loadStateDict({ weight: tensor([[1, 2]]), bias: tensor([0.5]) });
    expect(fc.forward(tensor([[1, 1], [2, 0]])).toArray()).toEqual([[3.5], [2.5]]);
    expect(fc.forward(tensor([3, 1])).toArray()).toEqual([5.5]);
    expect(fc.forward(tensor(zeros([4, 3, 2]))).shape).toEqual([4, 3, 1]);
    expect(new Linear(2, 3, { bias: false }).forward(tensor(zeros([5, 2]))).shape).toEqual([5, 3]);
  });

  it('validates arguments and inputs', () => {
    expect(() => new Linear(-1, 2)).toThrow(/inFeatures must be >= 0/);
    expect(() => new Linear(2, 2.5)).toThrow(/outFeatures must be an integer/);
    expect(() => new Linear(2, 2, { bias: 'no' as unknown as boolean })).toThrow(/bias must be a boolean/);
    const fc = new Linear(400, 120);
    expect(() => fc.forward(tensor(zeros([8, 100])))).toThrow('Linear(in_features=400, out_features=120): expected input [..., 400], got [8, 100]');
    expect(() => fc.forward(tensor(1))).toThrow(/got \[\]/);
    expect(() => fc.forward(tensor(zeros([1, 400], { dtype: 'float64' })))).toThrow(/input is float64 but the layer's parameters are float32/);
  });

  it('gradchecks in float64', () => {
    expectModuleGradcheck(new Linear(3, 2), f64([2, 3]));
    expectModuleGradcheck(new Linear(3, 2, { bias: false }), f64([3]));
  });

  it('prints like PyTorch', () => {
    expect(new Linear(400, 120).toString()).toBe('Linear(in_features=400, out_features=120, bias=True)');
    expect(new Linear(4, 2, { bias: false }).toString()).toBe('Linear(in_features=4, out_features=2, bias=False)');
  });
});

describe('Identity', () => {
  it('returns its input, ignores constructor arguments, and is printed bare', () => {
    const x = tensor([1, 2]);
    expect(new Identity(54, { unused: true }).forward(x)).toBe(x);
    expect(new Identity().toString()).toBe('Identity()');
    expect(() => new Identity().forward(3 as never)).toThrow(/Identity\(\): expected the input to be a Tensor/);
    expectModuleGradcheck(new Identity(), f64([2]));
  });
});

describe('Flatten', () => {
  it('flattens dims 1..−1 by default, positionally or by options', () => {
    expect(new Flatten().forward(tensor(zeros([8, 16, 5, 5]))).shape).toEqual([8, 400]);
    expect(new Flatten(0).forward(tensor(zeros([2, 3]))).shape).toEqual([6]);
    expect(new Flatten(1, 2).forward(tensor(zeros([2, 3, 4, 5]))).shape).toEqual([2, 12, 5]);
    expect(new Flatten({ startDim: -2 }).forward(tensor(zeros([2, 3, 4]))).shape).toEqual([2, 12]);
    expect(new Flatten({ endDim: 2 }).forward(tensor(zeros([2, 3, 4, 5]))).shape).toEqual([2, 12, 5]);
  });

  it('validates, gradchecks and prints', () => {
    expect(() => new Flatten(0.5)).toThrow(/startDim must be an integer/);
    expect(() => new Flatten(3).forward(tensor(zeros([2, 3])))).toThrow(/^Flatten\(start_dim=3, end_dim=-1\): /);
    expectModuleGradcheck(new Flatten(), f64([2, 2, 2]));
    expect(new Flatten().toString()).toBe('Flatten(start_dim=1, end_dim=-1)');
    expect(new Flatten(0, 2).toString()).toBe('Flatten(start_dim=0, end_dim=2)');
  });
});

describe('Unflatten', () => {
  it('expands one dim into several (one may be −1)', () => {
    expect(new Unflatten(1, [16, 5, 5]).forward(tensor(zeros([8, 400]))).shape).toEqual([8, 16, 5, 5]);
    expect(new Unflatten(-1, [2, -1]).forward(tensor(zeros([3, 10]))).shape).toEqual([3, 2, 5]);
    expect(new Unflatten(0, [2, 3]).forward(tensor([1, 2, 3, 4, 5, 6])).toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it('validates, gradchecks and prints', () => {
    expect(() => new Unflatten(1, [])).toThrow(/non-empty array/);
    expect(() => new Unflatten(1, [-1, -1])).toThrow(/only one size/);
    expect(() => new Unflatten(1, [2, 0.5])).toThrow(TypeError);
    expect(() => new Unflatten(1, [3, 3]).forward(tensor(zeros([2, 10])))).toThrow(
      'Unflatten(dim=1, unflattened_size=(3, 3)): unflattened_size (3, 3) does not multiply to the size 10 of dim 1 (input shape [2, 10])',
    );
    expect(() => new Unflatten(1, [3, -1]).forward(tensor(zeros([2, 10])))).toThrow(/does not multiply/);
    expect(() => new Unflatten(2, [1]).forward(tensor(zeros([2, 10])))).toThrow(/dim 2 is out of range/);
    expectModuleGradcheck(new Unflatten(1, [2, 2]), f64([2, 4]));
    expect(new Unflatten(1, [16, 5, 5]).toString()).toBe('Unflatten(dim=1, unflattened_size=(16, 5, 5))');
  });
});
