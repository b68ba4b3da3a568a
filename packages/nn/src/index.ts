/**
 * @torchlet/nn — layers with PyTorch's names, argument order, defaults and initialisation.
 *
 * @example
 * ```ts
 * import { Conv2d, Sequential, Sigmoid, AvgPool2d, Flatten, Linear, functional as F, init } from '@torchlet/nn';
 * const net = new Sequential(
 *   new Conv2d(1, 6, 5, { padding: 2 }), new Sigmoid(), new AvgPool2d(2, { stride: 2 }),
 *   new Flatten(), new Linear(6 * 14 * 14, 10),
 * );
 * ```
 * @packageDocumentation
 */
export * as functional from './functional/index.js';
export * as F from './functional/index.js';
export * as init from './init.js';
export * as utils from './utils.js';
export { clipGradNorm_, clipGradValue_, parametersToVector, vectorToParameters, type ClipGradNormOptions } from './utils.js';
export {
  Module,
  type AnyModule,
  type StateDict,
  type StateDictLike,
  type LoadStateDictResult,
  type RemovableHandle,
  type ForwardPreHook,
  type ForwardHook,
  type BackwardHook,
  type NamedOptions,
} from './module.js';
export { Parameter } from './parameter.js';
export type { Size2 } from './layers/util.js';
export { Conv2d, type Conv2dOptions } from './layers/conv.js';
export { Identity, Linear, type LinearOptions } from './layers/linear.js';
export { Flatten, Unflatten, type FlattenOptions } from './layers/flatten.js';
export { Sequential, ModuleList } from './layers/container.js';
export { ReLU, LeakyReLU, Sigmoid, Tanh, GELU, Softmax, LogSoftmax, type LeakyReLUOptions, type GELUOptions } from './layers/activation.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, type MaxPool2dOptions, type AvgPool2dOptions, type AdaptiveSize } from './layers/pooling.js';
export { BatchNorm2d, type BatchNorm2dOptions } from './layers/batchnorm.js';
export { Dropout, Dropout2d, type DropoutOptions } from './layers/dropout.js';
export {
  Loss,
  MSELoss,
  L1Loss,
  SmoothL1Loss,
  HuberLoss,
  CrossEntropyLoss,
  NLLLoss,
  BCELoss,
  BCEWithLogitsLoss,
  type LossReduction,
  type LossModuleOptions,
  type SmoothL1LossOptions,
  type HuberLossOptions,
  type CrossEntropyLossOptions,
  type NLLLossOptions,
  type BCELossOptions,
  type BCEWithLogitsLossOptions,
} from './layers/loss.js';
export { Conv2D } from './examples/conv2d-textbook.js';
