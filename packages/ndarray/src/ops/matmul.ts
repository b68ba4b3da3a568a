import { getBackend, type FloatArray } from '../backend.js';
import { allocate, allocateUninitialized, isFloatDType, type FloatDType } from '../dtype.js';
import { NDArray } from '../ndarray.js';
import { broadcastStrides, formatShape, shapeSize } from '../shape.js';

/**
 * Matrix product with `torch.matmul` semantics:
 *
 * - 1-D · 1-D: the dot product, a 0-d array;
 * - 2-D · 2-D: the matrix product;
 * - a 1-D left operand `(k)` is treated as a `(1, k)` matrix and a 1-D right operand `(k)` as a
 *   `(k, 1)` matrix; the added dim is removed from the result;
 * - N-D (N > 2): the last two dims are the matrices, the leading (batch) dims broadcast with the
 *   NumPy rules, e.g. `(j, 1, n, k) @ (l, k, m)` gives `(j, l, n, m)`.
 *
 * Both operands must be float32 or float64; the result is float64 when either is, else float32.
 * Non-contiguous inputs (transposed, sliced or broadcast views) are fine: a matrix whose last two
 * strides describe a row-major or transposed layout is passed to the GEMM kernel as is, anything
 * else is copied first.
 *
 * @throws TypeError when an operand is not a float array.
 * @throws RangeError when an operand is 0-d, the inner dims differ, or the batch dims do not broadcast.
 * @example
 * ```ts
 * const a = array([[1, 2, 3], [4, 5, 6]]); // 2 × 3
 * const b = array([[1, 0], [0, 1], [1, 1]]); // 3 × 2
 * matmul(a, b).toArray(); // [[4, 5], [10, 11]]
 * matmul(array([1, 2, 3]), array([4, 5, 6])).item(); // 32 (shape [])
 * matmul(zeros([8, 2, 3]), b).shape; // [8, 2, 2] (batched)
 * ```
 */
export function matmul(a: NDArray, b: NDArray): NDArray {
  const op = 'matmul';
  checkArray(op, 'first operand', a);
  checkArray(op, 'second operand', b);
  const pair = `${formatShape(a.shape)} @ ${formatShape(b.shape)}`;
  if (a.ndim === 0 || b.ndim === 0) {
    throw new RangeError(`${op}: both operands must be at least 1-D, got ${pair}`);
  }
  const dtype = resultDType(op, [a, b]);
  const x = a.dtype === dtype ? a : a.astype(dtype);
  const y = b.dtype === dtype ? b : b.astype(dtype);

  // view a 1-D left operand as a row (1, k), a 1-D right operand as a column (k, 1)
  const xShape = x.ndim === 1 ? [1, x.shape[0]!] : [...x.shape];
  const xStrides = x.ndim === 1 ? [0, x.strides[0]!] : [...x.strides];
  const yShape = y.ndim === 1 ? [y.shape[0]!, 1] : [...y.shape];
  const yStrides = y.ndim === 1 ? [y.strides[0]!, 0] : [...y.strides];

  const m = xShape[xShape.length - 2]!;
  const k = xShape[xShape.length - 1]!;
  const k2 = yShape[yShape.length - 2]!;
  const n = yShape[yShape.length - 1]!;
  if (k !== k2) throw new RangeError(`${op}: inner dimensions do not match: ${pair} (${k} vs ${k2})`);

  const xBatch = xShape.slice(0, -2);
  const yBatch = yShape.slice(0, -2);
  const batch = broadcastBatch(op, pair, xBatch, yBatch);

  const outShape = [...batch];
  if (a.ndim > 1) outShape.push(m);
  if (b.ndim > 1) outShape.push(n);
  const nb = shapeSize(batch);
  // every element is written by a GEMM with beta = 0, except for k = 0 (an empty sum is 0)
  const out = k === 0 ? allocate(dtype, nb * m * n) : allocateUninitialized(dtype, nb * m * n);
  const result = new NDArray(out, dtype, outShape);
  if (out.length === 0 || k === 0) return result;

  const xBS = broadcastStrides(xBatch, xStrides.slice(0, -2), batch);
  const yBS = broadcastStrides(yBatch, yStrides.slice(0, -2), batch);
  const xRS = xStrides[xStrides.length - 2]!;
  const xCS = xStrides[xStrides.length - 1]!;
  const yRS = yStrides[yStrides.length - 2]!;
  const yCS = yStrides[yStrides.length - 1]!;
  const backend = getBackend();

  // The right operand is the same matrix for every batch and the left one's batch dims merge with
  // its rows (e.g. a contiguous (B, m, k) @ (k, n)): one (B·m × k) · (k × n) product.
  const rowStride = yBS.every((s) => s === 0) && nb > 1 ? mergedRowStride(batch, xBS, m, xRS) : null;
  if (rowStride !== null) {
    const rows = nb * m;
    const xl = layout(rows, k, rowStride, xCS);
    const yl = layout(k, n, yRS, yCS);
    if (xl !== null && !xl.trans && yl !== null) {
      backend.gemm(false, yl.trans, rows, n, k, 1, x.data as FloatArray, x.offset, xl.ld, y.data as FloatArray, y.offset, yl.ld, 0, out, 0, n);
      return result;
    }
  }

  // One GEMM per batch element, each operand passed as is when its matrix layout allows, else copied.
  let xData = x.data as FloatArray;
  let xOffset = x.offset;
  let xl = layout(m, k, xRS, xCS);
  let xBatchStrides = xBS;
  if (xl === null) {
    const dense = denseMatrices(x, xShape);
    xData = dense.data;
    xOffset = 0;
    xl = { trans: false, ld: k };
    xBatchStrides = broadcastStrides(xBatch, dense.batchStrides, batch);
  }
  let yData = y.data as FloatArray;
  let yOffset = y.offset;
  let yl = layout(k, n, yRS, yCS);
  let yBatchStrides = yBS;
  if (yl === null) {
    const dense = denseMatrices(y, yShape);
    yData = dense.data;
    yOffset = 0;
    yl = { trans: false, ld: n };
    yBatchStrides = broadcastStrides(yBatch, dense.batchStrides, batch);
  }

  const nd = batch.length;
  const index = new Array<number>(nd).fill(0);
  let xo = xOffset;
  let yo = yOffset;
  for (let t = 0; t < nb; t++) {
    backend.gemm(xl.trans, yl.trans, m, n, k, 1, xData, xo, xl.ld, yData, yo, yl.ld, 0, out, t * m * n, n);
    for (let d = nd - 1; d >= 0; d--) {
      xo += xBatchStrides[d]!;
      yo += yBatchStrides[d]!;
      if (++index[d]! < batch[d]!) break;
      xo -= xBatchStrides[d]! * batch[d]!;
      yo -= yBatchStrides[d]! * batch[d]!;
      index[d] = 0;
    }
  }
  return result;
}

/**
 * Applies an affine map with `torch.nn.functional.linear` semantics: `out = input @ weightᵀ + bias`.
 *
 * - `input`: `(..., inFeatures)` (any number of leading dims) or 1-D `(inFeatures)`;
 * - `weight`: `(outFeatures, inFeatures)`;
 * - `bias`: `(outFeatures)`, or null for none.
 *
 * The result has shape `(..., outFeatures)` (`(outFeatures)` for a 1-D input). All operands must
 * be float32 or float64; the result is float64 when any of them is, else float32.
 *
 * @throws TypeError when an operand is not a float array.
 * @throws RangeError when `input` is 0-d, `weight` is not 2-D, the feature counts differ, or `bias`
 * does not have `outFeatures` elements.
 * @example
 * ```ts
 * const x = array([[1, 2, 3], [4, 5, 6]]); // batch of 2, 3 features
 * const w = array([[1, 0, 0], [0, 1, 1]]); // 3 → 2 features
 * linear(x, w, array([10, 20])).toArray(); // [[11, 25], [14, 31]]
 * ```
 */
export function linear(input: NDArray, weight: NDArray, bias: NDArray | null = null): NDArray {
  const op = 'linear';
  checkArray(op, 'input', input);
  checkArray(op, 'weight', weight);
  if (bias !== null) checkArray(op, 'bias', bias);
  if (weight.ndim !== 2) {
    throw new RangeError(`${op}: weight must be 2-D (outFeatures, inFeatures), got shape ${formatShape(weight.shape)}`);
  }
  if (input.ndim === 0) {
    throw new RangeError(`${op}: input must be at least 1-D (..., inFeatures), got shape ${formatShape(input.shape)}`);
  }
  const [outF, inF] = weight.shape as [number, number];
  const features = input.shape[input.ndim - 1]!;
  if (features !== inF) {
    throw new RangeError(
      `${op}: input has ${features} features but weight expects ${inF} (input shape ${formatShape(input.shape)}, weight shape ${formatShape(weight.shape)})`,
    );
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== outF)) {
    throw new RangeError(
      `${op}: bias must have shape [${outF}] to match weight shape ${formatShape(weight.shape)}, got ${formatShape(bias.shape)}`,
    );
  }
  const dtype = resultDType(op, bias === null ? [input, weight] : [input, weight, bias]);
  const x = input.dtype === dtype ? input : input.astype(dtype);
  const w = weight.dtype === dtype ? weight : weight.astype(dtype);

  const lead = input.shape.slice(0, -1);
  const rows = shapeSize(lead);
  // written by the bias rows and a GEMM (beta = 0 without a bias), except for inF = 0 without a bias
  const out = bias === null && inF === 0 ? allocate(dtype, rows * outF) : allocateUninitialized(dtype, rows * outF);
  const result = new NDArray(out, dtype, [...lead, outF]);
  if (out.length === 0) return result;
  if (bias !== null) {
    const bd = (bias.dtype === dtype ? bias : bias.astype(dtype)).denseData();
    for (let r = 0; r < rows; r++) out.set(bd, r * outF);
  }
  if (inF === 0) return result;

  // input as a (rows × inF) matrix: a view when its leading dims merge, else a copy
  let x2 = x.reshape([rows, inF]);
  let xl = layout(rows, inF, x2.strides[0]!, x2.strides[1]!);
  if (xl === null) {
    x2 = x2.clone();
    xl = { trans: false, ld: inF };
  }
  // op(B) = weightᵀ: a row-major weight is passed transposed, a transposed view of one as is
  let w2 = w;
  let wl = layout(outF, inF, w.strides[0]!, w.strides[1]!);
  if (wl === null) {
    w2 = w.clone();
    wl = { trans: false, ld: inF };
  }
  getBackend().gemm(
    xl.trans,
    !wl.trans,
    rows,
    outF,
    inF,
    1,
    x2.data as FloatArray,
    x2.offset,
    xl.ld,
    w2.data as FloatArray,
    w2.offset,
    wl.ld,
    bias === null ? 0 : 1,
    out,
    0,
    outF,
  );
  return result;
}

function checkArray(op: string, name: string, x: unknown): asserts x is NDArray {
  if (!(x instanceof NDArray)) throw new TypeError(`${op}: ${name} must be an NDArray, got ${typeof x}`);
}

/** float64 when any operand is float64, else float32; throws for a non-float operand. */
function resultDType(op: string, xs: readonly NDArray[]): FloatDType {
  if (!xs.every((x) => isFloatDType(x.dtype))) {
    throw new TypeError(
      `${op}: expected float32 or float64 arrays, got ${xs.map((x) => `${x.dtype} ${formatShape(x.shape)}`).join(' and ')}`,
    );
  }
  return xs.some((x) => x.dtype === 'float64') ? 'float64' : 'float32';
}

/** Broadcasts the batch dims (NumPy rules), or throws naming both full shapes. */
function broadcastBatch(op: string, pair: string, a: readonly number[], b: readonly number[]): number[] {
  const nd = Math.max(a.length, b.length);
  const out = new Array<number>(nd);
  for (let i = 0; i < nd; i++) {
    const da = a[a.length - nd + i] ?? 1;
    const db = b[b.length - nd + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(
        `${op}: batch dimensions do not broadcast: ${pair} (batch shapes ${formatShape(a)} and ${formatShape(b)}, dim ${i - nd}: ${da} vs ${db})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * How GEMM can read a `rows × cols` matrix with strides `(rowStride, colStride)`: row-major with
 * row stride `ld` (`trans: false`), or as the transpose of a row-major `cols × rows` matrix with
 * row stride `ld` (`trans: true`); null when neither (e.g. a broadcast or doubly strided view).
 */
function layout(rows: number, cols: number, rowStride: number, colStride: number): { trans: boolean; ld: number } | null {
  if ((colStride === 1 || cols === 1) && (rows === 1 || rowStride >= Math.max(cols, 1))) {
    return { trans: false, ld: rows === 1 ? Math.max(cols, 1) : rowStride };
  }
  if ((rowStride === 1 || rows === 1) && (cols === 1 || colStride >= Math.max(rows, 1))) {
    return { trans: true, ld: cols === 1 ? Math.max(rows, 1) : colStride };
  }
  return null;
}

/**
 * The row stride of the `(batch…, m)` dims of an operand merged into one dim of `nb·m` rows, or
 * null when they do not merge (size-1 dims are ignored).
 */
function mergedRowStride(batch: readonly number[], batchStrides: readonly number[], m: number, rowStride: number): number | null {
  const sizes = [...batch, m];
  const strides = [...batchStrides, rowStride];
  let inner: number | null = null; // stride of the innermost non-1 dim
  let expected = 0; // what the next non-1 dim out must have
  for (let d = sizes.length - 1; d >= 0; d--) {
    const size = sizes[d]!;
    if (size === 1) continue;
    if (inner === null) inner = strides[d]!;
    else if (strides[d] !== expected) return null;
    expected = strides[d]! * size;
  }
  return inner ?? Math.max(rowStride, 1);
}

/** A row-major copy of an operand's own dims (before broadcasting), with the strides of its batch dims. */
function denseMatrices(x: NDArray, shape: readonly number[]): { data: FloatArray; batchStrides: number[] } {
  const data = x.denseData() as FloatArray;
  const batchStrides: number[] = [];
  let s = shape[shape.length - 1]! * shape[shape.length - 2]!;
  for (let d = shape.length - 3; d >= 0; d--) {
    batchStrides.unshift(s);
    s *= shape[d]!;
  }
  return { data, batchStrides };
}
