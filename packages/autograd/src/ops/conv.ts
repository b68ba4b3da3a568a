/**
 * Differentiable convolutions: the textbook's `corr2d`, `conv2d` with every PyTorch argument, and
 * `pad`. conv2d's two backward directions are themselves differentiable ops, each the adjoint of
 * the others, so gradients of gradients come for free:
 *   conv2d(x, w)                 → ∂x = conv2dBackwardInput(g, w),  ∂w = conv2dBackwardWeight(x, g)
 *   conv2dBackwardInput(gy, w)   → ∂gy = conv2d(g, w),              ∂w = conv2dBackwardWeight(g, gy)
 *   conv2dBackwardWeight(x, gy)  → ∂x = conv2dBackwardInput(gy, g), ∂gy = conv2d(x, g)
 */
import * as nd from '@torchlet/ndarray';
import { fromOp, type Tensor } from '../tensor.js';
import { reshape } from './views.js';
import { sum } from './reduce.js';

export type { Conv2dOptions, Conv2dPaddingMode, PadMode } from '@torchlet/ndarray';

/**
 * The textbook's 2-D cross-correlation of `X` (H, W) with the kernel `K` (h, w):
 * `out[i, j] = Σₐ Σ_b X[i+a, j+b]·K[a, b]`, shape (H−h+1, W−w+1).
 * ∂X is the full correlation of g with K; ∂K = corr2d(X, g).
 * @example
 * ```ts
 * corr2d(tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]), tensor([[0, 1], [2, 3]])).toArray(); // [[19, 25], [37, 43]]
 * ```
 */
export function corr2d(X: Tensor, K: Tensor): Tensor {
  return fromOp(
    'Corr2dBackward0',
    nd.corr2d(X.data, K.data),
    [X, K],
    (g) => [
      X.requiresGrad
        ? reshape(conv2dBackwardInput(reshape(g, [1, 1, ...g.shape]), reshape(K, [1, 1, ...K.shape]), [1, 1, ...X.shape]), X.shape)
        : null,
      K.requiresGrad ? corr2d(X, g) : null,
    ],
    [X, K],
  );
}

/**
 * 2-D convolution (cross-correlation, as in every deep-learning library) of an NCHW `input`
 * (or unbatched CHW) with `weight` (O, C/groups, kh, kw) and an optional `bias` (O), with
 * PyTorch's `stride`, `padding` (int, pair, `'same'`, `'valid'`), `dilation`, `groups` and
 * `paddingMode`. Validation and output size are those of @torchlet/ndarray's `conv2d`.
 * @example
 * ```ts
 * const x = tensor(randn([1, 3, 8, 8]));
 * const w = tensor(randn([4, 3, 3, 3]), { requiresGrad: true });
 * conv2d(x, w, null, { padding: 'same' }).sum().backward(); // w.grad: [4, 3, 3, 3]
 * ```
 */
export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: nd.Conv2dOptions = {}): Tensor {
  const out = nd.conv2d(input.data, weight.data, bias ? bias.data : null, options);
  const inputs = bias ? [input, weight, bias] : [input, weight];
  return fromOp(
    'ConvolutionBackward0',
    out,
    inputs,
    (g) => [
      input.requiresGrad ? conv2dBackwardInput(g, weight, input.shape, options) : null,
      weight.requiresGrad ? conv2dBackwardWeight(input, g, weight.shape, options) : null,
      bias?.requiresGrad ? sum(g, g.ndim === 4 ? [0, 2, 3] : [1, 2]) : null,
    ],
    [input, weight],
  );
}

/**
 * The gradient of conv2d w.r.t. its input (the adjoint of conv2d in `input`), as a differentiable op.
 */
export function conv2dBackwardInput(gradOut: Tensor, weight: Tensor, inputShape: readonly number[], options: nd.Conv2dOptions = {}): Tensor {
  return fromOp(
    'ConvolutionBackwardInput',
    nd.conv2dBackwardInput(gradOut.data, weight.data, inputShape, options),
    [gradOut, weight],
    (g) => [
      gradOut.requiresGrad ? conv2d(g, weight, null, options) : null,
      weight.requiresGrad ? conv2dBackwardWeight(g, gradOut, weight.shape, options) : null,
    ],
    [gradOut, weight],
  );
}

/**
 * The gradient of conv2d w.r.t. its weight (the adjoint of conv2d in `weight`), as a differentiable op.
 */
export function conv2dBackwardWeight(input: Tensor, gradOut: Tensor, weightShape: readonly number[], options: nd.Conv2dOptions = {}): Tensor {
  return fromOp(
    'ConvolutionBackwardWeight',
    nd.conv2dBackwardWeight(input.data, gradOut.data, weightShape, options),
    [input, gradOut],
    (g) => [
      input.requiresGrad ? conv2dBackwardInput(gradOut, g, input.shape, options) : null,
      gradOut.requiresGrad ? conv2d(input, g, null, options) : null,
    ],
    [input, gradOut],
  );
}

/**
 * Pads the last dims (PyTorch's `F.pad`: `padding` lists `[left, right, top, bottom, …]` from the
 * last dim backwards) with a constant or by reflecting, replicating or wrapping the edge.
 * ∂ = padBackward(g): each input element collects the gradient of every output it fed.
 */
export function pad(x: Tensor, padding: readonly number[], mode: nd.PadMode = 'constant', value = 0): Tensor {
  return fromOp('PadBackward0', nd.pad(x.data, padding, mode, value), [x], (g) => [padBackward(g, x.shape, padding, mode)]);
}

/** The adjoint of {@link pad} (its backward), as a differentiable op whose own backward is `pad`. */
export function padBackward(gradOut: Tensor, inputShape: readonly number[], padding: readonly number[], mode: nd.PadMode = 'constant'): Tensor {
  return fromOp('PadBackwardBackward0', nd.padBackward(gradOut.data, inputShape, padding, mode), [gradOut], (g) => [pad(g, padding, mode)]);
}
