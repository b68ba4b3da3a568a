/**
 * kinds "optim" and "lr_scheduler": optimizer trajectories and learning-rate schedules, run
 * through @torchlet/optim's public API with PyTorch's argument names mapped to its options.
 */
import { tensor, type Tensor } from '@torchlet/autograd';
import { Adagrad, Adam, AdamW, RMSprop, SGD, lrScheduler, type Optimizer } from '@torchlet/optim';
import { Unsupported } from './ops.js';
import type { Produced } from './run.js';
import type { GoldenCase, GoldenTensor } from './suite.js';
import { toTensor } from './tensors.js';

type Args = Record<string, unknown>;

/** Implementation switches PyTorch offers; accepted only at their defaults (same numbers). */
const SWITCHES: Record<string, readonly unknown[]> = {
  foreach: [null, false],
  differentiable: [false],
  capturable: [false],
  fused: [null, false],
};

interface OptimizerSpec {
  /** PyTorch argument → option name. */
  args: Record<string, string>;
  make(params: Tensor[], options: Record<string, unknown>): Optimizer;
}

const ADAM_ARGS = { lr: 'lr', betas: 'betas', eps: 'eps', weight_decay: 'weightDecay', amsgrad: 'amsgrad', maximize: 'maximize' };

const OPTIMIZERS: Record<string, OptimizerSpec> = {
  SGD: {
    args: { lr: 'lr', momentum: 'momentum', dampening: 'dampening', weight_decay: 'weightDecay', nesterov: 'nesterov', maximize: 'maximize' },
    make: (p, o) => new SGD(p, o),
  },
  Adam: { args: ADAM_ARGS, make: (p, o) => new Adam(p, o) },
  AdamW: { args: ADAM_ARGS, make: (p, o) => new AdamW(p, o) },
  RMSprop: {
    args: { lr: 'lr', alpha: 'alpha', eps: 'eps', weight_decay: 'weightDecay', momentum: 'momentum', centered: 'centered', maximize: 'maximize' },
    make: (p, o) => new RMSprop(p, o),
  },
  Adagrad: {
    args: { lr: 'lr', lr_decay: 'lrDecay', weight_decay: 'weightDecay', initial_accumulator_value: 'initialAccumulatorValue', eps: 'eps', maximize: 'maximize' },
    make: (p, o) => new Adagrad(p, o),
  },
};

/** Maps PyTorch's argument names to option names; anything else is unsupported. */
function mapArgs(what: string, args: Args, names: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) {
    const name = names[k];
    if (name !== undefined) {
      out[name] = v;
      continue;
    }
    const defaults = SWITCHES[k];
    if (defaults?.includes(v)) continue;
    throw new Unsupported(defaults ? `argument ${k}=${JSON.stringify(v)} of ${what} (only its default)` : `argument ${k} of ${what}`);
  }
  return out;
}

function buildOptimizer(op: string, params: Tensor[], args: Args): Optimizer {
  const spec = OPTIMIZERS[op];
  if (!spec) throw new Unsupported(`optimizer ${op}`);
  return spec.make(params, mapArgs(op, args, spec.args));
}

/** kind "optim": set each step's gradients, step, compare the parameters after every step. */
export function runOptimCase(c: GoldenCase): Produced {
  const given = c.params as Record<string, GoldenTensor> | undefined;
  if (!given) throw new Unsupported('optim case without params');
  const names = Object.keys(given);
  const params = names.map((n) => toTensor(given[n]!, true));
  const opt = buildOptimizer(c.op, params, c.args ?? {});
  if (c.expect_error) return { pairs: [] };
  const steps = c.steps as { grads: Record<string, GoldenTensor>; params: Record<string, GoldenTensor> }[] | undefined;
  if (!Array.isArray(steps)) throw new Unsupported('optim case without steps');
  const pairs: Produced['pairs'] = [];
  steps.forEach((step, i) => {
    names.forEach((n, k) => {
      const g = step.grads[n];
      params[k]!.grad = g ? toTensor(g) : null;
    });
    opt.step();
    names.forEach((n, k) => {
      const expected = step.params[n];
      if (!expected) throw new Unsupported(`optim step ${i} without params.${n}`);
      // key params.NAME[i]: the tolerance is that of params.NAME (else tol)
      pairs.push([`params.${n}[${i}]`, params[k]!.detach().clone(), expected]);
    });
  });
  return { pairs };
}

interface SchedulerSpec {
  args: readonly string[];
  make(opt: Optimizer, a: Args): lrScheduler.LRScheduler;
}

const num = (v: unknown): number => Number(v);
const opt = <T>(a: Args, key: string, f: (v: unknown) => T): T | undefined => (a[key] === undefined || a[key] === null ? undefined : f(a[key]));
/** `{ key: value }` when the value is given, else `{}` (exactOptionalPropertyTypes). */
const maybe = <K extends string, T>(key: K, value: T | undefined): Partial<Record<K, T>> => (value === undefined ? {} : ({ [key]: value } as Record<K, T>));

const SCHEDULERS: Record<string, SchedulerSpec> = {
  StepLR: {
    args: ['step_size', 'gamma', 'last_epoch'],
    make: (o, a) => new lrScheduler.StepLR(o, num(a.step_size), { ...maybe('gamma', opt(a, 'gamma', num)), ...maybe('lastEpoch', opt(a, 'last_epoch', num)) }),
  },
  MultiStepLR: {
    args: ['milestones', 'gamma', 'last_epoch'],
    make: (o, a) =>
      new lrScheduler.MultiStepLR(o, (a.milestones as unknown[]).map(num), { ...maybe('gamma', opt(a, 'gamma', num)), ...maybe('lastEpoch', opt(a, 'last_epoch', num)) }),
  },
  ExponentialLR: {
    args: ['gamma', 'last_epoch'],
    make: (o, a) => new lrScheduler.ExponentialLR(o, num(a.gamma), maybe('lastEpoch', opt(a, 'last_epoch', num))),
  },
  CosineAnnealingLR: {
    args: ['T_max', 'eta_min', 'last_epoch'],
    make: (o, a) => new lrScheduler.CosineAnnealingLR(o, num(a.T_max), { ...maybe('etaMin', opt(a, 'eta_min', num)), ...maybe('lastEpoch', opt(a, 'last_epoch', num)) }),
  },
  LinearLR: {
    args: ['start_factor', 'end_factor', 'total_iters', 'last_epoch'],
    make: (o, a) =>
      new lrScheduler.LinearLR(o, {
        ...maybe('startFactor', opt(a, 'start_factor', num)),
        ...maybe('endFactor', opt(a, 'end_factor', num)),
        ...maybe('totalIters', opt(a, 'total_iters', num)),
        ...maybe('lastEpoch', opt(a, 'last_epoch', num)),
      }),
  },
  OneCycleLR: {
    args: ['max_lr', 'total_steps', 'epochs', 'steps_per_epoch', 'pct_start', 'anneal_strategy', 'cycle_momentum', 'base_momentum', 'max_momentum', 'div_factor', 'final_div_factor', 'three_phase', 'last_epoch'],
    make: (o, a) => {
      const numOrList = (v: unknown): number | number[] => (Array.isArray(v) ? v.map(num) : num(v));
      return new lrScheduler.OneCycleLR(o, numOrList(a.max_lr), {
        ...maybe('totalSteps', opt(a, 'total_steps', num)),
        ...maybe('epochs', opt(a, 'epochs', num)),
        ...maybe('stepsPerEpoch', opt(a, 'steps_per_epoch', num)),
        ...maybe('pctStart', opt(a, 'pct_start', num)),
        ...maybe('annealStrategy', opt(a, 'anneal_strategy', (v) => v as 'cos' | 'linear')),
        ...maybe('cycleMomentum', opt(a, 'cycle_momentum', Boolean)),
        ...maybe('baseMomentum', opt(a, 'base_momentum', numOrList)),
        ...maybe('maxMomentum', opt(a, 'max_momentum', numOrList)),
        ...maybe('divFactor', opt(a, 'div_factor', num)),
        ...maybe('finalDivFactor', opt(a, 'final_div_factor', num)),
        ...maybe('threePhase', opt(a, 'three_phase', Boolean)),
        ...maybe('lastEpoch', opt(a, 'last_epoch', num)),
      });
    },
  },
};

/** kind "lr_scheduler": `lrs[e]` is the learning rate after `e` scheduler steps, each preceded by an optimizer step. */
export function runSchedulerCase(c: GoldenCase): Produced {
  const spec = SCHEDULERS[c.op];
  if (!spec) throw new Unsupported(`scheduler ${c.op}`);
  const args = { ...(c.args ?? {}) };
  if (args.verbose === false) delete args.verbose;
  const unknown = Object.keys(args).filter((k) => !spec.args.includes(k));
  if (unknown.length) throw new Unsupported(`argument ${unknown.join(', ')} of ${c.op}`);
  const o = c.optimizer as { op: string; args?: Args } | undefined;
  if (!o) throw new Unsupported('lr_scheduler case without optimizer');
  const optimizer = buildOptimizer(o.op, [tensor([0], { requiresGrad: true })], o.args ?? {});
  const scheduler = spec.make(optimizer, args);
  if (c.expect_error) return { pairs: [] };
  const epochs = Number(c.epochs);
  const expected = c.lrs as GoldenTensor | undefined;
  if (!expected || !Number.isInteger(epochs)) throw new Unsupported('lr_scheduler case without epochs/lrs');
  const lrs: number[] = [];
  for (let e = 0; e < epochs; e++) {
    if (e > 0) {
      optimizer.step();
      scheduler.step();
    }
    lrs.push(optimizer.paramGroups[0]!.lr);
  }
  return { pairs: [['lrs', tensor(Float64Array.from(lrs)), expected]] };
}
