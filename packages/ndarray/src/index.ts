export * from './dtype.js';
export * from './shape.js';
export { NDArray, type NestedArray } from './ndarray.js';
export * from './create.js';
export * from './backend.js';
export { jsBackend } from './kernels/js-backend.js';
export { formatArray, type FormatOptions, type Formattable } from './format.js';
