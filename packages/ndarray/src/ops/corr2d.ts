/**
 * The textbook 2-D cross-correlation (Dive into Deep Learning §6.2) and its gradients.
 *
 * This is the teaching op: one 2-D image, one 2-D kernel, no channels, no padding, no stride, so
 * it is written as the plain double loop of the book rather than through the convolution kernels
 * (which would cost more in setup than the whole computation for a 6×8 image). The loops read the
 * arrays through their strides, so views (a transposed image) need no copy.
 */
import { allocate, isFloatDType, type DType, type FloatDType } from '../dtype.js';
import { NDArray } from '../ndarray.js';
import { formatShape, shapesEqual } from '../shape.js';

function checkOperands(op: string, X: NDArray, K: NDArray): void {
  if (X.ndim !== 2) throw new RangeError(`${op}: X must be 2-D (H, W), got shape ${formatShape(X.shape)}`);
  if (K.ndim !== 2) throw new RangeError(`${op}: K must be 2-D (h, w), got shape ${formatShape(K.shape)}`);
  if (!isFloatDType(X.dtype) || !isFloatDType(K.dtype)) {
    throw new TypeError(`${op}: X and K must be float32 or float64, got ${X.dtype} and ${K.dtype}`);
  }
  if (X.dtype !== K.dtype) {
    throw new TypeError(`${op}: X is ${X.dtype} but K is ${K.dtype}; convert one with astype()`);
  }
  const [H, W] = X.shape as [number, number];
  const [h, w] = K.shape as [number, number];
  if (h === 0 || w === 0) throw new RangeError(`${op}: K must not be empty, got shape ${formatShape(K.shape)}`);
  if (h > H || w > W) {
    throw new RangeError(`${op}: kernel ${formatShape(K.shape)} is larger than the input ${formatShape(X.shape)} (the output would have ${H - h + 1}x${W - w + 1} elements)`);
  }
}

/**
 * 2-D cross-correlation of an image with a kernel, exactly as Dive into Deep Learning defines it
 * (what deep-learning libraries call convolution: the kernel is not flipped):
 *
 *     out[i, j] = Σ_a Σ_b X[i + a, j + b] · K[a, b]
 *
 * Shapes: `X` (H, W), `K` (h, w) → `out` (H − h + 1, W − w + 1). Sums are accumulated in float64
 * and rounded once to the dtype, so small integer-valued examples come out exact.
 *
 * @param X - the image, 2-D float32/float64 (any strides)
 * @param K - the kernel, 2-D, same dtype as `X`, no larger than `X` in either dim
 * @returns a new array of `X`'s dtype
 * @throws RangeError when `X` or `K` is not 2-D, `K` is empty or larger than `X`
 * @throws TypeError when the dtypes are not float or differ
 * @example
 * ```ts
 * const X = array([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
 * const K = array([[0, 1], [2, 3]]);
 * corr2d(X, K).toArray(); // [[19, 25], [37, 43]]
 * ```
 */
export function corr2d<D extends DType>(X: NDArray<D>, K: NDArray<D>): NDArray<D> {
  checkOperands('corr2d', X, K);
  const [H, W] = X.shape as [number, number];
  const [h, w] = K.shape as [number, number];
  const oh = H - h + 1;
  const ow = W - w + 1;
  const out = allocate(X.dtype, oh * ow);
  const xd = X.data;
  const kd = K.data;
  const [xs0, xs1] = X.strides as [number, number];
  const [ks0, ks1] = K.strides as [number, number];
  const xo = X.offset;
  const ko = K.offset;
  let p = 0;
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      let s = 0;
      for (let a = 0; a < h; a++) {
        const xRow = xo + (i + a) * xs0 + j * xs1;
        const kRow = ko + a * ks0;
        for (let b = 0; b < w; b++) s += xd[xRow + b * xs1]! * kd[kRow + b * ks1]!;
      }
      out[p++] = s;
    }
  }
  return new NDArray(out, X.dtype, [oh, ow]);
}

/** The gradients returned by {@link corr2dBackward}. */
export interface Corr2dGrads<D extends DType = FloatDType> {
  /** ∂L/∂X, shape (H, W). */
  gradX: NDArray<D>;
  /** ∂L/∂K, shape (h, w). */
  gradK: NDArray<D>;
}

/**
 * The gradients of {@link corr2d} given the gradient `gradOut` of its output:
 *
 *     gradX[p, q] = Σ_{a, b} gradOut[p − a, q − b] · K[a, b]   (terms with indices outside gradOut dropped)
 *     gradK[a, b] = Σ_{i, j} gradOut[i, j] · X[i + a, j + b]
 *
 * i.e. `gradK = corr2d(X, gradOut)` and `gradX` is the "full" correlation of `gradOut` with the
 * flipped kernel. Accumulated in float64, rounded once.
 *
 * @param X - the forward's image (H, W)
 * @param K - the forward's kernel (h, w)
 * @param gradOut - ∂L/∂out, shape (H − h + 1, W − w + 1), same dtype
 * @returns `{ gradX, gradK }`, new arrays of `X`'s dtype
 * @throws every error of {@link corr2d}, and a RangeError/TypeError when `gradOut` has the wrong shape or dtype
 * @example
 * ```ts
 * const X = array([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
 * const K = array([[0, 1], [2, 3]]);
 * const { gradX, gradK } = corr2dBackward(X, K, ones([2, 2]));
 * gradK.toArray(); // [[8, 12], [20, 24]]: each entry sums the X values it multiplied
 * gradX.toArray(); // [[0, 1, 1], [2, 6, 4], [2, 5, 3]]
 * ```
 */
export function corr2dBackward<D extends DType>(X: NDArray<D>, K: NDArray<D>, gradOut: NDArray<D>): Corr2dGrads<D> {
  checkOperands('corr2dBackward', X, K);
  const [H, W] = X.shape as [number, number];
  const [h, w] = K.shape as [number, number];
  const oh = H - h + 1;
  const ow = W - w + 1;
  if (!shapesEqual(gradOut.shape, [oh, ow])) {
    throw new RangeError(`corr2dBackward: gradOut has shape ${formatShape(gradOut.shape)} but the output of corr2d has shape ${formatShape([oh, ow])}`);
  }
  if (gradOut.dtype !== X.dtype) {
    throw new TypeError(`corr2dBackward: gradOut is ${gradOut.dtype} but X is ${X.dtype}`);
  }
  const xd = X.data;
  const kd = K.data;
  const gd = gradOut.data;
  const [xs0, xs1] = X.strides as [number, number];
  const [ks0, ks1] = K.strides as [number, number];
  const [gs0, gs1] = gradOut.strides as [number, number];
  const xo = X.offset;
  const ko = K.offset;
  const go = gradOut.offset;

  const gradK = allocate(X.dtype, h * w);
  for (let a = 0; a < h; a++) {
    for (let b = 0; b < w; b++) {
      let s = 0;
      for (let i = 0; i < oh; i++) {
        const xRow = xo + (i + a) * xs0 + b * xs1;
        const gRow = go + i * gs0;
        for (let j = 0; j < ow; j++) s += gd[gRow + j * gs1]! * xd[xRow + j * xs1]!;
      }
      gradK[a * w + b] = s;
    }
  }

  const gradX = allocate(X.dtype, H * W);
  for (let p = 0; p < H; p++) {
    // kernel rows a with 0 ≤ p − a < oh
    const a0 = Math.max(0, p - oh + 1);
    const a1 = Math.min(h - 1, p);
    for (let q = 0; q < W; q++) {
      const b0 = Math.max(0, q - ow + 1);
      const b1 = Math.min(w - 1, q);
      let s = 0;
      for (let a = a0; a <= a1; a++) {
        const gRow = go + (p - a) * gs0 + q * gs1;
        const kRow = ko + a * ks0;
        for (let b = b0; b <= b1; b++) s += gd[gRow - b * gs1]! * kd[kRow + b * ks1]!;
      }
      gradX[p * W + q] = s;
    }
  }
  return { gradX: new NDArray(gradX, X.dtype, [H, W]), gradK: new NDArray(gradK, X.dtype, [h, w]) };
}
