/**
 * The two adjoint shape ops behind broadcasting: `sumTo` (a gradient summed back to an input's
 * shape) and `expandTo` (its adjoint). Each is differentiable, with the other as its backward.
 */
import { formatShape, shapesEqual, sum as ndSum } from '@torchlet/ndarray';
import { fromOp, type Tensor } from '../tensor.js';

/** Sums `g` over the dims that broadcasting stretched, giving `shape` (NumPy rules). */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  if (lead < 0) throw new Error(`sumTo: cannot reduce shape ${formatShape(g.shape)} to ${formatShape(shape)}`);
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  const out = ndSum(g.data, dims, { keepdim: true }).reshape(shape);
  return fromOp('SumToBackward', out, [g], (gg) => [expandTo(gg, g.shape)]);
}

/** Broadcasts `g` to `shape` (a copy-free view), the adjoint of {@link sumTo}. */
export function expandTo(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  return fromOp('ExpandBackward0', g.data.expand(shape), [g], (gg) => [sumTo(gg, g.shape)], [], g);
}
