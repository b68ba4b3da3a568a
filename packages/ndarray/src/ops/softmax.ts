/** Numerically stable softmax and log-softmax along one dim. */
import { allocate, allocateUninitialized, isFloatDType } from '../dtype.js';
import { NDArray } from '../ndarray.js';
import { normalizeDim } from '../shape.js';
import { logSumExpRow } from './reduce.js';

/** Runs `row` over every 1-D slice along `dim`, writing a new array of the same shape. */
function alongDim(
  op: string,
  a: NDArray,
  dim: number,
  row: (src: ArrayLike<number>, dst: { [i: number]: number }, start: number, n: number) => void,
): NDArray {
  if (!isFloatDType(a.dtype)) throw new TypeError(`${op}: expected a float32 or float64 array, got ${a.dtype}`);
  const d = normalizeDim(op, dim, a.ndim);
  if (a.ndim === 0) {
    const out = new NDArray(allocate(a.dtype, 1), a.dtype, []);
    row(a.denseData(), out.data, 0, 1);
    return out;
  }
  const last = a.ndim - 1;
  const moved = d === last ? a : a.transpose(d, last);
  const src = moved.denseData();
  const dst = allocateUninitialized(a.dtype, src.length);
  const n = a.shape[d]!;
  for (let start = 0; start < src.length; start += n) row(src, dst, start, n);
  const result = new NDArray(dst, a.dtype, moved.shape);
  return d === last ? result : result.transpose(d, last).contiguous();
}

/**
 * `exp(x) / Σ exp(x)` along `dim` (negative counts from the end). The maximum is subtracted first,
 * so logits of any magnitude work.
 * @example
 * ```ts
 * softmax(array([[1, 2, 3]]), -1).toArray(); // [[0.0900, 0.2447, 0.6652]]
 * ```
 */
export function softmax(a: NDArray, dim: number): NDArray {
  let exps = new Float64Array(0);
  return alongDim('softmax', a, dim, (src, dst, start, n) => {
    if (exps.length < n) exps = new Float64Array(n);
    let m = -Infinity;
    for (let i = start; i < start + n; i++) if (src[i]! > m) m = src[i]!;
    let s = 0;
    for (let i = 0; i < n; i++) s += exps[i] = Math.exp(src[start + i]! - m);
    // divide the float64 exponentials so each output is rounded once
    for (let i = 0; i < n; i++) dst[start + i] = exps[i]! / s;
  });
}

/** `x − log Σ exp(x)` along `dim`, computed stably; more accurate than `log(softmax(x))`. */
export function logSoftmax(a: NDArray, dim: number): NDArray {
  return alongDim('logSoftmax', a, dim, (src, dst, start, n) => {
    const lse = logSumExpRow(src, start, n);
    for (let i = start; i < start + n; i++) dst[i] = src[i]! - lse;
  });
}
