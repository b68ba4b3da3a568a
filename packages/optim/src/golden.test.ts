/**
 * The PyTorch 1.13 reference suites `optim` and `lr_scheduler` (golden/FORMAT.md): every
 * trajectory matches within its tolerance, and every error case throws at construction.
 */
import { readFileSync } from 'node:fs';
import { tensor, type Tensor } from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import { Adagrad, Adam, AdamW, RMSprop, SGD, lrScheduler, type Optimizer } from './index.js';

interface GoldenTensor {
  shape: number[];
  dtype: string;
  data: number[];
}
interface Tol {
  rtol: number;
  atol: number;
}
interface OptimCase {
  id: string;
  op: string;
  args: Record<string, unknown>;
  params: Record<string, GoldenTensor>;
  steps?: { grads: Record<string, GoldenTensor>; params: Record<string, GoldenTensor> }[];
  tol?: Tol;
  tol_overrides?: Record<string, Tol>;
  expect_error?: boolean;
}
interface SchedulerCase {
  id: string;
  op: string;
  args: Record<string, unknown>;
  optimizer: { op: string; args: Record<string, unknown> };
  epochs: number;
  lrs: GoldenTensor;
  tol: Tol;
}

function load<T>(name: string): T[] {
  const text = readFileSync(new URL(`../../../golden/${name}.json`, import.meta.url), 'utf8');
  return (JSON.parse(text) as { cases: T[] }).cases;
}

const toTensor = (t: GoldenTensor, requiresGrad = false): Tensor =>
  tensor(Float32Array.from(t.data), { shape: t.shape, requiresGrad });

/** PyTorch's argument names → this package's option names. */
const NAMES: Record<string, string> = {
  lr: 'lr', momentum: 'momentum', dampening: 'dampening', nesterov: 'nesterov', weight_decay: 'weightDecay',
  maximize: 'maximize', betas: 'betas', eps: 'eps', amsgrad: 'amsgrad', alpha: 'alpha', centered: 'centered',
  lr_decay: 'lrDecay', initial_accumulator_value: 'initialAccumulatorValue',
};

function options(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) {
    const name = NAMES[k];
    if (!name) throw new Error(`unknown argument ${k}`);
    out[name] = v;
  }
  return out;
}

const OPTIMIZERS: Record<string, (params: Tensor[], o: Record<string, unknown>) => Optimizer> = {
  SGD: (p, o) => new SGD(p, o),
  Adam: (p, o) => new Adam(p, o),
  AdamW: (p, o) => new AdamW(p, o),
  RMSprop: (p, o) => new RMSprop(p, o),
  Adagrad: (p, o) => new Adagrad(p, o),
};

function expectClose(actual: ArrayLike<number>, expected: GoldenTensor, tol: Tol, what: string): void {
  expect(actual.length, what).toBe(expected.data.length);
  for (let i = 0; i < expected.data.length; i++) {
    const e = Math.fround(expected.data[i]!);
    const a = actual[i]!;
    if (!(Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e))) {
      expect.fail(`${what}[${i}]: got ${a}, expected ${e} (rtol ${tol.rtol}, atol ${tol.atol})`);
    }
  }
}

describe('golden optim suite (PyTorch 1.13)', () => {
  const cases = load<OptimCase>('optim');
  it('has the expected cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(28);
  });
  for (const c of cases) {
    it(c.id, () => {
      const make = OPTIMIZERS[c.op];
      if (!make) throw new Error(`unknown optimizer ${c.op}`);
      const names = Object.keys(c.params);
      const params = names.map((n) => toTensor(c.params[n]!, true));
      if (c.expect_error) {
        expect(() => make(params, options(c.args))).toThrow();
        return;
      }
      const opt = make(params, options(c.args));
      c.steps!.forEach((step, s) => {
        names.forEach((n, i) => (params[i]!.grad = toTensor(step.grads[n]!)));
        opt.step();
        names.forEach((n, i) => {
          const tol = c.tol_overrides?.[`params.${n}`] ?? c.tol!;
          expectClose(params[i]!.data.denseData(), step.params[n]!, tol, `step ${s} ${n}`);
        });
      });
    });
  }
});

describe('golden optim suite, bit for bit', () => {
  // beyond the suite's tolerance: the kernels follow PyTorch's float32 operation order exactly
  it('reproduces every float32 trajectory exactly', () => {
    let compared = 0;
    for (const c of load<OptimCase>('optim')) {
      if (c.expect_error) continue;
      const names = Object.keys(c.params);
      const params = names.map((n) => toTensor(c.params[n]!, true));
      const opt = OPTIMIZERS[c.op]!(params, options(c.args));
      for (const step of c.steps!) {
        names.forEach((n, i) => (params[i]!.grad = toTensor(step.grads[n]!)));
        opt.step();
        names.forEach((n, i) => {
          expect(Array.from(params[i]!.data.denseData()), c.id).toEqual(step.params[n]!.data.map((x) => Math.fround(x)));
          compared++;
        });
      }
    }
    expect(compared).toBeGreaterThan(200);
  });
});

function scheduler(c: SchedulerCase, opt: Optimizer): lrScheduler.LRScheduler {
  const a = c.args;
  switch (c.op) {
    case 'StepLR':
      return new lrScheduler.StepLR(opt, a.step_size as number, { gamma: a.gamma as number });
    case 'MultiStepLR':
      return new lrScheduler.MultiStepLR(opt, a.milestones as number[], { gamma: a.gamma as number });
    case 'ExponentialLR':
      return new lrScheduler.ExponentialLR(opt, a.gamma as number);
    case 'CosineAnnealingLR':
      return new lrScheduler.CosineAnnealingLR(opt, a.T_max as number, { etaMin: a.eta_min as number });
    case 'LinearLR':
      return new lrScheduler.LinearLR(opt, {
        startFactor: a.start_factor as number,
        endFactor: a.end_factor as number,
        totalIters: a.total_iters as number,
      });
    default:
      throw new Error(`unknown scheduler ${c.op}`);
  }
}

describe('golden lr_scheduler suite (PyTorch 1.13)', () => {
  const cases = load<SchedulerCase>('lr_scheduler');
  it('has the expected cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(9);
  });
  for (const c of cases) {
    it(c.id, () => {
      const w = tensor([1, 2], { requiresGrad: true });
      const opt = OPTIMIZERS[c.optimizer.op]!([w], options(c.optimizer.args));
      const s = scheduler(c, opt);
      const lrs: number[] = [];
      for (let e = 0; e < c.epochs; e++) {
        if (e > 0) {
          w.grad = tensor([0.5, -0.5]);
          opt.step();
          s.step();
        }
        expect(s.getLastLr()).toEqual([opt.paramGroups[0]!.lr]);
        lrs.push(opt.paramGroups[0]!.lr);
      }
      expect(c.lrs.shape).toEqual([c.epochs]);
      const tol = c.tol;
      lrs.forEach((lr, e) => {
        const want = c.lrs.data[e]!;
        if (!(Math.abs(lr - want) <= tol.atol + tol.rtol * Math.abs(want))) expect.fail(`epoch ${e}: lr ${lr}, expected ${want}`);
      });
    });
  }
});
