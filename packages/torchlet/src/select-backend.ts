/**
 * Loading `torchlet` starts switching every op to the WebAssembly SIMD kernels
 * (@torchlet/backend-wasm), an order of magnitude faster than the pure-TypeScript ones. The switch
 * completes asynchronously (WebAssembly compiles off the main thread); `await torch.ready` before
 * computing, as with `tf.ready()` in TensorFlow.js, so that every op of a run uses the same kernels.
 * Where WebAssembly SIMD is missing, torchlet stays on the TypeScript backend. On Node 20 it first
 * turns on V8's relaxed-SIMD support (`enableRelaxedSimd`: the flag `--experimental-wasm-relaxed-simd`,
 * process-wide), whose fused multiply-adds make the convolutions about 1.5× as fast; Node ≥ 22 and
 * current browsers have it already. On Node it also has dead typed arrays freed on the main thread
 * (`enableFastAllocation`: the flag `--no-concurrent-array-buffer-sweeping`, process-wide), which
 * makes every small tensor several times cheaper to allocate.
 * `@torchlet/ndarray` alone never switches.
 *
 * (No top-level await here: it would make `require('torchlet')` fail on Node 20.)
 */
import { enableFastAllocation, enableRelaxedSimd, initWasmBackend, type WasmBackend } from '@torchlet/backend-wasm';

/**
 * Resolves once torchlet has chosen its backend: the WebAssembly backend it installed, or null
 * when it stayed on TypeScript. Never rejects.
 * @example
 * ```ts
 * import * as torch from 'torchlet';
 * const wasm = await torch.ready;
 * await wasm?.setNumThreads('auto'); // use every core for the big calls
 * ```
 */
export const ready: Promise<WasmBackend | null> = Promise.all([enableFastAllocation(), enableRelaxedSimd()]).then(() => initWasmBackend()).then(
  (r) => r.backend,
  () => null, // no WebAssembly SIMD here (old engine, or instantiation refused): the default stays
);
