import type { Optimizer } from '../optimizer.js';
import { checkKnownKeys, checkNumber, show } from '../util.js';
import { LRScheduler, type SchedulerValue } from './lr-scheduler.js';

/**
 * Options of {@link CosineAnnealingLR}.
 *
 * @example
 * ```ts
 * import { lrScheduler } from '@torchlet/optim';
 * const o: lrScheduler.CosineAnnealingLROptions = { etaMin: 1e-4 };
 * ```
 */
export interface CosineAnnealingLROptions {
  /** The minimum learning rate (default 0). */
  etaMin?: number;
  /** The last completed epoch when resuming (default −1). */
  lastEpoch?: number;
}

function checkTMax(owner: string, tMax: unknown): number {
  const v = checkNumber(owner, 'tMax', tMax);
  if (!(v > 0)) throw new RangeError(`${owner}: tMax must be > 0, got ${show(v)}`);
  return v;
}

/**
 * Cosine annealing (SGDR without restarts), PyTorch 1.13's recursive form:
 * `lr = etaMin + (base − etaMin)·(1 + cos(π·epoch/tMax))/2`; past `tMax` it rises again.
 * Each step computes
 * `lr ← (1 + cos(π·e/tMax)) / (1 + cos(π·(e−1)/tMax))·(lr − etaMin) + etaMin`, with PyTorch's
 * special cases at `e = 0` and when `(e − 1 − tMax)` is a multiple of `2·tMax`.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { SGD, lrScheduler } from '@torchlet/optim';
 * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
 * const s = new lrScheduler.CosineAnnealingLR(opt, 10, { etaMin: 0.001 });
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  /** The half-period, in epochs (PyTorch's `T_max`). */
  tMax: number;
  /** The minimum learning rate. */
  etaMin: number;

  /**
   * @param optimizer - the optimizer to schedule
   * @param tMax - the number of epochs from the base learning rate down to `etaMin` (> 0)
   * @param options - `etaMin` (0), `lastEpoch` (−1)
   */
  constructor(optimizer: Optimizer, tMax: number, options: CosineAnnealingLROptions = {}) {
    checkKnownKeys('CosineAnnealingLR', options, ['etaMin', 'lastEpoch']);
    super('CosineAnnealingLR', optimizer, options.lastEpoch ?? -1);
    this.tMax = checkTMax('CosineAnnealingLR', tMax);
    this.etaMin = checkNumber('CosineAnnealingLR', 'etaMin', options.etaMin ?? 0);
    this.initialStep();
  }

  protected computeLr(): number[] {
    const e = this.lastEpoch;
    const T = this.tMax;
    const etaMin = this.etaMin;
    if (e === 0) return this.optimizer.paramGroups.map((g) => g.lr);
    if (this.stepCount === 1 && e > 0) {
      return this.groupsWithBase().map(([, base]) => etaMin + ((base - etaMin) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    }
    if ((e - 1 - T) % (2 * T) === 0) {
      return this.groupsWithBase().map(([g, base]) => g.lr + ((base - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return this.optimizer.paramGroups.map(
      (g) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (g.lr - etaMin) + etaMin,
    );
  }

  protected override saveExtra(): Record<string, SchedulerValue> {
    return { tMax: this.tMax, etaMin: this.etaMin };
  }

  protected override loadExtra(saved: Readonly<Record<string, SchedulerValue>>): void {
    const where = 'CosineAnnealingLR.loadStateDict';
    const tMax = checkTMax(where, saved.tMax);
    this.etaMin = checkNumber(where, 'etaMin', saved.etaMin);
    this.tMax = tMax;
  }
}
