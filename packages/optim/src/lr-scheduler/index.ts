/**
 * Learning-rate schedulers (PyTorch's `torch.optim.lr_scheduler`), imported as the
 * `lrScheduler` namespace.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { SGD, lrScheduler } from '@torchlet/optim';
 * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new lrScheduler.StepLR(opt, 30, { gamma: 0.1 });
 * ```
 * @packageDocumentation
 */
export { LRScheduler, type LRSchedulerStateDict, type SchedulerValue } from './lr-scheduler.js';
export { StepLR, type StepLROptions } from './step-lr.js';
export { MultiStepLR, type MultiStepLROptions } from './multi-step-lr.js';
export { ExponentialLR, type ExponentialLROptions } from './exponential-lr.js';
export { CosineAnnealingLR, type CosineAnnealingLROptions } from './cosine-annealing-lr.js';
export { LinearLR, type LinearLROptions } from './linear-lr.js';
export { OneCycleLR, type OneCycleLROptions } from './one-cycle-lr.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions, type ReduceLROnPlateauStateDict } from './reduce-lr-on-plateau.js';
export { LambdaLR, type LambdaLROptions } from './lambda-lr.js';
