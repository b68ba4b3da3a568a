import type { Optimizer } from '../optimizer.js';
import { checkKnownKeys, checkNumber, show } from '../util.js';
import { LRScheduler, type SchedulerValue } from './lr-scheduler.js';

/**
 * Options of {@link MultiStepLR}.
 *
 * @example
 * ```ts
 * import { lrScheduler } from '@torchlet/optim';
 * const o: lrScheduler.MultiStepLROptions = { gamma: 0.5 };
 * ```
 */
export interface MultiStepLROptions {
  /** The factor applied at each milestone (default 0.1). */
  gamma?: number;
  /** The last completed epoch when resuming (default −1). */
  lastEpoch?: number;
}

function checkMilestones(owner: string, milestones: unknown): number[] {
  if (!Array.isArray(milestones) || milestones.some((m) => typeof m !== 'number' || !Number.isInteger(m))) {
    throw new TypeError(`${owner}: milestones must be an array of integers, got ${show(milestones)}`);
  }
  return (milestones as number[]).slice().sort((a, b) => a - b);
}

/**
 * Multiplies each group's learning rate by `gamma` at each milestone epoch (a milestone listed
 * twice applies `gamma²`): `lr = base·γ^(number of milestones ≤ epoch)`, computed recursively.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { SGD, lrScheduler } from '@torchlet/optim';
 * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.05 });
 * const s = new lrScheduler.MultiStepLR(opt, [30, 80], { gamma: 0.1 }); // 0.05, then 0.005 from 30, 0.0005 from 80
 * ```
 */
export class MultiStepLR extends LRScheduler {
  /** The milestone epochs, sorted (repeated entries count twice). */
  milestones: number[];
  /** The decay factor. */
  gamma: number;

  /**
   * @param optimizer - the optimizer to schedule
   * @param milestones - epochs at which to decay (integers)
   * @param options - `gamma` (0.1), `lastEpoch` (−1)
   */
  constructor(optimizer: Optimizer, milestones: readonly number[], options: MultiStepLROptions = {}) {
    checkKnownKeys('MultiStepLR', options, ['gamma', 'lastEpoch']);
    super('MultiStepLR', optimizer, options.lastEpoch ?? -1);
    this.milestones = checkMilestones('MultiStepLR', milestones);
    this.gamma = checkNumber('MultiStepLR', 'gamma', options.gamma ?? 0.1);
    this.initialStep();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (count === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma ** count);
  }

  protected override saveExtra(): Record<string, SchedulerValue> {
    return { milestones: [...this.milestones], gamma: this.gamma };
  }

  protected override loadExtra(saved: Readonly<Record<string, SchedulerValue>>): void {
    const where = 'MultiStepLR.loadStateDict';
    const milestones = checkMilestones(where, saved.milestones);
    this.gamma = checkNumber(where, 'gamma', saved.gamma);
    this.milestones = milestones;
  }
}
