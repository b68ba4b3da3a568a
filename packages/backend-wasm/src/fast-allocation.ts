/**
 * Small typed arrays on Node. Every op allocates its output as a typed array, and a buffer too big
 * for V8's heap (over 64 bytes) gets a backing store that V8's ArrayBuffer sweeper frees once it
 * is dead. By default that sweeping runs concurrently, on a background thread. Measured on Node 20
 * (V8 11.3) on our 2-core test machine, allocating a 42-float `Float32Array` then costs 1.8–3.6 µs,
 * against 0.26 µs with the sweeping on the main thread (`--no-concurrent-array-buffer-sweeping`).
 * That alone is most of a textbook-sized convolution through the autograd API (3.3 µs → 1.4 µs).
 * Big training steps do not notice either way: they allocate few, large arrays.
 * V8 reads the flag at each collection, so setting it at run time takes effect at once.
 *
 * Big arrays meet glibc's malloc instead. It maps a block above its mmap threshold (128 KiB at
 * first) afresh from the kernel, page by page on first touch, and it returns free memory at the top
 * of its heap to the kernel beyond twice that threshold. The threshold rises to the size of the
 * largest mapped block freed so far, up to 32 MiB (mallopt(3), "dynamic mmap threshold"). Freeing
 * one block of nearly 32 MiB at the start therefore has later blocks up to that size recycled in
 * the heap instead. Measured on a LeNet-5 training step at batch 256 (4.8 MB activations): 74–263
 * page faults and 1.1–2.7 ms of kernel time per step before, 16–25 faults and 0.2–0.7 ms after.
 */
import { setV8Flag } from './v8-flag.js';

/** Just under 32 MiB, glibc's largest dynamic mmap threshold, with room for its chunk header. */
const PRIME_BYTES = 32 * 1024 * 1024 - 64 * 1024;

/** Set once the priming buffer has been allocated (it is dropped at once; one is enough). */
let primed: number | undefined;

/**
 * Makes typed arrays cheaper to allocate on Node: sets V8's `--no-concurrent-array-buffer-sweeping`
 * flag (process-wide; the same as starting node with it), so dead buffers are freed on the main
 * thread during collections instead of on a helper thread; and on Linux allocates and drops one
 * buffer of nearly 32 MiB, which (once collected) raises glibc's dynamic mmap threshold so that
 * big arrays are recycled rather than mapped and faulted in anew each time (see this file's
 * header). The `torchlet` umbrella calls it when it loads. Outside Node it does nothing. Resolves
 * to whether the flag was set; never rejects.
 * @example
 * ```ts
 * import { enableFastAllocation } from '@torchlet/backend-wasm';
 * await enableFastAllocation(); // true on Node
 * ```
 */
export async function enableFastAllocation(): Promise<boolean> {
  if (!(await setV8Flag('--no-concurrent-array-buffer-sweeping'))) return false;
  if ((globalThis as { process?: { platform?: string } }).process?.platform === 'linux') {
    // never touched, so never faulted in: the block only has to be mapped and, at the next
    // collection, freed
    primed ??= new ArrayBuffer(PRIME_BYTES).byteLength;
  }
  return true;
}
