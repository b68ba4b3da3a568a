import { tensor } from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import { RMSprop, rmspropUpdate, type RMSpropOptions, type RMSpropParamState } from './index.js';
import { close, grad64, gradAt, param64, values } from './test-helpers.js';

const BASE: RMSpropOptions = { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false };

/** The rule of torch.optim.RMSprop, written out in float64. */
function reference(o: RMSpropOptions, p0: number[], steps: number): number[] {
  const p = [...p0];
  const sq = p.map(() => 0);
  const ga = p.map(() => 0);
  const buf = p.map(() => 0);
  for (let s = 0; s < steps; s++) {
    for (let i = 0; i < p.length; i++) {
      let g = gradAt(s, i);
      if (o.maximize) g = -g;
      if (o.weightDecay !== 0) g += o.weightDecay * p[i]!;
      sq[i] = o.alpha * sq[i]! + (1 - o.alpha) * g * g;
      let avg: number;
      if (o.centered) {
        ga[i] = o.alpha * ga[i]! + (1 - o.alpha) * g;
        avg = Math.sqrt(sq[i]! - ga[i]! * ga[i]!) + o.eps;
      } else {
        avg = Math.sqrt(sq[i]!) + o.eps;
      }
      if (o.momentum > 0) {
        buf[i] = o.momentum * buf[i]! + g / avg;
        p[i] = p[i]! - o.lr * buf[i]!;
      } else {
        p[i] = p[i]! - (o.lr * g) / avg;
      }
    }
  }
  return p;
}

function run(o: Partial<RMSpropOptions>, p0: number[], steps: number): number[] {
  const w = param64(p0);
  const opt = new RMSprop([w], o);
  for (let s = 0; s < steps; s++) {
    w.grad = grad64(p0.map((_, i) => gradAt(s, i)));
    opt.step();
  }
  return values(w);
}

describe('RMSprop', () => {
  const p0 = [0.5, -1.5, 2, 0.25];
  const variants: Partial<RMSpropOptions>[] = [
    {},
    { alpha: 0.9 },
    { momentum: 0.9 },
    { centered: true },
    { centered: true, momentum: 0.5, weightDecay: 0.01 },
    { maximize: true, lr: 0.05 },
  ];
  for (const v of variants) {
    it(`follows the rule with ${JSON.stringify(v)}`, () => {
      expect(close(run(v, p0, 7), reference({ ...BASE, ...v }, p0, 7), 1e-11)).toBe(true);
    });
  }

  it('creates the momentum and centered buffers only when used', () => {
    const w = param64([1, 2]);
    const opt = new RMSprop([w]);
    w.grad = grad64([1, 1]);
    opt.step();
    const s = opt.state.get(w)!;
    expect(s.step).toBe(1);
    expect(s.momentumBuffer).toBeNull();
    expect(s.gradAvg).toBeNull();
  });

  it('exposes the update as a function', () => {
    const p = tensor([1, 2]);
    const state: RMSpropParamState = { step: 0, squareAvg: new Float32Array(2), momentumBuffer: null, gradAvg: null };
    rmspropUpdate(p, tensor([1, -1]), state, BASE);
    expect(values(p)[0]).toBeCloseTo(0.9, 6);
    expect(values(p)[1]).toBeCloseTo(2.1, 6);
    rmspropUpdate(p, tensor([1, -1]), state, { ...BASE, momentum: 0.9, centered: true });
    expect(state.momentumBuffer).toBeInstanceOf(Float32Array);
    expect(state.gradAvg).toBeInstanceOf(Float32Array);
  });

  it.each([
    [{ lr: -1 }, /RMSprop: invalid learning rate -1/],
    [{ eps: -1 }, /RMSprop: invalid epsilon value -1/],
    [{ momentum: -0.1 }, /RMSprop: invalid momentum value -0\.1/],
    [{ weightDecay: -0.1 }, /RMSprop: invalid weight_decay value -0\.1/],
    [{ alpha: -0.5 }, /RMSprop: invalid alpha value -0\.5/],
    [{ centered: 1 }, /RMSprop: centered must be a boolean/],
    [{ rho: 0.9 }, /RMSprop: unknown option rho/],
  ])('%j throws %s', (options, message) => {
    expect(() => new RMSprop([tensor([1], { requiresGrad: true })], options as Partial<RMSpropOptions>)).toThrow(message);
  });
});
