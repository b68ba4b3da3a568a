import { tensor } from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import { AdamW, adamwUpdate, type AdamOptions, type AdamParamState } from './index.js';
import { adamReference, close, grad64, gradAt, param64, values } from './test-helpers.js';

const BASE: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false };

function run(o: Partial<AdamOptions>, p0: number[], steps: number): number[] {
  const w = param64(p0);
  const opt = new AdamW([w], o);
  for (let s = 0; s < steps; s++) {
    w.grad = grad64(p0.map((_, i) => gradAt(s, i)));
    opt.step();
  }
  return values(w);
}

describe('AdamW', () => {
  const p0 = [0.5, -1.5, 2, 0.25];
  const variants: Partial<AdamOptions>[] = [{}, { lr: 0.01 }, { lr: 0.01, weightDecay: 0.1, amsgrad: true }, { lr: 0.02, maximize: true, betas: [0.8, 0.9] }];
  for (const v of variants) {
    it(`follows the rule with ${JSON.stringify(v)}`, () => {
      expect(close(run(v, p0, 7), adamReference({ ...BASE, ...v }, p0, 7, true), 1e-11)).toBe(true);
    });
  }

  it('defaults weightDecay to 1e-2 and decays the parameters, not the gradient', () => {
    const w = param64([2]);
    const opt = new AdamW([w], { lr: 0.1 });
    expect(opt.paramGroups[0]!.weightDecay).toBe(1e-2);
    w.grad = grad64([0]);
    opt.step();
    // zero gradient: only the decay moves p (Adam with L2 would move it by lr)
    expect(values(w)[0]).toBeCloseTo(2 * (1 - 0.1 * 1e-2), 14);
  });

  it('exposes the update as a function', () => {
    const p = tensor([1, 2]);
    const state: AdamParamState = { step: 0, expAvg: new Float32Array(2), expAvgSq: new Float32Array(2), maxExpAvgSq: null };
    adamwUpdate(p, tensor([0.5, -3]), state, { ...BASE, lr: 0.1 });
    expect(values(p)[0]).toBeCloseTo(0.999 - 0.1, 6);
    expect(values(p)[1]).toBeCloseTo(2 * 0.999 + 0.1, 6);
  });

  it.each([
    [{ lr: -1 }, /AdamW: invalid learning rate -1/],
    [{ weightDecay: -1e-2 }, /AdamW: invalid weight_decay value -0\.01/],
    [{ betas: [0.9, 1.5] }, /AdamW: invalid betas\[1\] 1\.5/],
    [{ eps: -1e-8 }, /AdamW: invalid epsilon value/],
  ])('%j throws %s', (options, message) => {
    expect(() => new AdamW([tensor([1], { requiresGrad: true })], options as Partial<AdamOptions>)).toThrow(message);
  });
});
