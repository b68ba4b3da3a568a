import { tensor } from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import { SGD, sgdUpdate, type SGDOptions, type SGDParamState } from './index.js';
import { close, grad64, gradAt, param64, values } from './test-helpers.js';

const BASE: SGDOptions = { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false };

/** The rule of torch.optim.SGD, written out in float64. */
function reference(o: SGDOptions, p0: number[], steps: number): number[] {
  const p = [...p0];
  let buf: number[] | null = null;
  for (let s = 0; s < steps; s++) {
    let g = p.map((_, i) => gradAt(s, i));
    if (o.maximize) g = g.map((x) => -x);
    if (o.weightDecay !== 0) g = g.map((x, i) => x + o.weightDecay * p[i]!);
    if (o.momentum !== 0) {
      const b: number[] = buf === null ? [...g] : buf.map((x, i) => o.momentum * x + (1 - o.dampening) * g[i]!);
      buf = b;
      g = o.nesterov ? g.map((x, i) => x + o.momentum * b[i]!) : b;
    }
    for (let i = 0; i < p.length; i++) p[i] = p[i]! - o.lr * g[i]!;
  }
  return p;
}

function run(o: Partial<SGDOptions>, p0: number[], steps: number): number[] {
  const w = param64(p0);
  const opt = new SGD([w], o);
  for (let s = 0; s < steps; s++) {
    w.grad = grad64(p0.map((_, i) => gradAt(s, i)));
    opt.step();
  }
  return values(w);
}

describe('SGD', () => {
  const p0 = [0.5, -1.5, 2, 0.25];
  const variants: Partial<SGDOptions>[] = [
    { lr: 0.1 },
    { lr: 0.1, momentum: 0.9 },
    { lr: 0.05, momentum: 0.9, dampening: 0.5 },
    { lr: 0.1, momentum: 0.9, nesterov: true },
    { lr: 0.1, weightDecay: 0.01 },
    { lr: 0.1, momentum: 0.5, maximize: true },
    { lr: 0.2, momentum: 0.8, dampening: 0.1, weightDecay: 0.05 },
    { lr: 0.1, momentum: 0.9, weightDecay: 0.1, nesterov: true },
  ];
  for (const v of variants) {
    it(`follows the rule with ${JSON.stringify(v)}`, () => {
      expect(close(run(v, p0, 6), reference({ ...BASE, ...v }, p0, 6))).toBe(true);
    });
  }

  it('starts the momentum buffer as the first gradient (float32, by hand)', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
    w.grad = tensor([1, 1]);
    opt.step();
    expect(opt.state.get(w)!.momentumBuffer).toEqual(Float32Array.of(1, 1));
    const f = Math.fround;
    expect(values(w)).toEqual([f(1 - f(0.1)), f(2 - f(0.1))]);
    opt.step();
    // buf = 0.9·1 + 1·1 = 1.9; p −= 0.1·1.9
    expect(Array.from(opt.state.get(w)!.momentumBuffer!)).toEqual([f(f(f(0.9) * 1) + 1), f(f(f(0.9) * 1) + 1)]);
    expect(values(w)).toEqual([f(f(1 - f(0.1)) - f(0.1) * f(1.9)), f(f(2 - f(0.1)) - f(0.1) * f(1.9))]);
  });

  it('keeps a null momentum buffer without momentum (as PyTorch stores None)', () => {
    const w = param64([1]);
    const opt = new SGD([w], { lr: 1 });
    w.grad = grad64([2]);
    opt.step();
    expect(values(w)).toEqual([-1]);
    expect(opt.state.get(w)).toEqual({ momentumBuffer: null });
  });

  it('skips parameters whose grad is null and bumps the version of the others', () => {
    const a = param64([1]);
    const b = param64([1]);
    const opt = new SGD([a, b], { lr: 1 });
    a.grad = grad64([0.5]);
    const va = a.version;
    const vb = b.version;
    opt.step();
    expect(values(a)).toEqual([0.5]);
    expect(values(b)).toEqual([1]);
    expect(a.version).toBe(va + 1);
    expect(b.version).toBe(vb);
    expect(opt.state.has(b)).toBe(false);
  });

  it('exposes the update as a function', () => {
    const p = tensor([1, 2]);
    const state: SGDParamState = { momentumBuffer: null };
    sgdUpdate(p, tensor([1, 1]), state, { ...BASE, momentum: 0.9 });
    sgdUpdate(p, tensor([1, 1]), state, { ...BASE, momentum: 0.9 });
    expect(values(p)).toEqual([0.7099999785423279, 1.709999918937683]);
    expect(() => sgdUpdate(p, tensor([1, 1, 1]), state, BASE)).toThrow(/sgdUpdate: the gradient has shape \[3\] but the parameter has shape \[2\]/);
    expect(() => sgdUpdate(p, tensor([1, 1]), { momentumBuffer: new Float32Array(3) }, { ...BASE, momentum: 0.9 })).toThrow(/momentumBuffer/);
  });

  describe('validation', () => {
    const w = () => [tensor([1], { requiresGrad: true })];
    it.each([
      [{ lr: -0.1 }, /SGD: invalid learning rate -0\.1/],
      [{ lr: Number.NaN }, /SGD: lr must be a number, got NaN/],
      [{}, /SGD: parameter group 0: lr is required/],
      [{ lr: 0.1, momentum: -0.5 }, /SGD: invalid momentum value -0\.5/],
      [{ lr: 0.1, weightDecay: -1 }, /SGD: invalid weight_decay value -1/],
      [{ lr: 0.1, nesterov: true }, /SGD: Nesterov momentum requires a momentum > 0 and zero dampening, got momentum 0/],
      [{ lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }, /dampening 0\.1/],
      [{ lr: 0.1, nesterov: 1 }, /SGD: nesterov must be a boolean, got 1/],
      [{ lr: 0.1, weight_decay: 0.1 }, /SGD: unknown option weight_decay/],
      [{ lr: '0.1' }, /SGD: lr must be a number, got "0\.1"/],
    ])('%j throws %s', (options, message) => {
      expect(() => new SGD(w(), options as Partial<SGDOptions>)).toThrow(message);
    });

    it('requires lr in every group when the constructor has none', () => {
      const [a, b] = [tensor([1], { requiresGrad: true }), tensor([1], { requiresGrad: true })];
      expect(() => new SGD([{ params: [a], lr: 0.1 }, { params: [b] }])).toThrow(/SGD: parameter group 1: lr is required/);
      const opt = new SGD([{ params: [a], lr: 0.1 }, { params: [b], lr: 0.2 }]);
      expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.2]);
    });

    it('validates group options too', () => {
      const a = tensor([1], { requiresGrad: true });
      expect(() => new SGD([{ params: [a], momentum: -1 }], { lr: 0.1 })).toThrow(/SGD: parameter group 0: invalid momentum value -1/);
    });
  });
});
