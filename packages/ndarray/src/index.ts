/**
 * @torchlet/ndarray — strided n-dimensional arrays and the numeric kernels of torchlet.
 *
 * @example
 * ```ts
 * import { array, corr2d } from '@torchlet/ndarray';
 * corr2d(array([[0, 1, 2], [3, 4, 5], [6, 7, 8]]), array([[0, 1], [2, 3]])).toArray();
 * // [[19, 25], [37, 43]]
 * ```
 * @packageDocumentation
 */
export * from './dtype.js';
export * from './shape.js';
export { NDArray, inferShape, type NestedArray } from './ndarray.js';
export * from './create.js';
export * from './backend.js';
export { jsBackend } from './kernels/js-backend.js';
export { formatArray, type FormatOptions, type Formattable } from './format.js';
export { forEachRow, copyStrided } from './strided.js';
export * from './ops/elementwise.js';
export * from './ops/activation-backward.js';
export * from './ops/reduce.js';
export * from './ops/softmax.js';
export * from './random.js';
export * from './ops/matmul.js';
export * from './ops/conv-output-size.js';
export * from './ops/corr2d.js';
export * from './ops/pad.js';
export * from './ops/conv2d.js';
export * from './ops/pool2d.js';
