/**
 * Small typed arrays on Node. Every op allocates its output as a typed array, and a buffer too big
 * for V8's heap (over 64 bytes) gets a backing store that V8's ArrayBuffer sweeper frees once it
 * is dead. By default that sweeping runs concurrently, on a background thread. Measured on Node 20
 * (V8 11.3) on our 2-core test machine, allocating a 42-float `Float32Array` then costs 1.8–3.6 µs,
 * against 0.26 µs with the sweeping on the main thread (`--no-concurrent-array-buffer-sweeping`).
 * That alone is most of a textbook-sized convolution through the autograd API (3.3 µs → 1.4 µs).
 * Big training steps do not notice either way: they allocate few, large arrays.
 * V8 reads the flag at each collection, so setting it at run time takes effect at once.
 */
import { nodeBuiltin } from './threads.js';

/**
 * Makes small typed arrays cheap to allocate on Node: sets V8's
 * `--no-concurrent-array-buffer-sweeping` flag (process-wide; the same as starting node with it),
 * so dead buffers are freed on the main thread during collections instead of on a helper thread.
 * The `torchlet` umbrella calls it when it loads. Outside Node it does nothing. Resolves to whether
 * the flag was set; never rejects.
 * @example
 * ```ts
 * import { enableFastAllocation } from '@torchlet/backend-wasm';
 * await enableFastAllocation(); // true on Node
 * ```
 */
export async function enableFastAllocation(): Promise<boolean> {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (!proc?.versions?.node) return false;
  try {
    const v8 = await nodeBuiltin<{ setFlagsFromString(flags: string): void }>('node:v8');
    v8.setFlagsFromString('--no-concurrent-array-buffer-sweeping');
    return true;
  } catch {
    return false;
  }
}
