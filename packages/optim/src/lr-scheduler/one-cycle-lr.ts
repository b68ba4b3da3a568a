import type { Optimizer, ParamGroup } from '../optimizer.js';
import { checkBoolean, checkInteger, checkKnownKeys, checkNumber, show } from '../util.js';
import { LRScheduler, perGroup, type SchedulerValue } from './lr-scheduler.js';

/**
 * Options of {@link OneCycleLR}: give `totalSteps`, or `epochs` and `stepsPerEpoch`.
 *
 * @example
 * ```ts
 * import { lrScheduler } from '@torchlet/optim';
 * const o: lrScheduler.OneCycleLROptions = { epochs: 10, stepsPerEpoch: 100, pctStart: 0.25 };
 * ```
 */
export interface OneCycleLROptions {
  /** The number of steps in the cycle. */
  totalSteps?: number;
  /** With `stepsPerEpoch`: the cycle lasts `epochs·stepsPerEpoch` steps. */
  epochs?: number;
  /** With `epochs`: steps per epoch. */
  stepsPerEpoch?: number;
  /** The fraction of the cycle spent increasing the learning rate (default 0.3). */
  pctStart?: number;
  /** `'cos'` (default) or `'linear'` annealing. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle the momentum (SGD/RMSprop `momentum`, Adam's β1) inversely to the learning rate (default true). */
  cycleMomentum?: boolean;
  /** The momentum at the peak learning rate (default 0.85; one value, or one per group). */
  baseMomentum?: number | readonly number[];
  /** The momentum at the start and end of the cycle (default 0.95; one value, or one per group). */
  maxMomentum?: number | readonly number[];
  /** The starting learning rate is `maxLr / divFactor` (default 25). */
  divFactor?: number;
  /** The final learning rate is the starting one `/ finalDivFactor` (default 1e4). */
  finalDivFactor?: number;
  /** Use a third phase that anneals to the final learning rate (fast.ai's schedule; default false). */
  threePhase?: boolean;
  /** The last completed step when resuming (default −1). */
  lastEpoch?: number;
}

type AnnealStrategy = 'cos' | 'linear';
type LrKey = 'initialLr' | 'maxLr' | 'minLr';
type MomentumKey = 'maxMomentum' | 'baseMomentum';

interface Phase {
  endStep: number;
  startLr: LrKey;
  endLr: LrKey;
  startMomentum: MomentumKey;
  endMomentum: MomentumKey;
}

/** A group of an optimizer with momentum (SGD, RMSprop) or betas (Adam, AdamW). */
type MomentumGroup = ParamGroup & { momentum?: number; betas?: [number, number] };

function phases(totalSteps: number, pctStart: number, threePhase: boolean): Phase[] {
  if (threePhase) {
    return [
      { endStep: pctStart * totalSteps - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
      { endStep: 2 * pctStart * totalSteps - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
      { endStep: totalSteps - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
    ];
  }
  return [
    { endStep: pctStart * totalSteps - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
    { endStep: totalSteps - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
  ];
}

function checkStrategy(owner: string, s: unknown): AnnealStrategy {
  if (s !== 'cos' && s !== 'linear') throw new RangeError(`${owner}: annealStrategy must be 'cos' or 'linear', got ${show(s)}`);
  return s;
}

function checkPct(owner: string, v: unknown): number {
  const pct = checkNumber(owner, 'pctStart', v);
  if (!(pct >= 0 && pct <= 1)) throw new RangeError(`${owner}: pctStart must be in [0, 1], got ${show(pct)}`);
  return pct;
}

/**
 * The 1cycle policy (Smith & Topin): the learning rate rises from `maxLr/divFactor` to `maxLr`
 * over the first `pctStart` of the cycle, then anneals to `maxLr/(divFactor·finalDivFactor)`;
 * the momentum moves the opposite way between `maxMomentum` and `baseMomentum`. Step it after
 * every batch; stepping past `totalSteps` throws. It writes `initialLr`, `maxLr`, `minLr`,
 * `maxMomentum`, `baseMomentum` into the groups, as PyTorch does.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { SGD, lrScheduler } from '@torchlet/optim';
 * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
 * const s = new lrScheduler.OneCycleLR(opt, 1, { totalSteps: 100 });
 * s.getLastLr(); // ≈ [0.04]: maxLr / divFactor
 * ```
 */
export class OneCycleLR extends LRScheduler {
  /** The number of steps in the cycle. */
  totalSteps: number;
  /** `'cos'` or `'linear'`. */
  annealStrategy: AnnealStrategy;
  /** Whether the momentum is cycled. */
  cycleMomentum: boolean;
  /** True when the cycled momentum is Adam's β1 (`betas[0]`). */
  useBeta1: boolean;
  /** The fraction of the cycle spent rising. */
  pctStart: number;
  /** Whether the schedule has three phases. */
  threePhase: boolean;
  private schedulePhases: Phase[];

  /**
   * @param optimizer - the optimizer to schedule
   * @param maxLr - the peak learning rate (one value, or one per group)
   * @param options - `totalSteps` or `epochs`+`stepsPerEpoch`, `pctStart` (0.3), `annealStrategy` ('cos'),
   *   `cycleMomentum` (true), `baseMomentum` (0.85), `maxMomentum` (0.95), `divFactor` (25),
   *   `finalDivFactor` (1e4), `threePhase` (false), `lastEpoch` (−1)
   */
  constructor(optimizer: Optimizer, maxLr: number | readonly number[], options: OneCycleLROptions = {}) {
    const name = 'OneCycleLR';
    checkKnownKeys(name, options, [
      'totalSteps', 'epochs', 'stepsPerEpoch', 'pctStart', 'annealStrategy', 'cycleMomentum', 'baseMomentum',
      'maxMomentum', 'divFactor', 'finalDivFactor', 'threePhase', 'lastEpoch',
    ]);
    let totalSteps: number;
    if (options.totalSteps !== undefined) {
      totalSteps = checkInteger(name, 'totalSteps', options.totalSteps, 1);
    } else if (options.epochs !== undefined && options.stepsPerEpoch !== undefined) {
      totalSteps = checkInteger(name, 'epochs', options.epochs, 1) * checkInteger(name, 'stepsPerEpoch', options.stepsPerEpoch, 1);
    } else {
      throw new TypeError(`${name}: give either totalSteps or both epochs and stepsPerEpoch`);
    }
    const pctStart = checkPct(name, options.pctStart ?? 0.3);
    const threePhase = checkBoolean(name, 'threePhase', options.threePhase ?? false);
    const annealStrategy = checkStrategy(name, options.annealStrategy ?? 'cos');
    const divFactor = checkNumber(name, 'divFactor', options.divFactor ?? 25);
    const finalDivFactor = checkNumber(name, 'finalDivFactor', options.finalDivFactor ?? 1e4);
    const cycleMomentum = checkBoolean(name, 'cycleMomentum', options.cycleMomentum ?? true);
    const lastEpoch = checkInteger(name, 'lastEpoch', options.lastEpoch ?? -1, -1);
    const groups = optimizer.paramGroups as MomentumGroup[];
    const maxLrs = perGroup(name, 'maxLr', maxLr, groups.length);
    let useBeta1 = false;
    let maxMomentums: number[] = [];
    let baseMomentums: number[] = [];
    if (cycleMomentum) {
      const defaults = optimizer.defaults as { momentum?: number; betas?: unknown };
      if (!('momentum' in defaults) && !('betas' in defaults)) {
        throw new TypeError(`${name}: cycleMomentum needs an optimizer with momentum or betas (${optimizer.name} has neither); pass cycleMomentum: false`);
      }
      useBeta1 = 'betas' in defaults;
      maxMomentums = perGroup(name, 'maxMomentum', options.maxMomentum ?? 0.95, groups.length);
      baseMomentums = perGroup(name, 'baseMomentum', options.baseMomentum ?? 0.85, groups.length);
    }
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i]! / divFactor;
        g.maxLr = maxLrs[i]!;
        g.minLr = g.initialLr / finalDivFactor;
        if (cycleMomentum) {
          if (useBeta1) g.betas = [maxMomentums[i]!, g.betas?.[1] ?? 0.999];
          else g.momentum = maxMomentums[i]!;
          g.maxMomentum = maxMomentums[i]!;
          g.baseMomentum = baseMomentums[i]!;
        }
      });
    }
    super(name, optimizer, lastEpoch);
    this.totalSteps = totalSteps;
    this.pctStart = pctStart;
    this.threePhase = threePhase;
    this.schedulePhases = phases(totalSteps, pctStart, threePhase);
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'cos') {
      const cosOut = Math.cos(Math.PI * pct) + 1;
      return end + ((start - end) / 2.0) * cosOut;
    }
    return (end - start) * pct + start;
  }

  protected computeLr(): number[] {
    const step = this.lastEpoch;
    if (step > this.totalSteps) {
      throw new RangeError(`${this.name}: tried to step ${step + 1} times; the cycle has ${this.totalSteps} steps`);
    }
    const lrs: number[] = [];
    for (const group of this.optimizer.paramGroups as MomentumGroup[]) {
      let startStep = 0;
      let lr = group.lr;
      let momentum: number | undefined;
      for (let i = 0; i < this.schedulePhases.length; i++) {
        const phase = this.schedulePhases[i]!;
        const endStep = phase.endStep;
        if (step <= endStep || i === this.schedulePhases.length - 1) {
          const pct = (step - startStep) / (endStep - startStep);
          lr = this.anneal(need(this.name, group, phase.startLr), need(this.name, group, phase.endLr), pct);
          if (this.cycleMomentum) momentum = this.anneal(need(this.name, group, phase.startMomentum), need(this.name, group, phase.endMomentum), pct);
          break;
        }
        startStep = phase.endStep;
      }
      lrs.push(lr);
      if (momentum !== undefined) {
        if (this.useBeta1) group.betas = [momentum, group.betas?.[1] ?? 0.999];
        else group.momentum = momentum;
      }
    }
    return lrs;
  }

  protected override saveExtra(): Record<string, SchedulerValue> {
    return {
      totalSteps: this.totalSteps,
      pctStart: this.pctStart,
      threePhase: this.threePhase,
      annealStrategy: this.annealStrategy,
      cycleMomentum: this.cycleMomentum,
      useBeta1: this.useBeta1,
    };
  }

  protected override loadExtra(saved: Readonly<Record<string, SchedulerValue>>): void {
    const where = 'OneCycleLR.loadStateDict';
    const totalSteps = checkInteger(where, 'totalSteps', saved.totalSteps, 1);
    const pctStart = checkPct(where, saved.pctStart);
    const threePhase = checkBoolean(where, 'threePhase', saved.threePhase);
    const annealStrategy = checkStrategy(where, saved.annealStrategy);
    const cycleMomentum = checkBoolean(where, 'cycleMomentum', saved.cycleMomentum);
    const useBeta1 = checkBoolean(where, 'useBeta1', saved.useBeta1);
    Object.assign(this, { totalSteps, pctStart, threePhase, annealStrategy, cycleMomentum, useBeta1 });
    this.schedulePhases = phases(totalSteps, pctStart, threePhase);
  }
}

function need(owner: string, group: ParamGroup, key: LrKey | MomentumKey): number {
  const v = group[key];
  if (v === undefined) throw new RangeError(`${owner}: the parameter group has no ${key} (was the optimizer's state replaced?)`);
  return v;
}
