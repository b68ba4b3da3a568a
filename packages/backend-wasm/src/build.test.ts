/**
 * Loading: which build is chosen (relaxed SIMD when WebAssembly.validate accepts it, else plain
 * SIMD), initWasmBackend, and the memory model (grows on demand, reused across calls, never grows
 * for a repeated call).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getBackend, jsBackend, setBackend, type Conv2dGeometry } from '@torchlet/ndarray';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWasmBackend, initWasmBackend, isBuildSupported, selectBuild } from './index.js';
import { wasmBytes } from './module.js';
import { abs, expectClose, randArray, rng } from './test-helpers.js';

const nodeMajor = Number(process.versions.node.split('.')[0]);
const packageRoot = fileURLToPath(new URL('../', import.meta.url));

/** Runs an ES module snippet in a fresh `node` (with `flags`) from the package root; returns its stdout. */
function node(flags: string[], code: string): string {
  return execFileSync(process.execPath, [...flags, '--input-type=module', '-e', code], { cwd: packageRoot, encoding: 'utf8' }).trim();
}

/** Makes WebAssembly.validate reject the relaxed-SIMD build (and, with `simd: false`, the plain one too). */
function withoutRelaxedSimd(simd = true): void {
  const validate = WebAssembly.validate.bind(WebAssembly);
  vi.spyOn(WebAssembly, 'validate').mockImplementation((bytes) => {
    if (bytes === wasmBytes('relaxed-simd')) return false;
    if (bytes === wasmBytes('simd')) return simd;
    return validate(bytes);
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('choosing the build', () => {
  it('auto takes relaxed SIMD when it validates (this test run starts node with --experimental-wasm-relaxed-simd)', async () => {
    expect(isBuildSupported('simd')).toBe(true);
    expect(isBuildSupported('relaxed-simd')).toBe(true);
    expect(selectBuild()).toBe('relaxed-simd');
    expect((await createWasmBackend()).build).toBe('relaxed-simd');
  });

  it('falls back to plain SIMD when WebAssembly.validate rejects relaxed SIMD', async () => {
    withoutRelaxedSimd();
    expect(isBuildSupported('relaxed-simd')).toBe(false);
    expect(selectBuild('auto')).toBe('simd');
    const wasm = await createWasmBackend();
    expect(wasm.build).toBe('simd');
    // and it computes
    const c = new Float32Array(4);
    wasm.gemm(false, false, 2, 2, 2, 1, Float32Array.of(1, 2, 3, 4), 0, 2, Float32Array.of(5, 6, 7, 8), 0, 2, 0, c, 0, 2);
    expect([...c]).toEqual([19, 22, 43, 50]);
  });

  it('forcing relaxed SIMD where it is unsupported throws, naming the Node flag', async () => {
    withoutRelaxedSimd();
    await expect(createWasmBackend({ build: 'relaxed-simd' })).rejects.toThrow(/--experimental-wasm-relaxed-simd/);
  });

  it('without any SIMD support it throws (the caller keeps the pure-TypeScript backend)', async () => {
    withoutRelaxedSimd(false);
    await expect(createWasmBackend()).rejects.toThrow(/does not support WebAssembly SIMD/);
  });

  it('forcing plain SIMD gives plain SIMD even where relaxed SIMD is available', async () => {
    expect((await createWasmBackend({ build: 'simd' })).build).toBe('simd');
  });

  it('rejects an unknown build name', () => {
    expect(() => selectBuild('avx' as 'simd')).toThrow(/unknown build "avx"/);
  });

  it(`in a real node ${process.versions.node}: the relaxed build validates only with --experimental-wasm-relaxed-simd (or on Node ≥ 22)`, () => {
    const code = `import { readFileSync } from 'node:fs';
      console.log(['simd', 'relaxed-simd'].map((b) => WebAssembly.validate(readFileSync('src/generated/kernels-' + b + '.wasm'))).join(' '));`;
    expect(node([], code)).toBe(`true ${nodeMajor >= 22}`);
    expect(node(['--experimental-wasm-relaxed-simd'], code)).toBe('true true');
  });

  it('the built package (dist/, made by `pnpm build`) picks its build by itself in a real node', () => {
    const code = `import { createWasmBackend } from './dist/index.js'; console.log((await createWasmBackend()).build);`;
    expect(node([], code)).toBe(nodeMajor >= 22 ? 'relaxed-simd' : 'simd');
    expect(node(['--experimental-wasm-relaxed-simd'], code)).toBe('relaxed-simd');
  });
});

describe('initWasmBackend', () => {
  it('installs the backend and returns the previous one', async () => {
    const before = getBackend();
    const { backend, previous } = await initWasmBackend({ build: 'simd' });
    try {
      expect(previous).toBe(before);
      expect(getBackend()).toBe(backend);
      expect(backend.name).toBe('wasm');
    } finally {
      setBackend(previous);
    }
    expect(getBackend()).toBe(before);
  });
});

describe('memory', () => {
  const conv = (n: number): Conv2dGeometry => ({
    batch: n, inChannels: 8, inHeight: 20, inWidth: 20, outChannels: 8, outHeight: 20, outWidth: 20,
    kernelHeight: 3, kernelWidth: 3, strideH: 1, strideW: 1, padTop: 1, padLeft: 1, dilationH: 1, dilationW: 1, groups: 1,
  });

  function runConv(wasm: Awaited<ReturnType<typeof createWasmBackend>>, g: Conv2dGeometry, seed: number): void {
    const r = rng(seed);
    const x = randArray(r, g.batch * 8 * 400);
    const w = randArray(r, 8 * 8 * 9);
    const expected = new Float32Array(g.batch * 8 * 400);
    const bound = new Float32Array(expected.length);
    const actual = new Float32Array(expected.length);
    jsBackend.conv2dForward(g, x, w, null, expected);
    jsBackend.conv2dForward(g, abs(x), abs(w), null, bound);
    wasm.conv2dForward(g, x, w, null, actual);
    expectClose(`conv batch ${g.batch}`, actual, expected, bound);
  }

  it('grows on demand (correct results across a growth) and never grows for repeated calls', async () => {
    const wasm = await createWasmBackend({ initialMemoryBytes: 0 });
    expect(wasm.memoryBytes).toBe(65536);
    runConv(wasm, conv(1), 1);
    const afterOne = wasm.memoryBytes;
    expect(afterOne).toBeGreaterThan(65536);
    for (let i = 0; i < 20; i++) runConv(wasm, conv(1), 2 + i);
    expect(wasm.memoryBytes).toBe(afterOne);
    runConv(wasm, conv(6), 30); // a bigger call grows the memory...
    const afterBig = wasm.memoryBytes;
    expect(afterBig).toBeGreaterThan(afterOne);
    runConv(wasm, conv(1), 31); // ...which then serves the smaller ones
    for (let i = 0; i < 10; i++) runConv(wasm, conv(6), 40 + i);
    expect(wasm.memoryBytes).toBe(afterBig);
  });

  it('backends are independent: each owns its memory', async () => {
    const a = await createWasmBackend({ build: 'simd', initialMemoryBytes: 0 });
    const b = await createWasmBackend({ build: 'simd', initialMemoryBytes: 0 });
    runConv(a, conv(6), 1);
    runConv(b, conv(1), 2);
    expect(a.memoryBytes).toBeGreaterThan(b.memoryBytes);
  });

  it('rejects a bad initialMemoryBytes', async () => {
    await expect(createWasmBackend({ initialMemoryBytes: -1 })).rejects.toThrow(RangeError);
  });
});
