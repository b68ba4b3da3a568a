/** Joining tensors: `cat` along an existing dim, `stack` along a new one. ∂ = the matching slices of g. */
import * as nd from '@torchlet/ndarray';
import { fromOp, type Tensor } from '../tensor.js';
import { narrow, unsqueeze } from './views.js';

/**
 * Concatenates tensors along `dim` (all other sizes must match, and the dtypes too).
 * @example
 * ```ts
 * cat([tensor([[1, 2]]), tensor([[3, 4]])], 0).toArray(); // [[1, 2], [3, 4]]
 * ```
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new RangeError('cat: expected a non-empty list of tensors');
  const first = tensors[0]!;
  const d = nd.normalizeDim('cat', dim, first.ndim);
  tensors.forEach((t, i) => {
    if (t.dtype !== first.dtype) throw new TypeError(`cat: tensor ${i} is ${t.dtype} but tensor 0 is ${first.dtype}`);
    if (t.ndim !== first.ndim || t.shape.some((s, k) => k !== d && s !== first.shape[k])) {
      throw new RangeError(
        `cat: tensor ${i} has shape ${nd.formatShape(t.shape)}, which does not match tensor 0's ${nd.formatShape(first.shape)} outside dim ${d}`,
      );
    }
  });
  const shape = [...first.shape];
  shape[d] = tensors.reduce((n, t) => n + t.shape[d]!, 0);
  const out = nd.zeros(shape, { dtype: first.dtype });
  const offsets: number[] = [];
  let at = 0;
  for (const t of tensors) {
    offsets.push(at);
    out.narrow(d, at, t.shape[d]!).copy_(t.data);
    at += t.shape[d]!;
  }
  return fromOp('CatBackward0', out, tensors, (g) => tensors.map((t, i) => (t.requiresGrad ? narrow(g, d, offsets[i]!, t.shape[d]!) : null)));
}

/**
 * Stacks same-shaped tensors along a new dim `dim`.
 * @example
 * ```ts
 * stack([tensor([1, 2]), tensor([3, 4])]).shape; // [2, 2]
 * ```
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new RangeError('stack: expected a non-empty list of tensors');
  const d = nd.normalizeDim('stack', dim, tensors[0]!.ndim + 1);
  tensors.forEach((t, i) => {
    if (!nd.shapesEqual(t.shape, tensors[0]!.shape)) {
      throw new RangeError(`stack: tensor ${i} has shape ${nd.formatShape(t.shape)} but tensor 0 has ${nd.formatShape(tensors[0]!.shape)}`);
    }
  });
  return cat(tensors.map((t) => unsqueeze(t, d)), d);
}
