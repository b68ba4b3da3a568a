/**
 * The wasm pooling kernels against jsBackend's on random geometries (kernel, stride, padding,
 * dilation, ceil mode; count_include_pad, divisor_override; ties and NaN): the arithmetic is the same,
 * so outputs, indices and gradients must agree bit for bit.
 */
import { jsBackend, type AvgPoolDivisor, type Pool2dGeometry } from '@torchlet/ndarray';
import { describe, expect, it } from 'vitest';
import type { WasmBackend } from './backend.js';
import { backendFor, builds, expectSameBits, int, randArray, rng } from './test-helpers.js';

/** PyTorch's pooling output size (with ceil mode's "the last window must start inside the input or the left padding"). */
function outSize(inSize: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = inSize + 2 * p - d * (k - 1) - 1;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (out - 1) * s >= inSize + p) out--;
  return out;
}

function randomGeometry(r: () => number, dilated: boolean): Pool2dGeometry {
  for (;;) {
    const kh = int(r, 1, 4);
    const kw = int(r, 1, 4);
    const sh = int(r, 1, 3);
    const sw = int(r, 1, 3);
    const ph = int(r, 0, Math.floor(kh / 2));
    const pw = int(r, 0, Math.floor(kw / 2));
    const dh = dilated ? int(r, 1, 3) : 1;
    const dw = dilated ? int(r, 1, 3) : 1;
    const H = int(r, 1, 12);
    const W = int(r, 1, 12);
    const ceil = r() < 0.4;
    const g: Pool2dGeometry = {
      planes: int(r, 1, 6),
      inHeight: H,
      inWidth: W,
      outHeight: outSize(H, kh, sh, ph, dh, ceil),
      outWidth: outSize(W, kw, sw, pw, dw, ceil),
      kernelHeight: kh,
      kernelWidth: kw,
      strideH: sh,
      strideW: sw,
      padH: ph,
      padW: pw,
      dilationH: dh,
      dilationW: dw,
    };
    if (g.outHeight >= 1 && g.outWidth >= 1) return g;
  }
}

/** Input with ties (values on a coarse grid), and now and then a NaN. */
function poolInput(r: () => number, n: number, nans: boolean): Float32Array {
  const x = randArray(r, n).map((v) => Math.round(v * 4) / 4);
  if (nans) for (let i = 0; i < n; i++) if (r() < 0.05) x[i] = NaN;
  return x;
}

/**
 * Values where the order and width of the arithmetic show: −0, ±∞, NaN, sums that overflow
 * float32 but not float64, denormals, and ordinary numbers between them.
 */
function specialValues(r: () => number, n: number): Float32Array {
  const pool = [-0, 0, Infinity, -Infinity, NaN, 3e38, -3e38, 1e-45, -3e-45, 1.5e-39, 1, 1 / 3];
  return Float32Array.from({ length: n }, () => (r() < 0.5 ? pool[Math.floor(r() * pool.length)]! : r() * 2 - 1));
}

function sizes(g: Pool2dGeometry): { nIn: number; nOut: number } {
  return { nIn: g.planes * g.inHeight * g.inWidth, nOut: g.planes * g.outHeight * g.outWidth };
}

function compareMax(wasm: WasmBackend, g: Pool2dGeometry, seed: number, special = false): void {
  const r = rng(seed);
  const { nIn, nOut } = sizes(g);
  const what = `${wasm.build} ${JSON.stringify(g)}`;
  const x = special ? specialValues(r, nIn) : poolInput(r, nIn, r() < 0.3);
  const y0 = new Float32Array(nOut);
  const i0 = new Int32Array(nOut);
  const y1 = new Float32Array(nOut).fill(7);
  const i1 = new Int32Array(nOut).fill(7);
  jsBackend.maxPool2dForward(g, x, y0, i0);
  wasm.maxPool2dForward(g, x, y1, i1);
  expectSameBits(`max forward ${what}`, y1, y0);
  expectSameBits(`max indices ${what}`, i1, i0);
  const dy = randArray(r, nOut);
  const dx0 = new Float32Array(nIn);
  const dx1 = new Float32Array(nIn).fill(NaN);
  jsBackend.maxPool2dBackward(g, dy, i0, dx0);
  wasm.maxPool2dBackward(g, dy, i0, dx1);
  expectSameBits(`max backward ${what}`, dx1, dx0);
}

function compareAvg(wasm: WasmBackend, g: Pool2dGeometry, divisor: AvgPoolDivisor, seed: number, special = false): void {
  const r = rng(seed);
  const { nIn, nOut } = sizes(g);
  const what = `${wasm.build} ${JSON.stringify(g)} ${JSON.stringify(divisor)}`;
  const x = special ? specialValues(r, nIn) : randArray(r, nIn);
  const y0 = new Float32Array(nOut);
  const y1 = new Float32Array(nOut).fill(NaN);
  jsBackend.avgPool2dForward(g, divisor, x, y0);
  wasm.avgPool2dForward(g, divisor, x, y1);
  expectSameBits(`avg forward ${what}`, y1, y0);
  const dy = special ? specialValues(r, nOut) : randArray(r, nOut);
  const dx0 = new Float32Array(nIn);
  const dx1 = new Float32Array(nIn).fill(NaN);
  jsBackend.avgPool2dBackward(g, divisor, dy, dx0);
  wasm.avgPool2dBackward(g, divisor, dy, dx1);
  expectSameBits(`avg backward ${what}`, dx1, dx0);
}

describe.each(builds)('pooling kernels (%s build) vs jsBackend, bit for bit', (build) => {
  it('max pooling: 150 random geometries with dilation and ceil mode, ties and NaN', async () => {
    const wasm = await backendFor(build);
    const r = rng(31);
    for (let t = 0; t < 150; t++) compareMax(wasm, randomGeometry(r, true), 500 + t);
  });

  it('average pooling: 150 random geometries, count_include_pad and divisor_override', async () => {
    const wasm = await backendFor(build);
    const r = rng(32);
    for (let t = 0; t < 150; t++) {
      const divisor: AvgPoolDivisor = { countIncludePad: r() < 0.5, divisorOverride: r() < 0.3 ? int(r, 1, 7) : null };
      compareAvg(wasm, randomGeometry(r, false), divisor, 900 + t);
    }
  });

  it('LeNet-sized 2×2 pools', async () => {
    const wasm = await backendFor(build);
    const g: Pool2dGeometry = { planes: 64 * 6, inHeight: 28, inWidth: 28, outHeight: 14, outWidth: 14, kernelHeight: 2, kernelWidth: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, dilationH: 1, dilationW: 1 };
    compareMax(wasm, g, 1);
    compareAvg(wasm, g, { countIncludePad: true, divisorOverride: null }, 2);
  });

  it('2×2 windows of stride 2 (the vectorised path): partial cover, divisors that are and are not powers of two, special values', async () => {
    const wasm = await backendFor(build);
    // output rows of 1 to 14 windows: the scalar loop alone, whole steps, whole steps plus the last 4 again
    for (const [H, W] of [[8, 16], [9, 11], [2, 2], [4, 7], [5, 9], [6, 13], [3, 15], [4, 28], [2, 6]] as const) {
      const g: Pool2dGeometry = { planes: 3, inHeight: H, inWidth: W, outHeight: Math.floor(H / 2), outWidth: Math.floor(W / 2), kernelHeight: 2, kernelWidth: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, dilationH: 1, dilationW: 1 };
      for (const divisorOverride of [null, 3, 8, 0.5]) {
        compareAvg(wasm, g, { countIncludePad: true, divisorOverride }, H * W, false);
        compareAvg(wasm, g, { countIncludePad: false, divisorOverride }, H * W + 1, true);
      }
    }
  });

  it('max pooling, 2×2 windows of stride 2 (the vectorised path): partial cover, ties, ±∞, NaN', async () => {
    const wasm = await backendFor(build);
    for (const [H, W] of [[8, 16], [9, 11], [2, 2], [4, 7], [5, 9], [28, 28]] as const) {
      const g: Pool2dGeometry = { planes: 3, inHeight: H, inWidth: W, outHeight: Math.floor(H / 2), outWidth: Math.floor(W / 2), kernelHeight: 2, kernelWidth: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, dilationH: 1, dilationW: 1 };
      compareMax(wasm, g, H * W);
      compareMax(wasm, g, H * W + 1, true);
    }
  });

  it('a window holding no input element: max gives −∞ and index −1, which routes no gradient; avg gives 0', async () => {
    const wasm = await backendFor(build);
    // dilation 3 over a 1-wide input with padding 1: the first window taps columns −1 and 2, both outside
    const g: Pool2dGeometry = { planes: 1, inHeight: 1, inWidth: 1, outHeight: 1, outWidth: 2, kernelHeight: 1, kernelWidth: 2, strideH: 1, strideW: 1, padH: 0, padW: 1, dilationH: 1, dilationW: 3 };
    compareMax(wasm, g, 3);
    const y = new Float32Array(2);
    const idx = new Int32Array(2);
    wasm.maxPool2dForward(g, Float32Array.of(5), y, idx);
    expect([...y]).toEqual([-Infinity, 5]);
    expect([...idx]).toEqual([-1, 0]);
    compareAvg(wasm, { ...g, dilationW: 1, outWidth: 3, kernelWidth: 1 }, { countIncludePad: true, divisorOverride: null }, 4);
  });

  it('rejects indices outside the input plane and storage shorter than the geometry', async () => {
    const wasm = await backendFor(build);
    const g: Pool2dGeometry = { planes: 1, inHeight: 2, inWidth: 2, outHeight: 1, outWidth: 1, kernelHeight: 2, kernelWidth: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, dilationH: 1, dilationW: 1 };
    expect(() => wasm.maxPool2dBackward(g, Float32Array.of(1), Int32Array.of(4), new Float32Array(4))).toThrow(/index 4/);
    expect(() => wasm.maxPool2dForward(g, new Float32Array(3), new Float32Array(1), new Int32Array(1))).toThrow(/input has 3 elements/);
    expect(() => wasm.avgPool2dBackward(g, { countIncludePad: true, divisorOverride: null }, Float32Array.of(1), new Float32Array(3))).toThrow(/gradInput/);
  });

  it('float64 storage goes to jsBackend', async () => {
    const wasm = await backendFor(build);
    const g: Pool2dGeometry = { planes: 2, inHeight: 5, inWidth: 4, outHeight: 3, outWidth: 2, kernelHeight: 3, kernelWidth: 2, strideH: 2, strideW: 2, padH: 1, padW: 0, dilationH: 1, dilationW: 1 };
    const r = rng(8);
    const x = Float64Array.from({ length: 40 }, r);
    const divisor = { countIncludePad: false, divisorOverride: null };
    const y0 = new Float64Array(12);
    const y1 = new Float64Array(12);
    jsBackend.avgPool2dForward(g, divisor, x, y0);
    wasm.avgPool2dForward(g, divisor, x, y1);
    expect([...y1]).toEqual([...y0]);
    const i0 = new Int32Array(12);
    const i1 = new Int32Array(12);
    jsBackend.maxPool2dForward(g, x, y0, i0);
    wasm.maxPool2dForward(g, x, y1, i1);
    expect([...y1]).toEqual([...y0]);
    const dx0 = new Float64Array(40);
    const dx1 = new Float64Array(40);
    jsBackend.maxPool2dBackward(g, y0, i0, dx0);
    wasm.maxPool2dBackward(g, y0, i0, dx1);
    expect([...dx1]).toEqual([...dx0]);
    jsBackend.avgPool2dBackward(g, divisor, y0, dx0);
    wasm.avgPool2dBackward(g, divisor, y0, dx1);
    expect([...dx1]).toEqual([...dx0]);
  });
});
