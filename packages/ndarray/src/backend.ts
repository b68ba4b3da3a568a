/**
 * The seam between ops and kernels. Ops (in `ops/`) validate arguments, resolve shapes and call a
 * named kernel on dense row-major typed arrays; kernels (in `kernels/`) only compute. A backend is
 * a set of kernels: the pure-TypeScript one is the default, and a WebAssembly backend plugs in
 * with {@link setBackend} without changing any caller.
 *
 * Every kernel receives contiguous storage with offset 0, of one float kind (all `Float32Array` or
 * all `Float64Array`), and overwrites its output completely (it never reads it, except `gemm` with
 * `beta ≠ 0`).
 */

import { jsBackend } from './kernels/js-backend.js';

/** Float storage a kernel computes on. */
export type FloatArray = Float32Array | Float64Array;

/**
 * One 2-D convolution, fully resolved: NCHW input `[batch, inChannels, inHeight, inWidth]`, weight
 * `[outChannels, inChannels / groups, kernelHeight, kernelWidth]`, output
 * `[batch, outChannels, outHeight, outWidth]`. Zero padding of `padTop`/`padLeft` rows/columns is
 * implied before the first input row/column; the bottom/right padding is whatever `outHeight` and
 * `outWidth` imply (so PyTorch's asymmetric `'same'` padding needs no special case).
 */
export interface Conv2dGeometry {
  batch: number;
  inChannels: number;
  inHeight: number;
  inWidth: number;
  outChannels: number;
  outHeight: number;
  outWidth: number;
  kernelHeight: number;
  kernelWidth: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  dilationH: number;
  dilationW: number;
  groups: number;
}

/**
 * One 2-D pooling over `planes` independent `[inHeight, inWidth]` planes (batch × channels),
 * each giving an `[outHeight, outWidth]` plane. Padding is symmetric (`padH` rows above and below).
 */
export interface Pool2dGeometry {
  planes: number;
  inHeight: number;
  inWidth: number;
  outHeight: number;
  outWidth: number;
  kernelHeight: number;
  kernelWidth: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilationH: number;
  dilationW: number;
}

/** How an average pool divides each window's sum (PyTorch's `count_include_pad`, `divisor_override`). */
export interface AvgPoolDivisor {
  countIncludePad: boolean;
  divisorOverride: number | null;
}

/** The kernels a backend provides. */
export interface Backend {
  /** A short name (`'js'`, `'wasm'`), shown by the conformance runner and the benchmarks. */
  readonly name: string;

  /**
   * Row-major GEMM: `C = alpha · op(A) · op(B) + beta · C`, with `op(A)` of size `m × k` and
   * `op(B)` of size `k × n`; `op(X)` is `Xᵀ` when the matching `trans` flag is set. `lda`, `ldb`,
   * `ldc` are the row strides of the stored matrices; `*Offset` the index of their first element.
   * With `beta = 0`, C is overwritten without being read (NaN in C does not propagate).
   */
  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: FloatArray,
    aOffset: number,
    lda: number,
    b: FloatArray,
    bOffset: number,
    ldb: number,
    beta: number,
    c: FloatArray,
    cOffset: number,
    ldc: number,
  ): void;

  /** Convolution forward: `out = conv(input, weight) + bias` (bias may be null). */
  conv2dForward(g: Conv2dGeometry, input: FloatArray, weight: FloatArray, bias: FloatArray | null, out: FloatArray): void;
  /** The gradient w.r.t. the input, given the gradient of the output (the adjoint of the forward). */
  conv2dBackwardInput(g: Conv2dGeometry, gradOut: FloatArray, weight: FloatArray, gradInput: FloatArray): void;
  /**
   * The gradient w.r.t. the weight, given the input and the gradient of the output. When `gradBias`
   * is given (`outChannels` elements), also the bias gradient `Σ_{n, y, x} gradOut[n, o, y, x]`, in
   * the order of jsBackend's `convBiasGradient`: a backend that holds `gradOut` for the weight
   * gradient sums it without a second pass from JavaScript (PyTorch's `convolution_backward` with
   * an output mask).
   */
  conv2dBackwardWeight(g: Conv2dGeometry, input: FloatArray, gradOut: FloatArray, gradWeight: FloatArray, gradBias?: FloatArray | null): void;

  /**
   * Max pooling forward. `indices` receives, for each output element, the flat index `h · inWidth + w`
   * within its input plane of the window's maximum (the first one on ties; NaN wins, as in PyTorch).
   */
  maxPool2dForward(g: Pool2dGeometry, input: FloatArray, out: FloatArray, indices: Int32Array): void;
  /** Routes each output gradient to the input position recorded in `indices`; gradients of overlapping windows add up. */
  maxPool2dBackward(g: Pool2dGeometry, gradOut: FloatArray, indices: Int32Array, gradInput: FloatArray): void;
  /** Average pooling forward with implicit zero padding. */
  avgPool2dForward(g: Pool2dGeometry, divisor: AvgPoolDivisor, input: FloatArray, out: FloatArray): void;
  /** Average pooling backward: each output gradient, divided by its window's divisor, spread over the window. */
  avgPool2dBackward(g: Pool2dGeometry, divisor: AvgPoolDivisor, gradOut: FloatArray, gradInput: FloatArray): void;

  /**
   * The logistic function: `out[i] = σ(input[i]) = 1 / (1 + e^(−input[i]))` for `i < n`, without
   * overflow for large |x| (NaN gives NaN, ±Infinity gives 1 or 0). Backends may differ in the
   * last bits (the pure-TypeScript kernel computes in float64 and rounds once; see
   * docs/determinism.md).
   */
  sigmoidForward(input: FloatArray, out: FloatArray, n: number): void;
  /**
   * The gradient of σ from its output: `out[i] = grad[i] · (1 − output[i]) · output[i]` for `i < n`,
   * rounded after each operation in that order, as PyTorch's `sigmoid_backward` computes
   * `(g·(1−y))·y` (so float32 results agree bit for bit across backends).
   */
  sigmoidBackward(grad: FloatArray, output: FloatArray, out: FloatArray, n: number): void;
}

let current: Backend = jsBackend;

/** The backend that ops call now (the pure-TypeScript {@link jsBackend} unless changed). */
export function getBackend(): Backend {
  return current;
}

/**
 * Makes every op call `backend`'s kernels from now on; returns the previous backend so that a
 * caller (a test, a benchmark) can restore it.
 * @example
 * ```ts
 * const previous = setBackend(myWasmBackend);
 * try { run(); } finally { setBackend(previous); }
 * ```
 */
export function setBackend(backend: Backend): Backend {
  const previous = getBackend();
  current = backend;
  return previous;
}
