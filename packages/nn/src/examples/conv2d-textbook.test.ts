/**
 * The textbook's own Conv2D layer (a user-written Module) learns the edge-detection kernel
 * [[1, −1]] from the 6×8 image, as in Dive into Deep Learning §7.2.
 */
import { noGrad, tensor } from '@torchlet/autograd';
import { manualSeed } from '@torchlet/ndarray';
import { describe, expect, it } from 'vitest';
import { Conv2D, Module } from '../index.js';
import { expectModuleGradcheck, f64, flat } from '../test-helpers.js';

const X = tensor([[1, 1, 0, 0, 0, 0, 1, 1]]).expand(6, 8).contiguous();
const Y = tensor([[0, 1, 0, 0, 0, -1, 0]]).expand(6, 7).contiguous();

describe('textbook Conv2D (corr2d + bias)', () => {
  it('is a Module with weight ~ U[0, 1) and a zero bias, reproducible with manualSeed', () => {
    manualSeed(0);
    const a = new Conv2D([1, 2]);
    manualSeed(0);
    const b = new Conv2D([1, 2]);
    expect(a).toBeInstanceOf(Module);
    expect(a.weight.shape).toEqual([1, 2]);
    expect(flat(a.weight)).toEqual(flat(b.weight));
    expect(flat(a.weight).every((v) => v >= 0 && v < 1)).toBe(true);
    expect(flat(a.bias)).toEqual([0]);
    expect(Object.keys(a.stateDict())).toEqual(['weight', 'bias']);
    expect(a.toString()).toBe('Conv2D()');
    expect(new Conv2D(2).weight.shape).toEqual([2, 2]);
    expect(() => new Conv2D(0)).toThrow(/kernelSize must be positive/);
  });

  it('computes corr2d(X, K) + b', () => {
    const conv = new Conv2D([2, 2]);
    conv.loadStateDict({ weight: tensor([[0, 1], [2, 3]]), bias: tensor([1]) });
    expect(conv.forward(tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]])).toArray()).toEqual([[20, 26], [38, 44]]);
  });

  it('learns the edge kernel [[1, −1]] with plain gradient descent (lr 0.01: the bias sums 42 residuals)', () => {
    manualSeed(42);
    const conv = new Conv2D([1, 2]);
    const losses: number[] = [];
    for (let i = 0; i < 100; i++) {
      conv.zeroGrad();
      const loss = conv.forward(X).sub(Y).pow(2).sum();
      loss.backward();
      losses.push(loss.item());
      noGrad(() => {
        for (const p of conv.parameters()) p.sub_(p.grad!.mul(0.01));
      });
    }
    expect(losses.at(-1)!).toBeLessThan(1e-3);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 100);
    const [w0, w1] = flat(conv.weight);
    expect(w0).toBeCloseTo(1, 1);
    expect(w1).toBeCloseTo(-1, 1);
    expect(Math.abs(flat(conv.bias)[0]!)).toBeLessThan(0.05);
  });

  it('gradchecks in float64', () => {
    expectModuleGradcheck(new Conv2D([2, 2]), f64([3, 4]));
  });
});
