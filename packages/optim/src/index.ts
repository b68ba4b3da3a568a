/**
 * @torchlet/optim — optimizers and learning-rate schedulers with PyTorch's semantics.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { SGD, lrScheduler } from '@torchlet/optim';
 * const w = tensor([1, -1], { requiresGrad: true });
 * const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
 * const sched = new lrScheduler.StepLR(opt, 30, { gamma: 0.1 });
 * for (let epoch = 0; epoch < 3; epoch++) {
 *   opt.zeroGrad();
 *   w.mul(w).sum().backward();
 *   opt.step();
 *   sched.step();
 * }
 * ```
 * @packageDocumentation
 */
export {
  Optimizer,
  type GroupOptions,
  type SchedulerGroupFields,
  type ParamGroup,
  type ParamGroupInput,
  type Params,
  type StateValue,
  type SavedParamGroup,
  type OptimizerStateDict,
  type ZeroGradOptions,
} from './optimizer.js';
export type { FloatArray } from './util.js';
export { SGD, sgdUpdate, type SGDOptions, type SGDParamState } from './sgd.js';
export { Adam, adamUpdate, type AdamOptions, type AdamParamState } from './adam.js';
export { AdamW, adamwUpdate } from './adamw.js';
export { RMSprop, rmspropUpdate, type RMSpropOptions, type RMSpropParamState } from './rmsprop.js';
export { Adagrad, adagradUpdate, type AdagradOptions, type AdagradParamState } from './adagrad.js';
export * as lrScheduler from './lr-scheduler/index.js';
