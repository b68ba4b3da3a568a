/**
 * Differentiable pooling. Each backward is an ndarray kernel wrapped as a differentiable op whose
 * own backward is the forward's adjoint, so second derivatives work:
 *   avgPool2d ↔ avgPool2dBackward, adaptiveAvgPool2d ↔ adaptiveAvgPool2dBackward,
 *   maxPool2d's backward scatters to the argmax; its adjoint gathers from it.
 */
import * as nd from '@torchlet/ndarray';
import { fromOp, type Tensor } from '../tensor.js';

export type { AvgPool2dOptions, MaxPool2dOptions, Pool2dSize } from '@torchlet/ndarray';

/**
 * Max pooling over an NCHW (or CHW) input with PyTorch's `kernelSize`, `stride` (default
 * `kernelSize`), `padding` (implicit −∞), `dilation` and `ceilMode`. The gradient goes to each
 * window's maximum.
 * @example
 * ```ts
 * maxPool2d(tensor([[[[1, 9], [3, 4]]]]), 2).item(); // 9
 * ```
 */
export function maxPool2d(input: Tensor, kernelSize: nd.Pool2dSize, options: nd.MaxPool2dOptions = {}): Tensor {
  const { out, indices } = nd.maxPool2dWithIndices(input.data, kernelSize, options);
  return fromOp('MaxPool2DWithIndicesBackward0', out, [input], (g) => [maxPool2dBackward(g, indices, input.shape, kernelSize, options)]);
}

/** Scatters `gradOut` to the recorded argmax positions (differentiable: its backward gathers). */
function maxPool2dBackward(
  gradOut: Tensor,
  indices: nd.NDArray,
  inputShape: readonly number[],
  kernelSize: nd.Pool2dSize,
  options: nd.MaxPool2dOptions,
): Tensor {
  return fromOp(
    'MaxPool2DWithIndicesBackwardBackward0',
    nd.maxPool2dBackward(gradOut.data, indices, inputShape, kernelSize, options),
    [gradOut],
    (g) => [gatherPlanes(g, indices, gradOut.shape, kernelSize, options)],
  );
}

/** `out[p, i] = g[p, indices[p, i]]` per (batch, channel) plane: the adjoint of the scatter. */
function gatherPlanes(
  g: Tensor,
  indices: nd.NDArray,
  outShape: readonly number[],
  kernelSize: nd.Pool2dSize,
  options: nd.MaxPool2dOptions,
): Tensor {
  const planeIn = g.shape[g.ndim - 1]! * g.shape[g.ndim - 2]!;
  const planeOut = outShape[outShape.length - 1]! * outShape[outShape.length - 2]!;
  const src = g.data.denseData();
  const idx = indices.denseData();
  const out = nd.zeros(outShape, { dtype: g.dtype });
  const dst = out.data;
  for (let p = 0, n = idx.length / Math.max(planeOut, 1); p < n; p++) {
    for (let i = 0; i < planeOut; i++) dst[p * planeOut + i] = src[p * planeIn + idx[p * planeOut + i]!]!;
  }
  return fromOp('GatherBackward0', out, [g], (gg) => [maxPool2dBackward(gg, indices, g.shape, kernelSize, options)]);
}

/**
 * Average pooling with PyTorch's `kernelSize`, `stride`, `padding` (zeros), `ceilMode`,
 * `countIncludePad` and `divisorOverride`. Each output's gradient is spread evenly over its window.
 */
export function avgPool2d(input: Tensor, kernelSize: nd.Pool2dSize, options: nd.AvgPool2dOptions = {}): Tensor {
  return fromOp('AvgPool2DBackward0', nd.avgPool2d(input.data, kernelSize, options), [input], (g) => [
    avgPool2dBackward(g, input.shape, kernelSize, options),
  ]);
}

function avgPool2dBackward(gradOut: Tensor, inputShape: readonly number[], kernelSize: nd.Pool2dSize, options: nd.AvgPool2dOptions): Tensor {
  return fromOp('AvgPool2DBackwardBackward0', nd.avgPool2dBackward(gradOut.data, inputShape, kernelSize, options), [gradOut], (g) => [
    avgPool2d(g, kernelSize, options),
  ]);
}

/** Adaptive average pooling to `outputSize` (bins may overlap), as PyTorch. */
export function adaptiveAvgPool2d(input: Tensor, outputSize: number | readonly [number | null, number | null]): Tensor {
  return fromOp('AdaptiveAvgPool2DBackward0', nd.adaptiveAvgPool2d(input.data, outputSize), [input], (g) => [
    adaptiveAvgPool2dBackward(g, input.shape, outputSize),
  ]);
}

function adaptiveAvgPool2dBackward(gradOut: Tensor, inputShape: readonly number[], outputSize: number | readonly [number | null, number | null]): Tensor {
  return fromOp('AdaptiveAvgPool2DBackwardBackward0', nd.adaptiveAvgPool2dBackward(gradOut.data, inputShape), [gradOut], (g) => [
    adaptiveAvgPool2d(g, outputSize),
  ]);
}
