/**
 * @torchlet/autograd — tensors that remember how they were computed, and the backward pass.
 *
 * @example
 * ```ts
 * import { tensor, noGrad } from '@torchlet/autograd';
 * const w = tensor([[0.5, 0.5]], { requiresGrad: true });
 * const loss = w.sub(tensor([[1, -1]])).pow(2).sum();
 * loss.backward();
 * noGrad(() => w.sub_(w.grad!.mul(0.1)));
 * ```
 * @packageDocumentation
 */
export { Tensor, tensor, type TensorLike, type TensorOptions, type BackwardOptions } from './tensor.js';
export { Node, type BackwardFn, type GradHook } from './node.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './grad-mode.js';
export { grad, type GradOptions } from './engine.js';
export { sumTo, expandTo } from './ops/broadcast.js';
export * from './ops/elementwise.js';
export * from './ops/reduce.js';
export * from './ops/views.js';
export * from './ops/inplace.js';
export * from './ops/softmax.js';
export * from './ops/matmul.js';
export * from './ops/conv.js';
export * from './ops/pool.js';
export { gradcheck, gradgradcheck, type GradcheckOptions } from './gradcheck.js';
export { detectAnomaly, setDetectAnomaly, isAnomalyEnabled, AnomalyError, type AnomalyOptions, type AnomalyKind } from './anomaly.js';
export * from './ops/join.js';
export * from './creation.js';
