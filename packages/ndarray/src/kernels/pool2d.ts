/**
 * Pooling kernels of the pure-TypeScript backend: max and average pooling (forward and backward,
 * per the `Backend` contract) and adaptive average pooling (a private kernel, not part of
 * `Backend`). Kernels only compute: the ops in `ops/pool2d.ts` validate the arguments and resolve
 * the geometry. Every array is dense row-major with offset 0; a plane is one `[height, width]`
 * image of one sample and channel.
 *
 * Window bounds depend only on the output row (or column), never on the plane, so each kernel
 * computes them once up front and the inner loops are plain strided sums / maxima.
 */

import type { AvgPoolDivisor, FloatArray, Pool2dGeometry } from '../backend.js';

/** Start (inclusive) and end (exclusive) of each window along one dim, clipped to the input. */
interface WindowBounds {
  /** First input index of each window (the first non-padding tap). */
  start: Int32Array;
  /** One past the last input index a tap of the window may reach. */
  end: Int32Array;
}

/**
 * Bounds of the max-pooling windows along one dim: window `o` taps `o·stride − pad + j·dilation`
 * for `j < kernel`; taps in the padding are skipped (the start advances by whole dilation steps).
 */
function maxWindowBounds(outSize: number, inSize: number, kernel: number, stride: number, pad: number, dilation: number): WindowBounds {
  const start = new Int32Array(outSize);
  const end = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    let s = o * stride - pad;
    const e = Math.min(s + (kernel - 1) * dilation + 1, inSize);
    if (s < 0) s += Math.ceil(-s / dilation) * dilation;
    start[o] = s;
    end[o] = e;
  }
  return { start, end };
}

/**
 * Max pooling forward (`Backend.maxPool2dForward`). For each window, `out` receives its maximum
 * and `indices` the flat index `h · inWidth + w` of that maximum within its input plane: the
 * first one on ties; a NaN is the maximum of any window that holds one (as in PyTorch's CPU
 * kernel, the last NaN of the window gives the index). Padding taps are never the maximum (they
 * act as −∞). A window that holds no input element at all (possible only with a dilation that
 * steps over the whole input) gives −∞ and index −1.
 */
export function maxPool2dForward(g: Pool2dGeometry, input: FloatArray, out: FloatArray, indices: Int32Array): void {
  const { planes, inHeight, inWidth, outHeight, outWidth, dilationH, dilationW } = g;
  const rows = maxWindowBounds(outHeight, inHeight, g.kernelHeight, g.strideH, g.padH, dilationH);
  const cols = maxWindowBounds(outWidth, inWidth, g.kernelWidth, g.strideW, g.padW, dilationW);
  const hStart = rows.start;
  const hEnd = rows.end;
  const wStart = cols.start;
  const wEnd = cols.end;
  const inPlane = inHeight * inWidth;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane;
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = hStart[oh]!;
      const h1 = hEnd[oh]!;
      for (let ow = 0; ow < outWidth; ow++, o++) {
        const w0 = wStart[ow]!;
        const w1 = wEnd[ow]!;
        let best = -Infinity;
        let bestIndex = h0 < h1 && w0 < w1 ? h0 * inWidth + w0 : -1;
        for (let ih = h0; ih < h1; ih += dilationH) {
          const row = ih * inWidth;
          for (let iw = row + w0, iwEnd = row + w1; iw < iwEnd; iw += dilationW) {
            const v = input[base + iw]!;
            if (v > best || v !== v) {
              best = v;
              bestIndex = iw;
            }
          }
        }
        out[o] = best;
        indices[o] = bestIndex;
      }
    }
  }
}

/**
 * Max pooling backward (`Backend.maxPool2dBackward`): zeroes `gradInput`, then adds each output
 * gradient to the input position its window's maximum came from (`indices`, as written by
 * {@link maxPool2dForward}); overlapping windows add up. A negative index (a window with no input
 * element) routes nowhere.
 */
export function maxPool2dBackward(g: Pool2dGeometry, gradOut: FloatArray, indices: Int32Array, gradInput: FloatArray): void {
  const { planes, inHeight, inWidth, outHeight, outWidth } = g;
  const inPlane = inHeight * inWidth;
  const outPlane = outHeight * outWidth;
  gradInput.fill(0);
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane;
    for (const oEnd = o + outPlane; o < oEnd; o++) {
      const idx = indices[o]!;
      if (idx >= 0) gradInput[base + idx]! += gradOut[o]!;
    }
  }
}

/** {@link WindowBounds} plus each window's extent within the padded input (the `countIncludePad` divisor factor). */
interface AvgWindowBounds extends WindowBounds {
  padded: Int32Array;
}

/**
 * Bounds of the average-pooling windows along one dim, and each window's extent within the
 * padded input: window `o` covers `[o·stride − pad, o·stride − pad + kernel)`, cut at the end of
 * the padded input (`inSize + pad`; a ceil-mode window hanging past it does not count the
 * overhang), then clipped to `[0, inSize)` for the sum.
 */
function avgWindowBounds(
  outSize: number,
  inSize: number,
  kernel: number,
  stride: number,
  pad: number,
): AvgWindowBounds {
  const start = new Int32Array(outSize);
  const end = new Int32Array(outSize);
  const padded = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const s = o * stride - pad;
    const e = Math.min(s + kernel, inSize + pad);
    padded[o] = e - s;
    start[o] = Math.max(s, 0);
    end[o] = Math.min(e, inSize);
  }
  return { start, end, padded };
}

/**
 * The divisor of every window of one output plane (row-major `[outHeight, outWidth]`), or 0 for a
 * window that holds no input element (its output is 0 and it gets no gradient).
 */
function avgDivisors(g: Pool2dGeometry, divisor: AvgPoolDivisor, rows: AvgWindowBounds, cols: AvgWindowBounds): Float64Array {
  const { outHeight, outWidth } = g;
  const div = new Float64Array(outHeight * outWidth);
  const override = divisor.divisorOverride;
  let o = 0;
  for (let oh = 0; oh < outHeight; oh++) {
    const hn = rows.end[oh]! - rows.start[oh]!;
    for (let ow = 0; ow < outWidth; ow++, o++) {
      const wn = cols.end[ow]! - cols.start[ow]!;
      if (hn <= 0 || wn <= 0) div[o] = 0;
      else if (override !== null) div[o] = override;
      else if (divisor.countIncludePad) div[o] = rows.padded[oh]! * cols.padded[ow]!;
      else div[o] = hn * wn;
    }
  }
  return div;
}

/**
 * Average pooling forward (`Backend.avgPool2dForward`): each output is the sum of its window's
 * input elements (zero padding adds nothing) divided by the window's divisor — `divisorOverride`
 * when given, else the window size within the padded input (`countIncludePad`) or the number of
 * input elements in the window. A window with no input element gives 0.
 */
export function avgPool2dForward(g: Pool2dGeometry, divisor: AvgPoolDivisor, input: FloatArray, out: FloatArray): void {
  const { planes, inHeight, inWidth, outHeight, outWidth } = g;
  const rows = avgWindowBounds(outHeight, inHeight, g.kernelHeight, g.strideH, g.padH);
  const cols = avgWindowBounds(outWidth, inWidth, g.kernelWidth, g.strideW, g.padW);
  const div = avgDivisors(g, divisor, rows, cols);
  const hStart = rows.start;
  const hEnd = rows.end;
  const wStart = cols.start;
  const wEnd = cols.end;
  const inPlane = inHeight * inWidth;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane;
    let d = 0;
    for (let oh = 0; oh < outHeight; oh++) {
      const r0 = base + hStart[oh]! * inWidth;
      const r1 = base + hEnd[oh]! * inWidth;
      for (let ow = 0; ow < outWidth; ow++, o++, d++) {
        const dv = div[d]!;
        if (dv === 0) {
          out[o] = 0;
          continue;
        }
        const w0 = wStart[ow]!;
        const w1 = wEnd[ow]!;
        let sum = 0;
        for (let r = r0; r < r1; r += inWidth) {
          for (let i = r + w0, iEnd = r + w1; i < iEnd; i++) sum += input[i]!;
        }
        out[o] = sum / dv;
      }
    }
  }
}

/**
 * Average pooling backward (`Backend.avgPool2dBackward`): zeroes `gradInput`, then adds each
 * output gradient, divided by its window's divisor (as in {@link avgPool2dForward}), to every
 * input element of the window; overlapping windows add up.
 */
export function avgPool2dBackward(g: Pool2dGeometry, divisor: AvgPoolDivisor, gradOut: FloatArray, gradInput: FloatArray): void {
  const { planes, inHeight, inWidth, outHeight, outWidth } = g;
  const rows = avgWindowBounds(outHeight, inHeight, g.kernelHeight, g.strideH, g.padH);
  const cols = avgWindowBounds(outWidth, inWidth, g.kernelWidth, g.strideW, g.padW);
  const div = avgDivisors(g, divisor, rows, cols);
  const hStart = rows.start;
  const hEnd = rows.end;
  const wStart = cols.start;
  const wEnd = cols.end;
  const inPlane = inHeight * inWidth;
  gradInput.fill(0);
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane;
    let d = 0;
    for (let oh = 0; oh < outHeight; oh++) {
      const r0 = base + hStart[oh]! * inWidth;
      const r1 = base + hEnd[oh]! * inWidth;
      for (let ow = 0; ow < outWidth; ow++, o++, d++) {
        const dv = div[d]!;
        if (dv === 0) continue;
        const gv = gradOut[o]! / dv;
        const w0 = wStart[ow]!;
        const w1 = wEnd[ow]!;
        for (let r = r0; r < r1; r += inWidth) {
          for (let i = r + w0, iEnd = r + w1; i < iEnd; i++) gradInput[i]! += gv;
        }
      }
    }
  }
}

/** The sizes an adaptive pooling needs: `planes` planes of `[inHeight, inWidth]` → `[outHeight, outWidth]`. */
export type AdaptivePool2dGeometry = Pick<Pool2dGeometry, 'planes' | 'inHeight' | 'inWidth' | 'outHeight' | 'outWidth'>;

/**
 * Bin bounds of adaptive pooling along one dim: bin `i` of `outSize` covers input indices
 * `floor(i·inSize/outSize)` to `ceil((i+1)·inSize/outSize) − 1` (integer arithmetic, exact).
 */
function adaptiveBounds(outSize: number, inSize: number): WindowBounds {
  const start = new Int32Array(outSize);
  const end = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    start[i] = Math.floor((i * inSize) / outSize);
    end[i] = Math.floor(((i + 1) * inSize + outSize - 1) / outSize);
  }
  return { start, end };
}

/**
 * Adaptive average pooling forward (not part of `Backend`): each output is the mean of its bin
 * (see {@link adaptiveBounds}); bins may overlap, and `outHeight > inHeight` repeats rows.
 * Needs `inHeight, inWidth ≥ 1` when the output is not empty.
 */
export function adaptiveAvgPool2dForward(g: AdaptivePool2dGeometry, input: FloatArray, out: FloatArray): void {
  const { planes, inHeight, inWidth, outHeight, outWidth } = g;
  const rows = adaptiveBounds(outHeight, inHeight);
  const cols = adaptiveBounds(outWidth, inWidth);
  const inPlane = inHeight * inWidth;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane;
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = rows.start[oh]!;
      const kh = rows.end[oh]! - h0;
      const r0 = base + h0 * inWidth;
      const r1 = r0 + kh * inWidth;
      for (let ow = 0; ow < outWidth; ow++, o++) {
        const w0 = cols.start[ow]!;
        const kw = cols.end[ow]! - w0;
        let sum = 0;
        for (let r = r0 + w0; r < r1; r += inWidth) {
          for (let i = r, iEnd = r + kw; i < iEnd; i++) sum += input[i]!;
        }
        out[o] = sum / kh / kw;
      }
    }
  }
}

/**
 * Adaptive average pooling backward: zeroes `gradInput`, then spreads each output gradient,
 * divided by its bin's size, over the bin; overlapping bins add up.
 */
export function adaptiveAvgPool2dBackward(g: AdaptivePool2dGeometry, gradOut: FloatArray, gradInput: FloatArray): void {
  const { planes, inHeight, inWidth, outHeight, outWidth } = g;
  const rows = adaptiveBounds(outHeight, inHeight);
  const cols = adaptiveBounds(outWidth, inWidth);
  const inPlane = inHeight * inWidth;
  gradInput.fill(0);
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane;
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = rows.start[oh]!;
      const kh = rows.end[oh]! - h0;
      const r0 = base + h0 * inWidth;
      const r1 = r0 + kh * inWidth;
      for (let ow = 0; ow < outWidth; ow++, o++) {
        const w0 = cols.start[ow]!;
        const kw = cols.end[ow]! - w0;
        const gv = gradOut[o]! / kh / kw;
        for (let r = r0 + w0; r < r1; r += inWidth) {
          for (let i = r, iEnd = r + kw; i < iEnd; i++) gradInput[i]! += gv;
        }
      }
    }
  }
}
