/**
 * Loading `torchlet` switches every op to the WebAssembly SIMD kernels (@torchlet/backend-wasm),
 * which are an order of magnitude faster than the pure-TypeScript ones. Where WebAssembly SIMD is
 * missing, torchlet stays on the TypeScript backend. `@torchlet/ndarray` alone never does this.
 */
import { initWasmBackend, type WasmBackend } from '@torchlet/backend-wasm';

async function select(): Promise<WasmBackend | null> {
  try {
    return (await initWasmBackend()).backend;
  } catch {
    // no WebAssembly SIMD here (old engine, or instantiation refused): the default backend stays
    return null;
  }
}

/** The WebAssembly backend torchlet installed when it loaded, or null when it stayed on TypeScript. */
export const wasmBackend: WasmBackend | null = await select();
