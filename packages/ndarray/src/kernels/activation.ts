/**
 * Activation kernels of the pure-TypeScript backend: the logistic function σ and its gradient
 * (per the `Backend` contract). They sit behind the seam because a small CNN's training step runs
 * them over every activation, twice: the WebAssembly backend replaces them with SIMD loops.
 * Kernels only compute: the ops (`ops/elementwise.ts`, `ops/activation-backward.ts`) validate.
 */

import type { FloatArray } from '../backend.js';

/**
 * σ(x) = 1 / (1 + e⁻ˣ) in float64 with one exp: e = e^(−|x|) ≤ 1 never overflows, and
 * σ(x) = 1/(1+e) for x ≥ 0, e/(1+e) below (NaN gives NaN).
 * @example
 * ```ts
 * sigmoidScalar(0); // 0.5
 * ```
 */
export function sigmoidScalar(x: number): number {
  const e = Math.exp(x >= 0 ? -x : x);
  return x >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/**
 * `out[i] = σ(input[i])` for `i < n`, computed in float64 ({@link sigmoidScalar}) and rounded once
 * into `out` (so a float32 result is the float64 value correctly rounded, up to exp's error).
 * @example
 * ```ts
 * const out = new Float32Array(1);
 * sigmoidForward(new Float32Array([0]), out, 1); // out[0] === 0.5
 * ```
 */
export function sigmoidForward(input: FloatArray, out: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) out[i] = sigmoidScalar(input[i]!);
}

/**
 * `out[i] = grad[i] · (1 − output[i]) · output[i]` for `i < n`, the gradient of σ from its output
 * (PyTorch's `sigmoid_backward`, `(g·(1−y))·y`). Float32 storage rounds after every operation, in
 * that order, so the result is what float32 arithmetic gives (float64 carries more than twice
 * float32's precision, so rounding a float64 difference or product of two float32 values to float32
 * gives the correctly rounded float32 result: no double-rounding error).
 * @example
 * ```ts
 * const out = new Float32Array(1);
 * sigmoidBackward(new Float32Array([1]), new Float32Array([0.5]), out, 1); // out[0] === 0.25
 * ```
 */
export function sigmoidBackward(grad: FloatArray, output: FloatArray, out: FloatArray, n: number): void {
  // the branch is hoisted out of the loop so that each loop stays monomorphic
  if (out instanceof Float32Array) {
    for (let i = 0; i < n; i++) {
      const y = output[i]!;
      out[i] = Math.fround(grad[i]! * Math.fround(1 - y)) * y;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const y = output[i]!;
      out[i] = grad[i]! * (1 - y) * y;
    }
  }
}
