/**
 * `F`: the maths of every layer, without state — PyTorch's `torch.nn.functional` over autograd
 * tensors. Convolution, linear, pooling, padding and the basic activations are autograd's own ops,
 * re-exported here so that `F` is complete.
 *
 * @example
 * ```ts
 * import { functional as F } from '@torchlet/nn';
 * const h = F.relu(F.batchNorm(F.conv2d(x, w, b, { padding: 1 }), rm, rv, gamma, beta, { training: true }));
 * const loss = F.crossEntropy(F.linear(F.dropout(h.flatten(1), { p: 0.5 }), w2, b2), labels);
 * ```
 * @packageDocumentation
 */
export {
  adaptiveAvgPool2d,
  avgPool2d,
  conv2d,
  linear,
  logSoftmax,
  maxPool2d,
  pad,
  relu,
  sigmoid,
  softmax,
  tanh,
  type AvgPool2dOptions,
  type Conv2dOptions,
  type Conv2dPaddingMode,
  type MaxPool2dOptions,
  type PadMode,
  type Pool2dSize,
} from '@torchlet/autograd';
export { gelu, leakyRelu, softplus, type GeluOptions, type SoftplusOptions } from './activation.js';
export { dropout, dropout2d, type DropoutOptions } from './dropout.js';
export { batchNorm, type BatchNormOptions } from './batch-norm.js';
export type { LossOptions, Reduction } from './reduction.js';
export { huberLoss, l1Loss, mseLoss, smoothL1Loss, type HuberLossOptions, type SmoothL1LossOptions } from './regression-loss.js';
export { nllLoss, type NllLossOptions } from './nll-loss.js';
export { crossEntropy, type CrossEntropyOptions } from './cross-entropy.js';
export {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  type BinaryCrossEntropyOptions,
  type BinaryCrossEntropyWithLogitsOptions,
} from './binary-cross-entropy.js';
