/**
 * Regression losses (PyTorch's `F.mse_loss`, `F.l1_loss`, `F.smooth_l1_loss`, `F.huber_loss`),
 * composed from differentiable ops: gradients flow to the input and, when it requires grad, to the
 * target. Input and target must have the same shape (PyTorch broadcasts them with a warning; that is
 * almost always a bug, so torchlet refuses it).
 */
import { abs, lt, mul, square, sub, where, type Tensor } from '@torchlet/autograd';
import { checkFinite, checkFloat, checkSameShape } from './primitive.js';
import { checkReduction, reduce, type LossOptions } from './reduction.js';

/** The element-wise difference `input − target`, after checking both. */
function difference(op: string, input: Tensor, target: Tensor): Tensor {
  checkFloat(op, 'input', input);
  checkFloat(op, 'target', target);
  checkSameShape(op, 'input', input, 'target', target);
  return sub(input, target);
}

/**
 * Mean squared error (PyTorch's `F.mse_loss`): `l = (input − target)²` element-wise, then reduced
 * (`'mean'` over all elements, the default; `'sum'`; `'none'`).
 *
 * @throws TypeError for non-float tensors; RangeError when the shapes differ or for an unknown reduction
 * @example
 * ```ts
 * mseLoss(tensor([1, 2, 3]), tensor([1, 0, 0])).item();                      // (0 + 4 + 9)/3 = 4.333…
 * mseLoss(tensor([1, 2]), tensor([0, 0]), { reduction: 'none' }).toArray(); // [1, 4]
 * ```
 */
export function mseLoss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const reduction = checkReduction('mseLoss', options.reduction);
  return reduce(square(difference('mseLoss', input, target)), reduction);
}

/**
 * Mean absolute error (PyTorch's `F.l1_loss`): `l = |input − target|`, then reduced (default
 * `'mean'`). The gradient at `input = target` is 0.
 *
 * @throws TypeError for non-float tensors; RangeError when the shapes differ or for an unknown reduction
 * @example
 * ```ts
 * l1Loss(tensor([1, 2, 3]), tensor([1, 0, 0])).item(); // (0 + 2 + 3)/3 = 1.666…
 * ```
 */
export function l1Loss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const reduction = checkReduction('l1Loss', options.reduction);
  return reduce(abs(difference('l1Loss', input, target)), reduction);
}

/** Options of {@link smoothL1Loss}. */
export interface SmoothL1LossOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1); ≥ 0, and 0 gives the L1 loss. */
  beta?: number | undefined;
}

/**
 * Smooth L1 loss (PyTorch's `F.smooth_l1_loss`): with `d = input − target`,
 * `l = 0.5·d²/β` where `|d| < β`, else `|d| − 0.5·β`; then reduced (default `'mean'`).
 * `β = 0` is exactly {@link l1Loss}.
 *
 * @throws RangeError when `beta` is negative or not finite, the shapes differ, or for an unknown
 * reduction; TypeError for non-float tensors
 * @example
 * ```ts
 * smoothL1Loss(tensor([0.5, 3]), tensor([0, 0]), { reduction: 'none' }).toArray(); // [0.125, 2.5]
 * ```
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1LossOptions = {}): Tensor {
  const reduction = checkReduction('smoothL1Loss', options.reduction);
  const beta = checkFinite('smoothL1Loss', 'beta', options.beta ?? 1);
  if (beta < 0) throw new RangeError(`smoothL1Loss: beta must be non-negative, got ${beta}`);
  const d = difference('smoothL1Loss', input, target);
  const ad = abs(d);
  if (beta === 0) return reduce(ad, reduction);
  return reduce(where(lt(ad, beta), mul(square(d), 0.5 / beta), sub(ad, 0.5 * beta)), reduction);
}

/** Options of {@link huberLoss}. */
export interface HuberLossOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1); must be positive. */
  delta?: number | undefined;
}

/**
 * Huber loss (PyTorch's `F.huber_loss`): with `d = input − target`, `l = 0.5·d²` where
 * `|d| < δ`, else `δ·(|d| − 0.5·δ)`; then reduced (default `'mean'`). Equals
 * `δ·smoothL1Loss(β = δ)`.
 *
 * @throws RangeError when `delta` is not a positive finite number, the shapes differ, or for an
 * unknown reduction; TypeError for non-float tensors
 * @example
 * ```ts
 * huberLoss(tensor([0.5, 3]), tensor([0, 0]), { delta: 2, reduction: 'none' }).toArray(); // [0.125, 4]
 * ```
 */
export function huberLoss(input: Tensor, target: Tensor, options: HuberLossOptions = {}): Tensor {
  const reduction = checkReduction('huberLoss', options.reduction);
  const delta = checkFinite('huberLoss', 'delta', options.delta ?? 1);
  if (delta <= 0) throw new RangeError(`huberLoss: delta must be positive, got ${delta}`);
  const d = difference('huberLoss', input, target);
  const ad = abs(d);
  return reduce(where(lt(ad, delta), mul(square(d), 0.5), mul(sub(ad, 0.5 * delta), delta)), reduction);
}
