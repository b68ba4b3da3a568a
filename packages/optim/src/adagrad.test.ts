import { tensor } from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import { Adagrad, adagradUpdate, type AdagradOptions, type AdagradParamState } from './index.js';
import { close, grad64, gradAt, param64, values } from './test-helpers.js';

const BASE: AdagradOptions = { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false };

/** The rule of torch.optim.Adagrad, written out in float64. */
function reference(o: AdagradOptions, p0: number[], steps: number): number[] {
  const p = [...p0];
  const sum = p.map(() => o.initialAccumulatorValue);
  for (let t = 1; t <= steps; t++) {
    const clr = o.lr / (1 + (t - 1) * o.lrDecay);
    for (let i = 0; i < p.length; i++) {
      let g = gradAt(t - 1, i);
      if (o.maximize) g = -g;
      if (o.weightDecay !== 0) g += o.weightDecay * p[i]!;
      sum[i] = sum[i]! + g * g;
      p[i] = p[i]! - (clr * g) / (Math.sqrt(sum[i]!) + o.eps);
    }
  }
  return p;
}

function run(o: Partial<AdagradOptions>, p0: number[], steps: number): number[] {
  const w = param64(p0);
  const opt = new Adagrad([w], o);
  for (let s = 0; s < steps; s++) {
    w.grad = grad64(p0.map((_, i) => gradAt(s, i)));
    opt.step();
  }
  return values(w);
}

describe('Adagrad', () => {
  const p0 = [0.5, -1.5, 2, 0.25];
  const variants: Partial<AdagradOptions>[] = [
    {},
    { lr: 0.1 },
    { lr: 0.1, lrDecay: 0.01, weightDecay: 0.01, initialAccumulatorValue: 0.1 },
    { lr: 0.1, eps: 1e-3 },
    { lr: 0.1, maximize: true },
  ];
  for (const v of variants) {
    it(`follows the rule with ${JSON.stringify(v)}`, () => {
      expect(close(run(v, p0, 7), reference({ ...BASE, ...v }, p0, 7), 1e-11)).toBe(true);
    });
  }

  it('creates the state of every parameter at construction, as PyTorch', () => {
    const a = param64([1, 2]);
    const b = param64([3]);
    const opt = new Adagrad([a], { initialAccumulatorValue: 0.5 });
    expect(opt.state.get(a)).toEqual({ step: 0, sum: Float64Array.of(0.5, 0.5) });
    opt.addParamGroup({ params: [b], initialAccumulatorValue: 2 });
    expect(opt.state.get(b)).toEqual({ step: 0, sum: Float64Array.of(2) });
    expect(Object.keys(opt.stateDict().state)).toEqual(['0', '1']);
  });

  it('exposes the update as a function', () => {
    const p = tensor([1, 2]);
    const state: AdagradParamState = { step: 0, sum: new Float32Array(2) };
    adagradUpdate(p, tensor([3, -4]), state, { ...BASE, lr: 0.1 });
    expect(values(p)[0]).toBeCloseTo(0.9, 6);
    expect(values(p)[1]).toBeCloseTo(2.1, 6);
    expect(Array.from(state.sum)).toEqual([9, 16]);
  });

  it.each([
    [{ lr: -1 }, /Adagrad: invalid learning rate -1/],
    [{ lrDecay: -1 }, /Adagrad: invalid lr_decay value -1/],
    [{ weightDecay: -1 }, /Adagrad: invalid weight_decay value -1/],
    [{ initialAccumulatorValue: -1 }, /Adagrad: invalid initial_accumulator_value -1/],
    [{ eps: -1 }, /Adagrad: invalid epsilon value -1/],
    [{ lr_decay: 0.1 }, /Adagrad: unknown option lr_decay/],
  ])('%j throws %s', (options, message) => {
    expect(() => new Adagrad([tensor([1], { requiresGrad: true })], options as Partial<AdagradOptions>)).toThrow(message);
  });
});
