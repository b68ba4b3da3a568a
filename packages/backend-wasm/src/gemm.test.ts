/** The wasm GEMM against jsBackend's: every transpose, offsets, leading dimensions, alpha/beta, every blocking edge. */
import { jsBackend } from '@torchlet/ndarray';
import { describe, expect, it } from 'vitest';
import { abs, backendFor, builds, expectClose, int, randArray, rng } from './test-helpers.js';

interface GemmCase {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  /** Extra elements before each operand and at the end of each row (ld = cols + pad). */
  offset: number;
  pad: number;
}

/** Runs one case on both backends; checks the result and that C outside the m × n block is untouched. */
async function check(build: (typeof builds)[number], c: GemmCase, seed: number): Promise<void> {
  const wasm = await backendFor(build);
  const r = rng(seed);
  const { transA, transB, m, n, k, alpha, beta, offset, pad } = c;
  const [aRows, aCols] = transA ? [k, m] : [m, k];
  const [bRows, bCols] = transB ? [n, k] : [k, n];
  const lda = aCols + pad;
  const ldb = bCols + pad;
  const ldc = n + pad;
  const a = randArray(r, offset + aRows * lda);
  const b = randArray(r, offset + bRows * ldb);
  const c0 = randArray(r, offset + m * ldc + 3);
  // beta = 0: C must not be read, so NaN in it must not show up in the result
  if (beta === 0) for (let i = 0; i < m; i++) c0.fill(NaN, offset + i * ldc, offset + i * ldc + n);
  const expected = c0.slice();
  const actual = c0.slice();
  jsBackend.gemm(transA, transB, m, n, k, alpha, a, offset, lda, b, offset, ldb, beta, expected, offset, ldc);
  wasm.gemm(transA, transB, m, n, k, alpha, a, offset, lda, b, offset, ldb, beta, actual, offset, ldc);
  const bound = beta === 0 ? new Float32Array(c0.length) : abs(c0).map((v) => v * Math.abs(beta));
  jsBackend.gemm(transA, transB, m, n, k, Math.abs(alpha), abs(a), offset, lda, abs(b), offset, ldb, 1, bound, offset, ldc);
  const what = `${build} ${JSON.stringify(c)}`;
  expectClose(what, actual, expected, bound);
  // everything outside the block (offset, row padding, tail) is left as it was
  for (let i = 0; i < c0.length; i++) {
    const row = Math.floor((i - offset) / ldc);
    const col = (i - offset) % ldc;
    const inside = i >= offset && row < m && col < n;
    if (!inside && !Object.is(actual[i], c0[i])) expect.fail(`${what}: C[${i}] outside the block was changed`);
  }
}

describe.each(builds)('gemm (%s build) vs jsBackend', (build) => {
  it('every transpose combination on odd sizes', async () => {
    let seed = 1;
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const [m, n, k] of [[1, 1, 1], [3, 5, 7], [4, 8, 4], [5, 9, 3], [17, 13, 11], [1, 33, 20], [33, 1, 20], [8, 16, 1]]) {
          await check(build, { transA, transB, m: m!, n: n!, k: k!, alpha: 1, beta: 0, offset: 0, pad: 0 }, seed++);
        }
      }
    }
  });

  it('crosses every blocking boundary (k > 256, m > 128, n > 2048)', async () => {
    await check(build, { transA: false, transB: false, m: 37, n: 45, k: 600, alpha: 1, beta: 0, offset: 0, pad: 0 }, 11);
    await check(build, { transA: true, transB: true, m: 131, n: 29, k: 260, alpha: 1, beta: 1, offset: 2, pad: 1 }, 12);
    await check(build, { transA: false, transB: true, m: 6, n: 2053, k: 9, alpha: 0.5, beta: 0, offset: 0, pad: 0 }, 13);
    await check(build, { transA: true, transB: false, m: 9, n: 2100, k: 257, alpha: 1, beta: 0.25, offset: 5, pad: 3 }, 14);
  });

  it('random shapes, offsets, leading dimensions, alpha and beta', async () => {
    const r = rng(99);
    for (let t = 0; t < 60; t++) {
      const c: GemmCase = {
        transA: r() < 0.5,
        transB: r() < 0.5,
        m: int(r, 1, 70),
        n: int(r, 1, 70),
        k: int(r, 1, 300),
        alpha: [1, -1, 0.5, 2.25][int(r, 0, 3)]!,
        beta: [0, 0, 1, -0.5][int(r, 0, 3)]!,
        offset: int(r, 0, 5),
        pad: int(r, 0, 4),
      };
      await check(build, c, 1000 + t);
    }
  });

  it('k = 0 or alpha = 0 scales C by beta without reading A and B', async () => {
    const wasm = await backendFor(build);
    const c = Float32Array.of(1, 2, 3, 4, 5, 6);
    wasm.gemm(false, false, 2, 3, 0, 1, new Float32Array(0), 0, 0, new Float32Array(0), 0, 3, 2, c, 0, 3);
    expect([...c]).toEqual([2, 4, 6, 8, 10, 12]);
    const nan = new Float32Array(4).fill(NaN);
    wasm.gemm(false, false, 2, 2, 2, 0, Float32Array.of(1, 2, 3, 4), 0, 2, Float32Array.of(1, 2, 3, 4), 0, 2, 0, nan, 0, 2);
    expect([...nan]).toEqual([0, 0, 0, 0]);
  });

  it('m = 0 or n = 0 is a no-op', async () => {
    const wasm = await backendFor(build);
    const c = Float32Array.of(7);
    wasm.gemm(false, false, 0, 1, 3, 1, new Float32Array(3), 0, 3, new Float32Array(3), 0, 1, 0, c, 0, 1);
    wasm.gemm(false, false, 1, 0, 3, 1, new Float32Array(3), 0, 3, new Float32Array(3), 0, 1, 0, c, 0, 1);
    expect(c[0]).toBe(7);
  });

  it('throws like jsBackend on bad arguments', async () => {
    const wasm = await backendFor(build);
    const x = new Float32Array(6);
    expect(() => wasm.gemm(false, false, 2, 3, 1.5, 1, x, 0, 3, x, 0, 3, 0, x, 0, 3)).toThrow(RangeError);
    expect(() => wasm.gemm(false, false, 2, 3, 3, 1, x, 0, 3, new Float32Array(8), 0, 3, 0, x, 0, 3)).toThrow(/B \(3 × 3.*needs 9 elements/);
    expect(() => wasm.gemm(false, false, 2, 3, 3, 1, x, 0, 2, x, 0, 3, 0, x, 0, 3)).toThrow(/leading dimension of A/);
    expect(() => wasm.gemm(false, false, 2, 3, 1, 1, x, -1, 3, x, 0, 3, 0, x, 0, 3)).toThrow(RangeError);
  });

  it('float64 storage goes to jsBackend (same result, bit for bit)', async () => {
    const wasm = await backendFor(build);
    const r = rng(5);
    const a = Float64Array.from({ length: 12 }, r);
    const b = Float64Array.from({ length: 20 }, r);
    const expected = new Float64Array(15);
    const actual = new Float64Array(15);
    jsBackend.gemm(false, false, 3, 5, 4, 1, a, 0, 4, b, 0, 5, 0, expected, 0, 5);
    wasm.gemm(false, false, 3, 5, 4, 1, a, 0, 4, b, 0, 5, 0, actual, 0, 5);
    expect([...actual]).toEqual([...expected]);
  });
});
