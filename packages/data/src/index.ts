/**
 * @torchlet/data — datasets and data loading with PyTorch's semantics: {@link Dataset},
 * {@link TensorDataset}, {@link Subset}, {@link randomSplit}, a seeded {@link DataLoader} with
 * {@link defaultCollate}, and the IDX (MNIST) format reader {@link parseIdx}. Runs anywhere; the
 * file readers (`readIdx`, `loadMnist`, `loadBundledDigits`) are in `@torchlet/data/node`.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { DataLoader, TensorDataset } from '@torchlet/data';
 * const ds = new TensorDataset(tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), tensor([0, 1, 1, 0], { dtype: 'int32' }));
 * for (const [x, y] of new DataLoader(ds, { batchSize: 2, shuffle: true })) {
 *   x.shape; // [2, 2]
 * }
 * ```
 * @packageDocumentation
 */
export { TensorDataset, Subset, randomSplit, type Dataset, type RandomSplitOptions } from './dataset.js';
export { DataLoader, type DataLoaderOptions } from './dataloader.js';
export { defaultCollate, type Collated } from './collate.js';
export {
  parseIdx,
  isGzip,
  mnistFromIdx,
  IDX_MAX_DIMS,
  type IdxArray,
  type IdxDType,
  type IdxDataMap,
} from './idx.js';
