/** Differentiable softmax and log-softmax along one dim. */
import * as nd from '@torchlet/ndarray';
import { fromOp, saveOutput, type Tensor } from '../tensor.js';
import { exp, mul, sub } from './elementwise.js';
import { sum } from './reduce.js';

/**
 * `exp(a) / Σ exp(a)` along `dim`, stable for logits of any size.
 * ∂/∂a = s·(g − Σ(g·s)) with s the output.
 */
export function softmax(a: Tensor, dim: number): Tensor {
  const out: Tensor = fromOp('SoftmaxBackward0', nd.softmax(a.data, dim), [a], (g) => [
    mul(out, sub(g, sum(mul(g, out), dim, { keepdim: true }))),
  ]);
  return saveOutput(out);
}

/**
 * `a − log Σ exp(a)` along `dim`, stable.
 * ∂/∂a = g − exp(out)·Σg.
 */
export function logSoftmax(a: Tensor, dim: number): Tensor {
  const out: Tensor = fromOp('LogSoftmaxBackward0', nd.logSoftmax(a.data, dim), [a], (g) => [
    sub(g, mul(exp(out), sum(g, dim, { keepdim: true }))),
  ]);
  return saveOutput(out);
}
