/**
 * Reductions over any set of dims, with `keepdim`: sum, mean, prod, amax/amin, max/min with
 * indices, argmax/argmin, var/std and logsumexp. Sums accumulate in float64 whatever the dtype,
 * in a fixed order, so results are deterministic and at least as accurate as PyTorch's.
 */
import { allocate, isFloatDType, type DType } from '../dtype.js';
import { NDArray } from '../ndarray.js';
import { formatShape, normalizeDims } from '../shape.js';

/** Which dims to reduce: all (`null`/omitted), one, or several (negatives count from the end). */
export type Dims = number | readonly number[] | null | undefined;

/** Options shared by the reductions. */
export interface ReduceOptions {
  /** Keep each reduced dim as size 1, so the result broadcasts against the input (default false). */
  keepdim?: boolean;
}

/** Options of {@link variance} and {@link std}. */
export interface VarianceOptions extends ReduceOptions {
  /** Divide by `n − 1` (Bessel's correction, the default, as PyTorch) instead of `n`. */
  unbiased?: boolean;
}

interface Plan {
  /** dense values, reduced dims last: `outer` rows of `inner` elements each */
  values: ArrayLike<number>;
  outer: number;
  inner: number;
  outShape: number[];
}

/** Moves the reduced dims to the end and lays the values out densely. */
function plan(op: string, a: NDArray, dims: Dims, keepdim: boolean): Plan {
  const all = dims === null || dims === undefined;
  const list = all ? a.shape.map((_, i) => i) : normalizeDims(op, typeof dims === 'number' ? [dims] : dims, a.ndim);
  const reduced = new Set(list);
  const kept = a.shape.map((_, i) => i).filter((i) => !reduced.has(i));
  const order = [...kept, ...a.shape.map((_, i) => i).filter((i) => reduced.has(i))];
  const values = a.ndim === 0 ? a.denseData() : a.permute(order).denseData();
  let inner = 1;
  // a 0-d array accepts dim 0 / -1 but has no shape entry for it: one element
  for (const d of reduced) inner *= a.shape[d] ?? 1;
  let outer = 1;
  for (const d of kept) outer *= a.shape[d]!;
  const outShape = keepdim && !all ? a.shape.map((s, i) => (reduced.has(i) ? 1 : s)) : kept.map((i) => a.shape[i]!);
  if (keepdim && all) for (let i = 0; i < a.ndim; i++) outShape.push(1);
  return { values, outer, inner, outShape };
}

function reduceWith(
  op: string,
  a: NDArray,
  dims: Dims,
  keepdim: boolean,
  dtype: DType,
  row: (v: ArrayLike<number>, start: number, n: number) => number,
): NDArray {
  const p = plan(op, a, dims, keepdim);
  const out = allocate(dtype, p.outer);
  for (let o = 0; o < p.outer; o++) out[o] = row(p.values, o * p.inner, p.inner);
  return new NDArray(out, dtype, p.outShape);
}

/**
 * The sum over `dims` (all elements when omitted). Integer and bool inputs sum to int32.
 * @example
 * ```ts
 * sum(array([[1, 2], [3, 4]]), 0).toArray(); // [4, 6]
 * sum(array([[1, 2], [3, 4]])).item();       // 10
 * ```
 */
export function sum(a: NDArray, dims?: Dims, options: ReduceOptions = {}): NDArray {
  const dtype = isFloatDType(a.dtype) ? a.dtype : 'int32';
  return sumOverRuns('sum', a, dims, options.keepdim ?? false, dtype, false);
}

/** The mean over `dims` (all elements when omitted); float inputs only, as in PyTorch. */
export function mean(a: NDArray, dims?: Dims, options: ReduceOptions = {}): NDArray {
  requireFloat('mean', a);
  return sumOverRuns('mean', a, dims, options.keepdim ?? false, a.dtype, true);
}

/**
 * Σ values[start .. start + n) in float64, in four interleaved partial sums (i mod 4) added as
 * (s0 + s1) + (s2 + s3) and then the tail: one running sum is a chain of dependent additions, one
 * element per add latency; four chains keep the adder busy. The order depends only on `n`.
 */
function sumRun(values: ArrayLike<number>, start: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = start;
  for (const end4 = start + (n & ~3); i < end4; i += 4) {
    s0 += values[i]!;
    s1 += values[i + 1]!;
    s2 += values[i + 2]!;
    s3 += values[i + 3]!;
  }
  let s = s0 + s1 + (s2 + s3);
  for (const end = start + n; i < end; i++) s += values[i]!;
  return s;
}

/**
 * Sum (or mean) without first copying the values into reduced-dims-last order: reads the dense
 * values once, in memory order, adding each run of consecutive elements into a float64
 * accumulator per output. The dims are first merged into runs that are all reduced or all kept
 * (`[N, C, H, W]` over `(0, 2, 3)`, a bias gradient, is `[N | C | H·W]`). The order of the
 * additions depends only on the shape, so results are deterministic.
 */
function sumOverRuns(op: string, a: NDArray, dims: Dims, keepdim: boolean, dtype: DType, average: boolean): NDArray {
  const all = dims === null || dims === undefined;
  const list = all ? a.shape.map((_, i) => i) : normalizeDims(op, typeof dims === 'number' ? [dims] : dims, a.ndim);
  const reduced = new Set(list);
  const kept = a.shape.map((_, i) => i).filter((i) => !reduced.has(i));
  let inner = 1;
  for (const d of reduced) inner *= a.shape[d] ?? 1;
  let outer = 1;
  for (const d of kept) outer *= a.shape[d]!;
  const outShape = keepdim && !all ? a.shape.map((s, i) => (reduced.has(i) ? 1 : s)) : kept.map((i) => a.shape[i]!);
  if (keepdim && all) for (let i = 0; i < a.ndim; i++) outShape.push(1);
  const acc = new Float64Array(outer);
  const values = a.denseData();
  // merged runs: sizes, whether reduced, and each kept run's stride in the output
  const sizes: number[] = [];
  const isReduced: boolean[] = [];
  for (let d = 0; d < a.ndim; d++) {
    const size = a.shape[d]!;
    if (size === 1) continue;
    const r = reduced.has(d);
    if (sizes.length > 0 && isReduced[isReduced.length - 1] === r) sizes[sizes.length - 1]! *= size;
    else {
      sizes.push(size);
      isReduced.push(r);
    }
  }
  const outStride: number[] = new Array<number>(sizes.length).fill(0);
  for (let d = sizes.length - 1, s = 1; d >= 0; d--) {
    if (!isReduced[d]) {
      outStride[d] = s;
      s *= sizes[d]!;
    }
  }
  const total = values.length;
  if (total > 0 && sizes.length > 0) {
    const last = sizes.length - 1;
    const run = sizes[last]!;
    const lastReduced = isReduced[last]!;
    const counter = new Array<number>(last).fill(0);
    let o = 0;
    for (let start = 0; start < total; start += run) {
      if (lastReduced) {
        acc[o] = acc[o]! + sumRun(values, start, run);
      } else {
        for (let i = 0; i < run; i++) acc[o + i] = acc[o + i]! + values[start + i]!;
      }
      // next run: advance the counter over the merged dims before the last
      for (let d = last - 1; d >= 0; d--) {
        o += outStride[d]!;
        if (++counter[d]! < sizes[d]!) break;
        o -= outStride[d]! * sizes[d]!;
        counter[d] = 0;
      }
    }
  } else if (total === 1) {
    acc[0] = values[0]!;
  }
  const out = allocate(dtype, outer);
  for (let i = 0; i < outer; i++) out[i] = average ? acc[i]! / inner : acc[i]!;
  return new NDArray(out, dtype, outShape);
}

/** The product over `dims`. */
export function prod(a: NDArray, dims?: Dims, options: ReduceOptions = {}): NDArray {
  const dtype = isFloatDType(a.dtype) ? a.dtype : 'int32';
  return reduceWith('prod', a, dims, options.keepdim ?? false, dtype, (v, s, n) => {
    let p = 1;
    for (let i = s; i < s + n; i++) p *= v[i]!;
    return p;
  });
}

function requireFloat(op: string, a: NDArray): void {
  if (!isFloatDType(a.dtype)) {
    throw new TypeError(`${op}: expected a float32 or float64 array, got ${a.dtype} (convert with astype('float32'))`);
  }
}

function requireNonEmpty(op: string, a: NDArray, p: Plan): void {
  if (p.inner === 0) throw new RangeError(`${op}: cannot reduce over an empty dim (shape ${formatShape(a.shape)}); there is no identity`);
}

/** Index of the extreme of a row; NaN wins (PyTorch propagates NaN through max/min). */
function extremeIndex(v: ArrayLike<number>, start: number, n: number, greater: boolean): number {
  let best = 0;
  let bv = v[start]!;
  if (bv !== bv) return 0;
  for (let i = 1; i < n; i++) {
    const x = v[start + i]!;
    if (x !== x) return i;
    if (greater ? x > bv : x < bv) {
      bv = x;
      best = i;
    }
  }
  return best;
}

function extreme(op: string, a: NDArray, dims: Dims, keepdim: boolean, greater: boolean): NDArray {
  const p = plan(op, a, dims, keepdim);
  requireNonEmpty(op, a, p);
  const out = allocate(a.dtype, p.outer);
  for (let o = 0; o < p.outer; o++) out[o] = p.values[o * p.inner + extremeIndex(p.values, o * p.inner, p.inner, greater)]!;
  return new NDArray(out, a.dtype, p.outShape);
}

/** The maximum over `dims` (all elements when omitted); NaN propagates. */
export function amax(a: NDArray, dims?: Dims, options: ReduceOptions = {}): NDArray {
  return extreme('amax', a, dims, options.keepdim ?? false, true);
}

/** The minimum over `dims` (all elements when omitted); NaN propagates. */
export function amin(a: NDArray, dims?: Dims, options: ReduceOptions = {}): NDArray {
  return extreme('amin', a, dims, options.keepdim ?? false, false);
}

/** Values and int32 indices of the extremes along one dim. */
export interface ValuesIndices {
  values: NDArray;
  indices: NDArray<'int32'>;
}

function extremeWithIndices(op: string, a: NDArray, dim: number, keepdim: boolean, greater: boolean): ValuesIndices {
  const p = plan(op, a, dim, keepdim);
  requireNonEmpty(op, a, p);
  const values = allocate(a.dtype, p.outer);
  const indices = new Int32Array(p.outer);
  for (let o = 0; o < p.outer; o++) {
    const k = extremeIndex(p.values, o * p.inner, p.inner, greater);
    indices[o] = k;
    values[o] = p.values[o * p.inner + k]!;
  }
  return { values: new NDArray(values, a.dtype, p.outShape), indices: new NDArray(indices, 'int32', p.outShape) };
}

/**
 * The maximum along `dim` with the index where it occurs (the first on ties), like `torch.max(x, dim)`.
 * @example
 * ```ts
 * const { values, indices } = max(array([[1, 5], [7, 2]]), 1);
 * values.toArray();  // [5, 7]
 * indices.toArray(); // [1, 0]
 * ```
 */
export function max(a: NDArray, dim: number, options: ReduceOptions = {}): ValuesIndices {
  return extremeWithIndices('max', a, dim, options.keepdim ?? false, true);
}

/** The minimum along `dim` with its index (the first on ties), like `torch.min(x, dim)`. */
export function min(a: NDArray, dim: number, options: ReduceOptions = {}): ValuesIndices {
  return extremeWithIndices('min', a, dim, options.keepdim ?? false, false);
}

/** Indices (int32) of the maxima along `dim`, or the flat index over all elements when `dim` is omitted. */
export function argmax(a: NDArray, dim?: number | null, options: ReduceOptions = {}): NDArray<'int32'> {
  if (dim === null || dim === undefined) return extremeWithIndices('argmax', a.reshape(-1), 0, false, true).indices;
  return extremeWithIndices('argmax', a, dim, options.keepdim ?? false, true).indices;
}

/** Indices (int32) of the minima along `dim`, or the flat index over all elements when `dim` is omitted. */
export function argmin(a: NDArray, dim?: number | null, options: ReduceOptions = {}): NDArray<'int32'> {
  if (dim === null || dim === undefined) return extremeWithIndices('argmin', a.reshape(-1), 0, false, false).indices;
  return extremeWithIndices('argmin', a, dim, options.keepdim ?? false, false).indices;
}

/**
 * The variance over `dims`: `Σ(x − mean)² / (n − 1)` (unbiased, the default) or `/ n`.
 * Two passes (mean, then squared deviations) for accuracy. With `n − 1 = 0` the result is NaN,
 * as in PyTorch.
 */
export function variance(a: NDArray, dims?: Dims, options: VarianceOptions = {}): NDArray {
  return varianceAs('var', a, dims, options);
}

function varianceAs(op: string, a: NDArray, dims: Dims, options: VarianceOptions): NDArray {
  requireFloat(op, a);
  const correction = options.unbiased ?? true ? 1 : 0;
  return reduceWith(op, a, dims, options.keepdim ?? false, a.dtype, (v, s, n) => {
    const m = sumRun(v, s, n) / n; // in the order `mean` sums
    let ss = 0;
    for (let i = s; i < s + n; i++) ss += (v[i]! - m) ** 2;
    return ss / Math.max(n - correction, 0);
  });
}

/** The standard deviation over `dims` (the square root of {@link variance}). */
export function std(a: NDArray, dims?: Dims, options: VarianceOptions = {}): NDArray {
  const v = varianceAs('std', a, dims, options);
  const d = v.data;
  for (let i = 0; i < d.length; i++) d[i] = Math.sqrt(d[i]!);
  return v;
}

/** `log Σ exp(x)` over `dims`, computed stably (the maximum is subtracted first). */
export function logsumexp(a: NDArray, dims?: Dims, options: ReduceOptions = {}): NDArray {
  requireFloat('logsumexp', a);
  return reduceWith('logsumexp', a, dims, options.keepdim ?? false, a.dtype, logSumExpRow);
}

/** `log Σ exp(v[start..start+n))`, stable; −inf for an empty row or all −inf. */
export function logSumExpRow(v: ArrayLike<number>, start: number, n: number): number {
  let m = -Infinity;
  for (let i = start; i < start + n; i++) if (v[i]! > m || v[i] !== v[i]) m = v[i]!;
  if (m === -Infinity || m !== m) return m;
  if (m === Infinity) return Infinity;
  let s = 0;
  for (let i = start; i < start + n; i++) s += Math.exp(v[i]! - m);
  return m + Math.log(s);
}
