/**
 * Collation: turning a list of samples into one batch. {@link defaultCollate} follows PyTorch's
 * `default_collate`: tensors are stacked along a new first dim, numbers become a tensor, and
 * tuples, arrays and plain objects are collated field by field.
 *
 * @module
 */
import { isGradEnabled, Node, Tensor } from '@torchlet/autograd';
import { allocate, copyStrided, NDArray, type DType, type TypedArray } from '@torchlet/ndarray';
import { describe } from './util.js';

/**
 * The type of the batch {@link defaultCollate} makes from samples of type `T`: a `Tensor` for
 * tensors, numbers and booleans, an `NDArray` for NDArrays and typed arrays, `string[]` for strings,
 * and the same structure (tuple, array or object) collated member by member otherwise.
 *
 * @example
 * ```ts
 * type Batch = Collated<{ image: Tensor; label: number; name: string }>;
 * // { image: Tensor; label: Tensor; name: string[] }
 * ```
 */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends NDArray | TypedArray
    ? NDArray
    : T extends number | boolean
      ? Tensor
      : T extends string
        ? string[]
        : T extends readonly unknown[]
          ? { -readonly [K in keyof T]: Collated<T[K]> }
          : T extends object
            ? { -readonly [K in keyof T]: Collated<T[K]> }
            : never;

/**
 * Collates a list of samples into a batch, like PyTorch's `default_collate`, recursing into
 * structures:
 *
 * - `Tensor`s (all of one shape and dtype) are stacked along a new first dim into a new tensor
 *   of shape `[batch, ...shape]`; when grad mode is on and any of them requires grad, the stack is
 *   recorded on the tape (`StackBackward0`), as `torch.stack` would be;
 * - `NDArray`s and typed arrays (`Float32Array`, `Float64Array`, `Int32Array`, `Uint8Array`) are
 *   stacked the same way into an `NDArray`;
 * - numbers become a 1-D tensor: `int32` when every number of the batch is an integer that fits
 *   (PyTorch's Python ints become `int64`), otherwise `float64` (Python floats); booleans become a
 *   `bool` tensor. Store targets as tensors, or pass a custom collate, to choose the dtype yourself;
 * - strings are kept as a `string[]`;
 * - arrays and tuples (all of one length) are collated position by position into an array, and
 *   plain objects (all with the same keys) key by key into an object.
 *
 * Anything else (class instances, functions, `null`, mixed kinds) throws, naming the position.
 *
 * @param samples - a non-empty list of samples of one structure
 * @example
 * ```ts
 * const [x, y] = defaultCollate([
 *   [tensor([1, 2]), 0],
 *   [tensor([3, 4]), 1],
 * ]);
 * x.shape; // [2, 2]
 * y.dtype; // 'int32'
 * defaultCollate([{ a: 1.5, b: 'x' }, { a: 2, b: 'y' }]); // { a: tensor([1.5, 2], float64), b: ['x', 'y'] }
 * ```
 */
export function defaultCollate<T>(samples: readonly T[]): Collated<T> {
  if (!Array.isArray(samples)) throw new TypeError(`defaultCollate: expected an array of samples, got ${describe(samples)}`);
  if (samples.length === 0) throw new RangeError('defaultCollate: expected at least one sample, got an empty list');
  return collate(samples as readonly unknown[], '') as Collated<T>;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Where a value sits in a sample, for error messages: ` at [1].image`, or nothing at the top. */
function where(path: string): string {
  return path === '' ? '' : ` at ${path}`;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

function isTypedArray(x: unknown): x is TypedArray {
  return x instanceof Float32Array || x instanceof Float64Array || x instanceof Int32Array || x instanceof Uint8Array;
}

function typedArrayDType(x: TypedArray): DType {
  if (x instanceof Float32Array) return 'float32';
  if (x instanceof Float64Array) return 'float64';
  if (x instanceof Int32Array) return 'int32';
  return 'uint8';
}

/** The kind of a value as default collate sees it. */
function kindOf(x: unknown): string {
  if (x instanceof Tensor) return 'Tensor';
  if (x instanceof NDArray) return 'NDArray';
  if (isTypedArray(x)) return 'typed array';
  if (Array.isArray(x)) return 'array';
  if (isPlainObject(x)) return 'object';
  if (x === null) return 'null';
  return typeof x === 'object' ? 'other object' : typeof x;
}

function mismatch(path: string, k: number, got: unknown, first: unknown): TypeError {
  return new TypeError(
    `defaultCollate: sample ${k}${where(path)} is ${describe(got)} but sample 0 there is ${describe(first)}; ` +
      'every sample must have the same structure',
  );
}

function collate(samples: readonly unknown[], path: string): unknown {
  const first = samples[0];
  const kind = kindOf(first);
  for (let k = 1; k < samples.length; k++) {
    if (kindOf(samples[k]) !== kind) throw mismatch(path, k, samples[k], first);
  }
  switch (kind) {
    case 'Tensor':
      return stackTensors(samples as readonly Tensor[], path);
    case 'NDArray':
      return stackArrays(samples as readonly NDArray[], path);
    case 'typed array':
      return stackArrays(
        (samples as readonly TypedArray[]).map((a) => new NDArray(a, typedArrayDType(a), [a.length])),
        path,
      );
    case 'number':
      return numbersToTensor(samples as readonly number[]);
    case 'boolean': {
      const data = new Uint8Array(samples.length);
      for (let k = 0; k < samples.length; k++) data[k] = samples[k] ? 1 : 0;
      return new Tensor(new NDArray(data, 'bool', [samples.length]));
    }
    case 'string':
      return samples.slice();
    case 'array': {
      const len = (first as readonly unknown[]).length;
      samples.forEach((s, k) => {
        const n = (s as readonly unknown[]).length;
        if (n !== len) {
          throw new RangeError(
            `defaultCollate: sample ${k}${where(path)} has ${n} elements but sample 0 has ${len}; every sample must have the same structure`,
          );
        }
      });
      const out = new Array<unknown>(len);
      for (let i = 0; i < len; i++) out[i] = collate(samples.map((s) => (s as readonly unknown[])[i]), `${path}[${i}]`);
      return out;
    }
    case 'object': {
      const keys = Object.keys(first as object);
      const signature = keys.slice().sort().join('\u0000');
      samples.forEach((s, k) => {
        const own = Object.keys(s as object);
        if (own.slice().sort().join('\u0000') !== signature) {
          throw new TypeError(
            `defaultCollate: sample ${k}${where(path)} has keys ${JSON.stringify(own)} but sample 0 has ${JSON.stringify(keys)}`,
          );
        }
      });
      const out: Record<string, unknown> = {};
      for (const key of keys) out[key] = collate(samples.map((s) => (s as Record<string, unknown>)[key]), `${path}.${key}`);
      return out;
    }
    default:
      throw new TypeError(
        `defaultCollate: cannot collate ${describe(first)}${where(path)}; expected Tensors, NDArrays, typed arrays, numbers, ` +
          'booleans, strings, or arrays/plain objects of them (pass a custom collate for other samples)',
      );
  }
}

/** Checks that every item has the shape and dtype of the first. */
function checkSameShape(items: readonly { shape: readonly number[]; dtype: DType }[], path: string, what: string): void {
  const first = items[0]!;
  for (let k = 1; k < items.length; k++) {
    const it = items[k]!;
    const same = it.shape.length === first.shape.length && it.shape.every((d, i) => d === first.shape[i]);
    if (!same || it.dtype !== first.dtype) {
      throw new RangeError(
        `defaultCollate: ${what} ${k}${where(path)} has shape ${JSON.stringify(it.shape)} and dtype ${it.dtype} but ` +
          `${what} 0 has shape ${JSON.stringify(first.shape)} and dtype ${first.dtype}; stacking needs equal shapes and dtypes`,
      );
    }
  }
}

/** Stacks NDArrays of one shape and dtype along a new first dim into fresh storage. */
export function stackNDArrays(arrays: readonly NDArray[]): NDArray {
  const first = arrays[0]!;
  const size = first.size;
  const out = allocate(first.dtype, arrays.length * size);
  for (let k = 0; k < arrays.length; k++) {
    const a = arrays[k]!;
    if (a.isContiguous()) out.set(a.data.subarray(a.offset, a.offset + size), k * size);
    else copyStrided(a.data, a.offset, a.shape, a.strides, out, k * size);
  }
  return new NDArray(out, first.dtype, [arrays.length, ...first.shape]);
}

function stackArrays(arrays: readonly NDArray[], path: string): NDArray {
  checkSameShape(arrays, path, 'array');
  return stackNDArrays(arrays);
}

function stackTensors(tensors: readonly Tensor[], path: string): Tensor {
  checkSameShape(tensors, path, 'tensor');
  const out = stackNDArrays(tensors.map((t) => t.data));
  if (!isGradEnabled() || !tensors.some((t) => t.requiresGrad)) return new Tensor(out);
  const inputs = tensors.slice();
  const node = new Node('StackBackward0', inputs, (g) => inputs.map((_, k) => g.narrow(0, k, 1).squeeze(0)), []);
  return new Tensor(out, { gradFn: node });
}

function numbersToTensor(values: readonly number[]): Tensor {
  const n = values.length;
  let integral = true;
  for (let k = 0; k < n; k++) {
    const v = values[k]!;
    if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) {
      integral = false;
      break;
    }
  }
  const data = integral ? Int32Array.from(values) : Float64Array.from(values);
  return new Tensor(new NDArray(data, integral ? 'int32' : 'float64', [n]));
}
