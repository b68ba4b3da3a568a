/**
 * Binary cross-entropy on probabilities (PyTorch's `F.binary_cross_entropy`, a primitive with
 * PyTorch's clamped forward and backward) and on logits (`F.binary_cross_entropy_with_logits`,
 * composed stably from softplus).
 */
import { add, clamp, div, log, mul, neg, sub, type Tensor } from '@torchlet/autograd';
import { allocate, NDArray } from '@torchlet/ndarray';
import { softplusPrimitive } from './activation.js';
import { checkBroadcastsTo, checkFloat, checkSameShape, record } from './primitive.js';
import { checkReduction, reduce, type Reduction } from './reduction.js';

/** Options of {@link binaryCrossEntropy}. */
export interface BinaryCrossEntropyOptions {
  /** Weights that multiply each element's loss; must broadcast to the input's shape (default none). */
  weight?: Tensor | null | undefined;
  /** `'mean'` (default, over all elements), `'sum'` or `'none'`. */
  reduction?: Reduction | undefined;
}

/** Options of {@link binaryCrossEntropyWithLogits}. */
export interface BinaryCrossEntropyWithLogitsOptions extends BinaryCrossEntropyOptions {
  /** Weight of the positive term, broadcast along the last dim, typically of shape (C) (default none). */
  posWeight?: Tensor | null | undefined;
}

/** The smallest `x·(1 − x)` the gradient divides by (PyTorch's EPSILON). */
const GRAD_EPS = 1e-12;

/** Checks input, target and weight of both losses; returns the validated weight. */
function checkBinary(op: string, input: Tensor, target: Tensor, weight: unknown): Tensor | null {
  checkFloat(op, 'input', input);
  checkFloat(op, 'target', target);
  checkSameShape(op, 'input', input, 'target', target);
  if (weight === null || weight === undefined) return null;
  const w = checkFloat(op, 'weight', weight);
  checkBroadcastsTo(op, 'weight', w, input.shape, 'input');
  return w;
}

/**
 * The element-wise binary cross-entropy of probabilities, PyTorch's kernel: each log clamped at
 * −100 in the forward; ∂/∂x = g·(x − t)/max(x·(1 − x), 1e-12), ∂/∂t = g·(log(1 − x) − log x).
 */
function bceElementwise(x: Tensor, t: Tensor): Tensor {
  const xs = x.data.denseData();
  const ts = t.data.denseData();
  const dtype = x.dtype === 'float64' || t.dtype === 'float64' ? 'float64' : 'float32';
  const out = allocate(dtype, xs.length);
  for (let i = 0; i < xs.length; i++) {
    const xi = xs[i]!;
    const ti = ts[i]!;
    out[i] = (ti - 1) * Math.max(Math.log1p(-xi), -100) - ti * Math.max(Math.log(xi), -100);
  }
  return record(
    'BinaryCrossEntropyBackward0',
    new NDArray(out, dtype, x.shape),
    [x, t],
    (g) => [
      x.requiresGrad ? div(mul(g, sub(x, t)), clamp(mul(x, sub(1, x)), GRAD_EPS)) : null,
      t.requiresGrad ? mul(g, sub(log(sub(1, x)), log(x))) : null,
    ],
    [x, t],
  );
}

/**
 * Binary cross-entropy between probabilities `input` ∈ [0, 1] and targets `target` of the same
 * shape (PyTorch's `F.binary_cross_entropy`):
 *
 * `l = −w·(t·max(log x, −100) + (1 − t)·max(log(1 − x), −100))`, then reduced (`'mean'` over all
 * elements by default, `'sum'`, `'none'`).
 *
 * Like PyTorch, each log is clamped at −100 so that `x ∈ {0, 1}` gives a finite loss, and the
 * gradient is `w·(x − t)/max(x·(1 − x), 1e-12)` (finite there too). Prefer
 * {@link binaryCrossEntropyWithLogits} on logits: it is more accurate.
 *
 * @param options - `weight` (broadcast to the input; default none), `reduction` (default `'mean'`)
 * @throws RangeError when an input value is outside [0, 1] (naming it), the shapes differ, the
 * weight does not broadcast, or for an unknown reduction; TypeError for non-float tensors
 * @example
 * ```ts
 * binaryCrossEntropy(tensor([0.9, 0.2]), tensor([1, 0])).item(); // (−log 0.9 − log 0.8)/2 ≈ 0.1643
 * ```
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BinaryCrossEntropyOptions = {}): Tensor {
  const op = 'binaryCrossEntropy';
  const reduction = checkReduction(op, options.reduction);
  const weight = checkBinary(op, input, target, options.weight);
  const xs = input.data.denseData();
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    if (!(v >= 0 && v <= 1)) throw new RangeError(`${op}: input must hold probabilities in [0, 1], got ${v} at element ${i}`);
  }
  const loss = bceElementwise(input, target);
  return reduce(weight ? mul(loss, weight) : loss, reduction);
}

/**
 * Binary cross-entropy on logits (PyTorch's `F.binary_cross_entropy_with_logits`), i.e.
 * {@link binaryCrossEntropy} of `σ(x)` computed without ever forming `σ(x)`:
 *
 * `l = −w·(posWeight·t·log σ(x) + (1 − t)·log(1 − σ(x)))`
 * `  = w·(posWeight·t·softplus(−x) + (1 − t)·softplus(x))`,
 *
 * then reduced (`'mean'` over all elements by default, `'sum'`, `'none'`). Both softplus terms are
 * evaluated stably and are non-negative, so logits of any magnitude (±100 and beyond) give finite
 * losses accurate to the last bits (PyTorch's `(1 − t)·x + …` form cancels for large |x|), and
 * exact gradients `∂l/∂x = w·((1 − t)·σ(x) − posWeight·t·σ(−x))`. `posWeight` (typically of
 * shape (C), broadcast along the last dim) weighs the positive term, e.g. `#negatives/#positives`.
 * Gradients flow to the input, the target, and the weights if they require grad.
 *
 * @param options - `weight` and `posWeight` (each broadcast to the input; default none), `reduction` (default `'mean'`)
 * @throws RangeError when the shapes differ, a weight does not broadcast to the input, or for an
 * unknown reduction; TypeError for non-float tensors
 * @example
 * ```ts
 * binaryCrossEntropyWithLogits(tensor([100, -100, 0]), tensor([1, 0, 1]), { reduction: 'none' }).toArray();
 * // [0, 0, 0.6931472]
 * ```
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: BinaryCrossEntropyWithLogitsOptions = {}): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  const reduction = checkReduction(op, options.reduction);
  const weight = checkBinary(op, input, target, options.weight);
  let posWeight: Tensor | null = null;
  if (options.posWeight !== null && options.posWeight !== undefined) {
    posWeight = checkFloat(op, 'posWeight', options.posWeight);
    checkBroadcastsTo(op, 'posWeight', posWeight, input.shape, 'input');
  }
  // −log σ(x) = softplus(−x) and −log(1 − σ(x)) = softplus(x): two non-negative terms, no cancellation
  const positive = mul(posWeight ? mul(target, posWeight) : target, softplusPrimitive(neg(input), 1, Infinity));
  const loss = add(mul(sub(1, target), softplusPrimitive(input, 1, Infinity)), positive);
  return reduce(weight ? mul(loss, weight) : loss, reduction);
}
