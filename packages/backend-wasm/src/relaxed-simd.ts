/**
 * Relaxed SIMD on Node 20. Its V8 (11.3) implements WebAssembly relaxed SIMD behind a flag; Node
 * ≥ 22 and current browsers have it on. The relaxed build's micro-kernels use fused multiply-adds
 * (`f32x4.relaxed_madd`): convolutions about 1.5× as fast as the plain-SIMD build's on an x86-64
 * with FMA.
 * V8 reads its wasm feature flags when it validates or compiles a module, so setting the flag at
 * run time, before the first compile, is enough (no restart with a command-line flag).
 */
import { isBuildSupported } from './module.js';
import { setV8Flag } from './v8-flag.js';

/**
 * Makes the relaxed-SIMD build available where it can be: when this engine does not validate it
 * and runs in Node, sets V8's `--experimental-wasm-relaxed-simd` flag (process-wide; the same as
 * starting node with it). Call it before {@link createWasmBackend} (the `torchlet` umbrella does).
 * Resolves to whether the relaxed build is supported now; never rejects.
 * @example
 * ```ts
 * import { createWasmBackend, enableRelaxedSimd } from '@torchlet/backend-wasm';
 * await enableRelaxedSimd(); // true on Node ≥ 20 and in current browsers
 * const wasm = await createWasmBackend(); // build: 'relaxed-simd' where supported
 * ```
 */
export async function enableRelaxedSimd(): Promise<boolean> {
  if (isBuildSupported('relaxed-simd')) return true;
  return (await setV8Flag('--experimental-wasm-relaxed-simd')) && isBuildSupported('relaxed-simd');
}
