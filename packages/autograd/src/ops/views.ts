/**
 * Differentiable views: they share storage with their input (and its version counter, so an
 * in-place change through one is seen by the other); each backward is the inverse reshaping.
 */
import * as nd from '@torchlet/ndarray';
import type { Tensor } from '../tensor.js';
import { fromOp } from '../tensor.js';
import { sumTo } from './broadcast.js';

/** A view with a new shape; throws when the strides cannot express it. ∂ = g reshaped back. */
export function view(a: Tensor, ...shape: number[] | [readonly number[]]): Tensor {
  return fromOp('ViewBackward0', a.data.view(...shape), [a], (g) => [reshape(g, a.shape)], [], a);
}

/** The same values with a new shape (a view when possible). ∂ = g reshaped back. */
export function reshape(a: Tensor, ...shape: number[] | [readonly number[]]): Tensor {
  const out = a.data.reshape(...shape);
  const isView = out.data === a.data.data;
  return fromOp(isView ? 'ViewBackward0' : 'ReshapeAliasBackward0', out, [a], (g) => [reshape(g, a.shape)], [], isView ? a : undefined);
}

/** Reorders dims. ∂ = g permuted by the inverse permutation. */
export function permute(a: Tensor, ...dims: number[] | [readonly number[]]): Tensor {
  const out = a.data.permute(...dims);
  const list = (dims.length === 1 && Array.isArray(dims[0]) ? dims[0] : dims) as readonly number[];
  const perm = list.map((d) => nd.normalizeDim('permute', d, a.ndim));
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return fromOp('PermuteBackward0', out, [a], (g) => [permute(g, inverse)], [], a);
}

/** Swaps two dims. ∂ = g with the same dims swapped back. */
export function transpose(a: Tensor, dim0: number, dim1: number): Tensor {
  return fromOp('TransposeBackward0', a.data.transpose(dim0, dim1), [a], (g) => [transpose(g, dim0, dim1)], [], a);
}

/** Removes size-1 dims. ∂ = g reshaped back. */
export function squeeze(a: Tensor, dim?: number): Tensor {
  return fromOp('SqueezeBackward0', a.data.squeeze(dim), [a], (g) => [reshape(g, a.shape)], [], a);
}

/** Inserts a size-1 dim. ∂ = g reshaped back. */
export function unsqueeze(a: Tensor, dim: number): Tensor {
  return fromOp('UnsqueezeBackward0', a.data.unsqueeze(dim), [a], (g) => [reshape(g, a.shape)], [], a);
}

/** Merges dims. ∂ = g reshaped back. */
export function flatten(a: Tensor, startDim = 0, endDim = -1): Tensor {
  const out = a.data.flatten(startDim, endDim);
  return fromOp('FlattenBackward0', out, [a], (g) => [reshape(g, a.shape)], [], out.data === a.data.data ? a : undefined);
}

/** Broadcasts size-1 dims. ∂ = g summed over the broadcast dims. */
export function expand(a: Tensor, ...shape: number[] | [readonly number[]]): Tensor {
  return fromOp('ExpandBackward0', a.data.expand(...shape), [a], (g) => [sumTo(g, a.shape)], [], a);
}

/** `x[start:end:step]` along `dim`. ∂ = g scattered into zeros of the input's shape. */
export function slice(a: Tensor, dim: number, start = 0, end = Number.MAX_SAFE_INTEGER, step = 1): Tensor {
  const out = a.data.slice(dim, start, end, step);
  return fromOp('SliceBackward0', out, [a], (g) => [sliceScatter(g, a.shape, dim, start, end, step)], [], a);
}

/** `length` elements from `start` along `dim`. */
export function narrow(a: Tensor, dim: number, start: number, length: number): Tensor {
  a.data.narrow(dim, start, length); // validates
  const d = nd.normalizeDim('narrow', dim, a.ndim);
  const s = start < 0 ? start + a.shape[d]! : start;
  return slice(a, d, s, s + length);
}

/** Zeros of `shape` with `g` written into the slice — the adjoint of {@link slice}. */
function sliceScatter(g: Tensor, shape: readonly number[], dim: number, start: number, end: number, step: number): Tensor {
  const out = nd.zeros(shape, { dtype: g.dtype });
  out.slice(dim, start, end, step).copy_(g.data);
  return fromOp('SliceScatterBackward0', out, [g], (gg) => [slice(gg, dim, start, end, step)]);
}

/** A contiguous tensor with the same values (this one when already contiguous). ∂ = g. */
export function contiguous(a: Tensor): Tensor {
  if (a.data.isContiguous()) return a;
  return fromOp('CloneBackward0', a.data.clone(), [a], (g) => [g]);
}

/** A copy with its own storage. ∂ = g. */
export function clone(a: Tensor): Tensor {
  return fromOp('CloneBackward0', a.data.clone(), [a], (g) => [g]);
}
