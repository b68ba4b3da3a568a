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
import { expandTo } from './broadcast.js';
import { reshape } from './views.js';

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
    (g) => {
      const gradInput = input.requiresGrad ? conv2dBackwardInput(g, weight, input.shape, options) : null;
      if (weight.requiresGrad && bias?.requiresGrad) return [gradInput, ...weightAndBiasGradients(input, g, weight.shape, options)];
      return [
        gradInput,
        weight.requiresGrad ? conv2dBackwardWeight(input, g, weight.shape, options) : null,
        bias?.requiresGrad ? biasGradientOp(g, nd.conv2dBackwardBias(g.data)) : null,
      ];
    },
    [input, weight],
  );
}

/**
 * The bias gradient `Σ_{n, y, x} g[n, o, y, x]` (already computed, by nd.conv2dBackwardBias's
 * summation order) as a differentiable op of `g`: a sum over every dim but the channels, whose
 * gradient is its own gradient broadcast back.
 */
function biasGradientOp(g: Tensor, gradBias: nd.NDArray): Tensor {
  const kept = g.shape.map((s, i) => (i === g.ndim - 3 ? s : 1));
  return fromOp('SumBackward1', gradBias, [g], (gg) => [expandTo(reshape(gg, kept), g.shape)]);
}

/**
 * conv2dBackwardWeight(input, g) and the bias gradient, the same differentiable ops as when they
 * are computed alone, from one backend call: the backend sums g for the bias while it holds g for
 * the weight gradient.
 */
function weightAndBiasGradients(input: Tensor, g: Tensor, weightShape: readonly number[], options: nd.Conv2dOptions): [Tensor, Tensor] {
  const { gradWeight, gradBias } = nd.conv2dBackwardWeightAndBias(input.data, g.data, weightShape, options);
  return [weightGradientOp(input, g, gradWeight, options), biasGradientOp(g, gradBias)];
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
  return weightGradientOp(input, gradOut, nd.conv2dBackwardWeight(input.data, gradOut.data, weightShape, options), options);
}

/** The op conv2dBackwardWeight records, for its already computed value `gradWeight`. */
function weightGradientOp(input: Tensor, gradOut: Tensor, gradWeight: nd.NDArray, options: nd.Conv2dOptions): Tensor {
  return fromOp(
    'ConvolutionBackwardWeight',
    gradWeight,
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

/** Options of {@link convTranspose2d} (PyTorch's names, camelCase). */
export interface ConvTranspose2dOptions {
  /** Step of the forward convolution this transposes (default 1). */
  stride?: number | readonly [number, number];
  /** Padding of that convolution: removed from the output's borders (default 0). */
  padding?: number | readonly [number, number];
  /** Extra rows/columns added at the bottom/right; must be smaller than stride or dilation (default 0). */
  outputPadding?: number | readonly [number, number];
  /** Channel groups (default 1). */
  groups?: number;
  /** Dilation of that convolution (default 1). */
  dilation?: number | readonly [number, number];
}

/**
 * Transposed convolution ("deconvolution"), PyTorch's `conv_transpose2d`: input (N, Cin, H, W),
 * weight (Cin, O/groups, kh, kw), bias (O). It is exactly the input-gradient of the convolution it
 * transposes, so it reuses that kernel (and its gradients):
 * `Hout = (H − 1)·s − 2p + d·(k − 1) + outputPadding + 1`.
 * @example
 * ```ts
 * convTranspose2d(tensor(randn([1, 2, 4, 4])), tensor(randn([2, 3, 3, 3])), null, { stride: 2, padding: 1, outputPadding: 1 }).shape;
 * // [1, 3, 8, 8]
 * ```
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTranspose2dOptions = {}): Tensor {
  const op = 'convTranspose2d';
  if (input.ndim === 3) {
    // unbatched (C, H, W), as PyTorch accepts: add the batch dim and take it off again
    const out = convTranspose2d(reshape(input, [1, ...input.shape]), weight, bias, options);
    return reshape(out, out.shape.slice(1));
  }
  const f = nd.formatShape;
  if (input.ndim !== 4) throw new RangeError(`${op}: expected input (N, C, H, W) or (C, H, W), got shape ${f(input.shape)}`);
  if (weight.ndim !== 4) throw new RangeError(`${op}: expected weight (Cin, O/groups, kh, kw), got shape ${f(weight.shape)}`);
  const groups = options.groups ?? 1;
  const [s, p, op2, d] = (['stride', 'padding', 'outputPadding', 'dilation'] as const).map((k) =>
    nd.pair(op, k, options[k] ?? (k === 'stride' || k === 'dilation' ? 1 : 0)),
  ) as [[number, number], [number, number], [number, number], [number, number]];
  for (let i = 0; i < 2; i++) {
    if (op2[i]! < 0 || (op2[i]! >= s[i]! && op2[i]! >= d[i]!)) {
      throw new RangeError(`${op}: outputPadding ${f(op2)} must be non-negative and smaller than either stride ${f(s)} or dilation ${f(d)}`);
    }
  }
  if (input.shape[1] !== weight.shape[0]) {
    throw new RangeError(`${op}: input has ${input.shape[1]} channels but weight expects ${weight.shape[0]} (weight shape ${f(weight.shape)})`);
  }
  const [n, , h, w] = input.shape as [number, number, number, number];
  const [, og, kh, kw] = weight.shape as [number, number, number, number];
  const outShape = [n, og * groups, (h - 1) * s[0] - 2 * p[0] + d[0] * (kh - 1) + op2[0] + 1, (w - 1) * s[1] - 2 * p[1] + d[1] * (kw - 1) + op2[1] + 1];
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outShape[1])) {
    throw new RangeError(`${op}: bias must have shape [${outShape[1]}], got ${f(bias.shape)}`);
  }
  const y = conv2dBackwardInput(input, weight, outShape, { stride: s, padding: p, dilation: d, groups });
  return bias ? y.add(reshape(bias, [1, -1, 1, 1])) : y;
}
