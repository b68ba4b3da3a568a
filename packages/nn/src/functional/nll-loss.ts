/**
 * The negative log-likelihood loss (PyTorch's `F.nll_loss`) and the class-index target checks
 * that {@link crossEntropy} shares.
 */
import { div, isGradEnabled, sum, type Tensor } from '@torchlet/autograd';
import { formatShape } from '@torchlet/ndarray';
import { pickClass, type ClassPick } from './pick-class.js';
import { checkFloat, checkTensor } from './primitive.js';
import { checkReduction, type Reduction } from './reduction.js';

/** Options of {@link nllLoss}. */
export interface NllLossOptions {
  /** Per-class weights `w` (a 1-D tensor of C values; default: all 1). No gradient flows into them. */
  weight?: Tensor | null | undefined;
  /** Positions whose target equals this class index contribute nothing (default −100). */
  ignoreIndex?: number | undefined;
  /** `'mean'` (default): `Σ lᵢ / Σ w[yᵢ]` over the positions not ignored; `'sum'`; `'none'`. */
  reduction?: Reduction | undefined;
}

/** A validated class-index target: what to pick, and the mean's denominator. Internal. */
export interface ClassTargets extends ClassPick {
  /** `w[yᵢ]` for each position (0 where ignored). */
  readonly coef: Float64Array;
  /** `Σ w[yᵢ]` over the positions not ignored (their count without weights). */
  readonly weightSum: number;
  /** True when some position is ignored. */
  readonly anyIgnored: boolean;
}

/** Checks the input shape, C and the class dim shared by nllLoss and crossEntropy. Internal. */
export function classInput(op: string, input: unknown): { input: Tensor; C: number; classDim: number } {
  const x = checkFloat(op, 'input', input);
  if (x.ndim < 1) throw new RangeError(`${op}: expected an input of shape (C), (N, C) or (N, C, d1, …), got shape ${formatShape(x.shape)}`);
  const classDim = x.ndim === 1 ? 0 : 1;
  return { input: x, C: x.shape[classDim]!, classDim };
}

/** The validated class weights (null when absent). Internal. */
export function classWeight(op: string, weight: unknown, C: number): Tensor | null {
  if (weight === null || weight === undefined) return null;
  const w = checkFloat(op, 'weight', weight);
  if (w.ndim !== 1 || w.numel() !== C) {
    throw new RangeError(`${op}: weight must be a 1-D tensor of ${C} class weights (one per class), got shape ${formatShape(w.shape)}`);
  }
  if (w.requiresGrad && isGradEnabled()) {
    throw new Error(`${op}: no gradient flows into the class weights (PyTorch refuses it too); pass weight.detach()`);
  }
  return w;
}

/**
 * Validates an int32 class-index target against an input of shape (C), (N, C) or (N, C, d1, …)
 * and resolves every position's class, weight and whether it is ignored. Internal.
 */
export function classTargets(op: string, input: Tensor, C: number, target: unknown, weight: Tensor | null, ignoreIndex: unknown): ClassTargets {
  const t = checkTensor(op, 'target', target);
  if (typeof ignoreIndex !== 'number' || !Number.isInteger(ignoreIndex)) {
    throw new RangeError(`${op}: ignoreIndex must be an integer, got ${String(ignoreIndex)}`);
  }
  if (t.dtype !== 'int32') {
    throw new TypeError(
      `${op}: class-index targets must be int32 (torchlet's dtype for PyTorch's int64 indices), got a ${t.dtype} target of shape ${formatShape(t.shape)}`,
    );
  }
  const expected = input.ndim === 1 ? [] : [input.shape[0]!, ...input.shape.slice(2)];
  if (input.ndim > 1 && t.ndim >= 1 && t.shape[0] !== input.shape[0]) {
    throw new RangeError(
      `${op}: target has ${t.shape[0]} samples but input has ${input.shape[0]} (input shape ${formatShape(input.shape)}, target shape ${formatShape(t.shape)})`,
    );
  }
  if (t.ndim !== expected.length || t.shape.some((s, i) => s !== expected[i])) {
    throw new RangeError(
      `${op}: target has shape ${formatShape(t.shape)} but an input of shape ${formatShape(input.shape)} needs a target of shape ${formatShape(expected)}`,
    );
  }
  const values = t.data.denseData();
  const w = weight ? weight.data.denseData() : null;
  const n = values.length;
  const index = new Int32Array(n);
  const coef = new Float64Array(n);
  let weightSum = 0;
  let anyIgnored = false;
  for (let p = 0; p < n; p++) {
    const y = values[p]!;
    if (y === ignoreIndex) {
      index[p] = -1;
      anyIgnored = true;
      continue;
    }
    if (y < 0 || y >= C) {
      throw new RangeError(
        `${op}: target ${y} is out of bounds for ${C} classes (element ${p} of the target; valid: 0 ≤ target < ${C}, or ignoreIndex ${ignoreIndex})`,
      );
    }
    index[p] = y;
    const wy = w ? w[y]! : 1;
    coef[p] = wy;
    weightSum += wy;
  }
  return { index, coef, shape: expected, sourceShape: input.shape, weightSum, anyIgnored };
}

/** Reduces per-position class losses: the mean divides by `Σ w[yᵢ]` over the positions not ignored. Internal. */
export function reduceClassLoss(loss: Tensor, reduction: Reduction, targets: ClassTargets): Tensor {
  if (reduction === 'none') return loss;
  const total = sum(loss);
  return reduction === 'sum' ? total : div(total, targets.weightSum);
}

/**
 * The negative log-likelihood loss (PyTorch's `F.nll_loss`) for log-probabilities `input` of shape
 * `(N, C)`, `(N, C, d1, …)` or unbatched `(C)`, and class indices `target` of shape `(N)`,
 * `(N, d1, …)` or `[]`:
 *
 * `lᵢ = −w[yᵢ]·input[i, yᵢ]` (0 where `yᵢ = ignoreIndex`), then `'mean'` (default) =
 * `Σ lᵢ / Σ w[yᵢ]` over the positions not ignored (NaN when all are ignored, as in PyTorch),
 * `'sum'` = `Σ lᵢ`, `'none'` = the `lᵢ` in the target's shape.
 *
 * Targets are **int32** class indices (torchlet has no int64; PyTorch's are int64). The gradient
 * w.r.t. `input` is `−w[yᵢ]·g` at the target classes and 0 elsewhere (a gather, not a one-hot product).
 *
 * @param input - log-probabilities, e.g. {@link logSoftmax}(logits, 1)
 * @param target - int32 class indices in `[0, C)` or `ignoreIndex`
 * @param options - `weight` (C class weights, default none), `ignoreIndex` (default −100), `reduction` (default `'mean'`)
 * @throws TypeError for a non-float input or a non-int32 target; RangeError when the target's shape
 * does not match the input's (naming both), a target is out of range (naming it), the weight does
 * not have C elements, or for an unknown reduction; Error when the weight requires grad
 * @example
 * ```ts
 * const logp = logSoftmax(tensor([[2, 0, 1], [0, 3, 0]]), 1);
 * nllLoss(logp, tensor([0, 1], { dtype: 'int32' })).item(); // ≈ 0.2513
 * ```
 */
export function nllLoss(input: Tensor, target: Tensor, options: NllLossOptions = {}): Tensor {
  const reduction = checkReduction('nllLoss', options.reduction);
  const { input: x, C } = classInput('nllLoss', input);
  const weight = classWeight('nllLoss', options.weight, C);
  const targets = classTargets('nllLoss', x, C, target, weight, options.ignoreIndex ?? -100);
  const loss = pickClass(x, { ...targets, coef: targets.coef.map((w) => -w) });
  return reduceClassLoss(loss, reduction, targets);
}
