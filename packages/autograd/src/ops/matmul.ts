/** Differentiable matrix products: `matmul` (torch.matmul's rules) and `linear`. */
import * as nd from '@torchlet/ndarray';
import { fromOp, type Tensor } from '../tensor.js';
import { add } from './elementwise.js';
import { sumTo } from './broadcast.js';
import { squeeze, transpose, unsqueeze } from './views.js';

/**
 * The matrix product with torch.matmul's rules: 1-D·1-D is a dot product, a 1-D operand is
 * treated as a row (left) or column (right) vector, and leading batch dims broadcast.
 * For matrices, ∂/∂a = g·bᵀ and ∂/∂b = aᵀ·g (summed over broadcast batch dims).
 * @example
 * ```ts
 * matmul(tensor([[1, 2]]), tensor([[3], [4]])).item(); // 11
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) {
    nd.matmul(a.data, b.data); // throws the ndarray op's message
  }
  // vectors become matrices so that one backward rule covers every case
  if (a.ndim === 1 && b.ndim === 1) return squeeze(squeeze(matmul(unsqueeze(a, 0), unsqueeze(b, 1)), -1), -1);
  if (a.ndim === 1) return squeeze(matmul(unsqueeze(a, 0), b), -2);
  if (b.ndim === 1) return squeeze(matmul(a, unsqueeze(b, 1)), -1);
  return fromOp(
    'MmBackward0',
    nd.matmul(a.data, b.data),
    [a, b],
    (g) => [
      a.requiresGrad ? sumTo(matmul(g, transpose(b, -1, -2)), a.shape) : null,
      b.requiresGrad ? sumTo(matmul(transpose(a, -1, -2), g), b.shape) : null,
    ],
    [a, b],
  );
}

/**
 * `input · weightᵀ + bias`, the affine map of a fully connected layer: input (…, in) or (in),
 * weight (out, in), bias (out) or null.
 */
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const f = nd.formatShape;
  if (weight.ndim !== 2) throw new RangeError(`linear: weight must be 2-D (out, in), got shape ${f(weight.shape)}`);
  const [out, inF] = weight.shape as [number, number];
  if (input.ndim === 0 || input.shape[input.ndim - 1] !== inF) {
    throw new RangeError(`linear: input has ${input.shape[input.ndim - 1] ?? 0} features but weight expects ${inF} (input shape ${f(input.shape)}, weight shape ${f(weight.shape)})`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== out)) {
    throw new RangeError(`linear: bias must have shape [${out}] to match weight ${f(weight.shape)}, got ${f(bias.shape)}`);
  }
  const y = matmul(input, transpose(weight, 0, 1));
  return bias ? add(y, bias) : y;
}
