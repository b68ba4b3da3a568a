/**
 * Activations beyond autograd's relu / sigmoid / tanh: leaky ReLU and GELU composed from
 * differentiable ops, and softplus as a primitive (its forward needs `log1p`, its backward is σ).
 */
import { add, erf, gt, mul, sigmoid, tanh, Tensor, where } from '@torchlet/autograd';
import * as nd from '@torchlet/ndarray';
import { checkFinite, checkFloat, record } from './primitive.js';

/**
 * Leaky ReLU (PyTorch's `F.leaky_relu`): `x` where `x > 0`, else `negativeSlope·x`.
 * The gradient is 1 for `x > 0` and `negativeSlope` otherwise (also at exactly 0, as in PyTorch).
 *
 * @param x - any float tensor
 * @param negativeSlope - slope for `x ≤ 0` (default 0.01); any finite number
 * @throws TypeError when `x` is not a float tensor; RangeError when `negativeSlope` is not finite
 * @example
 * ```ts
 * leakyRelu(tensor([-2, 0, 3]), 0.1).toArray(); // [-0.2, 0, 3]
 * ```
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  checkFloat('leakyRelu', 'input', x);
  checkFinite('leakyRelu', 'negativeSlope', negativeSlope);
  return where(gt(x, 0), x, mul(x, negativeSlope));
}

/** Options of {@link gelu}. */
export interface GeluOptions {
  /** `'none'` (default): the exact `x·Φ(x)`; `'tanh'`: the tanh approximation. */
  approximate?: 'none' | 'tanh' | undefined;
}

const SQRT_HALF = Math.SQRT1_2;
/** √(2/π). */
const SQRT_2_OVER_PI = 0.7978845608028654;

/**
 * The Gaussian error linear unit (PyTorch's `F.gelu`), `x·Φ(x)` with Φ the standard normal CDF:
 *
 * - `approximate: 'none'` (default): `0.5·x·(1 + erf(x/√2))`;
 * - `approximate: 'tanh'`: `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
 *
 * Composed from differentiable ops (erf, tanh), so gradients of any order are exact.
 *
 * @throws TypeError when `x` is not a float tensor; RangeError for another `approximate`
 * @example
 * ```ts
 * gelu(tensor([-1, 0, 1])).toArray();                       // [-0.15865525, 0, 0.8413447]
 * gelu(tensor([1]), { approximate: 'tanh' }).item();        // 0.8411920070648193
 * ```
 */
export function gelu(x: Tensor, options: GeluOptions = {}): Tensor {
  checkFloat('gelu', 'input', x);
  const approximate = options.approximate ?? 'none';
  if (approximate === 'none') return mul(mul(x, 0.5), add(erf(mul(x, SQRT_HALF)), 1));
  if (approximate === 'tanh') {
    const inner = mul(add(x, mul(mul(x, mul(x, x)), 0.044715)), SQRT_2_OVER_PI);
    return mul(mul(x, 0.5), add(tanh(inner), 1));
  }
  throw new RangeError(`gelu: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
}

/** Options of {@link softplus}. */
export interface SoftplusOptions {
  /** The sharpness β (default 1); a finite non-zero number. */
  beta?: number | undefined;
  /** Above `β·x > threshold` the result is `x` itself (default 20), as in PyTorch. */
  threshold?: number | undefined;
}

/** `log(1 + e^z)` without overflow or loss of precision for any z. */
function log1pExp(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/**
 * Softplus (PyTorch's `F.softplus`): `log(1 + e^(β·x))/β`, a smooth ReLU; where `β·x > threshold`
 * it returns `x` (linear, to avoid pointless work and overflow). Computed without overflow or
 * cancellation for any `x` (the tail `e^(β·x)/β` is kept for very negative inputs).
 * ∂/∂x = σ(β·x), or 1 where thresholded. A primitive: one pass forward, one backward.
 *
 * @throws TypeError when `x` is not a float tensor; RangeError when `beta` is 0 or not finite,
 * or `threshold` is NaN
 * @example
 * ```ts
 * softplus(tensor([-1, 0, 1])).toArray(); // [0.3132617, 0.6931472, 1.3132616]
 * softplus(tensor([30])).item();          // 30 (beyond the threshold)
 * ```
 */
export function softplus(x: Tensor, options: SoftplusOptions = {}): Tensor {
  checkFloat('softplus', 'input', x);
  const beta = checkFinite('softplus', 'beta', options.beta ?? 1);
  if (beta === 0) throw new RangeError('softplus: beta must be non-zero, got 0');
  const threshold = options.threshold ?? 20;
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw new RangeError(`softplus: threshold must be a number, got ${String(threshold)}`);
  return softplusPrimitive(x, beta, threshold);
}

/** Softplus with validated arguments (also used by binaryCrossEntropyWithLogits, with threshold ∞). */
export function softplusPrimitive(x: Tensor, beta: number, threshold: number): Tensor {
  const out = nd.mapUnary('softplus', x.data, (v) => (beta * v > threshold ? v : log1pExp(beta * v) / beta), x.dtype);
  return record(
    'SoftplusBackward0',
    out,
    [x],
    (g) => {
      const slope = sigmoid(beta === 1 ? x : mul(x, beta));
      if (threshold === Infinity) return [mul(g, slope)];
      // where thresholded the forward is the identity: slope 1
      const linear = nd.mapUnary('softplus', x.data, (v) => (beta * v > threshold ? 1 : 0), 'bool');
      return [mul(g, where(new Tensor(linear), 1, slope))];
    },
    [x],
  );
}
