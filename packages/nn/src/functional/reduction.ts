/** The `reduction` argument every loss shares: how per-element losses become the result. */
import { mean, sum, type Tensor } from '@torchlet/autograd';

/**
 * How a loss reduces its per-element values: `'mean'` (PyTorch's default) averages them (each loss
 * documents its denominator), `'sum'` adds them, `'none'` returns them unreduced.
 */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options of the losses that take nothing but a reduction. */
export interface LossOptions {
  /** `'mean'` (default), `'sum'` or `'none'`. */
  reduction?: Reduction | undefined;
}

/** The validated reduction of `options` (default `'mean'`). Internal. */
export function checkReduction(op: string, reduction: unknown): Reduction {
  const r = reduction ?? 'mean';
  if (r !== 'mean' && r !== 'sum' && r !== 'none') {
    throw new RangeError(`${op}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(r)}`);
  }
  return r;
}

/** Applies a plain reduction: the mean over every element, the sum, or nothing. Internal. */
export function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? sum(loss) : mean(loss);
}
