/**
 * Direct pure-TypeScript convolution kernels, with no im2col matrix. `conv2d.ts` picks them where
 * im2col + GEMM wastes most of its time: few output channels (LeNet's 6 and 16, a one-channel
 * input's gradient) or one input channel per group (depthwise), where GEMM's tiles are mostly
 * empty and unrolling the input costs as much as multiplying it.
 *
 * Each batch item's input planes are copied once into zero-padded float64 planes, so the inner
 * loops need no bounds checks and see one array kind only (V8 then keeps them monomorphic).
 * Then, per kernel row, up to four taps go through a row of outputs in one pass:
 * `acc[x] += w0·s[x] + w1·s[x + d] + w2·s[x + 2d] + w3·s[x + 3d]`, one accumulator load and store
 * for four multiply-adds; a 5-wide kernel row (LeNet's) goes in one pass of five. With a single
 * output (a one-channel input's gradient), two output rows share each pass over a source row. Sums are float64 throughout and rounded once into the output, so these
 * kernels are at least as accurate as the GEMM path (which rounds float32 sums per block of 256).
 *
 * The input gradient of a stride-1 convolution is itself a convolution (of the output gradient,
 * padded by the kernel's extent minus the padding, with the kernel flipped and its channel dims
 * swapped), so it runs on the forward's core. The weight gradient keeps four running sums per
 * kernel row, one per tap, over every output position.
 */
import type { Conv2dGeometry, FloatArray } from '../backend.js';

// Scratch that only grows, as conv2d.ts's im2col buffers: padded planes, the arranged weights and
// the output accumulators.
let planes = new Float64Array(0);
let weights = new Float64Array(0);
let acc = new Float64Array(0);

function planeScratch(n: number): Float64Array {
  if (planes.length < n) planes = new Float64Array(n);
  return planes;
}

function weightScratch(n: number): Float64Array {
  if (weights.length < n) weights = new Float64Array(n);
  return weights;
}

function accScratch(n: number): Float64Array {
  if (acc.length < n) acc = new Float64Array(n);
  return acc;
}

/**
 * Copies `channels` planes of `h × w` from `src` (at `offset`) into `dst` as `ph × pw` planes,
 * source row r and column c landing at (r + top, c + left); everything else is 0. `top` and
 * `left` may be negative (the source is then cropped).
 */
function padPlanes(src: FloatArray, offset: number, channels: number, h: number, w: number, top: number, left: number, ph: number, pw: number, dst: Float64Array): void {
  const x0 = Math.max(0, left);
  const x1 = Math.min(pw, w + left);
  for (let c = 0; c < channels; c++) {
    const plane = c * ph * pw;
    dst.fill(0, plane, plane + ph * pw);
    if (x1 <= x0) continue;
    const from = offset + c * h * w;
    for (let r = Math.max(0, top); r < Math.min(ph, h + top); r++) {
      const s = from + (r - top) * w - left;
      const d = plane + r * pw;
      for (let x = x0; x < x1; x++) dst[d + x] = src[s + x]!;
    }
  }
}

/**
 * `out[oy·ow + ox] += Σ_t w_t · src[base + oy·rowStep + ox·sw + t·d]` for the 4 taps t: one pass
 * over an `oh × ow` block of accumulators.
 */
function taps4(out: Float64Array, src: Float64Array, base: number, rowStep: number, sw: number, d: number, oh: number, ow: number, w0: number, w1: number, w2: number, w3: number): void {
  for (let oy = 0, q = 0; oy < oh; oy++) {
    let s = base + oy * rowStep;
    for (let ox = 0; ox < ow; ox++, q++, s += sw) {
      out[q] = out[q]! + (w0 * src[s]! + w1 * src[s + d]! + w2 * src[s + 2 * d]! + w3 * src[s + 3 * d]!);
    }
  }
}

/**
 * taps4 with 5 taps: a whole row of a 5-wide kernel (LeNet's) in one pass, where 4 + 1 taps took
 * two passes, the second with one multiply-add per accumulator load and store.
 */
function taps5(out: Float64Array, src: Float64Array, base: number, rowStep: number, sw: number, d: number, oh: number, ow: number, w0: number, w1: number, w2: number, w3: number, w4: number): void {
  for (let oy = 0, q = 0; oy < oh; oy++) {
    let s = base + oy * rowStep;
    for (let ox = 0; ox < ow; ox++, q++, s += sw) {
      out[q] = out[q]! + (w0 * src[s]! + w1 * src[s + d]! + w2 * src[s + 2 * d]! + w3 * src[s + 3 * d]! + w4 * src[s + 4 * d]!);
    }
  }
}

/** taps5 for two outputs at once (as taps4x2). */
function taps5x2(out: Float64Array, o1: number, src: Float64Array, base: number, rowStep: number, sw: number, d: number, oh: number, ow: number, w: Float64Array, u: number, v: number): void {
  const w0 = w[u]!, w1 = w[u + 1]!, w2 = w[u + 2]!, w3 = w[u + 3]!, w4 = w[u + 4]!;
  const v0 = w[v]!, v1 = w[v + 1]!, v2 = w[v + 2]!, v3 = w[v + 3]!, v4 = w[v + 4]!;
  for (let oy = 0, q = 0; oy < oh; oy++) {
    let s = base + oy * rowStep;
    for (let ox = 0; ox < ow; ox++, q++, s += sw) {
      const a = src[s]!;
      const b = src[s + d]!;
      const c = src[s + 2 * d]!;
      const e = src[s + 3 * d]!;
      const f = src[s + 4 * d]!;
      out[q] = out[q]! + (w0 * a + w1 * b + w2 * c + w3 * e + w4 * f);
      out[o1 + q] = out[o1 + q]! + (v0 * a + v1 * b + v2 * c + v3 * e + v4 * f);
    }
  }
}

/**
 * One pass of {@link single5} over the row pairs `[p0, p1)`: output rows 2p (kernel row at `u`,
 * none when −1) and 2p + 1 (kernel row at `v`, none when −1), both reading source row 2p from `base`.
 */
function rowPairs5(out: Float64Array, src: Float64Array, base: number, pw: number, ow: number, p0: number, p1: number, d: number, w: Float64Array, u: number, v: number): void {
  if (u >= 0 && v >= 0) {
    const w0 = w[u]!, w1 = w[u + 1]!, w2 = w[u + 2]!, w3 = w[u + 3]!, w4 = w[u + 4]!;
    const v0 = w[v]!, v1 = w[v + 1]!, v2 = w[v + 2]!, v3 = w[v + 3]!, v4 = w[v + 4]!;
    for (let p = p0; p < p1; p++) {
      let s = base + 2 * p * pw;
      const q0 = 2 * p * ow;
      const q1 = q0 + ow;
      for (let x = 0; x < ow; x++, s++) {
        const a = src[s]!;
        const b = src[s + d]!;
        const c = src[s + 2 * d]!;
        const e = src[s + 3 * d]!;
        const f = src[s + 4 * d]!;
        out[q0 + x] = out[q0 + x]! + (w0 * a + w1 * b + w2 * c + w3 * e + w4 * f);
        out[q1 + x] = out[q1 + x]! + (v0 * a + v1 * b + v2 * c + v3 * e + v4 * f);
      }
    }
    return;
  }
  // one of the two rows: the kernel row that feeds it, and which of the pair it is
  const k = u >= 0 ? u : v;
  const k0 = w[k]!, k1 = w[k + 1]!, k2 = w[k + 2]!, k3 = w[k + 3]!, k4 = w[k + 4]!;
  const second = u >= 0 ? 0 : ow;
  for (let p = p0; p < p1; p++) {
    let s = base + 2 * p * pw;
    const q = 2 * p * ow + second;
    for (let x = 0; x < ow; x++, s++) {
      out[q + x] = out[q + x]! + (k0 * src[s]! + k1 * src[s + d]! + k2 * src[s + 2 * d]! + k3 * src[s + 3 * d]! + k4 * src[s + 4 * d]!);
    }
  }
}

/**
 * The core for a single output (a one-channel input's gradient) with a 5-wide kernel at stride 1
 * and row dilation 1, two output rows per pass: source row y + i feeds output row y through
 * kernel row i and output row y + 1 through kernel row i − 1, so each source value loaded serves
 * both. Each output still adds its kernel rows' 5-tap sums in the order of channels, then rows,
 * exactly as taps5 does: the same bits as the one-row loop.
 */
function single5(out: Float64Array, src: Float64Array, cin: number, ph: number, pw: number, w: Float64Array, kh: number, oh: number, ow: number, d: number): void {
  const pairs = oh >> 1;
  for (let c = 0; c < cin; c++) {
    const plane = c * ph * pw;
    const wc = c * kh * 5;
    for (let i = 0; i <= kh; i++) rowPairs5(out, src, plane + i * pw, pw, ow, 0, pairs, d, w, i < kh ? wc + i * 5 : -1, i > 0 ? wc + (i - 1) * 5 : -1);
    // an odd last row alone: the first row of one more pair, whose second row does not exist
    if (oh & 1) for (let i = 0; i < kh; i++) rowPairs5(out, src, plane + i * pw, pw, ow, pairs, pairs + 1, d, w, wc + i * 5, -1);
  }
}

/** taps4 with 3 taps. */
function taps3(out: Float64Array, src: Float64Array, base: number, rowStep: number, sw: number, d: number, oh: number, ow: number, w0: number, w1: number, w2: number): void {
  for (let oy = 0, q = 0; oy < oh; oy++) {
    let s = base + oy * rowStep;
    for (let ox = 0; ox < ow; ox++, q++, s += sw) {
      out[q] = out[q]! + (w0 * src[s]! + w1 * src[s + d]! + w2 * src[s + 2 * d]!);
    }
  }
}

/** taps4 with 2 taps. */
function taps2(out: Float64Array, src: Float64Array, base: number, rowStep: number, sw: number, d: number, oh: number, ow: number, w0: number, w1: number): void {
  for (let oy = 0, q = 0; oy < oh; oy++) {
    let s = base + oy * rowStep;
    for (let ox = 0; ox < ow; ox++, q++, s += sw) out[q] = out[q]! + (w0 * src[s]! + w1 * src[s + d]!);
  }
}

/** taps4 with 1 tap. */
function taps1(out: Float64Array, src: Float64Array, base: number, rowStep: number, sw: number, oh: number, ow: number, w0: number): void {
  for (let oy = 0, q = 0; oy < oh; oy++) {
    let s = base + oy * rowStep;
    for (let ox = 0; ox < ow; ox++, q++, s += sw) out[q] = out[q]! + w0 * src[s]!;
  }
}

/**
 * taps4 for two outputs at once (the same taps of two output channels): each source value is
 * loaded once for both.
 */
function taps4x2(out: Float64Array, o1: number, src: Float64Array, base: number, rowStep: number, sw: number, d: number, oh: number, ow: number, w0: number, w1: number, w2: number, w3: number, v0: number, v1: number, v2: number, v3: number): void {
  for (let oy = 0, q = 0; oy < oh; oy++) {
    let s = base + oy * rowStep;
    for (let ox = 0; ox < ow; ox++, q++, s += sw) {
      const a = src[s]!;
      const b = src[s + d]!;
      const c = src[s + 2 * d]!;
      const e = src[s + 3 * d]!;
      out[q] = out[q]! + (w0 * a + w1 * b + w2 * c + w3 * e);
      out[o1 + q] = out[o1 + q]! + (v0 * a + v1 * b + v2 * c + v3 * e);
    }
  }
}

/** Adds the taps of one kernel row of output `o` (weights from `wr`) onto the accumulators at `a`. */
function rowTaps(a: Float64Array, src: Float64Array, base: number, rowStep: number, sw: number, dw: number, oh: number, ow: number, w: Float64Array, wr: number, kw: number): void {
  if (kw === 5) {
    taps5(a, src, base, rowStep, sw, dw, oh, ow, w[wr]!, w[wr + 1]!, w[wr + 2]!, w[wr + 3]!, w[wr + 4]!);
    return;
  }
  let j = 0;
  for (; j + 4 <= kw; j += 4) taps4(a, src, base + j * dw, rowStep, sw, dw, oh, ow, w[wr + j]!, w[wr + j + 1]!, w[wr + j + 2]!, w[wr + j + 3]!);
  const left = kw - j;
  if (left === 3) taps3(a, src, base + j * dw, rowStep, sw, dw, oh, ow, w[wr + j]!, w[wr + j + 1]!, w[wr + j + 2]!);
  else if (left === 2) taps2(a, src, base + j * dw, rowStep, sw, dw, oh, ow, w[wr + j]!, w[wr + j + 1]!);
  else if (left === 1) taps1(a, src, base + j * dw, rowStep, sw, oh, ow, w[wr + j]!);
}

/**
 * The core: for each of `cout` outputs, `acc = Σ_{c, i, j} w[o, c, i, j] · planes[c][oy·sh + i·dh][ox·sw + j·dw]`
 * over `cin` padded `ph × pw` planes, with `w` as `[cout][cin][kh][kw]` (float64), plus `bias[o]`
 * (first, as the GEMM path adds onto the bias), rounded once into `out` at `outOffset + o·oh·ow`.
 * Output channels go in pairs where they can (see taps4x2); each output's sum runs in the same
 * order either way.
 */
function core(
  src: Float64Array, cin: number, ph: number, pw: number, w: Float64Array, cout: number, kh: number, kw: number,
  oh: number, ow: number, sh: number, sw: number, dh: number, dw: number,
  bias: FloatArray | null, biasOffset: number, out: FloatArray, outOffset: number,
): void {
  const P = oh * ow;
  const a = accScratch(2 * P);
  const second = a.subarray(P, 2 * P); // the pair's second output (one view per call)
  const rowStep = sh * pw;
  const stride = cin * kh * kw; // one output's weights
  for (let o = 0; o < cout; o += 2) {
    const pair = o + 1 < cout;
    a.fill(bias ? bias[biasOffset + o]! : 0, 0, P);
    if (pair) a.fill(bias ? bias[biasOffset + o + 1]! : 0, P, 2 * P);
    if (cout === 1 && kw === 5 && sh === 1 && sw === 1 && dh === 1 && oh >= 2) {
      single5(a, src, cin, ph, pw, w, kh, oh, ow, dw);
    } else for (let c = 0; c < cin; c++) {
      for (let i = 0; i < kh; i++) {
        const base = c * ph * pw + i * dh * pw;
        const wr = (o * cin + c) * kh * kw + i * kw;
        if (pair && kw === 5) {
          taps5x2(a, P, src, base, rowStep, sw, dw, oh, ow, w, wr, wr + stride);
          continue;
        }
        if (!pair || kw < 4) {
          rowTaps(a, src, base, rowStep, sw, dw, oh, ow, w, wr, kw);
          if (pair) rowTaps(second, src, base, rowStep, sw, dw, oh, ow, w, wr + stride, kw);
          continue;
        }
        let j = 0;
        for (; j + 4 <= kw; j += 4) {
          const u = wr + j;
          const v = u + stride;
          taps4x2(a, P, src, base + j * dw, rowStep, sw, dw, oh, ow, w[u]!, w[u + 1]!, w[u + 2]!, w[u + 3]!, w[v]!, w[v + 1]!, w[v + 2]!, w[v + 3]!);
        }
        if (j < kw) {
          const tail = base + j * dw;
          rowTaps(a, src, tail, rowStep, sw, dw, oh, ow, w, wr + j, kw - j);
          rowTaps(second, src, tail, rowStep, sw, dw, oh, ow, w, wr + stride + j, kw - j);
        }
      }
    }
    const at = outOffset + o * P;
    for (let q = 0; q < P; q++) out[at + q] = a[q]!;
    if (pair) for (let q = 0; q < P; q++) out[at + P + q] = a[P + q]!;
  }
}

/** The padded extent the forward reads along one dim: the last tap of the last output, plus one. */
function extent(out: number, stride: number, kernel: number, dilation: number): number {
  return (out - 1) * stride + (kernel - 1) * dilation + 1;
}

/**
 * Convolution forward, direct (same contract as conv2d.ts's `conv2dForward`; the output must not
 * be empty).
 */
export function directConv2dForward(g: Conv2dGeometry, input: FloatArray, weight: FloatArray, bias: FloatArray | null, out: FloatArray): void {
  const { batch, inChannels, outChannels, groups, inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = g;
  const { kernelHeight: KH, kernelWidth: KW, strideH: SH, strideW: SW, dilationH: DH, dilationW: DW } = g;
  const cg = inChannels / groups;
  const og = outChannels / groups;
  const PH = extent(OH, SH, KH, DH);
  const PW = extent(OW, SW, KW, DW);
  const src = planeScratch(cg * PH * PW);
  const nw = og * cg * KH * KW;
  const w = weightScratch(nw);
  for (let grp = 0; grp < groups; grp++) {
    for (let k = 0; k < nw; k++) w[k] = weight[grp * nw + k]!;
    for (let n = 0; n < batch; n++) {
      padPlanes(input, (n * inChannels + grp * cg) * H * W, cg, H, W, g.padTop, g.padLeft, PH, PW, src);
      core(src, cg, PH, PW, w, og, KH, KW, OH, OW, SH, SW, DH, DW, bias, grp * og, out, (n * outChannels + grp * og) * OH * OW);
    }
  }
}

/**
 * Convolution backward w.r.t. the input, direct, for stride 1 (same contract as conv2d.ts's
 * `conv2dBackwardInput`): the forward of the output gradient, placed `(kh − 1)·dh − padTop` rows
 * down and `(kw − 1)·dw − padLeft` columns right in zero planes, through the flipped kernel with
 * its channel dims swapped.
 */
export function directConv2dBackwardInput(g: Conv2dGeometry, gradOut: FloatArray, weight: FloatArray, gradInput: FloatArray): void {
  const { batch, inChannels, outChannels, groups, inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = g;
  const { kernelHeight: KH, kernelWidth: KW, dilationH: DH, dilationW: DW } = g;
  const cg = inChannels / groups;
  const og = outChannels / groups;
  const PH = extent(H, 1, KH, DH);
  const PW = extent(W, 1, KW, DW);
  const src = planeScratch(og * PH * PW);
  const nw = og * cg * KH * KW;
  const w = weightScratch(nw);
  const top = (KH - 1) * DH - g.padTop;
  const left = (KW - 1) * DW - g.padLeft;
  for (let grp = 0; grp < groups; grp++) {
    // w[c][o][i][j] = weight[o][c][kh − 1 − i][kw − 1 − j]
    for (let c = 0; c < cg; c++) {
      for (let o = 0; o < og; o++) {
        for (let i = 0; i < KH; i++) {
          for (let j = 0; j < KW; j++) {
            w[((c * og + o) * KH + i) * KW + j] = weight[grp * nw + ((o * cg + c) * KH + (KH - 1 - i)) * KW + (KW - 1 - j)]!;
          }
        }
      }
    }
    for (let n = 0; n < batch; n++) {
      padPlanes(gradOut, (n * outChannels + grp * og) * OH * OW, og, OH, OW, top, left, PH, PW, src);
      core(src, og, PH, PW, w, cg, KH, KW, H, W, 1, 1, DH, DW, null, 0, gradInput, (n * inChannels + grp * cg) * H * W);
    }
  }
}

/**
 * `sums[t] += Σ_{oy, ox} dy[oy·ow + ox] · src[base + oy·rowStep + ox·sw + t·d]` for the `taps`
 * (1 to 4) taps of one kernel row: one pass over the output gradient, one running sum per tap.
 */
function weightTaps(sums: Float64Array, at: number, taps: number, dy: Float64Array, src: Float64Array, base: number, rowStep: number, sw: number, d: number, oh: number, ow: number): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  if (taps === 4) {
    for (let oy = 0, q = 0; oy < oh; oy++) {
      let s = base + oy * rowStep;
      for (let ox = 0; ox < ow; ox++, q++, s += sw) {
        const v = dy[q]!;
        s0 += v * src[s]!;
        s1 += v * src[s + d]!;
        s2 += v * src[s + 2 * d]!;
        s3 += v * src[s + 3 * d]!;
      }
    }
  } else {
    for (let oy = 0, q = 0; oy < oh; oy++) {
      let s = base + oy * rowStep;
      for (let ox = 0; ox < ow; ox++, q++, s += sw) {
        const v = dy[q]!;
        s0 += v * src[s]!;
        if (taps > 1) s1 += v * src[s + d]!;
        if (taps > 2) s2 += v * src[s + 2 * d]!;
      }
    }
  }
  sums[at] = sums[at]! + s0;
  if (taps > 1) sums[at + 1] = sums[at + 1]! + s1;
  if (taps > 2) sums[at + 2] = sums[at + 2]! + s2;
  if (taps > 3) sums[at + 3] = sums[at + 3]! + s3;
}

/**
 * Convolution backward w.r.t. the weight, direct (same contract as conv2d.ts's
 * `conv2dBackwardWeight`; the output gradient must not be empty): float64 sums over the batch
 * and every output position, item by item, rounded once.
 */
export function directConv2dBackwardWeight(g: Conv2dGeometry, input: FloatArray, gradOut: FloatArray, gradWeight: FloatArray): void {
  const { batch, inChannels, outChannels, groups, inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = g;
  const { kernelHeight: KH, kernelWidth: KW, strideH: SH, strideW: SW, dilationH: DH, dilationW: DW } = g;
  const cg = inChannels / groups;
  const og = outChannels / groups;
  const PH = extent(OH, SH, KH, DH);
  const PW = extent(OW, SW, KW, DW);
  const P = OH * OW;
  const src = planeScratch(cg * PH * PW);
  // the sums for the whole weight, then one output gradient plane (float64, so loops stay monomorphic)
  const nw = outChannels * cg * KH * KW;
  const sums = weightScratch(nw);
  sums.fill(0, 0, nw);
  const dy = accScratch(P);
  const rowStep = SH * PW;
  for (let n = 0; n < batch; n++) {
    for (let grp = 0; grp < groups; grp++) {
      padPlanes(input, (n * inChannels + grp * cg) * H * W, cg, H, W, g.padTop, g.padLeft, PH, PW, src);
      for (let o = grp * og; o < (grp + 1) * og; o++) {
        const from = (n * outChannels + o) * P;
        for (let q = 0; q < P; q++) dy[q] = gradOut[from + q]!;
        for (let c = 0; c < cg; c++) {
          for (let i = 0; i < KH; i++) {
            const base = c * PH * PW + i * DH * PW;
            const at = ((o * cg + c) * KH + i) * KW;
            for (let j = 0; j < KW; j += 4) weightTaps(sums, at + j, Math.min(4, KW - j), dy, src, base + j * DW, rowStep, SW, DW, OH, OW);
          }
        }
      }
    }
  }
  for (let k = 0; k < nw; k++) gradWeight[k] = sums[k]!;
}
