import type { Tensor } from '@torchlet/autograd';
import { Optimizer } from '../optimizer.js';
import { checkInteger, checkKnownKeys, checkNonNegative, checkNumber, show } from '../util.js';
import { numberList, perGroup, type SchedulerValue } from './lr-scheduler.js';

/**
 * Options of {@link ReduceLROnPlateau}.
 *
 * @example
 * ```ts
 * import { lrScheduler } from '@torchlet/optim';
 * const o: lrScheduler.ReduceLROnPlateauOptions = { mode: 'max', factor: 0.5, patience: 2 };
 * ```
 */
export interface ReduceLROnPlateauOptions {
  /** `'min'` (default): the metric should decrease (a loss); `'max'`: increase (an accuracy). */
  mode?: 'min' | 'max';
  /** The factor applied to the learning rate on a plateau, < 1 (default 0.1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** The minimum change that counts as an improvement (default 1e-4). */
  threshold?: number;
  /** `'rel'` (default): relative to the best value; `'abs'`: absolute. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
  cooldown?: number;
  /** A lower bound on the learning rate (one value, or one per group; default 0). */
  minLr?: number | readonly number[];
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
}

/**
 * A scheduler's state as plain data; `best` is a number, or `'inf'`/`'-inf'` before any epoch
 * (JSON has no infinities).
 *
 * @example
 * ```ts
 * import { lrScheduler } from '@torchlet/optim';
 * const d: lrScheduler.ReduceLROnPlateauStateDict = {
 *   mode: 'min', factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: 'rel', cooldown: 0, minLrs: [0], eps: 1e-8,
 *   best: 'inf', numBadEpochs: 0, cooldownCounter: 0, lastEpoch: 0, lastLr: [0.1],
 * };
 * ```
 */
export interface ReduceLROnPlateauStateDict {
  [key: string]: SchedulerValue;
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLrs: number[];
  eps: number;
  best: number | 'inf' | '-inf';
  numBadEpochs: number;
  cooldownCounter: number;
  lastEpoch: number;
  lastLr: number[];
}

const NAME = 'ReduceLROnPlateau';

function checkMode(owner: string, v: unknown): 'min' | 'max' {
  if (v !== 'min' && v !== 'max') throw new RangeError(`${owner}: mode must be 'min' or 'max', got ${show(v)}`);
  return v;
}

function checkThresholdMode(owner: string, v: unknown): 'rel' | 'abs' {
  if (v !== 'rel' && v !== 'abs') throw new RangeError(`${owner}: thresholdMode must be 'rel' or 'abs', got ${show(v)}`);
  return v;
}

function checkFactor(owner: string, v: unknown): number {
  const f = checkNumber(owner, 'factor', v);
  if (!(f < 1)) throw new RangeError(`${owner}: factor must be < 1, got ${show(f)}`);
  return f;
}

/**
 * Reduces each group's learning rate by `factor` when a metric has stopped improving for more
 * than `patience` epochs (PyTorch's `ReduceLROnPlateau`). Unlike the epoch schedulers it takes
 * the metric in `step(metric)` and does not step when constructed.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { SGD, lrScheduler } from '@torchlet/optim';
 * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
 * const s = new lrScheduler.ReduceLROnPlateau(opt, { patience: 1, factor: 0.5 });
 * for (const valLoss of [1.0, 0.9, 0.95, 0.93]) s.step(valLoss);
 * s.getLastLr(); // [0.05]: two epochs without improvement on 0.9
 * ```
 */
export class ReduceLROnPlateau {
  /** The optimizer whose groups' `lr` this scheduler lowers. */
  readonly optimizer: Optimizer;
  /** `'min'` or `'max'`. */
  mode: 'min' | 'max';
  /** The reduction factor. */
  factor: number;
  /** Bad epochs tolerated before reducing. */
  patience: number;
  /** The improvement threshold. */
  threshold: number;
  /** `'rel'` or `'abs'`. */
  thresholdMode: 'rel' | 'abs';
  /** Epochs to wait after a reduction. */
  cooldown: number;
  /** The lower bound of each group's learning rate. */
  minLrs: number[];
  /** The smallest reduction applied. */
  eps: number;
  /** The best metric so far (±Infinity before the first step). */
  best: number;
  /** Consecutive epochs without improvement. */
  numBadEpochs = 0;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  /** Epochs seen (0 after construction). */
  lastEpoch = 0;
  private lastLr: number[];

  /**
   * @param optimizer - the optimizer to schedule
   * @param options - `mode` ('min'), `factor` (0.1), `patience` (10), `threshold` (1e-4), `thresholdMode` ('rel'),
   *   `cooldown` (0), `minLr` (0), `eps` (1e-8)
   */
  constructor(optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    checkKnownKeys(NAME, options, ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps']);
    if (!(optimizer instanceof Optimizer)) throw new TypeError(`${NAME}: optimizer must be an Optimizer, got ${show(optimizer)}`);
    this.optimizer = optimizer;
    this.factor = checkFactor(NAME, options.factor ?? 0.1);
    this.minLrs = perGroup(NAME, 'minLr', options.minLr ?? 0, optimizer.paramGroups.length);
    this.patience = checkInteger(NAME, 'patience', options.patience ?? 10, 0);
    this.cooldown = checkInteger(NAME, 'cooldown', options.cooldown ?? 0, 0);
    this.mode = checkMode(NAME, options.mode ?? 'min');
    this.threshold = checkNonNegative(NAME, 'threshold', options.threshold ?? 1e-4);
    this.thresholdMode = checkThresholdMode(NAME, options.thresholdMode ?? 'rel');
    this.eps = checkNonNegative(NAME, 'eps', options.eps ?? 1e-8);
    this.best = this.modeWorse;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  private get modeWorse(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  /** True while waiting after a reduction. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Whether `a` improves on `best` by more than the threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min') return a < best - this.threshold;
    if (this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  /**
   * Records one epoch's metric (a number or a one-element tensor) and reduces the learning
   * rates if it has not improved for more than `patience` epochs.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/autograd';
   * import { SGD, lrScheduler } from '@torchlet/optim';
   * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
   * const s = new lrScheduler.ReduceLROnPlateau(opt, { mode: 'max', patience: 0 });
   * s.step(0.5);
   * s.step(0.4); // no improvement: lr 0.01
   * ```
   */
  step(metric: number | Tensor): void {
    const current = typeof metric === 'number' ? metric : metric.item();
    if (typeof current !== 'number') throw new TypeError(`${NAME}.step: the metric must be a number or a one-element tensor, got ${show(metric)}`);
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs during cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      const oldLr = group.lr;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i] ?? 0);
      if (oldLr - newLr > this.eps) group.lr = newLr;
    });
  }

  /**
   * The learning rates after the last step (before any step: the groups' current ones).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/autograd';
   * import { SGD, lrScheduler } from '@torchlet/optim';
   * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
   * new lrScheduler.ReduceLROnPlateau(opt).getLastLr(); // [0.1]
   * ```
   */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /**
   * The scheduler's state as plain, JSON-serialisable data.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/autograd';
   * import { SGD, lrScheduler } from '@torchlet/optim';
   * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
   * const s = new lrScheduler.ReduceLROnPlateau(opt);
   * s.loadStateDict(JSON.parse(JSON.stringify(s.stateDict())));
   * ```
   */
  stateDict(): ReduceLROnPlateauStateDict {
    const best = this.best === Infinity ? 'inf' : this.best === -Infinity ? '-inf' : this.best;
    return {
      mode: this.mode,
      factor: this.factor,
      patience: this.patience,
      threshold: this.threshold,
      thresholdMode: this.thresholdMode,
      cooldown: this.cooldown,
      minLrs: [...this.minLrs],
      eps: this.eps,
      best,
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
      lastEpoch: this.lastEpoch,
      lastLr: [...this.lastLr],
    };
  }

  /**
   * Restores a state saved by {@link ReduceLROnPlateau.stateDict} (possibly through JSON).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/autograd';
   * import { SGD, lrScheduler } from '@torchlet/optim';
   * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
   * const a = new lrScheduler.ReduceLROnPlateau(opt, { patience: 3 });
   * a.step(1);
   * const b = new lrScheduler.ReduceLROnPlateau(opt);
   * b.loadStateDict(a.stateDict()); // b.patience === 3, b.best === 1
   * ```
   */
  loadStateDict(stateDict: ReduceLROnPlateauStateDict): void {
    const w = `${NAME}.loadStateDict`;
    if (typeof stateDict !== 'object' || stateDict === null) throw new TypeError(`${w}: expected an object, got ${show(stateDict)}`);
    const s = stateDict;
    const mode = checkMode(w, s.mode);
    const rawBest: unknown = s.best;
    const best = rawBest === 'inf' ? Infinity : rawBest === '-inf' ? -Infinity : checkNumber(w, 'best', rawBest);
    const next = {
      mode,
      factor: checkFactor(w, s.factor),
      patience: checkInteger(w, 'patience', s.patience, 0),
      threshold: checkNonNegative(w, 'threshold', s.threshold),
      thresholdMode: checkThresholdMode(w, s.thresholdMode),
      cooldown: checkInteger(w, 'cooldown', s.cooldown, 0),
      minLrs: numberList(w, 'minLrs', s.minLrs),
      eps: checkNonNegative(w, 'eps', s.eps),
      best,
      numBadEpochs: checkInteger(w, 'numBadEpochs', s.numBadEpochs, 0),
      cooldownCounter: checkInteger(w, 'cooldownCounter', s.cooldownCounter, 0),
      lastEpoch: checkInteger(w, 'lastEpoch', s.lastEpoch, 0),
    };
    const lastLr = numberList(w, 'lastLr', s.lastLr);
    Object.assign(this, next);
    this.lastLr = lastLr;
  }
}
