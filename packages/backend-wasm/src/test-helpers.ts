/**
 * Shared by the tests (not exported by the package): seeded random data, the builds this engine
 * runs, and the comparison against the pure-TypeScript jsBackend.
 */
import type { Conv2dGeometry } from '@torchlet/ndarray';
import { expect } from 'vitest';
import { createWasmBackend, type WasmBackend } from './backend.js';
import { isBuildSupported, type WasmBuild } from './module.js';

/** A xorshift32 generator of floats in [0, 1): deterministic, so that a failing case is reproducible. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** An integer in [lo, hi]. */
export function int(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

/** `n` floats in [-1, 1). */
export function randArray(r: () => number, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = 2 * r() - 1;
  return a;
}

export function abs(a: Float32Array): Float32Array {
  return a.map(Math.abs);
}

/**
 * The builds this engine runs: always 'simd'; 'relaxed-simd' too when it validates (in this
 * package's vitest run, always: vitest.config.ts starts Node 20 with --experimental-wasm-relaxed-simd).
 */
export const builds: WasmBuild[] = isBuildSupported('relaxed-simd') ? ['simd', 'relaxed-simd'] : ['simd'];

const cache = new Map<string, Promise<WasmBackend>>();

/** One backend per build (and conv algorithm), shared by the tests of a file. */
export function backendFor(build: WasmBuild, convAlgorithm: 'auto' | 'im2col' | 'direct' | 'winograd' = 'auto'): Promise<WasmBackend> {
  const key = `${build} ${convAlgorithm}`;
  let b = cache.get(key);
  if (!b) {
    b = createWasmBackend({ build, convAlgorithm });
    cache.set(key, b);
  }
  return b;
}

/**
 * `|actual − expected| ≤ rtol · bound + atol` element-wise, where `bound` is the same computation on
 * the absolute values of the operands (Σ|a·b|): the scale float32 rounding errors are relative to.
 */
export function expectClose(what: string, actual: Float32Array, expected: Float32Array, bound: Float32Array, rtol = 3e-5, atol = 1e-6): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!);
    if (!(err <= rtol * bound[i]! + atol)) {
      expect.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]} (bound ${bound[i]})`);
    }
  }
}

/** Bit-for-bit equality (NaN equals NaN, 0 differs from −0). */
export function expectSameBits(what: string, actual: Float32Array | Int32Array, expected: Float32Array | Int32Array): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

/** A conv geometry the ops could produce (output size from the padded input), with independent bottom/right padding. */
export function convGeometry(
  g: Omit<Conv2dGeometry, 'outHeight' | 'outWidth'> & { padBottom?: number; padRight?: number },
): Conv2dGeometry {
  const { padBottom = g.padTop, padRight = g.padLeft, ...rest } = g;
  const outHeight = Math.floor((g.inHeight + g.padTop + padBottom - g.dilationH * (g.kernelHeight - 1) - 1) / g.strideH) + 1;
  const outWidth = Math.floor((g.inWidth + g.padLeft + padRight - g.dilationW * (g.kernelWidth - 1) - 1) / g.strideW) + 1;
  return { ...rest, outHeight: Math.max(0, outHeight), outWidth: Math.max(0, outWidth) };
}

/** A random conv geometry: stride, padding (asymmetric output), dilation, groups, depthwise, 1×1. */
export function randomConvGeometry(r: () => number): Conv2dGeometry {
  for (;;) {
    const kind = r();
    let groups: number;
    let cg: number;
    let og: number;
    if (kind < 0.2) {
      // depthwise (channel multiplier 1 or 2)
      groups = int(r, 1, 6);
      cg = 1;
      og = int(r, 1, 2);
    } else {
      groups = [1, 1, 1, 2, 3][int(r, 0, 4)]!;
      cg = int(r, 1, 5);
      og = int(r, 1, 5);
    }
    const pointwise = r() < 0.15;
    const kh = pointwise ? 1 : int(r, 1, 4);
    const kw = pointwise ? 1 : int(r, 1, 4);
    const g = convGeometry({
      batch: int(r, 1, 3),
      inChannels: groups * cg,
      inHeight: int(r, 1, 13),
      inWidth: int(r, 1, 13),
      outChannels: groups * og,
      kernelHeight: kh,
      kernelWidth: kw,
      strideH: pointwise && r() < 0.5 ? 1 : int(r, 1, 3),
      strideW: pointwise && r() < 0.5 ? 1 : int(r, 1, 3),
      padTop: pointwise && r() < 0.5 ? 0 : int(r, 0, 3),
      padLeft: pointwise && r() < 0.5 ? 0 : int(r, 0, 3),
      padBottom: int(r, 0, 3),
      padRight: int(r, 0, 3),
      dilationH: int(r, 1, 3),
      dilationW: int(r, 1, 3),
      groups,
    });
    if (g.outHeight >= 1 && g.outWidth >= 1) return g;
  }
}
