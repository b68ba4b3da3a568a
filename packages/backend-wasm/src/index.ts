/**
 * @torchlet/backend-wasm — WebAssembly SIMD kernels for torchlet: a packed-panel GEMM, conv2d
 * forward and both backward passes (direct or im2col/col2im + GEMM, every stride/padding/dilation/groups),
 * max and average pooling. Plugged in with `setBackend` of @torchlet/ndarray, so every op (and
 * autograd, and training) uses it without other changes.
 *
 * @example
 * ```ts
 * import { initWasmBackend } from '@torchlet/backend-wasm';
 * await initWasmBackend(); // every op of @torchlet/ndarray now runs its kernels in WebAssembly
 * ```
 * @packageDocumentation
 */
import { setBackend, type Backend } from '@torchlet/ndarray';
import { createWasmBackend, type WasmBackend, type WasmBackendOptions } from './backend.js';

export { createWasmBackend, type WasmBackend, type WasmBackendOptions } from './backend.js';
export { isBuildSupported, selectBuild, type WasmBuild } from './module.js';
export { enableFastAllocation } from './fast-allocation.js';
export { enableRelaxedSimd } from './relaxed-simd.js';

/** What {@link initWasmBackend} returns: the installed backend and the one it replaced. */
export interface InitWasmBackendResult {
  /** The WebAssembly backend, now the current backend. */
  backend: WasmBackend;
  /** The backend that was current before (to restore it with `setBackend(previous)`). */
  previous: Backend;
}

/**
 * {@link createWasmBackend}, then `setBackend` with it: from then on every op of
 * @torchlet/ndarray (and so @torchlet/autograd and @torchlet/nn) computes in WebAssembly.
 * @example
 * ```ts
 * import { initWasmBackend } from '@torchlet/backend-wasm';
 * import { setBackend } from '@torchlet/ndarray';
 * const { backend, previous } = await initWasmBackend();
 * console.log(backend.build);
 * setBackend(previous); // back to the pure-TypeScript kernels
 * ```
 */
export async function initWasmBackend(options: WasmBackendOptions = {}): Promise<InitWasmBackendResult> {
  const backend = await createWasmBackend(options);
  const previous = setBackend(backend);
  return { backend, previous };
}
