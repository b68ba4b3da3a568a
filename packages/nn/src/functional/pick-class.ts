/**
 * The differentiable core of the classification losses: picking one class per position out of an
 * `(N, C, d1, …)` tensor (PyTorch's `gather` along dim 1, fused with a per-position coefficient),
 * and its adjoint, placing values back at those classes. Each is the other's backward, so
 * gradients of any order flow; both cost O(N·d1·…), not O(N·C·d1·…) as a one-hot product would.
 * Internal to @torchlet/nn.
 */
import type { Tensor } from '@torchlet/autograd';
import { zeros } from '@torchlet/ndarray';
import { record } from './primitive.js';

/** Which class each position picks, and with what coefficient. */
export interface ClassPick {
  /** The class of each of the N·D positions (row-major over (N, d1, …)), or −1 to pick nothing (0). */
  readonly index: Int32Array;
  /** The coefficient each picked value is multiplied by. */
  readonly coef: Float64Array;
  /** The shape of a picked result: `(N, d1, …)`, or `[]` for an unbatched `(C)` input. */
  readonly shape: readonly number[];
  /** The shape of the tensor picked from: `(N, C, d1, …)` or `(C)`. */
  readonly sourceShape: readonly number[];
}

/** N, C and D (the product of the dims after the class dim) of a source shape. */
function dims(sourceShape: readonly number[]): [number, number, number] {
  if (sourceShape.length === 1) return [1, sourceShape[0]!, 1];
  const D = sourceShape.slice(2).reduce((a, b) => a * b, 1);
  return [sourceShape[0]!, sourceShape[1]!, D];
}

/**
 * `out[n, …d] = coef[p]·x[n, index[p], …d]` (0 where `index[p] = −1`), p the position of `(n, …d)`.
 * ∂/∂x = {@link placeClass}(g).
 */
export function pickClass(x: Tensor, pick: ClassPick): Tensor {
  const [, C, D] = dims(pick.sourceShape);
  const src = x.data.denseData();
  const out = zeros(pick.shape, { dtype: x.dtype });
  const o = out.data;
  const { index, coef } = pick;
  for (let p = 0; p < index.length; p++) {
    const c = index[p]!;
    if (c < 0) continue;
    const d = p % D;
    o[p] = coef[p]! * src[((p - d) / D) * C * D + c * D + d]!;
  }
  return record('GatherBackward0', out, [x], (g) => [placeClass(g, pick)]);
}

/**
 * The adjoint of {@link pickClass}: a zero tensor of the source shape with
 * `y[n, index[p], …d] = coef[p]·g[n, …d]`. ∂/∂g = {@link pickClass}(gy).
 */
export function placeClass(g: Tensor, pick: ClassPick): Tensor {
  const [, C, D] = dims(pick.sourceShape);
  const src = g.data.denseData();
  const out = zeros(pick.sourceShape, { dtype: g.dtype });
  const o = out.data;
  const { index, coef } = pick;
  for (let p = 0; p < index.length; p++) {
    const c = index[p]!;
    if (c < 0) continue;
    const d = p % D;
    o[((p - d) / D) * C * D + c * D + d] = coef[p]! * src[p]!;
  }
  return record('ScatterBackward0', out, [g], (gg) => [pickClass(gg, pick)]);
}
