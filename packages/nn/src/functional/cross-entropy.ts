/**
 * Cross-entropy (PyTorch 1.13's `F.cross_entropy`): log-softmax over the class dim, then the
 * negative log-likelihood of class-index targets (with weights, ignoreIndex and label smoothing)
 * or of class-probability targets.
 */
import { add, div, logSoftmax, mul, neg, sum, Tensor } from '@torchlet/autograd';
import { formatShape, isFloatDType, NDArray } from '@torchlet/ndarray';
import { classInput, classTargets, classWeight, reduceClassLoss } from './nll-loss.js';
import { pickClass } from './pick-class.js';
import { checkTensor } from './primitive.js';
import { checkReduction, type Reduction } from './reduction.js';

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions {
  /** Per-class weights `w` (a 1-D tensor of C values; default: all 1). No gradient flows into them. */
  weight?: Tensor | null | undefined;
  /** Class-index targets equal to this contribute nothing (default −100); not allowed (≥ 0) with probability targets. */
  ignoreIndex?: number | undefined;
  /** ε in [0, 1] (default 0): the target becomes `(1 − ε)·onehot + ε/C`. */
  labelSmoothing?: number | undefined;
  /** `'mean'` (default), `'sum'` or `'none'`; see {@link crossEntropy} for the mean's denominator. */
  reduction?: Reduction | undefined;
}

/** A constant tensor of `values` in `dtype`, shaped to broadcast along the class dim. */
function perClass(values: Float64Array, dtype: Tensor['dtype'], shape: readonly number[]): Tensor {
  const data = dtype === 'float64' ? values : Float32Array.from(values);
  return new Tensor(new NDArray(data, dtype, shape));
}

/**
 * Cross-entropy between logits `input` and a target (PyTorch 1.13's `F.cross_entropy`), with
 * `p = logSoftmax(input)` over the class dim (dim 1, or 0 for an unbatched `(C)` input) and `w` the
 * class weights (all 1 when `weight` is null).
 *
 * **Class-index targets** — int32 (torchlet's stand-in for PyTorch's int64), shape `(N)` for an
 * `(N, C)` input, `(N, d1, …)` for `(N, C, d1, …)`, `[]` for `(C)`. Per position, with ε the label
 * smoothing:
 *
 * `lᵢ = (1 − ε)·(−w[yᵢ]·p[i, yᵢ]) + (ε/C)·(−Σ_c w[c]·p[i, c])`, and `lᵢ = 0` where `yᵢ = ignoreIndex`.
 *
 * `'mean'` (default) = `Σ lᵢ / Σ w[yᵢ]` over the positions not ignored (the plain mean over them
 * without weights; NaN if all are ignored), `'sum'` = `Σ lᵢ`, `'none'` = the `lᵢ`.
 *
 * **Probability targets** — a float tensor of the input's shape, `t[i, c]` (each row a distribution):
 * `lᵢ = −Σ_c w[c]·((1 − ε)·t[i, c] + ε/C)·p[i, c]`; `'mean'` divides by the number of positions
 * (`N·d1·…`, weights or not). Gradients flow to the target too.
 *
 * Stable for logits of any magnitude (log-softmax subtracts the maximum). The class-index path
 * gathers one log-probability per position (no one-hot product).
 *
 * @param input - logits `(N, C)`, `(N, C, d1, …)` or `(C)`
 * @param target - int32 class indices, or float class probabilities of the input's shape
 * @param options - `weight` (default none), `ignoreIndex` (default −100), `labelSmoothing` (default 0), `reduction` (default `'mean'`)
 * @throws TypeError for a non-float input or a target that is neither int32 nor float; RangeError
 * when the target's shape does not match (naming both shapes), a class index is out of range
 * (naming it), the weight does not have C elements, `labelSmoothing` is outside [0, 1], `ignoreIndex`
 * is ≥ 0 with probability targets, or for an unknown reduction; Error when the weight requires grad
 * @example
 * ```ts
 * const logits = tensor([[2, 0, 1], [0, 3, 0]], { requiresGrad: true });
 * const loss = crossEntropy(logits, tensor([0, 1], { dtype: 'int32' })); // ≈ 0.2513
 * loss.backward();
 * crossEntropy(logits, tensor([0, 1], { dtype: 'int32' }), { labelSmoothing: 0.1, reduction: 'none' });
 * ```
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropy';
  const reduction = checkReduction(op, options.reduction);
  const { input: x, C, classDim } = classInput(op, input);
  const weight = classWeight(op, options.weight, C);
  const eps = options.labelSmoothing ?? 0;
  if (typeof eps !== 'number' || !(eps >= 0 && eps <= 1)) throw new RangeError(`${op}: labelSmoothing must be in [0, 1], got ${String(eps)}`);
  const ignoreIndex = options.ignoreIndex ?? -100;
  const t = checkTensor(op, 'target', target);
  const classShape = x.shape.map((s, i) => (i === classDim ? s : 1));

  if (isFloatDType(t.dtype)) {
    // class probabilities
    if (t.ndim !== x.ndim || t.shape.some((s, i) => s !== x.shape[i])) {
      throw new RangeError(
        `${op}: a float target holds class probabilities and must have the input's shape ${formatShape(x.shape)}, got shape ${formatShape(t.shape)} (class indices must be int32)`,
      );
    }
    if (typeof ignoreIndex === 'number' && ignoreIndex >= 0) {
      throw new RangeError(`${op}: ignoreIndex (${ignoreIndex}) is not supported with class-probability targets (a float target of shape ${formatShape(t.shape)})`);
    }
    const p = logSoftmax(x, classDim);
    const smoothed = eps > 0 ? add(mul(t, 1 - eps), eps / C) : t;
    let prod = mul(p, smoothed);
    if (weight) prod = mul(prod, weight.reshape(classShape));
    const loss = neg(sum(prod, classDim));
    if (reduction === 'none') return loss;
    const total = sum(loss);
    return reduction === 'sum' ? total : div(total, x.numel() / C);
  }

  const targets = classTargets(op, x, C, t, weight, ignoreIndex);
  const p = logSoftmax(x, classDim);
  let loss = pickClass(p, { ...targets, coef: targets.coef.map((w) => -(1 - eps) * w) });
  if (eps > 0) {
    // −(ε/C)·Σ_c w[c]·p[i, c], zero where ignored
    const wc = new Float64Array(C).fill(-eps / C);
    if (weight) {
      const w = weight.data.denseData();
      for (let c = 0; c < C; c++) wc[c] = (-eps / C) * w[c]!;
    }
    let smooth = sum(mul(p, perClass(wc, x.dtype, classShape)), classDim);
    if (targets.anyIgnored) {
      const keep = Float64Array.from(targets.index, (c) => (c < 0 ? 0 : 1));
      smooth = mul(smooth, perClass(keep, x.dtype, targets.shape));
    }
    loss = add(loss, smooth);
  }
  return reduceClassLoss(loss, reduction, targets);
}
