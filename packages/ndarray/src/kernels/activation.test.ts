import { describe, expect, it } from 'vitest';
import { sigmoidBackward, sigmoidForward, sigmoidScalar } from './activation.js';
import { jsBackend } from './js-backend.js';

/** The formulas the ops used before the kernels existed (two exps for x < 0), for bit-for-bit comparison. */
function previousSigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
function previousBackward32(g: number, y: number): number {
  return Math.fround(Math.fround(g * Math.fround(1 - y)) * y);
}
function previousBackward64(g: number, y: number): number {
  return g * (1 - y) * y;
}

/** ±0, ±Infinity, NaN, saturation, the last normal σ (−87.3) and denormal σ (−88.8 … −103), 0 past −104. */
const EDGES = [0, -0, Infinity, -Infinity, NaN, -100, 100, -88.8, -87.3, -103, -104, -110, 1e-30, -1e-30, 1e-45, 17, -17, 0.5, -0.5];

/** Seeded values spanning [−110, 110], plus the edges. */
function inputs(n: number): number[] {
  let s = 12345;
  const out = [...EDGES];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out.push((s / 4294967296) * 220 - 110);
  }
  return out;
}

/** Same value, with NaN equal to NaN and 0 different from −0. */
function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect.fail(`element ${i}: ${actual[i]}, expected ${expected[i]}`);
  }
}

describe('sigmoidForward', () => {
  it('equals the previous two-exp formula bit for bit, float64 and float32', () => {
    const xs = inputs(20000);
    const x64 = Float64Array.from(xs);
    const out64 = new Float64Array(xs.length);
    sigmoidForward(x64, out64, xs.length);
    expectSame(out64, xs.map(previousSigmoid));
    const x32 = Float32Array.from(xs);
    const out32 = new Float32Array(xs.length);
    sigmoidForward(x32, out32, xs.length);
    expectSame(out32, Float32Array.from(x32, previousSigmoid));
  });

  it('handles the edge values: 0.5 at ±0, 1 and 0 at ±Infinity, NaN, denormals in float32', () => {
    const x = new Float32Array([0, -0, Infinity, -Infinity, NaN, -88.8, -100, -104]);
    const out = new Float32Array(x.length);
    sigmoidForward(x, out, x.length);
    expect(Array.from(out.subarray(0, 4))).toEqual([0.5, 0.5, 1, 0]);
    expect(out[4]).toBeNaN();
    // σ(−88.8) ≈ 3.0e−39 and σ(−100) ≈ 3.7e−44 are below float32's smallest normal (1.18e−38)
    expect(out[5]).toBe(Math.fround(Math.exp(Math.fround(-88.8))));
    expect(out[5]! > 0 && out[5]! < 1.1754943508222875e-38).toBe(true);
    expect(out[6]).toBe(Math.fround(Math.exp(-100)));
    expect(out[7]).toBe(0);
  });

  it('writes only the first n elements, and sigmoidScalar is the same function', () => {
    const out = new Float64Array([7, 7, 7]);
    sigmoidForward(new Float64Array([0, 0, 0]), out, 2);
    expect(Array.from(out)).toEqual([0.5, 0.5, 7]);
    expect(sigmoidScalar(-3)).toBe(previousSigmoid(-3));
    expect(jsBackend).toHaveProperty('sigmoidForward', sigmoidForward);
  });
});

describe('sigmoidBackward', () => {
  it('equals the previous formulas bit for bit: float32 rounded after each op, float64 plain', () => {
    const xs = inputs(20000);
    let s = 99;
    const gs = xs.map(() => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return (s / 4294967296) * 8 - 4;
    });
    const y64 = Float64Array.from(xs, previousSigmoid);
    const g64 = Float64Array.from(gs);
    const out64 = new Float64Array(xs.length);
    sigmoidBackward(g64, y64, out64, xs.length);
    expectSame(out64, Array.from(y64, (y, i) => previousBackward64(g64[i]!, y)));
    const y32 = Float32Array.from(y64);
    const g32 = Float32Array.from(gs);
    const out32 = new Float32Array(xs.length);
    sigmoidBackward(g32, y32, out32, xs.length);
    expectSame(out32, Array.from(y32, (y, i) => previousBackward32(g32[i]!, y)));
    expect(jsBackend).toHaveProperty('sigmoidBackward', sigmoidBackward);
  });

  it('propagates NaN and keeps signed zeros: (g·(1−y))·y', () => {
    const g = new Float32Array([1, NaN, -2, 3, 1]);
    const y = new Float32Array([0.5, 0.5, 1, 0, NaN]);
    const out = new Float32Array(5);
    sigmoidBackward(g, y, out, 5);
    expect(out[0]).toBe(0.25);
    expect(out[1]).toBeNaN();
    expect(Object.is(out[2], -0)).toBe(true);
    expect(Object.is(out[3], 0)).toBe(true);
    expect(out[4]).toBeNaN();
  });
});
