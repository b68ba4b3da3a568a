/** The learning-rate scheduler base: PyTorch 1.13's `_LRScheduler` (chainable form). */
import { Optimizer, type ParamGroup } from '../optimizer.js';
import { checkInteger, checkNumber, show } from '../util.js';

/**
 * One value of a scheduler's saved state: plain, JSON-serialisable data.
 *
 * @example
 * ```ts
 * import { lrScheduler } from '@torchlet/optim';
 * const v: lrScheduler.SchedulerValue = [0.1, 0.01];
 * ```
 */
export type SchedulerValue = number | string | boolean | null | number[];

/**
 * A scheduler's state as plain data (PyTorch's `state_dict()`): the epoch counter, the base and
 * last learning rates, and the scheduler's own hyper-parameters and counters.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { SGD, lrScheduler } from '@torchlet/optim';
 * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
 * const s = new lrScheduler.StepLR(opt, 2);
 * const saved: lrScheduler.LRSchedulerStateDict = JSON.parse(JSON.stringify(s.stateDict()));
 * s.loadStateDict(saved);
 * ```
 */
export interface LRSchedulerStateDict {
  [key: string]: SchedulerValue;
  /** The epoch of the current learning rates (0 after construction). */
  lastEpoch: number;
  /** How many times `step()` ran, the constructor's initial step included. */
  stepCount: number;
  /** Each group's learning rate when the scheduler started (`initialLr`). */
  baseLrs: number[];
  /** The learning rates set by the last step. */
  lastLr: number[];
}

/**
 * The base of the epoch-based schedulers. A subclass computes the next learning rates from the
 * current ones ({@link LRScheduler.computeLr}, PyTorch's `get_lr`, in its recursive "chainable"
 * form) and calls {@link LRScheduler.initialStep} at the end of its constructor: as in PyTorch,
 * constructing a scheduler performs the first step (`lastEpoch` −1 → 0).
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { SGD, lrScheduler } from '@torchlet/optim';
 * class Halving extends lrScheduler.LRScheduler {
 *   constructor(opt: SGD) {
 *     super('Halving', opt);
 *     this.initialStep();
 *   }
 *   protected computeLr(): number[] {
 *     return this.optimizer.paramGroups.map((g) => (this.lastEpoch === 0 ? g.lr : g.lr / 2));
 *   }
 * }
 * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 1 });
 * const s = new Halving(opt);
 * s.step();
 * s.getLastLr(); // [0.5]
 * ```
 */
export abstract class LRScheduler {
  /** The class name used in error messages. */
  readonly name: string;
  /** The optimizer whose groups' `lr` this scheduler sets. */
  readonly optimizer: Optimizer;
  /** Each group's learning rate when the scheduler started (PyTorch's `base_lrs`). */
  baseLrs: number[];
  /** The epoch of the current learning rates: −1 before the constructor's initial step, then 0, 1, … */
  lastEpoch: number;
  /** How many times `step()` ran (PyTorch's `_step_count`). */
  protected stepCount = 0;
  private lastLr: number[] = [];

  /**
   * @param name - the class name for error messages
   * @param optimizer - the optimizer to schedule
   * @param lastEpoch - the epoch of the last completed step when resuming (default −1: start);
   *   resuming needs `initialLr` in every group
   */
  protected constructor(name: string, optimizer: Optimizer, lastEpoch = -1) {
    this.name = name;
    if (!(optimizer instanceof Optimizer)) throw new TypeError(`${name}: optimizer must be an Optimizer, got ${show(optimizer)}`);
    this.optimizer = optimizer;
    checkInteger(name, 'lastEpoch', lastEpoch, -1);
    if (lastEpoch === -1) {
      for (const group of optimizer.paramGroups) group.initialLr ??= group.lr;
    } else {
      optimizer.paramGroups.forEach((group, i) => {
        if (group.initialLr === undefined) {
          throw new RangeError(`${name}: initialLr is not set in paramGroups[${i}], which resuming (lastEpoch ${lastEpoch}) needs`);
        }
      });
    }
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
    this.lastEpoch = lastEpoch;
  }

  /** The constructor's first step; subclasses call it once their own fields are set. */
  protected initialStep(): void {
    this.step();
  }

  /**
   * The learning rates for epoch `lastEpoch` (already incremented), one per group, computed
   * from the groups' current `lr` (PyTorch's chainable `get_lr`).
   */
  protected abstract computeLr(): number[];

  /** The groups paired with their base learning rates (as Python's `zip`: the shorter wins). */
  protected groupsWithBase(): [group: ParamGroup, baseLr: number][] {
    const groups = this.optimizer.paramGroups;
    const n = Math.min(groups.length, this.baseLrs.length);
    const out: [ParamGroup, number][] = [];
    for (let i = 0; i < n; i++) out.push([groups[i]!, this.baseLrs[i]!]);
    return out;
  }

  /**
   * Advances one epoch and writes the new learning rates into the optimizer's groups. Call it
   * after `optimizer.step()`, once per epoch (or per batch for per-iteration schedules).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/autograd';
   * import { SGD, lrScheduler } from '@torchlet/optim';
   * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
   * const s = new lrScheduler.ExponentialLR(opt, 0.5);
   * opt.step();
   * s.step();
   * s.getLastLr(); // [0.05]
   * ```
   */
  step(): void {
    this.stepCount++;
    this.lastEpoch++;
    const values = this.computeLr();
    const groups = this.optimizer.paramGroups;
    const n = Math.min(groups.length, values.length);
    for (let i = 0; i < n; i++) groups[i]!.lr = values[i]!;
    this.lastLr = groups.map((g) => g.lr);
  }

  /**
   * The learning rates set by the last step, one per parameter group.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/autograd';
   * import { SGD, lrScheduler } from '@torchlet/optim';
   * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
   * new lrScheduler.LinearLR(opt, { startFactor: 0.5 }).getLastLr(); // [0.05]
   * ```
   */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The scheduler's own hyper-parameters and counters, for the state dict. */
  protected saveExtra(): Record<string, SchedulerValue> {
    return {};
  }

  /** Restores what {@link LRScheduler.saveExtra} saved (validating it). */
  protected loadExtra(_saved: Readonly<Record<string, SchedulerValue>>): void {}

  /**
   * The scheduler's state as plain, JSON-serialisable data. Save it with the optimizer's:
   * the chainable formulas continue from the groups' current `lr`.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/autograd';
   * import { SGD, lrScheduler } from '@torchlet/optim';
   * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
   * const s = new lrScheduler.StepLR(opt, 3, { gamma: 0.5 });
   * JSON.stringify(s.stateDict()); // {"lastEpoch":0,"stepCount":1,"baseLrs":[0.1],"lastLr":[0.1],"stepSize":3,"gamma":0.5}
   * ```
   */
  stateDict(): LRSchedulerStateDict {
    return { lastEpoch: this.lastEpoch, stepCount: this.stepCount, baseLrs: [...this.baseLrs], lastLr: [...this.lastLr], ...this.saveExtra() };
  }

  /**
   * Restores a state saved by {@link LRScheduler.stateDict} (possibly through JSON).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/autograd';
   * import { SGD, lrScheduler } from '@torchlet/optim';
   * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
   * const s = new lrScheduler.StepLR(opt, 3);
   * s.loadStateDict({ lastEpoch: 4, stepCount: 5, baseLrs: [0.1], lastLr: [0.01], stepSize: 3, gamma: 0.1 });
   * ```
   */
  loadStateDict(stateDict: LRSchedulerStateDict): void {
    const where = `${this.name}.loadStateDict`;
    if (typeof stateDict !== 'object' || stateDict === null) throw new TypeError(`${where}: expected an object, got ${show(stateDict)}`);
    const lastEpoch = checkInteger(where, 'lastEpoch', stateDict.lastEpoch, -1);
    const stepCount = checkInteger(where, 'stepCount', stateDict.stepCount, 0);
    const baseLrs = numberList(where, 'baseLrs', stateDict.baseLrs);
    const lastLr = numberList(where, 'lastLr', stateDict.lastLr);
    this.loadExtra(stateDict);
    this.lastEpoch = lastEpoch;
    this.stepCount = stepCount;
    this.baseLrs = baseLrs;
    this.lastLr = lastLr;
  }
}

/** Checks a saved list of numbers; returns a copy. @internal */
export function numberList(owner: string, name: string, value: unknown): number[] {
  if (!Array.isArray(value)) throw new TypeError(`${owner}: ${name} must be an array of numbers, got ${show(value)}`);
  return value.map((v, i) => checkNumber(owner, `${name}[${i}]`, v));
}

/** One value per parameter group: a list (checked for length) or one number for all. @internal */
export function perGroup(owner: string, name: string, value: unknown, groups: number): number[] {
  if (Array.isArray(value)) {
    if (value.length !== groups) throw new RangeError(`${owner}: expected ${groups} values for ${name} (one per parameter group), got ${value.length}`);
    return numberList(owner, name, value);
  }
  const v = checkNumber(owner, name, value);
  return new Array<number>(groups).fill(v);
}
