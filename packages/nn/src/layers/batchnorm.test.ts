import { tensor, type Tensor } from '@torchlet/autograd';
import { Generator, randn, zeros } from '@torchlet/ndarray';
import { describe, expect, it } from 'vitest';
import { BatchNorm2d } from '../index.js';
import { expectModuleGradcheck, f64, flat } from '../test-helpers.js';

const batch = (seed: number, shift = 0): Tensor => tensor(randn([4, 2, 3, 3], { generator: new Generator(seed) })).add(shift);

/** Per-channel mean and unbiased variance of an (N, C, H, W) tensor. */
function stats(x: Tensor): { mean: number[]; unbiased: number[] } {
  const m = flat(x.mean([0, 2, 3]));
  const v = flat(x.var([0, 2, 3]));
  return { mean: m, unbiased: v };
}

const close = (a: number[], e: number[], tol = 1e-5): void => {
  a.forEach((v, i) => expect(Math.abs(v - e[i]!), `element ${i}: ${v} vs ${e[i]}`).toBeLessThanOrEqual(tol));
};

describe('BatchNorm2d', () => {
  it('registers PyTorch’s parameters and buffers', () => {
    const bn = new BatchNorm2d(3);
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect(flat(bn.weight!)).toEqual([1, 1, 1]);
    expect(flat(bn.bias!)).toEqual([0, 0, 0]);
    expect(flat(bn.runningMean!)).toEqual([0, 0, 0]);
    expect(flat(bn.runningVar!)).toEqual([1, 1, 1]);
    expect(bn.numBatchesTracked!.dtype).toBe('int32');
    expect(bn.numBatchesTracked!.shape).toEqual([]);
    expect(bn.numBatchesTracked!.requiresGrad).toBe(false);
    const plain = new BatchNorm2d(3, { affine: false, trackRunningStats: false });
    expect(plain.parameters()).toEqual([]);
    expect(plain.buffers()).toEqual([]);
    expect(Object.keys(plain.stateDict())).toEqual([]);
    expect(new BatchNorm2d(2, { dtype: 'float64' }).runningVar!.dtype).toBe('float64');
  });

  it('training normalises with batch statistics and updates the running ones (momentum 0.1)', () => {
    const bn = new BatchNorm2d(2);
    const x = batch(1, 3);
    const y = bn.forward(x);
    const ys = stats(y);
    close(ys.mean, [0, 0]);
    const { mean, unbiased } = stats(x);
    close(flat(bn.runningMean!), mean.map((m) => 0.1 * m));
    close(flat(bn.runningVar!), unbiased.map((v) => 0.9 + 0.1 * v));
    expect(bn.numBatchesTracked!.item()).toBe(1);
    bn.forward(x);
    expect(bn.numBatchesTracked!.item()).toBe(2);
  });

  it('momentum null keeps a cumulative average', () => {
    const bn = new BatchNorm2d(2, { momentum: null });
    const a = batch(2, 1);
    const b = batch(3, -2);
    bn.forward(a);
    close(flat(bn.runningMean!), stats(a).mean);
    bn.forward(b);
    close(
      flat(bn.runningMean!),
      stats(a).mean.map((m, i) => (m + stats(b).mean[i]!) / 2),
    );
    close(
      flat(bn.runningVar!),
      stats(a).unbiased.map((v, i) => (v + stats(b).unbiased[i]!) / 2),
    );
  });

  it('eval normalises with the running statistics and leaves them alone', () => {
    const bn = new BatchNorm2d(2, { eps: 0 });
    bn.loadStateDict({ running_mean: tensor([1, -1]), running_var: tensor([4, 0.25]) }, { strict: false });
    bn.eval();
    const y = bn.forward(tensor([[[[3]], [[0]]]]));
    close(flat(y), [1, 2]);
    expect(flat(bn.runningMean!)).toEqual([1, -1]);
    expect(bn.numBatchesTracked!.item()).toBe(0);
  });

  it('without running statistics, eval uses the batch statistics too', () => {
    const bn = new BatchNorm2d(2, { trackRunningStats: false }).eval();
    close(stats(bn.forward(batch(4, 5))).mean, [0, 0]);
  });

  it('resetRunningStats / resetParameters restore the initial state', () => {
    const bn = new BatchNorm2d(2);
    bn.forward(batch(5));
    bn.resetRunningStats();
    expect(flat(bn.runningMean!)).toEqual([0, 0]);
    expect(flat(bn.runningVar!)).toEqual([1, 1]);
    expect(bn.numBatchesTracked!.item()).toBe(0);
    bn.loadStateDict({ weight: tensor([2, 2]), bias: tensor([1, 1]) }, { strict: false });
    bn.resetParameters();
    expect(flat(bn.weight!)).toEqual([1, 1]);
    expect(flat(bn.bias!)).toEqual([0, 0]);
  });

  it('validates its arguments and input', () => {
    expect(() => new BatchNorm2d(0)).toThrow(/numFeatures must be positive/);
    expect(() => new BatchNorm2d(2, { eps: -1 })).toThrow(/eps must be non-negative/);
    expect(() => new BatchNorm2d(2, { momentum: Number.NaN })).toThrow(/momentum must be a finite number/);
    expect(() => new BatchNorm2d(2, { affine: 1 as unknown as boolean })).toThrow(TypeError);
    const bn = new BatchNorm2d(3);
    expect(() => bn.forward(tensor(zeros([2, 3, 4])))).toThrow('BatchNorm2d(3): expected 4D input [N, 3, H, W], got 3D input [2, 3, 4]');
    expect(() => bn.forward(tensor(zeros([2, 4, 2, 2])))).toThrow('BatchNorm2d(3): expected input [N, 3, H, W], got [2, 4, 2, 2]');
    expect(() => bn.forward(tensor(zeros([1, 3, 1, 1])))).toThrow(/^BatchNorm2d\(3\): batchNorm: expected more than 1 value per channel/);
    expect(() => bn.forward(tensor(zeros([2, 3, 2, 2], { dtype: 'float64' })))).toThrow(/input is float64 but the layer's parameters are float32/);
  });

  it('gradchecks in float64, in training and eval modes', () => {
    expectModuleGradcheck(new BatchNorm2d(2), f64([3, 2, 2, 1]));
    const bn = new BatchNorm2d(2, { momentum: 0.5 });
    bn.forward(tensor(randn([3, 2, 2, 2], { generator: new Generator(9) })));
    expectModuleGradcheck(bn.eval(), f64([2, 2, 1, 2]));
    expectModuleGradcheck(new BatchNorm2d(2, { affine: false }), f64([2, 2, 2, 2]));
  });

  it('prints like PyTorch', () => {
    expect(new BatchNorm2d(6).toString()).toBe('BatchNorm2d(6, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
    expect(new BatchNorm2d(16, { eps: 0.001, momentum: null, affine: false, trackRunningStats: false }).toString()).toBe(
      'BatchNorm2d(16, eps=0.001, momentum=None, affine=False, track_running_stats=False)',
    );
  });
});
