import type { Optimizer } from '../optimizer.js';
import { checkKnownKeys, show } from '../util.js';
import { LRScheduler } from './lr-scheduler.js';

/**
 * Options of {@link LambdaLR}.
 *
 * @example
 * ```ts
 * import { lrScheduler } from '@torchlet/optim';
 * const o: lrScheduler.LambdaLROptions = { lastEpoch: -1 };
 * ```
 */
export interface LambdaLROptions {
  /** The last completed epoch when resuming (default −1). */
  lastEpoch?: number;
}

/**
 * Sets each group's learning rate to `base · lrLambda(epoch)`. The functions are not part of the
 * state dict (as in PyTorch): a resumed scheduler must be built with the same functions.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { SGD, lrScheduler } from '@torchlet/optim';
 * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
 * const s = new lrScheduler.LambdaLR(opt, (epoch) => 0.95 ** epoch);
 * ```
 */
export class LambdaLR extends LRScheduler {
  /** One function per group, from the epoch to the factor of the base learning rate. */
  readonly lrLambdas: ((epoch: number) => number)[];

  /**
   * @param optimizer - the optimizer to schedule
   * @param lrLambda - one function for every group, or one per group
   * @param options - `lastEpoch` (−1)
   */
  constructor(optimizer: Optimizer, lrLambda: ((epoch: number) => number) | readonly ((epoch: number) => number)[], options: LambdaLROptions = {}) {
    checkKnownKeys('LambdaLR', options, ['lastEpoch']);
    super('LambdaLR', optimizer, options.lastEpoch ?? -1);
    const n = optimizer.paramGroups.length;
    if (Array.isArray(lrLambda)) {
      if (lrLambda.length !== n) throw new RangeError(`LambdaLR: expected ${n} lrLambda functions (one per parameter group), got ${lrLambda.length}`);
      this.lrLambdas = [...(lrLambda as readonly ((epoch: number) => number)[])];
    } else {
      this.lrLambdas = new Array<(epoch: number) => number>(n).fill(lrLambda as (epoch: number) => number);
    }
    this.lrLambdas.forEach((f, i) => {
      if (typeof f !== 'function') throw new TypeError(`LambdaLR: lrLambda[${i}] must be a function, got ${show(f)}`);
    });
    this.initialStep();
  }

  protected computeLr(): number[] {
    const n = Math.min(this.lrLambdas.length, this.baseLrs.length);
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(this.baseLrs[i]! * this.lrLambdas[i]!(this.lastEpoch));
    return out;
  }
}
