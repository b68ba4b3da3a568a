import type { Optimizer } from '../optimizer.js';
import { checkKnownKeys, checkNumber } from '../util.js';
import { LRScheduler, type SchedulerValue } from './lr-scheduler.js';

/**
 * Options of {@link ExponentialLR}.
 *
 * @example
 * ```ts
 * import { lrScheduler } from '@torchlet/optim';
 * const o: lrScheduler.ExponentialLROptions = { lastEpoch: -1 };
 * ```
 */
export interface ExponentialLROptions {
  /** The last completed epoch when resuming (default −1). */
  lastEpoch?: number;
}

/**
 * Multiplies each group's learning rate by `gamma` every epoch: `lr = base·γ^epoch`,
 * computed recursively (`lr ← lr·γ`).
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { SGD, lrScheduler } from '@torchlet/optim';
 * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
 * const s = new lrScheduler.ExponentialLR(opt, 0.9);
 * ```
 */
export class ExponentialLR extends LRScheduler {
  /** The decay factor per epoch. */
  gamma: number;

  /**
   * @param optimizer - the optimizer to schedule
   * @param gamma - the factor per epoch
   * @param options - `lastEpoch` (−1)
   */
  constructor(optimizer: Optimizer, gamma: number, options: ExponentialLROptions = {}) {
    checkKnownKeys('ExponentialLR', options, ['lastEpoch']);
    super('ExponentialLR', optimizer, options.lastEpoch ?? -1);
    this.gamma = checkNumber('ExponentialLR', 'gamma', gamma);
    this.initialStep();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override saveExtra(): Record<string, SchedulerValue> {
    return { gamma: this.gamma };
  }

  protected override loadExtra(saved: Readonly<Record<string, SchedulerValue>>): void {
    this.gamma = checkNumber('ExponentialLR.loadStateDict', 'gamma', saved.gamma);
  }
}
