import type { Optimizer } from '../optimizer.js';
import { checkInteger, checkKnownKeys, checkNumber, show } from '../util.js';
import { LRScheduler, type SchedulerValue } from './lr-scheduler.js';

/**
 * Options of {@link LinearLR}.
 *
 * @example
 * ```ts
 * import { lrScheduler } from '@torchlet/optim';
 * const o: lrScheduler.LinearLROptions = { startFactor: 0.1, totalIters: 10 };
 * ```
 */
export interface LinearLROptions {
  /** The factor of the base learning rate at epoch 0, in (0, 1] (default 1/3). */
  startFactor?: number;
  /** The factor reached at `totalIters`, in [0, 1] (default 1). */
  endFactor?: number;
  /** The number of epochs of the ramp (default 5). */
  totalIters?: number;
  /** The last completed epoch when resuming (default −1). */
  lastEpoch?: number;
}

interface Linear {
  startFactor: number;
  endFactor: number;
  totalIters: number;
}

function checkLinear(owner: string, o: { startFactor: unknown; endFactor: unknown; totalIters: unknown }): Linear {
  const startFactor = checkNumber(owner, 'startFactor', o.startFactor);
  // PyTorch 1.13 accepts 0 but then divides by zero at the first step
  if (!(startFactor > 0 && startFactor <= 1)) throw new RangeError(`${owner}: startFactor must be in (0, 1], got ${show(startFactor)}`);
  const endFactor = checkNumber(owner, 'endFactor', o.endFactor);
  if (!(endFactor >= 0 && endFactor <= 1)) throw new RangeError(`${owner}: endFactor must be in [0, 1], got ${show(endFactor)}`);
  const totalIters = checkInteger(owner, 'totalIters', o.totalIters, 0);
  return { startFactor, endFactor, totalIters };
}

/**
 * Scales each group's learning rate linearly from `startFactor·base` to `endFactor·base` over
 * `totalIters` epochs, then holds it:
 * `lr = base·(start + (end − start)·min(epoch, totalIters)/totalIters)`, computed with
 * PyTorch's recursive ratio `lr ← lr·(1 + (end − start)/(totalIters·start + (epoch − 1)·(end − start)))`.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { SGD, lrScheduler } from '@torchlet/optim';
 * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
 * const warmup = new lrScheduler.LinearLR(opt, { startFactor: 0.25, totalIters: 4 }); // 0.025, 0.05, 0.075, 0.1, 0.1, …
 * ```
 */
export class LinearLR extends LRScheduler {
  /** The factor at epoch 0. */
  startFactor: number;
  /** The factor from `totalIters` on. */
  endFactor: number;
  /** The length of the ramp, in epochs. */
  totalIters: number;

  /**
   * @param optimizer - the optimizer to schedule
   * @param options - `startFactor` (1/3), `endFactor` (1), `totalIters` (5), `lastEpoch` (−1)
   */
  constructor(optimizer: Optimizer, options: LinearLROptions = {}) {
    checkKnownKeys('LinearLR', options, ['startFactor', 'endFactor', 'totalIters', 'lastEpoch']);
    const o = checkLinear('LinearLR', { startFactor: options.startFactor ?? 1 / 3, endFactor: options.endFactor ?? 1, totalIters: options.totalIters ?? 5 });
    super('LinearLR', optimizer, options.lastEpoch ?? -1);
    this.startFactor = o.startFactor;
    this.endFactor = o.endFactor;
    this.totalIters = o.totalIters;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const { startFactor: s, endFactor: f, totalIters: n } = this;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr * s);
    if (this.lastEpoch > n) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1 + (f - s) / (n * s + (this.lastEpoch - 1) * (f - s))));
  }

  protected override saveExtra(): Record<string, SchedulerValue> {
    return { startFactor: this.startFactor, endFactor: this.endFactor, totalIters: this.totalIters };
  }

  protected override loadExtra(saved: Readonly<Record<string, SchedulerValue>>): void {
    const o = checkLinear('LinearLR.loadStateDict', { startFactor: saved.startFactor, endFactor: saved.endFactor, totalIters: saved.totalIters });
    this.startFactor = o.startFactor;
    this.endFactor = o.endFactor;
    this.totalIters = o.totalIters;
  }
}
