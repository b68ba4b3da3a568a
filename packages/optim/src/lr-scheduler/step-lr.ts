import type { Optimizer } from '../optimizer.js';
import { checkInteger, checkKnownKeys, checkNumber } from '../util.js';
import { LRScheduler, type SchedulerValue } from './lr-scheduler.js';

/**
 * Options of {@link StepLR}.
 *
 * @example
 * ```ts
 * import { lrScheduler } from '@torchlet/optim';
 * const o: lrScheduler.StepLROptions = { gamma: 0.5 };
 * ```
 */
export interface StepLROptions {
  /** The factor applied every `stepSize` epochs (default 0.1). */
  gamma?: number;
  /** The last completed epoch when resuming (default −1). */
  lastEpoch?: number;
}

/**
 * Multiplies each group's learning rate by `gamma` every `stepSize` epochs:
 * `lr = base·γ^floor(epoch / stepSize)`, computed recursively as PyTorch does
 * (`lr ← lr·γ` at epochs divisible by `stepSize`).
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { SGD, lrScheduler } from '@torchlet/optim';
 * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
 * const s = new lrScheduler.StepLR(opt, 30, { gamma: 0.1 }); // 0.1 for epochs 0–29, 0.01 for 30–59, …
 * ```
 */
export class StepLR extends LRScheduler {
  /** Epochs between decays. */
  stepSize: number;
  /** The decay factor. */
  gamma: number;

  /**
   * @param optimizer - the optimizer to schedule
   * @param stepSize - epochs between decays (a positive integer)
   * @param options - `gamma` (0.1), `lastEpoch` (−1)
   */
  constructor(optimizer: Optimizer, stepSize: number, options: StepLROptions = {}) {
    checkKnownKeys('StepLR', options, ['gamma', 'lastEpoch']);
    super('StepLR', optimizer, options.lastEpoch ?? -1);
    this.stepSize = checkInteger('StepLR', 'stepSize', stepSize, 1);
    this.gamma = checkNumber('StepLR', 'gamma', options.gamma ?? 0.1);
    this.initialStep();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override saveExtra(): Record<string, SchedulerValue> {
    return { stepSize: this.stepSize, gamma: this.gamma };
  }

  protected override loadExtra(saved: Readonly<Record<string, SchedulerValue>>): void {
    const where = 'StepLR.loadStateDict';
    const stepSize = checkInteger(where, 'stepSize', saved.stepSize, 1);
    this.gamma = checkNumber(where, 'gamma', saved.gamma);
    this.stepSize = stepSize;
  }
}
