/**
 * 2-D pooling with PyTorch 1.13 semantics: max pooling (with indices, dilation, ceil mode), average
 * pooling (`countIncludePad`, `divisorOverride`), adaptive average pooling, and the backward of
 * each (the gradient w.r.t. the input, given the gradient of the output).
 *
 * Inputs are `(N, C, H, W)` or one unbatched sample `(C, H, W)` (the output then has no batch dim
 * either), of dtype float32 or float64; the output has the input's dtype. These functions validate
 * the arguments and resolve the geometry; the numeric work runs in the current backend's kernels
 * ({@link getBackend}).
 */
import { getBackend, type AvgPoolDivisor, type FloatArray, type Pool2dGeometry } from '../backend.js';
import { allocateUninitialized, isFloatDType, type DType } from '../dtype.js';
import { adaptiveAvgPool2dBackward as adaptiveBackwardKernel, adaptiveAvgPool2dForward as adaptiveForwardKernel } from '../kernels/pool2d.js';
import { NDArray } from '../ndarray.js';
import { checkShape, formatShape, pair, shapeSize, shapesEqual } from '../shape.js';
import { convOutputSize } from './conv-output-size.js';

/** An integer meaning both spatial dims, or an `[h, w]` pair. */
export type Pool2dSize = number | readonly [number, number];

/** Options of {@link maxPool2d}, {@link maxPool2dWithIndices} and {@link maxPool2dBackward}. */
export interface MaxPool2dOptions {
  /** Step between windows; `null` or omitted means `kernelSize` (PyTorch's default). */
  stride?: Pool2dSize | null | undefined;
  /** Implicit −∞ padding on each side, at most `floor(kernelSize / 2)` (default 0). */
  padding?: Pool2dSize | undefined;
  /** Spacing between the taps of a window (default 1). */
  dilation?: Pool2dSize | undefined;
  /** Round the output size up instead of down (default false); see {@link maxPool2d}. */
  ceilMode?: boolean | undefined;
}

/** Options of {@link avgPool2d} and {@link avgPool2dBackward}. */
export interface AvgPool2dOptions {
  /** Step between windows; `null` or omitted means `kernelSize` (PyTorch's default). */
  stride?: Pool2dSize | null | undefined;
  /** Implicit zero padding on each side, at most `floor(kernelSize / 2)` (default 0). */
  padding?: Pool2dSize | undefined;
  /** Round the output size up instead of down (default false); see {@link maxPool2d}. */
  ceilMode?: boolean | undefined;
  /** Count the padding in each window's divisor (default true); see {@link avgPool2d}. */
  countIncludePad?: boolean | undefined;
  /** A non-zero integer that divides every window's sum instead (default `null`: none). */
  divisorOverride?: number | null | undefined;
}

/** What {@link maxPool2dWithIndices} returns. */
export interface MaxPool2dResult<D extends DType> {
  /** The pooled array (as {@link maxPool2d} returns). */
  out: NDArray<D>;
  /** For each output element, the flat index `h · W + w` of its maximum within its input plane; int32, the shape of `out`. */
  indices: NDArray<'int32'>;
}

/** The leading dims of a pooling input and its plane count: `(N, C)` or unbatched `(C)`. */
interface SplitShape {
  /** The dims before `H, W`: `[N, C]` or `[C]`. */
  lead: number[];
  planes: number;
  height: number;
  width: number;
}

/** Throws unless `dtype` is a float dtype; `what` names the argument. */
function checkFloat(op: string, what: string, dtype: DType): void {
  if (!isFloatDType(dtype)) throw new TypeError(`${op}: expected a float32 or float64 ${what}, got ${dtype}`);
}

/**
 * Splits a pooling input shape into its leading dims and plane size. Like PyTorch, a 4-D input may
 * have batch size 0 but no other empty dim, and a 3-D input no empty dim (`emptyChannels` relaxes
 * the channel dim, for adaptive pooling).
 */
function splitInput(op: string, what: string, shape: readonly number[], emptyChannels = false): SplitShape {
  const nd = shape.length;
  if (nd !== 3 && nd !== 4) {
    throw new RangeError(`${op}: expected a 3-D (C, H, W) or 4-D (N, C, H, W) ${what}, got shape ${formatShape(shape)}`);
  }
  const height = shape[nd - 2]!;
  const width = shape[nd - 1]!;
  const channels = shape[nd - 3]!;
  if (height === 0 || width === 0 || (channels === 0 && !emptyChannels)) {
    throw new RangeError(
      `${op}: expected a ${what} with non-empty ${emptyChannels ? 'H and W' : 'C, H and W'} dims (only the batch dim may be 0), ` +
        `got shape ${formatShape(shape)}`,
    );
  }
  const lead = shape.slice(0, nd - 2);
  return { lead, planes: shapeSize(lead), height, width };
}

/** Everything a max or average pooling call resolves to. */
interface ResolvedPool {
  geometry: Pool2dGeometry;
  outShape: number[];
}

/** Validates the window arguments against an input shape and resolves the geometry. */
function resolvePool(
  op: string,
  what: string,
  inputShape: readonly number[],
  kernelSize: Pool2dSize,
  strideArg: Pool2dSize | null | undefined,
  paddingArg: Pool2dSize | undefined,
  dilationArg: Pool2dSize | undefined,
  ceilModeArg: boolean | undefined,
): ResolvedPool {
  const [kh, kw] = pair(op, 'kernelSize', kernelSize);
  const [sh, sw] = strideArg === null || strideArg === undefined ? [kh, kw] : pair(op, 'stride', strideArg);
  const [ph, pw] = pair(op, 'padding', paddingArg ?? 0);
  const [dh, dw] = pair(op, 'dilation', dilationArg ?? 1);
  const ceilMode = ceilModeArg ?? false;
  if (typeof ceilMode !== 'boolean') throw new TypeError(`${op}: ceilMode must be a boolean, got ${JSON.stringify(ceilMode)}`);
  if (kh <= 0 || kw <= 0) throw new RangeError(`${op}: kernelSize must be positive, got ${formatShape([kh, kw])}`);
  if (sh <= 0 || sw <= 0) throw new RangeError(`${op}: stride must be positive, got ${formatShape([sh, sw])}`);
  if (dh <= 0 || dw <= 0) throw new RangeError(`${op}: dilation must be positive, got ${formatShape([dh, dw])}`);
  if (ph < 0 || pw < 0) throw new RangeError(`${op}: padding must be non-negative, got ${formatShape([ph, pw])}`);
  const maxPad = [Math.floor(kh / 2), Math.floor(kw / 2)];
  if (ph > maxPad[0]! || pw > maxPad[1]!) {
    throw new RangeError(
      `${op}: padding must be at most half the kernel size (floor(kernelSize / 2) = ${formatShape(maxPad)}), ` +
        `got padding ${formatShape([ph, pw])} for kernelSize ${formatShape([kh, kw])}`,
    );
  }
  const s = splitInput(op, what, checkShape(op, inputShape));
  const oh = convOutputSize(s.height, kh, sh, ph, dh, ceilMode);
  const ow = convOutputSize(s.width, kw, sw, pw, dw, ceilMode);
  if (oh < 1 || ow < 1) {
    throw new RangeError(
      `${op}: the output would be empty: input ${formatShape(inputShape)} with kernelSize ${formatShape([kh, kw])}, ` +
        `stride ${formatShape([sh, sw])}, padding ${formatShape([ph, pw])}, dilation ${formatShape([dh, dw])} ` +
        `gives an output of ${formatShape([oh, ow])} per plane; expected at least [1, 1]`,
    );
  }
  return {
    geometry: {
      planes: s.planes,
      inHeight: s.height,
      inWidth: s.width,
      outHeight: oh,
      outWidth: ow,
      kernelHeight: kh,
      kernelWidth: kw,
      strideH: sh,
      strideW: sw,
      padH: ph,
      padW: pw,
      dilationH: dh,
      dilationW: dw,
    },
    outShape: [...s.lead, oh, ow],
  };
}

/** Resolves the divisor options of average pooling. */
function resolveDivisor(op: string, options: AvgPool2dOptions): AvgPoolDivisor {
  const countIncludePad = options.countIncludePad ?? true;
  if (typeof countIncludePad !== 'boolean') {
    throw new TypeError(`${op}: countIncludePad must be a boolean, got ${JSON.stringify(countIncludePad)}`);
  }
  const divisorOverride = options.divisorOverride ?? null;
  if (divisorOverride !== null && (!Number.isInteger(divisorOverride) || divisorOverride === 0)) {
    throw new RangeError(`${op}: divisorOverride must be a non-zero integer or null, got ${String(divisorOverride)}`);
  }
  return { countIncludePad, divisorOverride };
}

/** Throws unless a gradient (or indices) array has the shape the forward output had. */
function checkGradShape(op: string, what: string, shape: readonly number[], expected: readonly number[], inputShape: readonly number[]): void {
  if (!shapesEqual(shape, expected)) {
    throw new RangeError(
      `${op}: ${what} has shape ${formatShape(shape)}, expected ${formatShape(expected)} (the forward output shape for input ${formatShape(inputShape)})`,
    );
  }
}

/**
 * 2-D max pooling: each output element is the maximum of one window of its input plane,
 *
 * `out[n, c, i, j] = max_{a < kH, b < kW} input[n, c, i·sH − pH + a·dH, j·sW − pW + b·dW]`,
 *
 * where taps in the padding count as −∞ (so they are never the maximum). A NaN in a window is its
 * maximum, as in PyTorch.
 *
 * Output size per dim: `floor((H + 2p − d·(k − 1) − 1) / s) + 1`, or rounded up with `ceilMode`,
 * in which case a last window that would start in the bottom/right padding is dropped
 * (`if (out − 1)·s ≥ H + p then out −= 1`). Output shape `(N, C, outH, outW)`, or `(C, outH, outW)`
 * for an unbatched `(C, H, W)` input; dtype of the input.
 *
 * @param input - `(N, C, H, W)` or `(C, H, W)`, float32 or float64
 * @param kernelSize - window size: an integer or `[kH, kW]`
 * @param options - `stride` (default `kernelSize`; `null` means the default), `padding` (default 0),
 *   `dilation` (default 1), `ceilMode` (default false)
 * @throws TypeError for a non-float input, or a size that is not an integer / pair of integers
 * @throws RangeError for an input that is not 3-D/4-D or has an empty C, H or W dim; a kernel size,
 *   stride or dilation ≤ 0; a negative padding, or a padding greater than `floor(kernelSize / 2)`
 *   in either dim; an empty output
 * @example
 * ```ts
 * const x = arange(16, undefined, 1, { dtype: 'float32' }).reshape(1, 1, 4, 4);
 * maxPool2d(x, 2).toArray(); // [[[[5, 7], [13, 15]]]]
 * maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }).shape; // [1, 1, 3, 3]
 * ```
 */
export function maxPool2d<D extends DType>(input: NDArray<D>, kernelSize: Pool2dSize, options: MaxPool2dOptions = {}): NDArray<D> {
  return maxPool2dImpl('maxPool2d', input, kernelSize, options).out;
}

/**
 * {@link maxPool2d} that also returns where each maximum came from (PyTorch's
 * `return_indices=True`): `indices` holds, for each output element, the flat index `h · W + w`
 * of the maximum within its `(H, W)` input plane (the first one on ties), as int32 with the shape
 * of `out`. Feed them to {@link maxPool2dBackward}. Same arguments, defaults and errors as
 * {@link maxPool2d}.
 *
 * @example
 * ```ts
 * const x = array([[[[1, 9], [3, 4]]]]);
 * const { out, indices } = maxPool2dWithIndices(x, 2);
 * out.toArray(); // [[[[9]]]]
 * indices.toArray(); // [[[[1]]]]
 * ```
 */
export function maxPool2dWithIndices<D extends DType>(
  input: NDArray<D>,
  kernelSize: Pool2dSize,
  options: MaxPool2dOptions = {},
): MaxPool2dResult<D> {
  return maxPool2dImpl('maxPool2dWithIndices', input, kernelSize, options);
}

function maxPool2dImpl<D extends DType>(op: string, input: NDArray<D>, kernelSize: Pool2dSize, options: MaxPool2dOptions): MaxPool2dResult<D> {
  checkFloat(op, 'input', input.dtype);
  const { geometry, outShape } = resolvePool(op, 'input', input.shape, kernelSize, options.stride, options.padding, options.dilation, options.ceilMode);
  const n = shapeSize(outShape);
  const out = allocateUninitialized(input.dtype, n);
  const indices = allocateUninitialized('int32', n);
  getBackend().maxPool2dForward(geometry, input.denseData() as FloatArray, out as FloatArray, indices);
  return { out: new NDArray(out, input.dtype, outShape), indices: new NDArray(indices, 'int32', outShape) };
}

/**
 * The gradient of {@link maxPool2d} w.r.t. its input: each element of `gradOut` is added to the
 * input position its window's maximum came from,
 *
 * `gradInput[n, c, h, w] = Σ_{(i, j) : indices[n, c, i, j] = h·W + w} gradOut[n, c, i, j]`
 *
 * (overlapping windows add up; positions that were no window's maximum get 0). `kernelSize` and
 * `options` must be those of the forward call: they define the expected shape of `gradOut` and
 * `indices` (PyTorch's `max_pool2d_with_indices_backward` takes them too).
 *
 * @param gradOut - gradient of the output, the forward output's shape; float32 or float64
 * @param indices - the int32 `indices` of {@link maxPool2dWithIndices}, same shape
 * @param inputShape - shape of the forward input, `(N, C, H, W)` or `(C, H, W)`
 * @param kernelSize - as in the forward call
 * @param options - as in the forward call (same defaults)
 * @returns the gradient w.r.t. the input: shape `inputShape`, dtype of `gradOut`
 * @throws TypeError for a non-float `gradOut` or non-int32 `indices`, or a size that is not an
 *   integer / pair of integers
 * @throws RangeError for every error of {@link maxPool2d} (checked on `inputShape`); a `gradOut` or
 *   `indices` whose shape is not the forward output shape; an index outside `[−1, H·W)`
 * @example
 * ```ts
 * const x = array([[[[1, 9], [3, 4]]]]);
 * const { indices } = maxPool2dWithIndices(x, 2);
 * maxPool2dBackward(array([[[[0.5]]]]), indices, x.shape, 2).toArray(); // [[[[0, 0.5], [0, 0]]]]
 * ```
 */
export function maxPool2dBackward<D extends DType>(
  gradOut: NDArray<D>,
  indices: NDArray,
  inputShape: readonly number[],
  kernelSize: Pool2dSize,
  options: MaxPool2dOptions = {},
): NDArray<D> {
  const op = 'maxPool2dBackward';
  checkFloat(op, 'gradOut', gradOut.dtype);
  if (indices.dtype !== 'int32') throw new TypeError(`${op}: expected int32 indices, got ${indices.dtype}`);
  const { geometry, outShape } = resolvePool(op, 'inputShape', inputShape, kernelSize, options.stride, options.padding, options.dilation, options.ceilMode);
  checkGradShape(op, 'gradOut', gradOut.shape, outShape, inputShape);
  checkGradShape(op, 'indices', indices.shape, outShape, inputShape);
  const idx = indices.denseData() as Int32Array;
  const planeSize = geometry.inHeight * geometry.inWidth;
  for (let i = 0; i < idx.length; i++) {
    const k = idx[i]!;
    if (k < -1 || k >= planeSize) {
      throw new RangeError(
        `${op}: index ${k} at flat position ${i} is outside the ${geometry.inHeight}×${geometry.inWidth} input plane (expected -1..${planeSize - 1})`,
      );
    }
  }
  const gradInput = allocateUninitialized(gradOut.dtype, shapeSize(inputShape));
  getBackend().maxPool2dBackward(geometry, gradOut.denseData() as FloatArray, idx, gradInput as FloatArray);
  return new NDArray(gradInput, gradOut.dtype, inputShape);
}

/**
 * 2-D average pooling with implicit zero padding: each output element is the sum of one window of
 * its input plane divided by the window's divisor,
 *
 * `out[n, c, i, j] = (Σ_{a < kH, b < kW} input[n, c, i·sH − pH + a, j·sW − pW + b]) / divisor(i, j)`.
 *
 * With `hStart = i·sH − pH` and `hEnd = min(hStart + kH, H + pH)` (likewise for columns), the
 * divisor is `divisorOverride` if given; else, with `countIncludePad`, the window size within the
 * padded input `(hEnd − hStart)·(wEnd − wStart)` (so a ceil-mode window hanging past the padding
 * does not count the overhang); else the number of input (non-padding) elements in the window.
 *
 * Output size: as {@link maxPool2d} with dilation 1. Output shape `(N, C, outH, outW)` or
 * `(C, outH, outW)`; dtype of the input.
 *
 * @param input - `(N, C, H, W)` or `(C, H, W)`, float32 or float64
 * @param kernelSize - window size: an integer or `[kH, kW]`
 * @param options - `stride` (default `kernelSize`; `null` means the default), `padding` (default 0),
 *   `ceilMode` (default false), `countIncludePad` (default true), `divisorOverride` (default null)
 * @throws TypeError for a non-float input, or a size that is not an integer / pair of integers
 * @throws RangeError as {@link maxPool2d}, and for a `divisorOverride` that is not a non-zero integer
 * @example
 * ```ts
 * const x = array([[[[1, 2], [3, 4]]]]);
 * avgPool2d(x, 2).toArray(); // [[[[2.5]]]]
 * avgPool2d(x, 2, { stride: 1, padding: 1 }).get(0, 0, 0, 0); // 0.25 (1 / 4: padding counted)
 * avgPool2d(x, 2, { stride: 1, padding: 1, countIncludePad: false }).get(0, 0, 0, 0); // 1
 * ```
 */
export function avgPool2d<D extends DType>(input: NDArray<D>, kernelSize: Pool2dSize, options: AvgPool2dOptions = {}): NDArray<D> {
  const op = 'avgPool2d';
  checkFloat(op, 'input', input.dtype);
  const { geometry, outShape } = resolvePool(op, 'input', input.shape, kernelSize, options.stride, options.padding, 1, options.ceilMode);
  const divisor = resolveDivisor(op, options);
  const out = allocateUninitialized(input.dtype, shapeSize(outShape));
  getBackend().avgPool2dForward(geometry, divisor, input.denseData() as FloatArray, out as FloatArray);
  return new NDArray(out, input.dtype, outShape);
}

/**
 * The gradient of {@link avgPool2d} w.r.t. its input: each element of `gradOut`, divided by its
 * window's divisor, is added to every input element of that window,
 *
 * `gradInput[n, c, h, w] = Σ_{windows (i, j) containing (h, w)} gradOut[n, c, i, j] / divisor(i, j)`.
 *
 * @param gradOut - gradient of the output, the forward output's shape; float32 or float64
 * @param inputShape - shape of the forward input, `(N, C, H, W)` or `(C, H, W)`
 * @param kernelSize - as in the forward call
 * @param options - as in the forward call (same defaults)
 * @returns the gradient w.r.t. the input: shape `inputShape`, dtype of `gradOut`
 * @throws TypeError for a non-float `gradOut`, or a size that is not an integer / pair of integers
 * @throws RangeError for every error of {@link avgPool2d} (checked on `inputShape`), and a
 *   `gradOut` whose shape is not the forward output shape
 * @example
 * ```ts
 * avgPool2dBackward(array([[[[1]]]]), [1, 1, 2, 2], 2).toArray(); // [[[[0.25, 0.25], [0.25, 0.25]]]]
 * ```
 */
export function avgPool2dBackward<D extends DType>(
  gradOut: NDArray<D>,
  inputShape: readonly number[],
  kernelSize: Pool2dSize,
  options: AvgPool2dOptions = {},
): NDArray<D> {
  const op = 'avgPool2dBackward';
  checkFloat(op, 'gradOut', gradOut.dtype);
  const { geometry, outShape } = resolvePool(op, 'inputShape', inputShape, kernelSize, options.stride, options.padding, 1, options.ceilMode);
  const divisor = resolveDivisor(op, options);
  checkGradShape(op, 'gradOut', gradOut.shape, outShape, inputShape);
  const gradInput = allocateUninitialized(gradOut.dtype, shapeSize(inputShape));
  getBackend().avgPool2dBackward(geometry, divisor, gradOut.denseData() as FloatArray, gradInput as FloatArray);
  return new NDArray(gradInput, gradOut.dtype, inputShape);
}

/** Resolves `outputSize` of adaptive pooling against the input's `H, W` (`null` keeps that size). */
function resolveAdaptiveSize(op: string, outputSize: number | readonly [number | null, number | null], height: number, width: number): [number, number] {
  const given: readonly unknown[] | null = typeof outputSize === 'number' ? [outputSize, outputSize] : Array.isArray(outputSize) ? outputSize : null;
  const ok = (x: unknown): x is number | null => x === null || (Number.isInteger(x) && (x as number) >= 0);
  const oh = given?.[0];
  const ow = given?.[1];
  if (given?.length !== 2 || !ok(oh) || !ok(ow)) {
    throw new RangeError(
      `${op}: outputSize must be a non-negative integer or a pair of non-negative integers (or null), got ${JSON.stringify(outputSize)}`,
    );
  }
  return [oh ?? height, ow ?? width];
}

/**
 * 2-D adaptive average pooling: the output has a fixed `[outH, outW]` size whatever the input's,
 * and output bin `(i, j)` is the mean of input rows `floor(i·H/outH) … ceil((i+1)·H/outH) − 1` and
 * columns `floor(j·W/outW) … ceil((j+1)·W/outW) − 1` (bins may overlap; `outH > H` is allowed and
 * repeats rows). With `H` a multiple of `outH` (and likewise for `W`) this is {@link avgPool2d}
 * with kernel and stride `H/outH`.
 *
 * Output shape `(N, C, outH, outW)`, or `(C, outH, outW)` for an unbatched input; dtype of the input.
 *
 * @param input - `(N, C, H, W)` or `(C, H, W)`, float32 or float64, with `H, W ≥ 1`
 * @param outputSize - `outH = outW`, or `[outH, outW]` where `null` keeps that input size
 * @throws TypeError for a non-float input
 * @throws RangeError for an input that is not 3-D/4-D or has an empty H or W dim, or an
 *   `outputSize` that is not a non-negative integer (or a pair of them / null)
 * @example
 * ```ts
 * const x = arange(12, undefined, 1, { dtype: 'float32' }).reshape(1, 3, 4);
 * adaptiveAvgPool2d(x, 1).toArray(); // [[[5.5]]]
 * adaptiveAvgPool2d(x, [2, null]).shape; // [1, 2, 4]
 * ```
 */
export function adaptiveAvgPool2d<D extends DType>(input: NDArray<D>, outputSize: number | readonly [number | null, number | null]): NDArray<D> {
  const op = 'adaptiveAvgPool2d';
  checkFloat(op, 'input', input.dtype);
  const s = splitInput(op, 'input', input.shape, true);
  const [outHeight, outWidth] = resolveAdaptiveSize(op, outputSize, s.height, s.width);
  const outShape = [...s.lead, outHeight, outWidth];
  const out = allocateUninitialized(input.dtype, shapeSize(outShape));
  adaptiveForwardKernel(
    { planes: s.planes, inHeight: s.height, inWidth: s.width, outHeight, outWidth },
    input.denseData() as FloatArray,
    out as FloatArray,
  );
  return new NDArray(out, input.dtype, outShape);
}

/**
 * The gradient of {@link adaptiveAvgPool2d} w.r.t. its input: each element of `gradOut`, divided
 * by its bin's size, is added to every input element of the bin (overlapping bins add up). The
 * output size is read from the last two dims of `gradOut`.
 *
 * @param gradOut - gradient of the output: `inputShape` with the last two dims replaced by
 *   `[outH, outW]`; float32 or float64
 * @param inputShape - shape of the forward input, `(N, C, H, W)` or `(C, H, W)`
 * @returns the gradient w.r.t. the input: shape `inputShape`, dtype of `gradOut`
 * @throws TypeError for a non-float `gradOut`
 * @throws RangeError for an `inputShape` that {@link adaptiveAvgPool2d} would reject, or a `gradOut`
 *   whose leading dims or number of dims differ from `inputShape`'s
 * @example
 * ```ts
 * adaptiveAvgPool2dBackward(array([[[1]]]), [1, 2, 2]).toArray(); // [[[0.25, 0.25], [0.25, 0.25]]]
 * ```
 */
export function adaptiveAvgPool2dBackward<D extends DType>(gradOut: NDArray<D>, inputShape: readonly number[]): NDArray<D> {
  const op = 'adaptiveAvgPool2dBackward';
  checkFloat(op, 'gradOut', gradOut.dtype);
  const s = splitInput(op, 'inputShape', checkShape(op, inputShape), true);
  const nd = inputShape.length;
  if (gradOut.ndim !== nd || !shapesEqual(gradOut.shape.slice(0, nd - 2), s.lead)) {
    throw new RangeError(
      `${op}: gradOut has shape ${formatShape(gradOut.shape)}, expected [${[...s.lead, '*', '*'].join(', ')}] for input ${formatShape(inputShape)}`,
    );
  }
  const outHeight = gradOut.shape[nd - 2]!;
  const outWidth = gradOut.shape[nd - 1]!;
  const gradInput = allocateUninitialized(gradOut.dtype, shapeSize(inputShape));
  adaptiveBackwardKernel(
    { planes: s.planes, inHeight: s.height, inWidth: s.width, outHeight, outWidth },
    gradOut.denseData() as FloatArray,
    gradInput as FloatArray,
  );
  return new NDArray(gradInput, gradOut.dtype, inputShape);
}
