/** What both entries share: tensors and their ops at the top level, the packages as namespaces. */
export { ready } from './select-backend.js';
export * from '@torchlet/autograd';
export {
  manualSeed,
  defaultGenerator,
  Generator,
  NDArray,
  getBackend,
  setBackend,
  jsBackend,
  convOutputSize,
  type Backend,
  type DType,
  type FloatDType,
} from '@torchlet/ndarray';
export * as ndarray from '@torchlet/ndarray';
export * as nn from '@torchlet/nn';
export * as optim from '@torchlet/optim';
