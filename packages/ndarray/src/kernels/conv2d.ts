/**
 * The pure-TypeScript 2-D convolution kernels (forward and both backward passes): im2col + GEMM,
 * described here, or the direct kernels of `conv2d-direct.ts` where those are faster (see useDirect).
 *
 * For one batch item and one group, im2col unrolls every receptive field into a column of a
 * `[K, P]` matrix, `K = (inChannels / groups)·kernelHeight·kernelWidth` and
 * `P = outHeight·outWidth`; the convolution is then one matrix product with the group's
 * `[outChannels / groups, K]` weight block, which GEMM does at near-peak speed. The backward
 * passes are the two other products of the same matrices:
 *
 * - input gradient: `cols = W_gᵀ · dY_g`, then col2im adds every column back onto the input
 *   positions it was read from (the adjoint of im2col);
 * - weight gradient: `dW_g = Σ_n dY_g · cols_gᵀ`, accumulated over the batch with `beta = 1`.
 *
 * A 1×1 kernel with stride 1 and no padding reads the input exactly as im2col would lay it out,
 * so that case skips the unrolling and hands the input (or gradient) to GEMM directly.
 *
 * Every kernel receives dense row-major storage with offset 0 and overwrites its output fully.
 */
import type { Conv2dGeometry, FloatArray } from '../backend.js';
import { directConv2dBackwardInput, directConv2dBackwardWeight, directConv2dForward } from './conv2d-direct.js';
import { gemm } from './gemm.js';

/** Which algorithm the kernels below use: chosen per call (`'auto'`), or forced (tests, benchmarks). */
export type ConvAlgorithm = 'auto' | 'im2col' | 'direct';
let forced: ConvAlgorithm = 'auto';

/**
 * Forces the algorithm of the pure-TypeScript convolution kernels (`'auto'`, the default, picks
 * per call and direction; `'direct'` still leaves a strided input gradient to im2col). Returns the
 * previous setting. For tests and benchmarks: the two sum in different orders.
 * @example
 * ```ts
 * const previous = setConvAlgorithm('im2col');
 * // … every jsBackend convolution now goes through im2col + GEMM …
 * setConvAlgorithm(previous);
 * ```
 */
export function setConvAlgorithm(algorithm: ConvAlgorithm): ConvAlgorithm {
  const previous = forced;
  forced = algorithm;
  return previous;
}

/**
 * Whether `direction` (0 forward, 1 input gradient, 2 weight gradient) goes direct. Measured on an
 * AMD EPYC (Zen 4), Node 20, both forced: direct is 1.4× im2col on LeNet's first layer (forward and
 * weight gradient), 2–3.5× on depthwise 3×3 layers and 1.3–2× on the textbook's 6×8 image, and
 * 0.6–0.8× on layers of 6 or more input channels (S2 and the 3×3 layers of 64 channels), where
 * GEMM's tiles are full. So: one input channel per group, or a dot product of at most 32 terms.
 */
function useDirect(g: Conv2dGeometry, direction: 0 | 1 | 2): boolean {
  if (direction === 1 && (g.strideH !== 1 || g.strideW !== 1)) return false;
  if (forced !== 'auto') return forced === 'direct';
  const cg = g.inChannels / g.groups;
  const og = g.outChannels / g.groups;
  const taps = g.kernelHeight * g.kernelWidth;
  // the input gradient sums over the output channels (the transposed convolution's inputs)
  const terms = direction === 1 ? og * taps : cg * taps;
  return cg === 1 || terms <= 32;
}

/** Whether every element of `x` is finite (x − x is 0 exactly for finite x, NaN otherwise). */
function allFinite(x: FloatArray): boolean {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! - x[i]!;
  return s === 0;
}

// Reusable im2col buffers, one per float kind so that GEMM always sees a single storage kind.
// They only grow: a network calls the same few geometries over and over, and reallocating a
// multi-megabyte buffer per call would dominate small convolutions.
let scratch32 = new Float32Array(0);
let scratch64 = new Float64Array(0);

/** A scratch buffer of the same kind as `like` with at least `n` elements (contents undefined). */
function scratch(like: FloatArray, n: number): FloatArray {
  if (like instanceof Float32Array) {
    if (scratch32.length < n) scratch32 = new Float32Array(n);
    return scratch32;
  }
  if (scratch64.length < n) scratch64 = new Float64Array(n);
  return scratch64;
}

/** 1×1, stride 1, no padding, output the size of the input: the input already is the im2col matrix. */
function isPointwise(g: Conv2dGeometry): boolean {
  return (
    g.kernelHeight === 1 &&
    g.kernelWidth === 1 &&
    g.strideH === 1 &&
    g.strideW === 1 &&
    g.padTop === 0 &&
    g.padLeft === 0 &&
    g.outHeight === g.inHeight &&
    g.outWidth === g.inWidth
  );
}

/**
 * The range `[lo, hi)` of output positions `o` whose input position `o·stride + base` lies in
 * `[0, size)`: computed once per kernel tap so that the inner loops need no bounds checks.
 */
function validRange(base: number, stride: number, size: number, outSize: number): [number, number] {
  const lo = base >= 0 ? 0 : Math.min(outSize, Math.ceil(-base / stride));
  const last = size - 1 - base; // o·stride ≤ last
  const hi = last < 0 ? 0 : Math.min(outSize, Math.floor(last / stride) + 1);
  return [lo, Math.max(lo, hi)];
}

/**
 * Unrolls the receptive fields of `channels` consecutive input channels starting at `inOffset`
 * (one batch item, one group) into `col` (`[channels·kh·kw, outH·outW]`, row-major); positions in
 * the padding read as 0.
 */
function im2col(g: Conv2dGeometry, input: FloatArray, inOffset: number, channels: number, col: FloatArray): void {
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, kernelHeight: KH, kernelWidth: KW } = g;
  const { strideH: SH, strideW: SW, dilationH: DH, dilationW: DW, padTop, padLeft } = g;
  const plane = H * W;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const cBase = inOffset + c * plane;
    for (let i = 0; i < KH; i++) {
      const yBase = i * DH - padTop;
      const [oy0, oy1] = validRange(yBase, SH, H, OH);
      for (let j = 0; j < KW; j++, row++) {
        const xBase = j * DW - padLeft;
        const [ox0, ox1] = validRange(xBase, SW, W, OW);
        let dst = row * OH * OW;
        // rows of the output that read the top/bottom padding are all zero
        if (oy0 > 0) col.fill(0, dst, dst + oy0 * OW);
        dst += oy0 * OW;
        for (let oy = oy0; oy < oy1; oy++) {
          const src = cBase + (oy * SH + yBase) * W + xBase;
          for (let ox = 0; ox < ox0; ox++) col[dst++] = 0;
          if (SW === 1) {
            for (let ox = ox0; ox < ox1; ox++) col[dst++] = input[src + ox]!;
          } else {
            for (let ox = ox0; ox < ox1; ox++) col[dst++] = input[src + ox * SW]!;
          }
          for (let ox = ox1; ox < OW; ox++) col[dst++] = 0;
        }
        if (oy1 < OH) col.fill(0, dst, dst + (OH - oy1) * OW);
      }
    }
  }
}

/**
 * The adjoint of {@link im2col}: adds every entry of `col` onto the input position it was read
 * from (entries that came from the padding are dropped), for `channels` channels starting at
 * `gradOffset`. It accumulates, so the caller zeroes `grad` first.
 */
function col2im(g: Conv2dGeometry, col: FloatArray, channels: number, grad: FloatArray, gradOffset: number): void {
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, kernelHeight: KH, kernelWidth: KW } = g;
  const { strideH: SH, strideW: SW, dilationH: DH, dilationW: DW, padTop, padLeft } = g;
  const plane = H * W;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const cBase = gradOffset + c * plane;
    for (let i = 0; i < KH; i++) {
      const yBase = i * DH - padTop;
      const [oy0, oy1] = validRange(yBase, SH, H, OH);
      for (let j = 0; j < KW; j++, row++) {
        const xBase = j * DW - padLeft;
        const [ox0, ox1] = validRange(xBase, SW, W, OW);
        const rowBase = row * OH * OW;
        for (let oy = oy0; oy < oy1; oy++) {
          const dst = cBase + (oy * SH + yBase) * W + xBase;
          const src = rowBase + oy * OW;
          for (let ox = ox0; ox < ox1; ox++) grad[dst + ox * SW]! += col[src + ox]!;
        }
      }
    }
  }
}

/**
 * Convolution forward: `out[n, o, y, x] = bias[o] + Σ_{c, i, j} weight[o, c, i, j] ·
 * input[n, g·C/G + c, y·sH − padTop + i·dH, x·sW − padLeft + j·dW]` (zero outside the input),
 * `g` the group of output channel `o`. Shapes as in {@link Conv2dGeometry}; `out` is overwritten.
 * @example
 * ```ts
 * // the textbook edge detector: one 6×8 image, kernel [[1, -1]]
 * const g = { batch: 1, inChannels: 1, inHeight: 6, inWidth: 8, outChannels: 1, outHeight: 6, outWidth: 7,
 *   kernelHeight: 1, kernelWidth: 2, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, groups: 1 };
 * conv2dForward(g, image, Float32Array.of(1, -1), null, new Float32Array(42));
 * ```
 */
export function conv2dForward(g: Conv2dGeometry, input: FloatArray, weight: FloatArray, bias: FloatArray | null, out: FloatArray): void {
  if (g.batch * g.outChannels * g.outHeight * g.outWidth > 0 && useDirect(g, 0)) {
    directConv2dForward(g, input, weight, bias, out);
    return;
  }
  const { batch, inChannels, outChannels, groups } = g;
  const cg = inChannels / groups;
  const og = outChannels / groups;
  const K = cg * g.kernelHeight * g.kernelWidth;
  const P = g.outHeight * g.outWidth;
  const inPlane = g.inHeight * g.inWidth;
  if (batch * outChannels * P === 0) return;
  // the bias is written first and GEMM adds onto it (beta = 1): no separate pass over the output
  const beta = bias ? 1 : 0;
  if (bias) {
    for (let n = 0; n < batch; n++) {
      for (let o = 0; o < outChannels; o++) {
        const start = (n * outChannels + o) * P;
        out.fill(bias[o]!, start, start + P);
      }
    }
  } else if (K === 0) {
    out.fill(0);
  }
  if (K === 0) return;
  const pointwise = isPointwise(g);
  const col = pointwise ? null : scratch(input, K * P);
  for (let n = 0; n < batch; n++) {
    for (let grp = 0; grp < groups; grp++) {
      const inOffset = (n * inChannels + grp * cg) * inPlane;
      const outOffset = (n * outChannels + grp * og) * P;
      if (col) {
        im2col(g, input, inOffset, cg, col);
        gemm(false, false, og, P, K, 1, weight, grp * og * K, K, col, 0, P, beta, out, outOffset, P);
      } else {
        gemm(false, false, og, P, K, 1, weight, grp * og * K, K, input, inOffset, P, beta, out, outOffset, P);
      }
    }
  }
}

/**
 * Convolution backward w.r.t. the input: the adjoint of {@link conv2dForward} in its input,
 * `gradInput[n, c, y, x] = Σ` of `weight[o, c', i, j] · gradOut[n, o, oy, ox]` over every output
 * position whose receptive field read `(y, x)` through tap `(i, j)`. `gradInput` is overwritten.
 * @example
 * ```ts
 * conv2dBackwardInput(g, gradOut, weight, new Float32Array(g.batch * g.inChannels * g.inHeight * g.inWidth));
 * ```
 */
export function conv2dBackwardInput(g: Conv2dGeometry, gradOut: FloatArray, weight: FloatArray, gradInput: FloatArray): void {
  // the direct kernel multiplies the weights by the zeros around the output gradient: with a
  // non-finite weight, 0·∞ would invent NaNs that col2im (as PyTorch) does not
  if (g.batch * g.inChannels * g.inHeight * g.inWidth > 0 && useDirect(g, 1) && allFinite(weight)) {
    directConv2dBackwardInput(g, gradOut, weight, gradInput);
    return;
  }
  const { batch, inChannels, outChannels, groups } = g;
  const cg = inChannels / groups;
  const og = outChannels / groups;
  const K = cg * g.kernelHeight * g.kernelWidth;
  const P = g.outHeight * g.outWidth;
  const inPlane = g.inHeight * g.inWidth;
  if (isPointwise(g) && og > 0 && P > 0) {
    // the column matrix is the input gradient itself: GEMM overwrites it (beta = 0)
    for (let n = 0; n < batch; n++) {
      for (let grp = 0; grp < groups; grp++) {
        const inOffset = (n * inChannels + grp * cg) * inPlane;
        const outOffset = (n * outChannels + grp * og) * P;
        gemm(true, false, K, P, og, 1, weight, grp * og * K, K, gradOut, outOffset, P, 0, gradInput, inOffset, P);
      }
    }
    return;
  }
  gradInput.fill(0);
  if (og === 0 || P === 0 || K === 0) return;
  const col = scratch(gradInput, K * P);
  for (let n = 0; n < batch; n++) {
    for (let grp = 0; grp < groups; grp++) {
      const inOffset = (n * inChannels + grp * cg) * inPlane;
      const outOffset = (n * outChannels + grp * og) * P;
      gemm(true, false, K, P, og, 1, weight, grp * og * K, K, gradOut, outOffset, P, 0, col, 0, P);
      col2im(g, col, cg, gradInput, inOffset);
    }
  }
}

/**
 * Convolution backward w.r.t. the weight: `gradWeight[o, c, i, j] = Σ_{n, y, x} gradOut[n, o, y, x] ·
 * input[n, g·C/G + c, y·sH − padTop + i·dH, x·sW − padLeft + j·dW]`, summed over the batch.
 * `gradWeight` is overwritten. With `gradBias`, also the bias gradient (see {@link convBiasGradient}).
 * @example
 * ```ts
 * const gradWeight = new Float32Array(g.outChannels * (g.inChannels / g.groups) * g.kernelHeight * g.kernelWidth);
 * conv2dBackwardWeight(g, input, gradOut, gradWeight);
 * ```
 */
export function conv2dBackwardWeight(g: Conv2dGeometry, input: FloatArray, gradOut: FloatArray, gradWeight: FloatArray, gradBias: FloatArray | null = null): void {
  if (gradBias) convBiasGradient(gradOut, g.batch, g.outChannels, g.outHeight * g.outWidth, gradBias);
  weightGradient(g, input, gradOut, gradWeight);
}

/**
 * Σ of `x[start, start + n)` in float64, in a fixed order that the WebAssembly backend's SIMD
 * loop follows exactly (so the two agree bit for bit): element `start + i` goes into partial sum
 * `i mod 8` for the first `n − n mod 8` elements, the partials are combined as
 * `((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7))`, and the last `n mod 8` are added in order.
 * Eight independent sums also keep the adds from waiting on each other.
 */
function planeSum(x: FloatArray, start: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let s5 = 0;
  let s6 = 0;
  let s7 = 0;
  let i = start;
  for (const end8 = start + n - (n % 8); i < end8; i += 8) {
    s0 += x[i]!;
    s1 += x[i + 1]!;
    s2 += x[i + 2]!;
    s3 += x[i + 3]!;
    s4 += x[i + 4]!;
    s5 += x[i + 5]!;
    s6 += x[i + 6]!;
    s7 += x[i + 7]!;
  }
  let s = s0 + s4 + (s2 + s6) + (s1 + s5 + (s3 + s7));
  for (const end = start + n; i < end; i++) s += x[i]!;
  return s;
}

/**
 * The bias gradient of a convolution: `gradBias[o] = Σ_{n, p} gradOut[n, o, p]` over the batch and
 * the `plane` output positions, accumulated in float64: each `(n, o)` plane by {@link planeSum},
 * the planes added in batch order. `gradBias` (`channels` elements) is overwritten.
 * @example
 * ```ts
 * const gradBias = new Float32Array(2);
 * convBiasGradient(Float32Array.of(1, 2, 3, 4), 1, 2, 2, gradBias); // gradBias: [3, 7]
 * ```
 */
export function convBiasGradient(gradOut: FloatArray, batch: number, channels: number, plane: number, gradBias: FloatArray): void {
  for (let o = 0; o < channels; o++) {
    let acc = 0;
    for (let n = 0; n < batch; n++) acc += planeSum(gradOut, (n * channels + o) * plane, plane);
    gradBias[o] = acc;
  }
}

function weightGradient(g: Conv2dGeometry, input: FloatArray, gradOut: FloatArray, gradWeight: FloatArray): void {
  if (g.batch * g.outChannels * g.outHeight * g.outWidth > 0 && g.kernelHeight * g.kernelWidth * g.inChannels > 0 && useDirect(g, 2)) {
    directConv2dBackwardWeight(g, input, gradOut, gradWeight);
    return;
  }
  const { batch, inChannels, outChannels, groups } = g;
  const cg = inChannels / groups;
  const og = outChannels / groups;
  const K = cg * g.kernelHeight * g.kernelWidth;
  const P = g.outHeight * g.outWidth;
  const inPlane = g.inHeight * g.inWidth;
  if (batch === 0 || P === 0 || og === 0 || K === 0) {
    // an empty sum: GEMM with k = 0 is not asked to zero its output
    gradWeight.fill(0);
    return;
  }
  const pointwise = isPointwise(g);
  const col = pointwise ? null : scratch(input, K * P);
  for (let n = 0; n < batch; n++) {
    // the first batch item overwrites the gradient, the others add onto it
    const beta = n === 0 ? 0 : 1;
    for (let grp = 0; grp < groups; grp++) {
      const inOffset = (n * inChannels + grp * cg) * inPlane;
      const outOffset = (n * outChannels + grp * og) * P;
      if (col) {
        im2col(g, input, inOffset, cg, col);
        gemm(false, true, og, K, P, 1, gradOut, outOffset, P, col, 0, P, beta, gradWeight, grp * og * K, K);
      } else {
        gemm(false, true, og, K, P, 1, gradOut, outOffset, P, input, inOffset, P, beta, gradWeight, grp * og * K, K);
      }
    }
  }
}
