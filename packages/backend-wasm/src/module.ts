/**
 * The two builds of the kernels (shipped inside this package as base64, see
 * `scripts/build-wasm.mjs`), and the load-time choice between them.
 */
import { relaxedSimd, relaxedSimdThreads, simd, simdThreads } from './generated/kernels.js';

/**
 * Which build of the kernels runs: `'relaxed-simd'` (every multiply-add of the GEMM micro-kernel is
 * one `f32x4.relaxed_madd`, a fused multiply-add on hardware that has one) or `'simd'` (plain
 * WebAssembly SIMD: `f32x4.mul` + `f32x4.add`).
 */
export type WasmBuild = 'relaxed-simd' | 'simd';

/** The exports of asm/kernels.ts (pointers are byte offsets into the imported memory; plain functions, no `this`). */
export interface KernelExports {
  heapBase: () => number;
  isRelaxed: () => number;
  sgemmWorkBytes: (m: number, n: number, k: number) => number;
  sgemm: (
    transA: number, transB: number, m: number, n: number, k: number, alpha: number,
    a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number, work: number,
  ) => void;
  setConvGeometry: (
    batch: number, inChannels: number, inHeight: number, inWidth: number, outChannels: number, outHeight: number, outWidth: number,
    kernelHeight: number, kernelWidth: number, strideH: number, strideW: number, padTop: number, padLeft: number,
    dilationH: number, dilationW: number, groups: number,
  ) => void;
  convAlgorithm: (which: number, prefer: number) => number;
  convWorkBytes: (which: number, cols: number, algo: number) => number;
  conv2dForward: (input: number, weight: number, bias: number, out: number, work: number, item0: number, item1: number, algo: number) => void;
  conv2dBackwardInput: (gradOut: number, weight: number, gradInput: number, work: number, item0: number, item1: number, algo: number) => void;
  conv2dBackwardWeight: (input: number, gradOut: number, gradWeight: number, work: number, col0: number, col1: number) => void;
  weightChunks: () => number;
  conv2dBackwardWeightChunks: (input: number, gradOut: number, partials: number, work: number, chunk0: number, chunk1: number, algo: number) => void;
  sumWeightChunks: (partials: number, gradWeight: number) => void;
  allFiniteF32: (p: number, n: number) => number;
  convBiasGradient: (gradOut: number, gradBias: number) => void;
  setPoolGeometry: (
    planes: number, inHeight: number, inWidth: number, outHeight: number, outWidth: number, kernelHeight: number, kernelWidth: number,
    strideH: number, strideW: number, padH: number, padW: number, dilationH: number, dilationW: number,
  ) => void;
  poolWorkBytes: () => number;
  maxPool2dForward: (input: number, out: number, indices: number, work: number) => void;
  maxPool2dBackward: (gradOut: number, indices: number, gradInput: number) => void;
  avgPool2dForward: (countIncludePad: number, hasOverride: number, divisorOverride: number, input: number, out: number, work: number) => void;
  avgPool2dBackward: (countIncludePad: number, hasOverride: number, divisorOverride: number, gradOut: number, gradInput: number, work: number) => void;
  sigmoidForward: (input: number, out: number, n: number) => void;
  sigmoidBackward: (grad: number, output: number, out: number, n: number) => void;
}

const decoded = new Map<string, Uint8Array>();

/** Base64 → bytes with `atob` (a global in Node ≥ 16 and every browser), so no Buffer is needed. */
function fromBase64(text: string): Uint8Array {
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/**
 * The WebAssembly module of one build (decoded once, then cached); `shared`: the variant that
 * imports a shared memory (for worker threads; compiled with `--enable threads --sharedMemory`).
 */
export function wasmBytes(build: WasmBuild, shared = false): Uint8Array {
  const key = `${build}${shared ? '-threads' : ''}`;
  let bytes = decoded.get(key);
  if (!bytes) {
    bytes = fromBase64(build === 'simd' ? (shared ? simdThreads : simd) : shared ? relaxedSimdThreads : relaxedSimd);
    decoded.set(key, bytes);
  }
  return bytes;
}

/**
 * Whether this engine accepts the given build: `WebAssembly.validate` on its bytes. The
 * relaxed-SIMD build validates in Chrome/Edge ≥ 114, Node ≥ 22 (V8 ≥ 11.4) and Node 20 started with
 * `--experimental-wasm-relaxed-simd`; the plain-SIMD build in every current engine (Node ≥ 16.4,
 * Chrome ≥ 91, Firefox ≥ 89, Safari ≥ 16.4).
 * @example
 * ```ts
 * import { isBuildSupported } from '@torchlet/backend-wasm';
 * console.log(isBuildSupported('relaxed-simd')); // false on Node 20 without the flag
 * ```
 */
export function isBuildSupported(build: WasmBuild): boolean {
  return WebAssembly.validate(wasmBytes(build) as BufferSource);
}

/**
 * The build `createWasmBackend` loads for a preference: `'auto'` picks `'relaxed-simd'` when
 * `WebAssembly.validate` accepts it, else `'simd'`. Throws when the chosen (or forced) build is
 * not supported by this engine.
 */
export function selectBuild(preference: WasmBuild | 'auto' = 'auto'): WasmBuild {
  if (preference !== 'auto' && preference !== 'simd' && preference !== 'relaxed-simd') {
    throw new TypeError(`@torchlet/backend-wasm: unknown build ${JSON.stringify(preference)}; expected 'auto', 'relaxed-simd' or 'simd'`);
  }
  if (preference === 'relaxed-simd') {
    if (!isBuildSupported('relaxed-simd')) {
      throw new Error(
        '@torchlet/backend-wasm: this engine does not support WebAssembly relaxed SIMD (on Node 20, start node with --experimental-wasm-relaxed-simd); use the plain SIMD build (build: "simd" or "auto")',
      );
    }
    return 'relaxed-simd';
  }
  if (preference === 'auto' && isBuildSupported('relaxed-simd')) return 'relaxed-simd';
  if (!isBuildSupported('simd')) {
    throw new Error('@torchlet/backend-wasm: this engine does not support WebAssembly SIMD (fixed-width, 128-bit); keep the default pure-TypeScript backend');
  }
  return 'simd';
}

/** Compiles one build (asynchronously: no main-thread compile-size limit in browsers). */
export function compile(build: WasmBuild, shared: boolean): Promise<WebAssembly.Module> {
  return WebAssembly.compile(wasmBytes(build, shared) as BufferSource);
}

/** Instantiates a compiled build over `memory` (shared iff the module was compiled for it). */
export async function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<KernelExports> {
  const instance = await WebAssembly.instantiate(module, {
    env: {
      memory,
      abort: () => {
        throw new Error('@torchlet/backend-wasm: abort in a WebAssembly kernel');
      },
    },
  });
  return instance.exports as unknown as KernelExports;
}
