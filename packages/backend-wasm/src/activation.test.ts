/**
 * The sigmoid kernels of the wasm backend: the forward within 2 ulp of σ rounded to float32, the
 * backward bit-identical to the pure-TypeScript kernel, and neither depending on where an
 * element falls in the array (the scalar tail computes what the SIMD lanes compute).
 */
import { array, jsBackend, setBackend, sigmoid, sigmoidBackward, type NDArray } from '@torchlet/ndarray';
import { describe, expect, it } from 'vitest';
import { backendFor, builds, expectSameBits, rng } from './test-helpers.js';

/** σ(x) in float64 (error far below a float32 ulp), rounded to float32. */
function exactSigmoid32(x: number): number {
  const s = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
  return Math.fround(s);
}

/** ±0, ±Infinity, NaN, saturation, the last normal σ (−87.3), denormal σ (−88.8 … −103.9), 0 past −104. */
const EDGES = [0, -0, Infinity, -Infinity, NaN, -100, 100, -88.8, -87.3, -103, -103.9, -104, -110, 1e-30, -1e-30, 1e-45, -1e-45, 17, -17, 0.5, -0.5];

/** The edges, then `n` seeded values spanning [−110, 110]. */
function inputs(n: number, seed: number): Float32Array {
  const r = rng(seed);
  const x = new Float32Array(EDGES.length + n);
  x.set(EDGES);
  for (let i = EDGES.length; i < x.length; i++) x[i] = 220 * r() - 110;
  return x;
}

/** Distance in float32 ulps between two non-negative floats (their bit patterns order like them). */
function ulps(a: number, b: number): number {
  const bits = new Uint32Array(new Float32Array([a, b]).buffer);
  return Math.abs(bits[0]! - bits[1]!);
}

describe.each(builds)('sigmoid kernels, %s build', (build) => {
  it('sigmoidForward is within 2 ulp of σ rounded to float32 over [−110, 110] and the edge values', async () => {
    const wasm = await backendFor(build);
    const x = inputs(1_000_000, 11);
    const out = new Float32Array(x.length);
    wasm.sigmoidForward(x, out, x.length);
    let worst = 0;
    for (let i = 0; i < x.length; i++) {
      const want = exactSigmoid32(x[i]!);
      if (Number.isNaN(want)) {
        if (!Number.isNaN(out[i]!)) expect.fail(`σ(${x[i]}) is ${out[i]}, expected NaN`);
        continue;
      }
      const d = ulps(out[i]!, want);
      if (d > 2) expect.fail(`σ(${x[i]}) is ${out[i]}, expected ${want} (${d} ulp)`);
      worst = Math.max(worst, d);
    }
    // measured: 2 ulp at most (an exhaustive sweep of every float32 in [−110, 110] agrees)
    expect(worst).toBeLessThanOrEqual(2);
    expect(Array.from(out.subarray(0, 4))).toEqual([0.5, 0.5, 1, 0]);
    expect(out[4]).toBeNaN();
    // denormal results (σ(x) ≈ eˣ there) keep their precision: within 1 ulp, not flushed to 0
    for (const v of [-88.8, -100, -103]) {
      const got = out[EDGES.indexOf(v)]!;
      expect(got > 0 && got < 1.1754943508222875e-38, `σ(${v}) = ${got} is a denormal`).toBe(true);
      expect(ulps(got, exactSigmoid32(Math.fround(v))), `σ(${v})`).toBeLessThanOrEqual(1);
    }
    expect(out[EDGES.indexOf(-104)]).toBe(0);
  });

  it('sigmoidForward gives each element the same bits whatever n and its position (SIMD lanes = scalar tail)', async () => {
    const wasm = await backendFor(build);
    const x = inputs(1003, 12);
    const full = new Float32Array(x.length);
    wasm.sigmoidForward(x, full, x.length);
    // every tail length, and around the 32-element (8-vector) main loop's boundaries
    for (const n of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 31, 32, 33, 36, 63, 64, 65, 70]) {
      const out = new Float32Array(n);
      wasm.sigmoidForward(x, out, n);
      expectSameBits(`n = ${n}`, out, full.subarray(0, n));
    }
    for (let shift = 1; shift <= 3; shift++) {
      const out = new Float32Array(x.length - shift);
      wasm.sigmoidForward(x.subarray(shift), out, out.length);
      expectSameBits(`shifted by ${shift}`, out, full.subarray(shift));
    }
  });

  it('sigmoidBackward equals the pure-TypeScript float32 kernel bit for bit', async () => {
    const wasm = await backendFor(build);
    const r = rng(13);
    for (const n of [0, 1, 2, 3, 4, 5, 7, 8, 9, 1001, 65536 + 3]) {
      const g = new Float32Array(n);
      const y = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        g[i] = 8 * r() - 4;
        y[i] = r() < 0.9 ? r() : [0, 1, NaN, -0, 2, -3, 1e-40][i % 7]!;
      }
      if (n > 2) g[1] = NaN;
      const actual = new Float32Array(n);
      const expected = new Float32Array(n);
      wasm.sigmoidBackward(g, y, actual, n);
      jsBackend.sigmoidBackward(g, y, expected, n);
      expectSameBits(`n = ${n}`, actual, expected);
    }
  });

  it('float64 goes to the pure-TypeScript kernels; lengths and n are validated', async () => {
    const wasm = await backendFor(build);
    const x = Float64Array.from([-3, 0, 2.5]);
    const a = new Float64Array(3);
    const b = new Float64Array(3);
    wasm.sigmoidForward(x, a, 3);
    jsBackend.sigmoidForward(x, b, 3);
    expect(a).toEqual(b);
    wasm.sigmoidBackward(x, b, a, 3);
    jsBackend.sigmoidBackward(x, b, b, 3);
    expect(a).toEqual(b);
    const f = new Float32Array(4);
    expect(() => wasm.sigmoidForward(f, new Float32Array(2), 4)).toThrow('sigmoidForward: out has 2 elements, the geometry needs 4');
    expect(() => wasm.sigmoidBackward(f, new Float32Array(3), f, 4)).toThrow('sigmoidBackward: output has 3 elements, the geometry needs 4');
    expect(() => wasm.sigmoidForward(f, f, -1)).toThrow('sigmoidForward: n must be a non-negative integer, got -1');
    expect(() => wasm.sigmoidBackward(f, f, f, 1.5)).toThrow('sigmoidBackward: n must be a non-negative integer, got 1.5');
  });

  it('the sigmoid ops use it once installed', async () => {
    const wasm = await backendFor(build);
    const x = inputs(1000, 14);
    const xa = array(Array.from(x));
    const expected = sigmoid(xa);
    const previous = setBackend(wasm);
    let actual: NDArray;
    let grad: NDArray;
    try {
      actual = sigmoid(xa);
      grad = sigmoidBackward(xa, actual);
    } finally {
      setBackend(previous);
    }
    expect(actual.shape).toEqual(expected.shape);
    const a = actual.denseData();
    const e = expected.denseData();
    for (let i = 0; i < e.length; i++) {
      if (Number.isNaN(e[i]!) ? !Number.isNaN(a[i]!) : ulps(a[i]!, e[i]!) > 2) expect.fail(`element ${i}: ${a[i]} vs ${e[i]}`);
    }
    expectSameBits('sigmoidBackward', grad.denseData() as Float32Array, sigmoidBackward(xa, actual).denseData() as Float32Array);
  });
});
