/**
 * The wasm conv2d kernels (forward, backward input, backward weight) against jsBackend's on many
 * random geometries: stride, padding through padTop/padLeft with asymmetric output sizes (the
 * bottom/right padding is whatever outHeight/outWidth imply), dilation, groups, depthwise, 1×1.
 * Each of the three algorithms (im2col + GEMM, direct, Winograd where it applies) is also forced on
 * every geometry, so each is tested whatever `'auto'` picks.
 */
import { jsBackend, type Conv2dGeometry } from '@torchlet/ndarray';
import { describe, expect, it } from 'vitest';
import { createWasmBackend, type WasmBackend } from './backend.js';
import { abs, backendFor, builds, convGeometry as geometry, expectClose, expectSameBits, randArray, randomConvGeometry as randomGeometry, rng } from './test-helpers.js';

const named: [string, Conv2dGeometry][] = [
  ['1×1 pointwise (the input is the im2col matrix)', geometry({ batch: 2, inChannels: 6, inHeight: 5, inWidth: 7, outChannels: 4, kernelHeight: 1, kernelWidth: 1, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, groups: 2 })],
  ['1×1 stride 2', geometry({ batch: 2, inChannels: 3, inHeight: 7, inWidth: 6, outChannels: 5, kernelHeight: 1, kernelWidth: 1, strideH: 2, strideW: 2, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, groups: 1 })],
  ['1×1 with padding', geometry({ batch: 1, inChannels: 2, inHeight: 4, inWidth: 4, outChannels: 3, kernelHeight: 1, kernelWidth: 1, strideH: 1, strideW: 1, padTop: 1, padLeft: 2, dilationH: 1, dilationW: 1, groups: 1 })],
  ['depthwise 3×3', geometry({ batch: 2, inChannels: 8, inHeight: 9, inWidth: 9, outChannels: 8, kernelHeight: 3, kernelWidth: 3, strideH: 1, strideW: 1, padTop: 1, padLeft: 1, dilationH: 1, dilationW: 1, groups: 8 })],
  ["'same' with an even kernel (asymmetric padding)", geometry({ batch: 1, inChannels: 3, inHeight: 8, inWidth: 7, outChannels: 2, kernelHeight: 4, kernelWidth: 2, strideH: 1, strideW: 1, padTop: 1, padLeft: 0, padBottom: 2, padRight: 1, dilationH: 1, dilationW: 1, groups: 1 })],
  ['LeNet conv1 (1→6, 5×5, pad 2)', geometry({ batch: 4, inChannels: 1, inHeight: 28, inWidth: 28, outChannels: 6, kernelHeight: 5, kernelWidth: 5, strideH: 1, strideW: 1, padTop: 2, padLeft: 2, dilationH: 1, dilationW: 1, groups: 1 })],
  ['LeNet conv2 (6→16, 5×5): output channels in the vector lanes', geometry({ batch: 3, inChannels: 6, inHeight: 14, inWidth: 14, outChannels: 16, kernelHeight: 5, kernelWidth: 5, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, groups: 1 })],
  ['32 output channels in 2 groups of 16, stride 2, odd output width, padding rows skipped', geometry({ batch: 2, inChannels: 4, inHeight: 11, inWidth: 13, outChannels: 32, kernelHeight: 3, kernelWidth: 4, strideH: 2, strideW: 1, padTop: 2, padLeft: 1, dilationH: 1, dilationW: 2, groups: 2 })],
  ['K > 256 and P > 2048 (several GEMM blocks)', geometry({ batch: 1, inChannels: 30, inHeight: 48, inWidth: 48, outChannels: 9, kernelHeight: 3, kernelWidth: 3, strideH: 1, strideW: 1, padTop: 1, padLeft: 1, dilationH: 1, dilationW: 1, groups: 1 })],
  ['more than 128 output channels', geometry({ batch: 2, inChannels: 3, inHeight: 5, inWidth: 5, outChannels: 133, kernelHeight: 3, kernelWidth: 3, strideH: 2, strideW: 1, padTop: 0, padLeft: 1, dilationH: 1, dilationW: 2, groups: 1 })],
  ['dilated, strided, grouped', geometry({ batch: 3, inChannels: 6, inHeight: 11, inWidth: 10, outChannels: 9, kernelHeight: 3, kernelWidth: 2, strideH: 2, strideW: 3, padTop: 2, padLeft: 1, dilationH: 2, dilationW: 3, groups: 3 })],
];

/** Runs the three kernels on both backends and compares, each against its Σ|·| bound. */
function compare(wasm: WasmBackend, g: Conv2dGeometry, seed: number, withBias: boolean): void {
  const r = rng(seed);
  const what = `${wasm.build} ${JSON.stringify(g)}`;
  const nIn = g.batch * g.inChannels * g.inHeight * g.inWidth;
  const nW = g.outChannels * (g.inChannels / g.groups) * g.kernelHeight * g.kernelWidth;
  const nOut = g.batch * g.outChannels * g.outHeight * g.outWidth;
  const x = randArray(r, nIn);
  const w = randArray(r, nW);
  const b = withBias ? randArray(r, g.outChannels) : null;
  const dy = randArray(r, nOut);

  const y0 = new Float32Array(nOut);
  const y1 = new Float32Array(nOut).fill(NaN); // kernels overwrite their output completely
  const yb = new Float32Array(nOut);
  jsBackend.conv2dForward(g, x, w, b, y0);
  wasm.conv2dForward(g, x, w, b, y1);
  jsBackend.conv2dForward(g, abs(x), abs(w), b && abs(b), yb);
  expectClose(`forward ${what}`, y1, y0, yb);

  const dx0 = new Float32Array(nIn);
  const dx1 = new Float32Array(nIn).fill(NaN);
  const dxb = new Float32Array(nIn);
  jsBackend.conv2dBackwardInput(g, dy, w, dx0);
  wasm.conv2dBackwardInput(g, dy, w, dx1);
  jsBackend.conv2dBackwardInput(g, abs(dy), abs(w), dxb);
  expectClose(`backward input ${what}`, dx1, dx0, dxb);

  const dw0 = new Float32Array(nW);
  const dw1 = new Float32Array(nW).fill(NaN);
  const dwb = new Float32Array(nW);
  jsBackend.conv2dBackwardWeight(g, x, dy, dw0);
  // with a bias, the bias gradient comes from the same call: the same bits as jsBackend's
  const db0 = new Float32Array(g.outChannels);
  const db1 = withBias ? new Float32Array(g.outChannels).fill(NaN) : null;
  wasm.conv2dBackwardWeight(g, x, dy, dw1, db1);
  jsBackend.conv2dBackwardWeight(g, abs(x), abs(dy), dwb);
  expectClose(`backward weight ${what}`, dw1, dw0, dwb);
  if (db1) {
    jsBackend.conv2dBackwardWeight(g, x, dy, new Float32Array(nW), db0);
    expectSameBits(`bias gradient ${what}`, db1, db0);
  }
}

/** Finite elements of `expected` within 1e-4 relative, the others (±∞, NaN) the same in `actual`. */
function expectCloseOrSameNonFinite(actual: Float32Array, expected: Float32Array): void {
  for (let i = 0; i < expected.length; i++) {
    if (Number.isFinite(expected[i])) expect(Math.abs(actual[i]! - expected[i]!), `element ${i}`).toBeLessThan(1e-4 * (1 + Math.abs(expected[i]!)));
    else expect(actual[i], `element ${i}`).toBe(expected[i]);
  }
}

// 'winograd' serves 3×3 stride-1 undilated geometries and leaves the others to 'auto'
const algorithms = ['im2col', 'direct', 'winograd'] as const;

describe.each(builds.flatMap((b) => algorithms.map((a) => [b, a] as const)))('conv2d kernels (%s build, %s forced) vs jsBackend', (build, algorithm) => {
  it.each(named)('%s', async (_name, g) => {
    const wasm = await backendFor(build, algorithm);
    compare(wasm, g, 17, true);
  });

  it('200 random geometries', async () => {
    const wasm = await backendFor(build, algorithm);
    const r = rng(4048);
    for (let t = 0; t < 200; t++) compare(wasm, randomGeometry(r), 500 + t, r() < 0.5);
  });

  it('stride-1 geometries of the direct kernels: padding beyond the kernel, cropped, dilated, odd channel counts, long rows', async () => {
    const wasm = await backendFor(build, algorithm);
    const cases = [
      { inChannels: 1, outChannels: 1, inHeight: 7, inWidth: 5, kernelHeight: 1, kernelWidth: 1, padTop: 3, padLeft: 2 },
      { inChannels: 3, outChannels: 5, inHeight: 6, inWidth: 9, kernelHeight: 2, kernelWidth: 4, padTop: 0, padLeft: 3, dilationH: 3, dilationW: 2 },
      { inChannels: 2, outChannels: 7, inHeight: 3, inWidth: 70, kernelHeight: 3, kernelWidth: 3, padTop: 1, padLeft: 1 },
      { inChannels: 16, outChannels: 6, inHeight: 14, inWidth: 14, kernelHeight: 5, kernelWidth: 5, padTop: 0, padLeft: 0 },
      { inChannels: 4, outChannels: 4, inHeight: 5, inWidth: 5, kernelHeight: 5, kernelWidth: 5, padTop: 4, padLeft: 4, groups: 2 },
      // one output channel on rows of 16 or more (two rows at a time): odd heights, row pitches
      // that are not multiples of 16, padding rows skipped, a dilated column
      { inChannels: 1, outChannels: 3, inHeight: 9, inWidth: 21, kernelHeight: 5, kernelWidth: 5, padTop: 2, padLeft: 2 },
      { inChannels: 4, outChannels: 4, inHeight: 7, inWidth: 30, kernelHeight: 3, kernelWidth: 3, padTop: 1, padLeft: 1, groups: 4 },
      { inChannels: 2, outChannels: 1, inHeight: 5, inWidth: 18, kernelHeight: 3, kernelWidth: 4, padTop: 3, padLeft: 1, dilationW: 2 },
      { inChannels: 3, outChannels: 1, inHeight: 2, inWidth: 40, kernelHeight: 2, kernelWidth: 3, padTop: 0, padLeft: 0 },
    ];
    cases.forEach((c, i) => {
      const g = geometry({ batch: 2, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, groups: 1, ...c });
      compare(wasm, g, 40 + i, i % 2 === 0);
    });
  });

  it('one output channel per group on every size from 14 to 40: an odd last row after the row pairs starts mid-block', async () => {
    // (a flat short block once stored the values of the positions after its last vector in that
    // vector's place: wrong last outputs of depthwise 3×3 layers at 15×15, 19×19, 23×23, …)
    const wasm = await backendFor(build, algorithm);
    for (let size = 14; size <= 40; size++) {
      const g = geometry({ batch: 1, inChannels: 2, outChannels: 2, inHeight: size, inWidth: size + (size % 3), kernelHeight: 3, kernelWidth: 3, strideH: 1, strideW: 1, padTop: 1, padLeft: 1, dilationH: 1, dilationW: 1, groups: 2 });
      compare(wasm, g, 300 + size, size % 2 === 0);
    }
  });

  it('batches of 3 to 96 items: several items per chunk of the weight gradient and per pass, several chunks per call', async () => {
    const wasm = await backendFor(build, algorithm);
    const cases = [
      { batch: 37, inChannels: 3, outChannels: 4, inHeight: 6, inWidth: 7, kernelHeight: 3, kernelWidth: 3, padTop: 1, padLeft: 1 },
      { batch: 45, inChannels: 1, outChannels: 3, inHeight: 9, inWidth: 9, kernelHeight: 5, kernelWidth: 5, padTop: 2, padLeft: 2 },
      { batch: 17, inChannels: 4, outChannels: 6, inHeight: 8, inWidth: 10, kernelHeight: 2, kernelWidth: 3, padTop: 0, padLeft: 0, groups: 2 },
      // planes big enough that a chunk of 2 or 3 items takes several passes
      { batch: 40, inChannels: 1, outChannels: 2, inHeight: 30, inWidth: 30, kernelHeight: 3, kernelWidth: 3, padTop: 1, padLeft: 1 },
      // 8192 floats in and out per item: the forward and the input gradient run in chunks of 16
      // items (copied in, computed, copied out), the last one short; grouped, in chunks of units
      { batch: 35, inChannels: 4, outChannels: 4, inHeight: 32, inWidth: 32, kernelHeight: 3, kernelWidth: 3, padTop: 1, padLeft: 1 },
      { batch: 9, inChannels: 6, outChannels: 9, inHeight: 40, inWidth: 40, kernelHeight: 3, kernelWidth: 3, padTop: 1, padLeft: 1, groups: 3 },
      // 16 output channels on rows of 10: the weight gradient with channels in the lanes, several items a pass
      { batch: 37, inChannels: 3, outChannels: 16, inHeight: 12, inWidth: 12, kernelHeight: 3, kernelWidth: 3, padTop: 0, padLeft: 0 },
      // … on rows of 17: chunks of 6 items in passes of 5 and 1 (the second pass adds onto the first)
      { batch: 96, inChannels: 1, outChannels: 16, inHeight: 19, inWidth: 19, kernelHeight: 3, kernelWidth: 3, padTop: 0, padLeft: 0 },
      // one item larger than a chunk: a chunk per item
      { batch: 3, inChannels: 40, outChannels: 40, inHeight: 48, inWidth: 48, kernelHeight: 1, kernelWidth: 1, padTop: 0, padLeft: 0 },
    ];
    cases.forEach((c, i) => {
      const g = geometry({ strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, groups: 1, ...c });
      compare(wasm, g, 70 + i, i % 2 === 0);
    });
  });

  it('a weight gradient over non-finite inputs equals jsBackend’s (Infinity and NaN positions included)', async () => {
    const wasm = await backendFor(build, algorithm);
    const g = geometry({ batch: 2, inChannels: 2, inHeight: 6, inWidth: 6, outChannels: 3, kernelHeight: 3, kernelWidth: 3, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, groups: 1 });
    const r = rng(5);
    const x = randArray(r, 2 * 2 * 36);
    // an infinity in the last column: only real positions read it with some taps; the direct
    // kernel's dropped columns would multiply it by a zero gradient (0·∞ = NaN) for the others
    x[5] = Infinity;
    x[40] = NaN;
    const dy = randArray(r, 2 * 3 * 16);
    const dw0 = new Float32Array(54);
    const dw1 = new Float32Array(54).fill(-1);
    jsBackend.conv2dBackwardWeight(g, x, dy, dw0);
    wasm.conv2dBackwardWeight(g, x, dy, dw1);
    expectCloseOrSameNonFinite(dw1, dw0);
  });

  it('an input gradient through a non-finite weight equals jsBackend’s im2col result (NaN positions included)', async () => {
    const wasm = await backendFor(build, algorithm);
    // padded: the direct kernel would multiply the infinity by the zeros around the output gradient
    // (4 output channels · 9 taps: jsBackend takes im2col + col2im, which does not, as PyTorch)
    const g = geometry({ batch: 2, inChannels: 2, inHeight: 6, inWidth: 6, outChannels: 4, kernelHeight: 3, kernelWidth: 3, strideH: 1, strideW: 1, padTop: 1, padLeft: 1, dilationH: 1, dilationW: 1, groups: 1 });
    const r = rng(8);
    const w = randArray(r, 72);
    w[0] = Infinity;
    const dy = randArray(r, 2 * 4 * 36);
    const dx0 = new Float32Array(2 * 2 * 36);
    const dx1 = new Float32Array(2 * 2 * 36).fill(-1);
    jsBackend.conv2dBackwardInput(g, dy, w, dx0);
    wasm.conv2dBackwardInput(g, dy, w, dx1);
    expect(dx0.some((v) => Number.isFinite(v))).toBe(true);
    expectCloseOrSameNonFinite(dx1, dx0);
  });
});

describe.each(builds)('Winograd F(2×2, 3×3) (%s build, forced) vs jsBackend', (build) => {
  const base = { kernelHeight: 3, kernelWidth: 3, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, groups: 1 };

  it('output sizes of every remainder: odd heights and widths, widths past and short of 4 tiles, one row, one column', async () => {
    const wasm = await backendFor(build, 'winograd');
    const sizes = [[1, 1], [1, 9], [2, 4], [3, 3], [5, 7], [6, 8], [7, 9], [9, 16], [4, 17], [13, 11], [8, 26]];
    sizes.forEach(([h, w], i) => compare(wasm, geometry({ ...base, batch: 2, inChannels: 3 + (i % 3), outChannels: 2 + (i % 4), inHeight: h!, inWidth: w!, padTop: 1, padLeft: 1 }), 200 + i, i % 2 === 0));
  });

  it('unpadded, padded past the kernel, asymmetric output, groups, many channels, chunks of tile rows', async () => {
    const wasm = await backendFor(build, 'winograd');
    const cases = [
      { batch: 2, inChannels: 32, outChannels: 16, inHeight: 12, inWidth: 20, padTop: 0, padLeft: 0 },
      { batch: 1, inChannels: 4, outChannels: 5, inHeight: 6, inWidth: 7, padTop: 3, padLeft: 2 },
      { batch: 2, inChannels: 6, outChannels: 4, inHeight: 9, inWidth: 10, padTop: 1, padLeft: 0, padBottom: 0, padRight: 2 },
      { batch: 3, inChannels: 12, outChannels: 9, inHeight: 10, inWidth: 10, padTop: 1, padLeft: 1, groups: 3 },
      // 64 → 48 channels on 40×40: 5 tile rows per chunk of the 20, the last chunk short
      { batch: 1, inChannels: 64, outChannels: 48, inHeight: 40, inWidth: 40, padTop: 1, padLeft: 1 },
    ];
    cases.forEach((c, i) => compare(wasm, geometry({ ...base, ...c }), 220 + i, i % 2 === 1));
  });

  it('an item with a non-finite input or output gradient goes direct (the transforms would spread it); the other items are unchanged', async () => {
    const [wino, direct] = [await backendFor(build, 'winograd'), await backendFor(build, 'direct')];
    const g = geometry({ ...base, batch: 3, inChannels: 4, outChannels: 3, inHeight: 8, inWidth: 8, padTop: 1, padLeft: 1 });
    const r = rng(230);
    const x = randArray(r, 3 * 4 * 64);
    const w = randArray(r, 3 * 4 * 9);
    const dy = randArray(r, 3 * 3 * 64);
    x[64 * 4 + 27] = Infinity; // item 1
    dy[64 * 3 + 10] = NaN; // item 1 of the output gradient
    const run = (b: WasmBackend) => {
      const y = new Float32Array(3 * 3 * 64).fill(-1);
      const dx = new Float32Array(3 * 4 * 64).fill(-1);
      b.conv2dForward(g, x, w, null, y);
      b.conv2dBackwardInput(g, dy, w, dx);
      return [y, dx] as const;
    };
    const [[y0, dx0], [y1, dx1]] = [run(direct), run(wino)];
    // item 1 exactly as the direct kernel computes it: non-finite only where its taps read the infinity
    expectSameBits('forward, item 1', y1.subarray(192, 384), y0.subarray(192, 384));
    expectSameBits('input gradient, item 1', dx1.subarray(256, 512), dx0.subarray(256, 512));
    expect(y1.subarray(192, 384).filter((v) => !Number.isFinite(v)).length).toBe(3 * 9);
    for (const i of [0, 2]) {
      expect(y1.subarray(i * 192, (i + 1) * 192).every(Number.isFinite)).toBe(true);
      expect(dx1.subarray(i * 256, (i + 1) * 256).every(Number.isFinite)).toBe(true);
    }
    // the weight gradient over a finite input: the batch chunk holding item 1 (its NaN output
    // gradient) goes direct, the others Winograd; NaN exactly in output channel 0's weights
    x[64 * 4 + 27] = 0.5;
    const dw = [new Float32Array(3 * 4 * 9), new Float32Array(3 * 4 * 9).fill(-1)] as const;
    jsBackend.conv2dBackwardWeight(g, x, dy, dw[0]);
    wino.conv2dBackwardWeight(g, x, dy, dw[1]);
    expectCloseOrSameNonFinite(dw[1], dw[0]);
    expect(dw[1].map((v) => (Number.isNaN(v) ? 1 : 0)).join('')).toBe('1'.repeat(36) + '0'.repeat(72));
  });

  it("'auto' takes it from 32 channels a side and 64 tiles an item on (the same bits as forced), not below", async () => {
    const [auto, wino] = [await backendFor(build), await backendFor(build, 'winograd')];
    const forward = (b: WasmBackend, g: Conv2dGeometry, x: Float32Array, w: Float32Array) => {
      const y = new Float32Array(g.batch * g.outChannels * g.outHeight * g.outWidth);
      b.conv2dForward(g, x, w, null, y);
      return y;
    };
    const cases: [Partial<Conv2dGeometry>, boolean][] = [
      [{ inChannels: 32, outChannels: 32, inHeight: 16, inWidth: 16 }, true], // 8 × 8 tiles
      [{ inChannels: 32, outChannels: 32, inHeight: 16, inWidth: 12 }, false], // 8 × 6 tiles
      [{ inChannels: 16, outChannels: 32, inHeight: 16, inWidth: 16 }, false],
      [{ inChannels: 32, outChannels: 24, inHeight: 16, inWidth: 16 }, false],
    ];
    cases.forEach(([c, takes], i) => {
      const g = geometry({ ...base, batch: 1, padTop: 1, padLeft: 1, inChannels: 1, outChannels: 1, inHeight: 1, inWidth: 1, ...c });
      const r = rng(240 + i);
      const x = randArray(r, g.inChannels * g.inHeight * g.inWidth);
      const w = randArray(r, g.outChannels * g.inChannels * 9);
      const forced = forward(wino, g, x, w);
      const same = forward(auto, g, x, w).every((v, j) => Object.is(v, forced[j]));
      expect(same, JSON.stringify(c)).toBe(takes);
    });
  });

  it('values from 2^124 on go direct too (the transforms would overflow where direct convolution does not)', async () => {
    const [wino, direct] = [await backendFor(build, 'winograd'), await backendFor(build, 'direct')];
    const g = geometry({ ...base, batch: 2, inChannels: 2, outChannels: 2, inHeight: 6, inWidth: 6, padTop: 0, padLeft: 0 });
    const r = rng(232);
    const x = randArray(r, 2 * 2 * 36);
    const w = randArray(r, 2 * 2 * 9).map((v) => v * 1e-3);
    const dy = randArray(r, 2 * 2 * 16);
    // item 0: ±3·10³⁸ two rows apart (Bᵀ·d·B forms their difference, ∞, for a tile whose output is finite)
    x[0] = 3e38;
    x[12] = -3e38;
    const run = (b: WasmBackend, xs: Float32Array, ws: Float32Array, dys: Float32Array) => {
      const y = new Float32Array(2 * 2 * 16);
      const dx = new Float32Array(2 * 2 * 36);
      const dw = new Float32Array(2 * 2 * 9);
      b.conv2dForward(g, xs, ws, null, y);
      b.conv2dBackwardInput(g, dys, ws, dx);
      b.conv2dBackwardWeight(g, xs, dys, dw);
      return [y, dx, dw] as const;
    };
    const bigDy = dy.slice();
    bigDy[0] = 3e38;
    bigDy[8] = -3e38;
    const bigW = w.slice();
    bigW[0] = 3e38;
    const small = x.map((v) => v % 1);
    const cases = [
      // [input, weight, output gradient, forward items that go direct, input-gradient items that go direct]
      [x, w, dy, [0], []],
      [small, w, bigDy, [], [0]],
      [small, bigW, dy, [0, 1], [0, 1]],
    ] as const;
    for (const [xs, ws, dys, fwdDirect, bwdDirect] of cases) {
      const [a, b] = [run(direct, xs, ws, dys), run(wino, xs, ws, dys)];
      for (const i of fwdDirect) expectSameBits(`forward, item ${i}`, b[0].subarray(i * 32, (i + 1) * 32), a[0].subarray(i * 32, (i + 1) * 32));
      for (const i of bwdDirect) expectSameBits(`input gradient, item ${i}`, b[1].subarray(i * 72, (i + 1) * 72), a[1].subarray(i * 72, (i + 1) * 72));
      // everything finite and as jsBackend computes it (the weight gradient: chunk 0 direct, chunk 1 Winograd)
      // (the weight gradient over ±3·10³⁸ inputs is ±∞ in both)
      const ref = [new Float32Array(64), new Float32Array(144), new Float32Array(36)] as const;
      jsBackend.conv2dForward(g, xs, ws, null, ref[0]);
      jsBackend.conv2dBackwardInput(g, dys, ws, ref[1]);
      jsBackend.conv2dBackwardWeight(g, xs, dys, ref[2]);
      for (let d = 0; d < 3; d++) expectCloseOrSameNonFinite(b[d]!, ref[d]!);
      expect(b[0].every(Number.isFinite) && b[1].every(Number.isFinite)).toBe(true);
    }
  });

  it('a non-finite weight: the forward goes direct, the input gradient im2col (as jsBackend)', async () => {
    const [wino, direct] = [await backendFor(build, 'winograd'), await backendFor(build, 'direct')];
    const g = geometry({ ...base, batch: 2, inChannels: 4, outChannels: 3, inHeight: 6, inWidth: 6, padTop: 1, padLeft: 1 });
    const r = rng(231);
    const x = randArray(r, 2 * 4 * 36);
    const w = randArray(r, 3 * 4 * 9);
    w[13] = -Infinity;
    const y = [new Float32Array(2 * 3 * 36), new Float32Array(2 * 3 * 36)] as const;
    direct.conv2dForward(g, x, w, null, y[0]);
    wino.conv2dForward(g, x, w, null, y[1]);
    expectSameBits('forward', y[1], y[0]);
    const dy = randArray(r, 2 * 3 * 36);
    const dx = [new Float32Array(2 * 4 * 36), new Float32Array(2 * 4 * 36)] as const;
    jsBackend.conv2dBackwardInput(g, dy, w, dx[0]);
    wino.conv2dBackwardInput(g, dy, w, dx[1]);
    expectCloseOrSameNonFinite(dx[1], dx[0]);
  });
});

describe.each(builds)('conv2d kernels (%s build) vs jsBackend', (build) => {
  it.each(named)('%s', async (_name, g) => {
    const wasm = await backendFor(build);
    compare(wasm, g, 7, true);
    compare(wasm, g, 8, false);
  });

  it('200 random geometries (stride, padding, asymmetric output, dilation, groups, depthwise, 1×1)', async () => {
    const wasm = await backendFor(build);
    const r = rng(2024);
    for (let t = 0; t < 200; t++) compare(wasm, randomGeometry(r), 100 + t, r() < 0.5);
  });

  it('the bias gradient with the weight gradient: jsBackend’s bits on every plane-size remainder mod 8, big batches, non-finite values, 2 threads', async () => {
    const backends = [await backendFor(build), await createWasmBackend({ build, numThreads: 2, minParallelFlops: 0 })];
    const r = rng(808);
    for (const wasm of backends) {
      for (let t = 0; t < 16; t++) {
        // output planes of 1..16 (every P mod 8), then LeNet-like 28×28 (P mod 8 = 0) and 10×10 (4)
        const side = t < 8 ? [1, 1 + t] : t < 14 ? [t - 6, t - 5] : t === 14 ? [28, 28] : [10, 10];
        // (over 1024 FLOP, so that WebAssembly computes them, see TINY_CONV_FLOPS)
        const g = geometry({ batch: t === 14 ? 40 : 8 + (t % 5), inChannels: 8, inHeight: side[0]!, inWidth: side[1]!, outChannels: 4 + (t % 4), kernelHeight: 3, kernelWidth: 3, strideH: 1, strideW: 1, padTop: 1, padLeft: 1, dilationH: 1, dilationW: 1, groups: 1 });
        const x = randArray(r, g.batch * g.inChannels * g.inHeight * g.inWidth);
        // pairs ±2⁶⁰ that cancel: the small values added while a partial sum holds 2⁶⁰ are lost,
        // so the result depends on the order of the additions, not only on rounding at the end
        const P = g.outHeight * g.outWidth;
        const dy = randArray(r, g.batch * g.outChannels * P);
        for (let plane = 0; plane < g.batch * g.outChannels; plane++) {
          const at = [...Array(P).keys()].sort(() => r() - 0.5);
          for (let q = 0; q + 1 < Math.min(6, P); q += 2) {
            dy[plane * P + at[q]!] = 2 ** 60;
            dy[plane * P + at[q + 1]!] = -(2 ** 60);
          }
        }
        if (t === 5) dy[3] = Infinity;
        if (t === 6) dy[dy.length - 1] = NaN;
        const db0 = new Float32Array(g.outChannels);
        const db1 = new Float32Array(g.outChannels).fill(-7);
        const dw0 = new Float32Array(g.outChannels * 72);
        const dw1 = new Float32Array(g.outChannels * 72);
        jsBackend.conv2dBackwardWeight(g, x, dy, dw0, db0);
        wasm.conv2dBackwardWeight(g, x, dy, dw1, db1);
        expectSameBits(`bias gradient, ${wasm.numThreads} threads, ${JSON.stringify(g)}`, db1, db0);
        if (t !== 5 && t !== 6) {
          const bound = new Float32Array(dw0.length);
          jsBackend.conv2dBackwardWeight(g, abs(x), abs(dy), bound);
          expectClose(`weight gradient ${JSON.stringify(g)}`, dw1, dw0, bound);
        }
      }
      // an empty sum (zero batch, zero-size output) is zeros; too short a gradBias throws
      const base = geometry({ batch: 0, inChannels: 2, inHeight: 4, inWidth: 4, outChannels: 2, kernelHeight: 3, kernelWidth: 3, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, groups: 1 });
      const db = new Float32Array(2).fill(NaN);
      wasm.conv2dBackwardWeight(base, new Float32Array(0), new Float32Array(0), new Float32Array(36), db);
      expect([...db]).toEqual([0, 0]);
      expect(() => wasm.conv2dBackwardWeight({ ...base, batch: 1 }, new Float32Array(32), new Float32Array(8), new Float32Array(36), new Float32Array(1))).toThrow(
        /conv2dBackwardWeight: gradBias has 1 elements, the geometry needs 2/,
      );
    }
    await backends[1]!.setNumThreads(1);
  });

  it('empty sizes: zero batch, zero output channels, zero-size output', async () => {
    const wasm = await backendFor(build);
    const base = geometry({ batch: 2, inChannels: 2, inHeight: 4, inWidth: 4, outChannels: 2, kernelHeight: 3, kernelWidth: 3, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, groups: 1 });
    // a zero-size output: the input gradient is all zeros, the weight gradient too
    const g = { ...base, outHeight: 0 };
    const dx = new Float32Array(64).fill(NaN);
    wasm.conv2dBackwardInput(g, new Float32Array(0), new Float32Array(36), dx);
    expect([...dx]).toEqual(new Array(64).fill(0));
    const dw = new Float32Array(36).fill(NaN);
    wasm.conv2dBackwardWeight(g, new Float32Array(64), new Float32Array(0), dw);
    expect([...dw]).toEqual(new Array(36).fill(0));
    // zero batch: the weight gradient is an empty sum
    const dw2 = new Float32Array(36).fill(NaN);
    wasm.conv2dBackwardWeight({ ...base, batch: 0 }, new Float32Array(0), new Float32Array(0), dw2);
    expect([...dw2]).toEqual(new Array(36).fill(0));
    // zero output channels: nothing to compute, the input gradient is zeros
    const dx2 = new Float32Array(64).fill(NaN);
    wasm.conv2dBackwardInput({ ...base, outChannels: 0 }, new Float32Array(0), new Float32Array(0), dx2);
    expect([...dx2]).toEqual(new Array(64).fill(0));
    // no input channel (K = 0): the output is the bias (or zeros), the weight gradient empty
    const noInput = { ...base, inChannels: 0 };
    for (const bias of [null, Float32Array.of(0.5, -2)]) {
      const y0 = new Float32Array(2 * 2 * 4);
      const y1 = new Float32Array(y0.length).fill(NaN);
      jsBackend.conv2dForward(noInput, new Float32Array(0), new Float32Array(0), bias, y0);
      wasm.conv2dForward(noInput, new Float32Array(0), new Float32Array(0), bias, y1);
      expect([...y1]).toEqual([...y0]);
    }
    // a forward with no output element leaves `out` alone (there is nothing in it)
    wasm.conv2dForward({ ...base, outChannels: 0 }, new Float32Array(64), new Float32Array(0), null, new Float32Array(0));
  });

  it("runs convolutions of at most 1024 FLOP in jsBackend's kernels under 'auto' (same bits), in WebAssembly when forced", async () => {
    const wasm = await backendFor(build);
    const forced = await backendFor(build, 'direct');
    const base = { batch: 1, inChannels: 1, outChannels: 1, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, groups: 1 };
    // the textbook's 6×8 image and 1×2 kernel (168 FLOP), and an 8×8 image with a 3×3 kernel (648 FLOP)
    for (const [h, w, kh, kw] of [[6, 8, 1, 2], [8, 8, 3, 3]] as const) {
      const g = geometry({ ...base, inHeight: h, inWidth: w, kernelHeight: kh, kernelWidth: kw });
      const r = rng(h * 100 + kh);
      const x = randArray(r, h * w);
      const k = randArray(r, kh * kw);
      const dy = randArray(r, g.outHeight * g.outWidth);
      const outs = (b: { conv2dForward: typeof jsBackend.conv2dForward; conv2dBackwardInput: typeof jsBackend.conv2dBackwardInput; conv2dBackwardWeight: typeof jsBackend.conv2dBackwardWeight }): number[] => {
        const y = new Float32Array(dy.length);
        const dx = new Float32Array(x.length);
        const dk = new Float32Array(k.length);
        b.conv2dForward(g, x, k, null, y);
        b.conv2dBackwardInput(g, dy, k, dx);
        b.conv2dBackwardWeight(g, x, dy, dk);
        return [...y, ...dx, ...dk];
      };
      const js = outs(jsBackend);
      expect(outs(wasm)).toEqual(js);
      // the WebAssembly kernels round each multiply-add in float32, jsBackend's direct kernels sum
      // in float64: forced into WebAssembly, some of these outputs differ in their last bits
      if (kh === 3) expect(outs(forced)).not.toEqual(js);
    }
  });

  it('the input gradient of unpadded stride-1 convolutions (a GEMM adding into the input gradient) on every row-width remainder', async () => {
    const wasm = await backendFor(build);
    const cases = [
      { inChannels: 6, outChannels: 16, inHeight: 14, inWidth: 14, kernelHeight: 5, kernelWidth: 5 }, // LeNet's second layer
      { inChannels: 2, outChannels: 3, inHeight: 7, inWidth: 7, kernelHeight: 3, kernelWidth: 3 }, // ow 5
      { inChannels: 3, outChannels: 1, inHeight: 5, inWidth: 8, kernelHeight: 3, kernelWidth: 3 }, // ow 6, K 27
      { inChannels: 5, outChannels: 7, inHeight: 6, inWidth: 9, kernelHeight: 2, kernelWidth: 3 }, // ow 7
      { inChannels: 2, outChannels: 4, inHeight: 5, inWidth: 5, kernelHeight: 3, kernelWidth: 3 }, // ow 3: one vector per row, an odd count
      { inChannels: 4, outChannels: 2, inHeight: 4, inWidth: 3, kernelHeight: 2, kernelWidth: 3 }, // ow 1
      { inChannels: 4, outChannels: 6, inHeight: 11, inWidth: 12, kernelHeight: 3, kernelWidth: 2, dilationH: 2, dilationW: 3, groups: 2 },
      { inChannels: 6, outChannels: 9, inHeight: 8, inWidth: 10, kernelHeight: 4, kernelWidth: 4, groups: 3 },
      { inChannels: 2, outChannels: 256, inHeight: 6, inWidth: 6, kernelHeight: 2, kernelWidth: 2 }, // the most output channels it takes
      { inChannels: 2, outChannels: 257, inHeight: 6, inWidth: 6, kernelHeight: 2, kernelWidth: 2 }, // one more: another algorithm
    ];
    cases.forEach((c, i) => {
      const g = geometry({ batch: 3, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, groups: 1, ...c });
      compare(wasm, g, 90 + i, false);
    });
  });

  it('that input gradient with a non-finite weight equals jsBackend’s im2col result (NaN positions included)', async () => {
    const wasm = await backendFor(build);
    // 4 output channels · 9 taps: jsBackend takes im2col + col2im, which (as PyTorch) multiplies
    // the weights only by real output-gradient values
    const g = geometry({ batch: 2, inChannels: 2, inHeight: 7, inWidth: 7, outChannels: 4, kernelHeight: 3, kernelWidth: 3, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, groups: 1 });
    const r = rng(6);
    const w = randArray(r, 72);
    // 0·∞ in the zero lanes past each output row would invent NaNs: this must take another path
    w[4] = Infinity;
    const dy = randArray(r, 2 * 4 * 25);
    const dx0 = new Float32Array(2 * 2 * 49);
    const dx1 = new Float32Array(2 * 2 * 49).fill(-1);
    jsBackend.conv2dBackwardInput(g, dy, w, dx0);
    wasm.conv2dBackwardInput(g, dy, w, dx1);
    expectCloseOrSameNonFinite(dx1, dx0);
  });

  it('throws on storage shorter than the geometry and on impossible geometries', async () => {
    const wasm = await backendFor(build);
    const g = geometry({ batch: 1, inChannels: 2, inHeight: 4, inWidth: 4, outChannels: 2, kernelHeight: 3, kernelWidth: 3, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, groups: 1 });
    expect(() => wasm.conv2dForward(g, new Float32Array(31), new Float32Array(36), null, new Float32Array(8))).toThrow(/input has 31 elements, the geometry needs 32/);
    expect(() => wasm.conv2dBackwardInput(g, new Float32Array(8), new Float32Array(35), new Float32Array(32))).toThrow(/weight/);
    expect(() => wasm.conv2dBackwardWeight(g, new Float32Array(32), new Float32Array(8), new Float32Array(3))).toThrow(/gradWeight/);
    expect(() => wasm.conv2dForward({ ...g, groups: 3 }, new Float32Array(32), new Float32Array(36), null, new Float32Array(8))).toThrow(/groups 3/);
    expect(() => wasm.conv2dForward({ ...g, strideH: 0 }, new Float32Array(32), new Float32Array(36), null, new Float32Array(8))).toThrow(RangeError);
  });

  it('float64 storage goes to jsBackend (same result, bit for bit)', async () => {
    const wasm = await backendFor(build);
    const g = named[8]![1];
    const r = rng(3);
    const x = Float64Array.from({ length: g.batch * g.inChannels * g.inHeight * g.inWidth }, r);
    const w = Float64Array.from({ length: g.outChannels * (g.inChannels / g.groups) * g.kernelHeight * g.kernelWidth }, r);
    const y0 = new Float64Array(g.batch * g.outChannels * g.outHeight * g.outWidth);
    const y1 = new Float64Array(y0.length);
    jsBackend.conv2dForward(g, x, w, null, y0);
    wasm.conv2dForward(g, x, w, null, y1);
    expect([...y1]).toEqual([...y0]);
    const dx0 = new Float64Array(x.length);
    const dx1 = new Float64Array(x.length);
    jsBackend.conv2dBackwardInput(g, y0, w, dx0);
    wasm.conv2dBackwardInput(g, y0, w, dx1);
    expect([...dx1]).toEqual([...dx0]);
    const dw0 = new Float64Array(w.length);
    const dw1 = new Float64Array(w.length);
    jsBackend.conv2dBackwardWeight(g, x, y0, dw0);
    wasm.conv2dBackwardWeight(g, x, y0, dw1);
    expect([...dw1]).toEqual([...dw0]);
  });
});
