/** Differentiable reductions: the gradient is the upstream gradient broadcast back over the reduced dims. */
import * as nd from '@torchlet/ndarray';
import { fromOp, saveOutput, Tensor } from '../tensor.js';
import { expandTo } from './broadcast.js';
import { div, exp, mul, sub } from './elementwise.js';

export type { Dims, ReduceOptions, VarianceOptions } from '@torchlet/ndarray';

/** The reduced dims as a sorted list of non-negative dims. */
function reducedDims(op: string, a: Tensor, dims: nd.Dims): number[] {
  if (dims === null || dims === undefined) return a.shape.map((_, i) => i);
  return nd.normalizeDims(op, typeof dims === 'number' ? [dims] : dims, a.ndim).sort((x, y) => x - y);
}

/** The shape of the result with `keepdim`: reduced dims become 1. */
function keptShape(a: Tensor, dims: readonly number[]): number[] {
  return a.shape.map((s, i) => (dims.includes(i) ? 1 : s));
}

/** Brings a reduced gradient back to the input's shape: reshape to keepdim form, then expand. */
function unreduce(g: Tensor, a: Tensor, dims: readonly number[]): Tensor {
  return expandTo(g.reshape(keptShape(a, dims)), a.shape);
}

/**
 * Sum over `dims` (all when omitted). ∂/∂a = g broadcast back over the reduced dims.
 * @example
 * ```ts
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * x.sum(0).sum().backward(); // x.grad = ones
 * ```
 */
export function sum(a: Tensor, dims?: nd.Dims, options: nd.ReduceOptions = {}): Tensor {
  const ds = reducedDims('sum', a, dims);
  return fromOp(dims === null || dims === undefined ? 'SumBackward0' : 'SumBackward1', nd.sum(a.data, dims, options), [a], (g) => [unreduce(g, a, ds)]);
}

/** Mean over `dims`. ∂/∂a = g / n broadcast back. */
export function mean(a: Tensor, dims?: nd.Dims, options: nd.ReduceOptions = {}): Tensor {
  const ds = reducedDims('mean', a, dims);
  const n = ds.reduce((p, d) => p * a.shape[d]!, 1);
  return fromOp(dims === null || dims === undefined ? 'MeanBackward0' : 'MeanBackward1', nd.mean(a.data, dims, options), [a], (g) => [div(unreduce(g, a, ds), n)]);
}

function extreme(name: string, pick: typeof nd.amax) {
  return (a: Tensor, dims?: nd.Dims, options: nd.ReduceOptions = {}): Tensor => {
    const ds = reducedDims(name, a, dims);
    const out: Tensor = fromOp(
      name,
      pick(a.data, dims, options),
      [a],
      (g) => {
        // the gradient is shared evenly between tied extremes (PyTorch's amax/amin rule)
        const hit = nd.eq(a.data, out.data.reshape(keptShape(a, ds))).astype(a.dtype);
        const count = nd.sum(hit, ds, { keepdim: true });
        return [mul(unreduce(g, a, ds), new Tensor(nd.div(hit, count)))];
      },
      [a],
    );
    return saveOutput(out);
  };
}

/** Maximum over `dims`; the gradient is shared evenly between tied maxima. */
export const amax = extreme('AmaxBackward0', nd.amax);
/** Minimum over `dims`; the gradient is shared evenly between tied minima. */
export const amin = extreme('AminBackward0', nd.amin);

/** Variance over `dims`. ∂/∂a = g·2(a − mean)/(n − correction). */
export function variance(a: Tensor, dims?: nd.Dims, options: nd.VarianceOptions = {}): Tensor {
  const ds = reducedDims('var', a, dims);
  const n = ds.reduce((p, d) => p * a.shape[d]!, 1);
  const correction = (options.unbiased ?? true) ? 1 : 0;
  return fromOp(
    'VarBackward0',
    nd.variance(a.data, dims, options),
    [a],
    (g) => {
      const centred = sub(a, mean(a, ds, { keepdim: true }));
      return [mul(unreduce(g, a, ds), mul(centred, 2 / (n - correction)))];
    },
    [a],
  );
}

/** Standard deviation over `dims`. ∂/∂a = g·(a − mean)/((n − correction)·std). */
export function std(a: Tensor, dims?: nd.Dims, options: nd.VarianceOptions = {}): Tensor {
  const ds = reducedDims('std', a, dims);
  const n = ds.reduce((p, d) => p * a.shape[d]!, 1);
  const correction = (options.unbiased ?? true) ? 1 : 0;
  const out: Tensor = fromOp(
    'StdBackward0',
    nd.std(a.data, dims, options),
    [a],
    (g) => {
      const centred = sub(a, mean(a, ds, { keepdim: true }));
      return [mul(unreduce(div(g, mul(out, n - correction)), a, ds), centred)];
    },
    [a],
  );
  return saveOutput(out);
}

/** Stable `log Σ exp(a)` over `dims`. ∂/∂a = g·softmax(a) = g·exp(a − out). */
export function logsumexp(a: Tensor, dims?: nd.Dims, options: nd.ReduceOptions = {}): Tensor {
  const ds = reducedDims('logsumexp', a, dims);
  const out: Tensor = fromOp(
    'LogsumexpBackward0',
    nd.logsumexp(a.data, dims, options),
    [a],
    (g) => [mul(unreduce(g, a, ds), exp(sub(a, unreduce(out, a, ds))))],
    [a],
  );
  return saveOutput(out);
}
