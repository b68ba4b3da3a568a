/**
 * Worker threads (Node): every split computes each output element with the operations of the
 * one-thread kernel, so results must equal the one-thread backend's bit for bit. The tests split
 * every call (minParallelFlops: 0) to exercise the dispatch on many small problems.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Conv2dGeometry } from '@torchlet/ndarray';
import { describe, expect, it } from 'vitest';
import { createWasmBackend, type WasmBackend } from './backend.js';
import { backendFor, builds, convGeometry, expectSameBits, randArray, randomConvGeometry, rng } from './test-helpers.js';

function gemmBoth(one: WasmBackend, many: WasmBackend, seed: number, transA: boolean, transB: boolean, m: number, n: number, k: number, beta: number): void {
  const r = rng(seed);
  const [lda, ldb] = [transA ? m : k, transB ? k : n];
  const a = randArray(r, m * k);
  const b = randArray(r, k * n);
  const c0 = randArray(r, m * n);
  const c1 = c0.slice();
  one.gemm(transA, transB, m, n, k, 1.5, a, 0, lda, b, 0, ldb, beta, c0, 0, n);
  many.gemm(transA, transB, m, n, k, 1.5, a, 0, lda, b, 0, ldb, beta, c1, 0, n);
  expectSameBits(`gemm ${JSON.stringify({ transA, transB, m, n, k, beta })}`, c1, c0);
}

function convBoth(one: WasmBackend, many: WasmBackend, g: Conv2dGeometry, seed: number): void {
  const r = rng(seed);
  const nIn = g.batch * g.inChannels * g.inHeight * g.inWidth;
  const nW = g.outChannels * (g.inChannels / g.groups) * g.kernelHeight * g.kernelWidth;
  const nOut = g.batch * g.outChannels * g.outHeight * g.outWidth;
  const x = randArray(r, nIn);
  const w = randArray(r, nW);
  const b = randArray(r, g.outChannels);
  const dy = randArray(r, nOut);
  const what = JSON.stringify(g);
  // the threaded outputs start as NaN: every element must be copied out (each thread's share is
  // copied in and out separately, the calling thread's while the others compute)
  const y = [new Float32Array(nOut), new Float32Array(nOut).fill(NaN)] as const;
  one.conv2dForward(g, x, w, b, y[0]);
  many.conv2dForward(g, x, w, b, y[1]);
  expectSameBits(`forward ${what}`, y[1], y[0]);
  const dx = [new Float32Array(nIn), new Float32Array(nIn).fill(NaN)] as const;
  one.conv2dBackwardInput(g, dy, w, dx[0]);
  many.conv2dBackwardInput(g, dy, w, dx[1]);
  expectSameBits(`backward input ${what}`, dx[1], dx[0]);
  const dw = [new Float32Array(nW), new Float32Array(nW).fill(NaN)] as const;
  const db = [new Float32Array(g.outChannels), new Float32Array(g.outChannels).fill(NaN)] as const;
  one.conv2dBackwardWeight(g, x, dy, dw[0], db[0]);
  many.conv2dBackwardWeight(g, x, dy, dw[1], db[1]);
  expectSameBits(`backward weight ${what}`, dw[1], dw[0]);
  expectSameBits(`bias gradient ${what}`, db[1], db[0]);
}

describe.each(builds)('3 threads (%s build) vs 1 thread, bit for bit', (build) => {
  const many = createWasmBackend({ build, numThreads: 3, minParallelFlops: 0 });

  it('runs on 3 threads', async () => {
    expect((await many).numThreads).toBe(3);
  });

  it('gemm: every transpose, split by columns or by rows, with tails', async () => {
    const [one, m3] = [await backendFor(build), await many];
    let seed = 1;
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const [m, n, k] of [[5, 41, 30], [70, 9, 33], [3, 3, 3], [1, 100, 7], [100, 1, 7], [33, 260, 300], [130, 17, 5]]) {
          gemmBoth(one, m3, seed++, transA, transB, m!, n!, k!, seed % 2 === 0 ? 0 : 0.5);
        }
      }
    }
  });

  it('sigmoid: split from 2^22 elements on (lengths that do not divide evenly), same bits', async () => {
    const [one, m3] = [await backendFor(build), await many];
    const r = rng(9);
    for (const n of [(1 << 22) - 1, 1 << 22, (1 << 22) + 7, 4_500_001]) {
      const x = Float32Array.from({ length: n }, () => (r() - 0.5) * 40);
      const y = [new Float32Array(n).fill(NaN), new Float32Array(n).fill(NaN)] as const;
      one.sigmoidForward(x, y[0], n);
      m3.sigmoidForward(x, y[1], n);
      expectSameBits(`sigmoid n=${n}`, y[1], y[0]);
      expect(y[1].some((v) => Number.isNaN(v))).toBe(false);
    }
  });

  it('conv2d: 60 random geometries and the named edge cases', async () => {
    const [one, m3] = [await backendFor(build), await many];
    const r = rng(77);
    for (let t = 0; t < 60; t++) convBoth(one, m3, randomConvGeometry(r), 300 + t);
    const base = { strideH: 1, strideW: 1, padTop: 1, padLeft: 1, dilationH: 1, dilationW: 1 };
    convBoth(one, m3, convGeometry({ ...base, batch: 1, inChannels: 16, inHeight: 12, inWidth: 12, outChannels: 8, kernelHeight: 3, kernelWidth: 3, groups: 1 }), 1);
    convBoth(one, m3, convGeometry({ ...base, batch: 5, inChannels: 6, inHeight: 7, inWidth: 7, outChannels: 6, kernelHeight: 3, kernelWidth: 3, groups: 6 }), 2);
    convBoth(one, m3, convGeometry({ ...base, padTop: 0, padLeft: 0, batch: 4, inChannels: 20, inHeight: 6, inWidth: 6, outChannels: 10, kernelHeight: 1, kernelWidth: 1, groups: 2 }), 3);
    // several items per chunk of the direct weight gradient, and per pass within a chunk
    convBoth(one, m3, convGeometry({ ...base, batch: 41, inChannels: 2, inHeight: 9, inWidth: 9, outChannels: 3, kernelHeight: 5, kernelWidth: 5, padTop: 2, padLeft: 2, groups: 1 }), 4);
    // 32 → 32 channels of 16×16, 64 tiles an item: 'auto' takes Winograd for the forward and the input gradient
    convBoth(one, m3, convGeometry({ ...base, batch: 5, inChannels: 32, inHeight: 16, inWidth: 16, outChannels: 32, kernelHeight: 3, kernelWidth: 3, groups: 1 }), 6);
    // LeNet's second layer (16 output channels in the lanes, forward and weight gradient), 41 items
    convBoth(one, m3, convGeometry({ ...base, padTop: 0, padLeft: 0, batch: 41, inChannels: 6, inHeight: 14, inWidth: 14, outChannels: 16, kernelHeight: 5, kernelWidth: 5, groups: 1 }), 7);
    // the calling thread's share in several chunks of units (8192 floats in and out per item, 16 items a chunk)
    convBoth(one, m3, convGeometry({ ...base, batch: 61, inChannels: 4, inHeight: 32, inWidth: 32, outChannels: 4, kernelHeight: 3, kernelWidth: 3, groups: 2 }), 5);
  });
});

describe.each(builds)('3 threads (%s build), calls below the split threshold', (build) => {
  it('run on a private one-thread memory with the same bits, and memoryBytes counts both memories', async () => {
    const one = await backendFor(build);
    const many = await createWasmBackend({ build, numThreads: 3 });
    try {
      const before = many.memoryBytes;
      // small enough to stay on one thread (default minParallelFlops, sigmoid below 2^22)
      gemmBoth(one, many, 11, false, true, 20, 30, 40, 0.5);
      const g = convGeometry({ batch: 2, inChannels: 3, inHeight: 9, inWidth: 9, outChannels: 4, kernelHeight: 3, kernelWidth: 3, strideH: 1, strideW: 1, padTop: 1, padLeft: 1, dilationH: 1, dilationW: 1, groups: 1 });
      convBoth(one, many, g, 12);
      const r = rng(13);
      const n = 50_001;
      const x = Float32Array.from({ length: n }, () => (r() - 0.5) * 40);
      const y = [new Float32Array(n), new Float32Array(n)] as const;
      one.sigmoidForward(x, y[0], n);
      many.sigmoidForward(x, y[1], n);
      expectSameBits('sigmoid', y[1], y[0]);
      const d = [new Float32Array(n), new Float32Array(n)] as const;
      one.sigmoidBackward(x, y[0], d[0], n);
      many.sigmoidBackward(x, y[0], d[1], n);
      expectSameBits('sigmoid backward', d[1], d[0]);
      const pg = { planes: 6, inHeight: 12, inWidth: 12, outHeight: 6, outWidth: 6, kernelHeight: 2, kernelWidth: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, dilationH: 1, dilationW: 1 };
      const px = randArray(r, 6 * 144);
      const p = [new Float32Array(216), new Float32Array(216)] as const;
      const idx = [new Int32Array(216), new Int32Array(216)] as const;
      one.maxPool2dForward(pg, px, p[0], idx[0]);
      many.maxPool2dForward(pg, px, p[1], idx[1]);
      expectSameBits('max pool', p[1], p[0]);
      expectSameBits('max pool indices', idx[1], idx[0]);
      // the private memory grew for these calls; the shared one still holds its first size
      expect(many.memoryBytes).toBeGreaterThan(before);
    } finally {
      await many.setNumThreads(1);
    }
  });
});

describe('thread count', () => {
  it('setNumThreads changes it, and the results stay the same', async () => {
    const wasm = await createWasmBackend({ build: 'simd', minParallelFlops: 0 });
    expect(wasm.numThreads).toBe(1);
    const g = convGeometry({ batch: 4, inChannels: 8, inHeight: 10, inWidth: 10, outChannels: 8, kernelHeight: 3, kernelWidth: 3, strideH: 1, strideW: 1, padTop: 1, padLeft: 1, dilationH: 1, dilationW: 1, groups: 1 });
    const r = rng(5);
    const x = randArray(r, 3200);
    const w = randArray(r, 576);
    const y1 = new Float32Array(3200);
    wasm.conv2dForward(g, x, w, null, y1);
    await wasm.setNumThreads(2);
    expect(wasm.numThreads).toBe(2);
    const y2 = new Float32Array(3200);
    wasm.conv2dForward(g, x, w, null, y2);
    expectSameBits('after setNumThreads(2)', y2, y1);
    await wasm.setNumThreads(1);
    expect(wasm.numThreads).toBe(1);
    const y3 = new Float32Array(3200);
    wasm.conv2dForward(g, x, w, null, y3);
    expectSameBits('after setNumThreads(1)', y3, y1);
  });

  it("'auto' is the number of logical CPUs, and bad counts are rejected", async () => {
    const os = await import('node:os');
    const wasm = await createWasmBackend({ build: 'simd', numThreads: 'auto' });
    expect(wasm.numThreads).toBe(Math.min(64, os.availableParallelism()));
    await wasm.setNumThreads(1);
    await expect(wasm.setNumThreads(0)).rejects.toThrow(RangeError);
    await expect(createWasmBackend({ numThreads: 1.5 })).rejects.toThrow(/numThreads/);
    expect(wasm.numThreads).toBe(1);
  });

  it('idle worker threads do not keep node alive', () => {
    const code = `import { createWasmBackend } from './dist/index.js';
      const wasm = await createWasmBackend({ numThreads: 2, minParallelFlops: 0 });
      const c = new Float32Array(4);
      wasm.gemm(false, false, 2, 2, 2, 1, Float32Array.of(1, 2, 3, 4), 0, 2, Float32Array.of(5, 6, 7, 8), 0, 2, 0, c, 0, 2);
      console.log(wasm.numThreads, [...c].join(','));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
      cwd: fileURLToPath(new URL('../', import.meta.url)),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(out.trim()).toBe('2 19,22,43,50');
  });
});


