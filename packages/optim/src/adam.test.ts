import { tensor } from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import { Adam, adamUpdate, type AdamOptions, type AdamParamState } from './index.js';
import { adamReference, close, grad64, gradAt, param64, values } from './test-helpers.js';

const BASE: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false };

function run(o: Partial<AdamOptions>, p0: number[], steps: number): number[] {
  const w = param64(p0);
  const opt = new Adam([w], o);
  for (let s = 0; s < steps; s++) {
    w.grad = grad64(p0.map((_, i) => gradAt(s, i)));
    opt.step();
  }
  return values(w);
}

describe('Adam', () => {
  const p0 = [0.5, -1.5, 2, 0.25, -0.75];
  const variants: Partial<AdamOptions>[] = [
    {},
    { lr: 0.01 },
    { lr: 0.01, betas: [0.8, 0.99] },
    { lr: 0.01, eps: 1e-3 },
    { lr: 0.01, weightDecay: 0.1 },
    { lr: 0.01, amsgrad: true },
    { lr: 0.01, maximize: true },
    { lr: 0.05, betas: [0.5, 0.9], amsgrad: true, weightDecay: 0.01 },
  ];
  for (const v of variants) {
    it(`follows the rule with ${JSON.stringify(v)}`, () => {
      expect(close(run(v, p0, 7), adamReference({ ...BASE, ...v }, p0, 7), 1e-11)).toBe(true);
    });
  }

  it('moves each element by lr against its gradient on the first step (bias correction)', () => {
    const w = param64([1, 2]);
    const opt = new Adam([w], { lr: 0.1, eps: 0 });
    w.grad = grad64([0.5, -3]);
    opt.step();
    expect(values(w)[0]).toBeCloseTo(0.9, 12);
    expect(values(w)[1]).toBeCloseTo(2.1, 12);
    const s = opt.state.get(w)!;
    expect(s.step).toBe(1);
    expect(s.expAvg[0]).toBeCloseTo(0.05, 14);
    expect(s.expAvg[1]).toBeCloseTo(-0.3, 14);
    expect(s.maxExpAvgSq).toBeNull();
  });

  it('keeps the AMSGrad maximum', () => {
    const w = param64([0]);
    const opt = new Adam([w], { amsgrad: true });
    w.grad = grad64([10]);
    opt.step();
    w.grad = grad64([0]);
    opt.step();
    const s = opt.state.get(w)!;
    expect(s.maxExpAvgSq![0]).toBeCloseTo(0.1, 12);
    expect(s.expAvgSq[0]).toBeCloseTo(0.1 * 0.999, 12);
  });

  it('exposes the update as a function (float32)', () => {
    const p = tensor([1, 2]);
    const state: AdamParamState = { step: 0, expAvg: new Float32Array(2), expAvgSq: new Float32Array(2), maxExpAvgSq: null };
    adamUpdate(p, tensor([0.5, -3]), state, { ...BASE, lr: 0.1 });
    expect(values(p)[0]).toBeCloseTo(0.9, 6);
    expect(values(p)[1]).toBeCloseTo(2.1, 6);
    expect(state.step).toBe(1);
    expect(() => adamUpdate(p, tensor([1, 1]), { ...state, expAvg: new Float64Array(2) }, BASE)).toThrow(/adamUpdate: state expAvg must be a Float32Array of 2 elements/);
  });

  describe('validation', () => {
    const w = () => [tensor([1], { requiresGrad: true })];
    it.each([
      [{ lr: -1e-3 }, /Adam: invalid learning rate -0\.001/],
      [{ eps: -1 }, /Adam: invalid epsilon value -1/],
      [{ betas: [1, 0.999] }, /Adam: invalid betas\[0\] 1 \(must be in \[0, 1\)\)/],
      [{ betas: [-0.1, 0.999] }, /Adam: invalid betas\[0\] -0\.1/],
      [{ betas: [0.9, 1] }, /Adam: invalid betas\[1\] 1/],
      [{ betas: [0.9] }, /Adam: betas must be a pair/],
      [{ weightDecay: -0.1 }, /Adam: invalid weight_decay value -0\.1/],
      [{ amsgrad: 'yes' }, /Adam: amsgrad must be a boolean/],
      [{ maximize: 0 }, /Adam: maximize must be a boolean/],
      [{ beta1: 0.9 }, /Adam: unknown option beta1/],
    ])('%j throws %s', (options, message) => {
      expect(() => new Adam(w(), options as Partial<AdamOptions>)).toThrow(message);
    });
  });
});
