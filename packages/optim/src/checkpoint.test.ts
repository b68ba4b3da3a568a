/**
 * Resuming from a checkpoint: an optimizer's and a scheduler's state saved mid-run through
 * JSON.stringify/parse and loaded into fresh objects continue bit-identically.
 */
import { matmul, tensor, type Tensor } from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import { Adagrad, Adam, AdamW, RMSprop, SGD, lrScheduler, type Optimizer, type OptimizerStateDict } from './index.js';

// a small least-squares problem, fixed data (no randomness)
const X = tensor(Array.from({ length: 8 }, (_, i) => [Math.sin(i + 1), Math.cos(2 * i), (i % 3) - 1]));
const Y = tensor(Array.from({ length: 8 }, (_, i) => [0.5 * Math.sin(i + 1) - Math.cos(2 * i) + 0.25 * ((i % 3) - 1) + 0.1]));

interface Model {
  w: Tensor;
  b: Tensor;
}

function model(w: number[] = [0.3, -0.2, 0.1], b: number[] = [0]): Model {
  return { w: tensor(w.map((x) => [x]), { requiresGrad: true }), b: tensor(b, { requiresGrad: true }) };
}

function loss(m: Model): Tensor {
  return matmul(X, m.w).add(m.b).sub(Y).pow(2).mean();
}

type Scheduler = lrScheduler.LRScheduler | lrScheduler.ReduceLROnPlateau;

interface Setup {
  name: string;
  optimizer: (m: Model) => Optimizer;
  scheduler: (o: Optimizer) => Scheduler;
}

const SETUPS: Setup[] = [
  {
    name: 'SGD (Nesterov, weight decay) + StepLR',
    optimizer: (m) => new SGD([m.w, m.b], { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
    scheduler: (o) => new lrScheduler.StepLR(o, 3, { gamma: 0.5 }),
  },
  {
    name: 'Adam (AMSGrad, two groups) + CosineAnnealingLR',
    optimizer: (m) => new Adam([{ params: [m.w] }, { params: [m.b], lr: 0.05 }], { lr: 0.02, amsgrad: true }),
    scheduler: (o) => new lrScheduler.CosineAnnealingLR(o, 4, { etaMin: 1e-3 }),
  },
  {
    name: 'AdamW + OneCycleLR',
    optimizer: (m) => new AdamW([m.w, m.b], { lr: 0.01 }),
    scheduler: (o) => new lrScheduler.OneCycleLR(o, 0.05, { totalSteps: 12 }),
  },
  {
    name: 'RMSprop (centered, momentum) + LinearLR',
    optimizer: (m) => new RMSprop([m.w, m.b], { lr: 0.01, centered: true, momentum: 0.5 }),
    scheduler: (o) => new lrScheduler.LinearLR(o, { startFactor: 0.25, totalIters: 6 }),
  },
  {
    name: 'Adagrad + MultiStepLR',
    optimizer: (m) => new Adagrad([m.w, m.b], { lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 }),
    scheduler: (o) => new lrScheduler.MultiStepLR(o, [2, 5, 5], { gamma: 0.7 }),
  },
  {
    name: 'SGD + ReduceLROnPlateau',
    optimizer: (m) => new SGD([m.w, m.b], { lr: 0.3, momentum: 0.5 }),
    scheduler: (o) => new lrScheduler.ReduceLROnPlateau(o, { patience: 0, factor: 0.5, threshold: 0.2 }),
  },
  {
    name: 'Adam + LambdaLR',
    optimizer: (m) => new Adam([m.w, m.b], { lr: 0.05 }),
    scheduler: (o) => new lrScheduler.LambdaLR(o, (e) => 1 / (1 + e)),
  },
];

/** One training step; returns the loss before the update. */
function trainStep(m: Model, opt: Optimizer, sched: Scheduler): number {
  opt.zeroGrad();
  const l = loss(m);
  l.backward();
  opt.step();
  const value = l.item();
  if (sched instanceof lrScheduler.ReduceLROnPlateau) sched.step(value);
  else sched.step();
  return value;
}

interface Trace {
  losses: number[];
  params: number[][];
  lrs: number[][];
}

function record(trace: Trace, m: Model, opt: Optimizer, lossValue: number): void {
  trace.losses.push(lossValue);
  trace.params.push([...m.w.data.denseData(), ...m.b.data.denseData()]);
  trace.lrs.push(opt.paramGroups.map((g) => g.lr));
}

const STEPS = 10;
const SAVE_AT = 4;

describe('checkpoint and resume', () => {
  for (const setup of SETUPS) {
    it(`${setup.name} continues bit-identically`, () => {
      // uninterrupted
      const a = model();
      const optA = setup.optimizer(a);
      const schedA = setup.scheduler(optA);
      const full: Trace = { losses: [], params: [], lrs: [] };
      for (let i = 0; i < STEPS; i++) record(full, a, optA, trainStep(a, optA, schedA));

      // interrupted after SAVE_AT steps, everything through JSON
      const b = model();
      const optB = setup.optimizer(b);
      const schedB = setup.scheduler(optB);
      const resumed: Trace = { losses: [], params: [], lrs: [] };
      for (let i = 0; i < SAVE_AT; i++) record(resumed, b, optB, trainStep(b, optB, schedB));
      const checkpoint = JSON.stringify({
        w: Array.from(b.w.data.denseData()),
        b: Array.from(b.b.data.denseData()),
        optimizer: optB.stateDict(),
        scheduler: schedB.stateDict(),
      });

      const saved = JSON.parse(checkpoint) as {
        w: number[];
        b: number[];
        optimizer: OptimizerStateDict;
        scheduler: lrScheduler.LRSchedulerStateDict & lrScheduler.ReduceLROnPlateauStateDict;
      };
      const c = model(saved.w, saved.b);
      const optC = setup.optimizer(c);
      const schedC = setup.scheduler(optC);
      optC.loadStateDict(saved.optimizer);
      schedC.loadStateDict(saved.scheduler);
      for (let i = SAVE_AT; i < STEPS; i++) record(resumed, c, optC, trainStep(c, optC, schedC));

      expect(resumed.losses).toEqual(full.losses);
      expect(resumed.params).toEqual(full.params);
      expect(resumed.lrs).toEqual(full.lrs);
      expect(optC.stateDict()).toEqual(optA.stateDict());
      expect(schedC.stateDict()).toEqual(schedA.stateDict());
      // and it actually trained
      expect(full.losses.at(-1)!).toBeLessThan(full.losses[0]!);
    });
  }
});
