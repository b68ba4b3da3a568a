/**
 * 2-D convolution (`torch.nn.functional.conv2d` plus `torch.nn.Conv2d`'s `padding_mode`) and the
 * backward ops autograd calls. This file validates and resolves shapes; the arithmetic is
 * in the backend's kernels (`kernels/conv2d.ts` for the pure-TypeScript backend).
 *
 * Every op goes through {@link resolveConv2d}, so forward and backward agree on the geometry and
 * throw the same errors.
 */
import { getBackend, type Conv2dGeometry, type FloatArray } from '../backend.js';
import { allocate, allocateUninitialized, isFloatDType, type DType } from '../dtype.js';
import { convBiasGradient } from '../kernels/conv2d.js';
import { NDArray } from '../ndarray.js';
import { checkShape, formatShape, pair, shapeSize, shapesEqual } from '../shape.js';
import { convOutputSize, samePadding } from './conv-output-size.js';
import { pad, padBackward, type PadMode } from './pad.js';

/** How the border of the input is extended (`torch.nn.Conv2d`'s `padding_mode`). */
export type Conv2dPaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/** An integer used for both dims, or an `[h, w]` pair. */
export type Conv2dSize = number | readonly [number, number];

/** Options of {@link conv2d} and its backward ops (PyTorch's arguments, camelCased). */
export interface Conv2dOptions {
  /** Step between windows, `s` or `[sH, sW]`, positive (default 1). */
  stride?: Conv2dSize;
  /**
   * Padding on each side, `p` or `[pH, pW]`, non-negative (default 0); `'valid'` is 0; `'same'`
   * (stride 1 only) keeps the input size, with total padding `dilation·(kernel − 1)` per dim and
   * the extra row/column at the bottom/right for even kernels.
   */
  padding?: Conv2dSize | 'same' | 'valid';
  /** Step between kernel taps, `d` or `[dH, dW]`, positive (default 1). */
  dilation?: Conv2dSize;
  /** Number of channel groups; must divide both channel counts (default 1; depthwise = channels). */
  groups?: number;
  /** What the padding holds: `'zeros'` (default), `'reflect'`, `'replicate'` or `'circular'`. */
  paddingMode?: Conv2dPaddingMode;
}

/** Padding amounts on each side of the spatial dims (rows above/below, columns left/right). */
export interface Conv2dPadding {
  /** Rows added above the input. */
  top: number;
  /** Rows added below the input (more than `top` only for `'same'` with an even dilated kernel). */
  bottom: number;
  /** Columns added left of the input. */
  left: number;
  /** Columns added right of the input. */
  right: number;
}

/** A convolution fully resolved by {@link resolveConv2d}. */
export interface ResolvedConv2d {
  /**
   * What the kernels compute. With `paddingMode` `'zeros'` it describes the input itself (the
   * padding is implicit); otherwise the input is explicitly padded first (`modePadding`) and the
   * geometry describes the padded input, with no implicit padding.
   */
  geometry: Conv2dGeometry;
  /** False for an unbatched `(C, H, W)` input: the output then has no batch dim either. */
  batched: boolean;
  /** The output shape: `(N, O, outH, outW)`, or `(O, outH, outW)` when unbatched. */
  outputShape: number[];
  /** The shape of the array the kernels read: the input's, or the mode-padded input's. */
  paddedShape: number[];
  /** The resolved padding amounts (asymmetric only for `'same'` with an even dilated kernel). */
  padding: Conv2dPadding;
  /** The padding mode. */
  paddingMode: Conv2dPaddingMode;
  /**
   * For `paddingMode` other than `'zeros'` with non-zero padding: the `pad()` argument
   * `[left, right, top, bottom]` applied to the input before convolving; else null.
   */
  modePadding: [number, number, number, number] | null;
}

const PADDING_MODES: readonly Conv2dPaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

function positivePair(op: string, name: string, v: Conv2dSize): [number, number] {
  const p = pair(op, name, v);
  if (p[0] <= 0 || p[1] <= 0) throw new RangeError(`${op}: ${name} must be positive, got ${formatShape(p)}`);
  return p;
}

/**
 * Validates a convolution's shapes and options and resolves them into a {@link Conv2dGeometry}
 * plus the padding details (shared by {@link conv2d}, its backward ops and autograd).
 *
 * Output size per spatial dim: `floor((size + padBefore + padAfter − dilation·(kernel − 1) − 1) / stride) + 1`
 * (see {@link convOutputSize}).
 *
 * @param inputShape - `(N, C, H, W)` or unbatched `(C, H, W)`
 * @param weightShape - `(O, C / groups, kH, kW)`
 * @param options - stride, padding, dilation, groups, paddingMode (see {@link Conv2dOptions})
 * @param biasShape - the bias's shape, checked to be `(O)`; null when there is no bias
 * @param op - the op name errors start with (default `'conv2d'`)
 * @throws RangeError / TypeError for every invalid combination listed at {@link conv2d}
 * @example
 * ```ts
 * const r = resolveConv2d([1, 3, 32, 32], [6, 3, 5, 5]);
 * r.outputShape; // [1, 6, 28, 28]
 * resolveConv2d([3, 8, 8], [4, 3, 4, 4], { padding: 'same' }).padding; // { top: 1, bottom: 2, left: 1, right: 2 }
 * ```
 */
export function resolveConv2d(
  inputShape: readonly number[],
  weightShape: readonly number[],
  options: Conv2dOptions = {},
  biasShape: readonly number[] | null = null,
  op = 'conv2d',
): ResolvedConv2d {
  checkShape(op, inputShape);
  checkShape(op, weightShape);
  if (inputShape.length !== 3 && inputShape.length !== 4) {
    throw new RangeError(`${op}: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got shape ${formatShape(inputShape)}`);
  }
  if (weightShape.length !== 4) {
    throw new RangeError(`${op}: expected a 4-D weight (outChannels, inChannels / groups, kH, kW), got shape ${formatShape(weightShape)}`);
  }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${op}: options must be an object, got ${String(options)}`);
  }
  const { groups = 1, paddingMode = 'zeros' } = options;
  if (!Number.isInteger(groups) || groups <= 0) throw new RangeError(`${op}: groups must be a positive integer, got ${groups}`);
  const [sh, sw] = positivePair(op, 'stride', options.stride ?? 1);
  const [dh, dw] = positivePair(op, 'dilation', options.dilation ?? 1);
  if (!PADDING_MODES.includes(paddingMode)) {
    throw new TypeError(`${op}: unknown paddingMode ${JSON.stringify(paddingMode)}; expected 'zeros', 'reflect', 'replicate' or 'circular'`);
  }

  const batched = inputShape.length === 4;
  const [N, C, H, W] = (batched ? inputShape : [1, ...inputShape]) as [number, number, number, number];
  const [O, wc, kh, kw] = weightShape as [number, number, number, number];
  if (kh === 0 || kw === 0) throw new RangeError(`${op}: the kernel must not be empty, got weight shape ${formatShape(weightShape)}`);
  if (O % groups !== 0) {
    throw new RangeError(`${op}: groups ${groups} does not divide the ${O} output channels (weight shape ${formatShape(weightShape)})`);
  }
  if (C % groups !== 0) {
    throw new RangeError(`${op}: groups ${groups} does not divide the ${C} input channels (input shape ${formatShape(inputShape)})`);
  }
  if (C !== wc * groups) {
    throw new RangeError(
      `${op}: input has ${C} channels but weight expects ${wc * groups} (weight shape ${formatShape(weightShape)}, groups ${groups})`,
    );
  }
  if (biasShape !== null && (biasShape.length !== 1 || biasShape[0] !== O)) {
    throw new RangeError(`${op}: bias must have shape [${O}] (one value per output channel), got ${formatShape(biasShape)}`);
  }

  const p = options.padding ?? 0;
  let padding: Conv2dPadding;
  if (p === 'same') {
    if (sh !== 1 || sw !== 1) {
      throw new RangeError(`${op}: padding 'same' needs stride 1 (PyTorch does not support it for strided convolutions), got stride ${formatShape([sh, sw])}`);
    }
    const [top, bottom] = samePadding(kh, dh);
    const [left, right] = samePadding(kw, dw);
    padding = { top, bottom, left, right };
  } else if (p === 'valid') {
    padding = { top: 0, bottom: 0, left: 0, right: 0 };
  } else if (typeof p === 'string') {
    throw new TypeError(`${op}: padding must be an integer, a pair, 'same' or 'valid', got ${JSON.stringify(p)}`);
  } else {
    const [ph, pw] = pair(op, 'padding', p);
    if (ph < 0 || pw < 0) throw new RangeError(`${op}: padding must be non-negative, got ${formatShape([ph, pw])}`);
    padding = { top: ph, bottom: ph, left: pw, right: pw };
  }

  const paddedH = H + padding.top + padding.bottom;
  const paddedW = W + padding.left + padding.right;
  const spanH = dh * (kh - 1) + 1;
  const spanW = dw * (kw - 1) + 1;
  if (spanH > paddedH || spanW > paddedW) {
    throw new RangeError(
      `${op}: the kernel${dh > 1 || dw > 1 ? ` (dilated to ${spanH}x${spanW})` : ''} of size ${kh}x${kw} is larger than the padded input (${paddedH}x${paddedW})`,
    );
  }
  if (paddingMode === 'reflect' || paddingMode === 'circular') {
    // reflect cannot repeat the edge row, so it needs one more row than it copies; circular wraps at most once
    const fits = paddingMode === 'reflect' ? (amount: number, size: number) => amount < size : (amount: number, size: number) => amount <= size;
    const rel = paddingMode === 'reflect' ? 'smaller than' : 'at most';
    const ok = (a: number, b: number, size: number): boolean => (a === 0 && b === 0) || (fits(a, size) && fits(b, size));
    if (!ok(padding.top, padding.bottom, H)) {
      throw new RangeError(`${op}: ${paddingMode} padding (${padding.top}, ${padding.bottom}) must be ${rel} the input height ${H}`);
    }
    if (!ok(padding.left, padding.right, W)) {
      throw new RangeError(`${op}: ${paddingMode} padding (${padding.left}, ${padding.right}) must be ${rel} the input width ${W}`);
    }
  }
  if (paddingMode === 'replicate' && ((H === 0 && padding.top + padding.bottom > 0) || (W === 0 && padding.left + padding.right > 0))) {
    throw new RangeError(`${op}: replicate padding needs a non-empty input, got shape ${formatShape(inputShape)}`);
  }

  const outH = convOutputSize(paddedH, kh, sh, 0, dh);
  const outW = convOutputSize(paddedW, kw, sw, 0, dw);
  const hasPad = padding.top + padding.bottom + padding.left + padding.right > 0;
  const explicit = paddingMode !== 'zeros' && hasPad;
  const geometry: Conv2dGeometry = {
    batch: N,
    inChannels: C,
    inHeight: explicit ? paddedH : H,
    inWidth: explicit ? paddedW : W,
    outChannels: O,
    outHeight: outH,
    outWidth: outW,
    kernelHeight: kh,
    kernelWidth: kw,
    strideH: sh,
    strideW: sw,
    padTop: explicit ? 0 : padding.top,
    padLeft: explicit ? 0 : padding.left,
    dilationH: dh,
    dilationW: dw,
    groups,
  };
  const lead = batched ? [N] : [];
  return {
    geometry,
    batched,
    outputShape: [...lead, O, outH, outW],
    paddedShape: explicit ? [...lead, C, paddedH, paddedW] : [...inputShape],
    padding,
    paddingMode,
    modePadding: explicit ? [padding.left, padding.right, padding.top, padding.bottom] : null,
  };
}

/** The pad() mode of a conv padding mode other than zeros. */
function padMode(mode: Conv2dPaddingMode): PadMode {
  return mode === 'zeros' ? 'constant' : mode;
}

/** Throws unless every given array is float and they all share one dtype. */
function checkFloat(op: string, arrays: Record<string, NDArray | null>): DType {
  let dtype: DType | null = null;
  let first = '';
  // for…in rather than Object.entries: no array of pairs per call (this runs on every conv op)
  for (const name in arrays) {
    const a = arrays[name];
    if (a === null || a === undefined) continue;
    if (!isFloatDType(a.dtype)) throw new TypeError(`${op}: ${name} must be float32 or float64, got ${a.dtype}`);
    if (dtype === null) {
      dtype = a.dtype;
      first = name;
    } else if (a.dtype !== dtype) {
      throw new TypeError(`${op}: ${name} is ${a.dtype} but ${first} is ${dtype}; convert one with astype()`);
    }
  }
  return dtype ?? 'float32';
}

/** Dense offset-0 float storage of `a` (a view of its storage when contiguous, else a copy). */
function dense(a: NDArray): FloatArray {
  return a.denseData() as FloatArray;
}

function checkGradOut(op: string, gradOut: NDArray, r: ResolvedConv2d): void {
  if (!shapesEqual(gradOut.shape, r.outputShape)) {
    throw new RangeError(`${op}: gradOut has shape ${formatShape(gradOut.shape)} but the convolution's output has shape ${formatShape(r.outputShape)}`);
  }
}

/**
 * 2-D convolution (cross-correlation, as in every deep-learning library), with the semantics of
 * `torch.nn.Conv2d`'s forward:
 *
 *     out[n, o, y, x] = bias[o] + Σ_{c, i, j} weight[o, c, i, j] · in[n, g·C/G + c, y·sH + i·dH − pTop, x·sW + j·dW − pLeft]
 *
 * where `g = floor(o / (O/G))` is the group of output channel `o` and `in` is the input extended
 * by the padding (zeros, or reflected/replicated/wrapped values for the other `paddingMode`s).
 *
 * Shapes: input `(N, C, H, W)` or unbatched `(C, H, W)`; weight `(O, C/groups, kH, kW)`;
 * bias `(O)`; output `(N, O, outH, outW)` (unbatched: `(O, outH, outW)`) with
 * `outH = floor((H + pTop + pBottom − dH·(kH − 1) − 1) / sH) + 1`, likewise `outW`.
 *
 * Defaults: stride 1, padding 0, dilation 1, groups 1, paddingMode `'zeros'`, no bias.
 *
 * @param input - `(N, C, H, W)` or `(C, H, W)`, float32/float64
 * @param weight - `(O, C/groups, kH, kW)`, the input's dtype
 * @param bias - `(O)` or null (default null)
 * @param options - see {@link Conv2dOptions}
 * @returns a new array of the input's dtype
 * @throws RangeError when the input is not 3-D/4-D, the weight not 4-D, the channels do not match
 *   (`C ≠ weight.shape[1]·groups`), groups does not divide the channel counts, stride/dilation are
 *   not positive, padding is negative, `'same'` is used with stride > 1, the bias is not `(O)`, the
 *   (dilated) kernel is larger than the padded input, or reflect padding ≥ the input dim
 *   (circular: > the dim)
 * @throws TypeError for non-integer arguments, an unknown padding string or paddingMode, non-float
 *   dtypes, or operands of different dtypes
 * @example
 * ```ts
 * const x = ones([1, 1, 28, 28]);
 * const w = ones([6, 1, 5, 5]);
 * conv2d(x, w, null, { padding: 2 }).shape;           // [1, 6, 28, 28]
 * conv2d(x, w, null, { stride: 2 }).shape;            // [1, 6, 12, 12]
 * conv2d(x, w, null, { padding: 'same', paddingMode: 'reflect' }).shape; // [1, 6, 28, 28]
 * ```
 */
export function conv2d<D extends DType>(
  input: NDArray<D>,
  weight: NDArray<D>,
  bias: NDArray<D> | null = null,
  options: Conv2dOptions = {},
): NDArray<D> {
  const r = resolveConv2d(input.shape, weight.shape, options, bias ? bias.shape : null, 'conv2d');
  checkFloat('conv2d', { input, weight, bias });
  const x = r.modePadding ? pad(input, r.modePadding, padMode(r.paddingMode)) : input;
  const out = allocateUninitialized(input.dtype, shapeSize(r.outputShape));
  getBackend().conv2dForward(r.geometry, dense(x), dense(weight), bias ? dense(bias) : null, out as FloatArray);
  return new NDArray(out, input.dtype, r.outputShape);
}

/**
 * The gradient of {@link conv2d} w.r.t. its input, given the gradient of its output: the adjoint
 * of the convolution in its input (a transposed convolution),
 *
 *     gradInput[n, c, y, x] = Σ weight[o, c mod (C/G), i, j] · gradOut[n, o, oy, ox]
 *
 * over every `(o, oy, ox, i, j)` whose tap read `(y, x)`. With a paddingMode other than `'zeros'`,
 * the gradient of the padded input is folded back onto the input with {@link padBackward} (border
 * elements that were copied into the padding receive those contributions too).
 *
 * @param gradOut - ∂L/∂out, the forward output's shape
 * @param weight - the forward's weight
 * @param inputShape - the forward input's shape (3-D or 4-D)
 * @param options - the forward's options
 * @returns ∂L/∂input, shape `inputShape`, the dtype of `gradOut`
 * @throws every error of {@link conv2d}, and a RangeError when `gradOut` has the wrong shape
 * @example
 * ```ts
 * const y = conv2d(x, w, null, opts);
 * const gx = conv2dBackwardInput(onesLike(y), w, x.shape, opts); // x.shape
 * ```
 */
export function conv2dBackwardInput<D extends DType>(
  gradOut: NDArray<D>,
  weight: NDArray<D>,
  inputShape: readonly number[],
  options: Conv2dOptions = {},
): NDArray<D> {
  const op = 'conv2dBackwardInput';
  const r = resolveConv2d(inputShape, weight.shape, options, null, op);
  checkGradOut(op, gradOut, r);
  checkFloat(op, { gradOut, weight });
  const grad = allocateUninitialized(gradOut.dtype, shapeSize(r.paddedShape));
  getBackend().conv2dBackwardInput(r.geometry, dense(gradOut), dense(weight), grad as FloatArray);
  const gradPadded = new NDArray(grad, gradOut.dtype, r.paddedShape);
  return r.modePadding ? padBackward(gradPadded, inputShape, r.modePadding, padMode(r.paddingMode)) : gradPadded;
}

/**
 * The gradient of {@link conv2d} w.r.t. its weight, given the input and the gradient of the output:
 *
 *     gradWeight[o, c, i, j] = Σ_{n, y, x} gradOut[n, o, y, x] · in[n, g·C/G + c, y·sH + i·dH − pTop, x·sW + j·dW − pLeft]
 *
 * summed over the batch (`in` is the padded input, as in the forward).
 *
 * @param input - the forward's input
 * @param gradOut - ∂L/∂out, the forward output's shape
 * @param weightShape - the weight's shape `(O, C/groups, kH, kW)`
 * @param options - the forward's options
 * @returns ∂L/∂weight, shape `weightShape`, the input's dtype
 * @throws every error of {@link conv2d}, and a RangeError when `gradOut` has the wrong shape
 * @example
 * ```ts
 * const gw = conv2dBackwardWeight(x, onesLike(conv2d(x, w)), w.shape); // w.shape
 * ```
 */
export function conv2dBackwardWeight<D extends DType>(
  input: NDArray<D>,
  gradOut: NDArray<D>,
  weightShape: readonly number[],
  options: Conv2dOptions = {},
): NDArray<D> {
  return parameterGradients('conv2dBackwardWeight', input, gradOut, weightShape, options, false).gradWeight;
}

/**
 * {@link conv2dBackwardWeight} and {@link conv2dBackwardBias} in one backend call, as autograd
 * needs them for a convolution with a bias: a backend that copies `gradOut` in for the weight
 * gradient sums it there too (PyTorch's `convolution_backward` with an output mask). The results
 * are those of the two ops, bit for bit.
 *
 * @param input - the forward's input
 * @param gradOut - ∂L/∂out, the forward output's shape
 * @param weightShape - the weight's shape `(O, C/groups, kH, kW)`
 * @param options - the forward's options
 * @returns `gradWeight` (shape `weightShape`) and `gradBias` (shape `(O)`), the input's dtype
 * @throws every error of {@link conv2dBackwardWeight}
 * @example
 * ```ts
 * const { gradWeight, gradBias } = conv2dBackwardWeightAndBias(x, onesLike(conv2d(x, w, b)), w.shape);
 * ```
 */
export function conv2dBackwardWeightAndBias<D extends DType>(
  input: NDArray<D>,
  gradOut: NDArray<D>,
  weightShape: readonly number[],
  options: Conv2dOptions = {},
): { gradWeight: NDArray<D>; gradBias: NDArray<D> } {
  const { gradWeight, gradBias } = parameterGradients('conv2dBackwardWeightAndBias', input, gradOut, weightShape, options, true);
  return { gradWeight, gradBias: gradBias! };
}

/** The weight gradient, and with `withBias` the bias gradient, from one backend call (`op` names the caller in errors). */
function parameterGradients<D extends DType>(
  op: string,
  input: NDArray<D>,
  gradOut: NDArray<D>,
  weightShape: readonly number[],
  options: Conv2dOptions,
  withBias: boolean,
): { gradWeight: NDArray<D>; gradBias: NDArray<D> | null } {
  const r = resolveConv2d(input.shape, weightShape, options, null, op);
  checkGradOut(op, gradOut, r);
  checkFloat(op, { input, gradOut });
  const x = r.modePadding ? pad(input, r.modePadding, padMode(r.paddingMode)) : input;
  const gradWeight = allocateUninitialized(input.dtype, shapeSize(weightShape));
  const gradBias = withBias ? allocateUninitialized(input.dtype, r.geometry.outChannels) : null;
  getBackend().conv2dBackwardWeight(r.geometry, dense(x), dense(gradOut), gradWeight as FloatArray, gradBias as FloatArray | null);
  return {
    gradWeight: new NDArray(gradWeight, input.dtype, [...weightShape]),
    gradBias: gradBias && new NDArray(gradBias, input.dtype, [r.geometry.outChannels]),
  };
}

/**
 * The gradient of {@link conv2d} w.r.t. its bias: `gradBias[o] = Σ_{n, y, x} gradOut[n, o, y, x]`
 * (accumulated in float64).
 *
 * @param gradOut - ∂L/∂out, `(N, O, outH, outW)` or unbatched `(O, outH, outW)`, float
 * @returns ∂L/∂bias, shape `(O)`, the dtype of `gradOut`
 * @throws RangeError when `gradOut` is not 3-D/4-D; TypeError when it is not float
 * @example
 * ```ts
 * conv2dBackwardBias(ones([2, 3, 4, 4])).toArray(); // [32, 32, 32]
 * ```
 */
export function conv2dBackwardBias<D extends DType>(gradOut: NDArray<D>): NDArray<D> {
  const op = 'conv2dBackwardBias';
  if (gradOut.ndim !== 3 && gradOut.ndim !== 4) {
    throw new RangeError(`${op}: expected a 3-D (O, H, W) or 4-D (N, O, H, W) gradOut, got shape ${formatShape(gradOut.shape)}`);
  }
  checkFloat(op, { gradOut });
  const [N, O, H, W] = (gradOut.ndim === 4 ? gradOut.shape : [1, ...gradOut.shape]) as [number, number, number, number];
  const out = allocate(gradOut.dtype, O);
  convBiasGradient(dense(gradOut), N, O, H * W, out as FloatArray);
  return new NDArray(out, gradOut.dtype, [O]);
}
