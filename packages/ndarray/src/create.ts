import { allocate, castScalar, checkDType, dtypeOfTypedArray, type DType, type TypedArray } from './dtype.js';
import { NDArray, type NestedArray } from './ndarray.js';
import { checkShape, formatShape, shapeSize } from './shape.js';

/** Options of {@link array}. */
export interface ArrayOptions<D extends DType = DType> {
  /** Element type. Default: `float32` for numbers, `bool` for booleans, a typed array's own dtype. */
  dtype?: D;
  /** Shape of a typed-array input (default: 1-D); for nested arrays, a shape with the same number of elements reshapes them. */
  shape?: readonly number[];
}

/** Options of the creation functions that take only a dtype. */
export interface DTypeOptions<D extends DType = DType> {
  /** Element type (default `float32`). */
  dtype?: D;
}

/**
 * Creates an array from nested JS arrays (shape inferred), a number or boolean (0-d), or a typed
 * array with a `shape`. The data is always copied.
 *
 * Integer dtypes reject values that are not integers or do not fit (`int32` class indices,
 * `uint8` pixels) instead of wrapping them silently; a ragged nested array is rejected with the
 * path of the bad row.
 *
 * @example
 * ```ts
 * const X = array([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
 * const labels = array([3, 1, 4], { dtype: 'int32' });
 * const img = array(new Float32Array(784), { shape: [1, 28, 28] });
 * ```
 */
export function array<D extends DType = 'float32'>(
  data: NestedArray | TypedArray | readonly number[] | readonly boolean[],
  options: ArrayOptions<D> = {},
): NDArray<D> {
  if (ArrayBuffer.isView(data)) {
    const own = dtypeOfTypedArray('array', data);
    const dtype = (options.dtype === undefined ? own : checkDType('array', options.dtype)) as D;
    const shape = options.shape ? checkShape('array', options.shape) : [data.length];
    if (shapeSize(shape) !== data.length) {
      throw new RangeError(`array: shape ${formatShape(shape)} needs ${shapeSize(shape)} elements, the typed array has ${data.length}`);
    }
    const out = allocate(dtype, data.length);
    if (dtype !== own) checkValues('array', data, dtype);
    if (dtype === 'bool') for (let i = 0; i < data.length; i++) out[i] = data[i] !== 0 ? 1 : 0;
    else out.set(data);
    return new NDArray(out, dtype, shape);
  }
  const shape: number[] = [];
  let probe: NestedArray = data as NestedArray;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0]!;
  }
  const flat: number[] = [];
  let sawBool = false;
  let sawNumber = false;
  const walk = (x: NestedArray, dim: number, path: number[]): void => {
    if (dim === shape.length) {
      if (typeof x === 'boolean') {
        sawBool = true;
        flat.push(x ? 1 : 0);
      } else if (typeof x === 'number') {
        sawNumber = true;
        flat.push(x);
      } else {
        throw new TypeError(`array: expected a number at [${path.join('][')}], got ${Array.isArray(x) ? 'a nested array (ragged input)' : typeof x}`);
      }
      return;
    }
    if (!Array.isArray(x)) {
      throw new TypeError(`array: ragged nested array: expected a list of length ${shape[dim]} at [${path.join('][')}], got ${typeof x}`);
    }
    if (x.length !== shape[dim]) {
      throw new RangeError(`array: ragged nested array: expected length ${shape[dim]} at [${path.join('][')}], got ${x.length}`);
    }
    for (let i = 0; i < x.length; i++) walk(x[i]!, dim + 1, [...path, i]);
  };
  walk(data as NestedArray, 0, []);
  if (options.shape && shapeSize(options.shape) !== flat.length) {
    throw new RangeError(`array: shape ${formatShape(options.shape)} does not match the data's ${formatShape(shape)}`);
  }
  const dtype = (options.dtype === undefined ? (sawBool && !sawNumber ? 'bool' : 'float32') : checkDType('array', options.dtype)) as D;
  checkValues('array', flat, dtype);
  const out = allocate(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) out[i] = castScalar(flat[i]!, dtype);
  return new NDArray(out, dtype, options.shape ? checkShape('array', options.shape) : shape);
}

/** Rejects values an integer dtype cannot hold exactly. */
function checkValues(op: string, values: ArrayLike<number>, dtype: DType): void {
  if (dtype !== 'int32' && dtype !== 'uint8') return;
  const [lo, hi] = dtype === 'int32' ? [-2147483648, 2147483647] : [0, 255];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < lo || v > hi) {
      throw new RangeError(`${op}: value ${v} at flat index ${i} is not representable as ${dtype} (integers in [${lo}, ${hi}])`);
    }
  }
}

/** An array of `shape` filled with `value`. */
export function full<D extends DType = 'float32'>(shape: readonly number[], value: number, options: DTypeOptions<D> = {}): NDArray<D> {
  return filled('full', shape, value, options.dtype);
}

/** `full` that names `op` in its errors. */
function filled<D extends DType>(op: string, shape: readonly number[], value: number, dtype: D | undefined): NDArray<D> {
  const dt = checkDType(op, dtype ?? 'float32') as D;
  const s = checkShape(op, shape);
  const data = allocate(dt, shapeSize(s));
  if (!Object.is(value, 0)) data.fill(castScalar(value, dt));
  return new NDArray(data, dt, s);
}

/**
 * An array of zeros.
 * @example
 * ```ts
 * zeros([2, 3]).toArray(); // [[0, 0, 0], [0, 0, 0]]
 * ```
 */
export function zeros<D extends DType = 'float32'>(shape: readonly number[], options: DTypeOptions<D> = {}): NDArray<D> {
  return filled('zeros', shape, 0, options.dtype);
}

/** An array of ones. */
export function ones<D extends DType = 'float32'>(shape: readonly number[], options: DTypeOptions<D> = {}): NDArray<D> {
  return filled('ones', shape, 1, options.dtype);
}

/** Zeros with the shape (and, unless given, the dtype) of `like`. */
export function zerosLike<D extends DType>(like: NDArray<D>, options: DTypeOptions<D> = {}): NDArray<D> {
  return filled('zerosLike', like.shape, 0, options.dtype ?? like.dtype);
}

/** Ones with the shape (and, unless given, the dtype) of `like`. */
export function onesLike<D extends DType>(like: NDArray<D>, options: DTypeOptions<D> = {}): NDArray<D> {
  return filled('onesLike', like.shape, 1, options.dtype ?? like.dtype);
}

/** `value` everywhere, with the shape (and, unless given, the dtype) of `like`. */
export function fullLike<D extends DType>(like: NDArray<D>, value: number, options: DTypeOptions<D> = {}): NDArray<D> {
  return filled('fullLike', like.shape, value, options.dtype ?? like.dtype);
}

/**
 * `[start, start+step, …]` up to but excluding `end`, like `torch.arange`: `arange(5)` is `0..4`.
 * The dtype is `int32` when every argument is an integer, else `float32`.
 * @example
 * ```ts
 * arange(6).reshape(2, 3).toArray(); // [[0, 1, 2], [3, 4, 5]]
 * ```
 */
export function arange(start: number, end?: number, step = 1, options: DTypeOptions = {}): NDArray {
  const [s, e] = end === undefined ? [0, start] : [start, end];
  if (!Number.isFinite(s) || !Number.isFinite(e) || !Number.isFinite(step) || step === 0) {
    throw new RangeError(`arange: expected finite start/end and a non-zero step, got ${s}, ${e}, ${step}`);
  }
  if ((e - s) / step < 0) throw new RangeError(`arange: end ${e} is not reachable from start ${s} with step ${step}`);
  const dtype = options.dtype ?? ([s, e, step].every(Number.isInteger) ? 'int32' : 'float32');
  const n = Math.ceil((e - s) / step);
  const data = allocate(checkDType('arange', dtype), n);
  for (let i = 0; i < n; i++) data[i] = castScalar(s + i * step, dtype);
  return new NDArray(data, dtype, [n]);
}

/** `steps` evenly spaced values from `start` to `end` inclusive. */
export function linspace(start: number, end: number, steps: number, options: DTypeOptions = {}): NDArray {
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`linspace: steps must be a non-negative integer, got ${steps}`);
  const dtype = checkDType('linspace', options.dtype ?? 'float32');
  const data = allocate(dtype, steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // PyTorch fills the second half from the end so that the last value is exactly `end`
  // (one step gives `start`, as in PyTorch)
  const half = steps === 1 ? 1 : Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) data[i] = castScalar(i < half ? start + step * i : end - step * (steps - 1 - i), dtype);
  return new NDArray(data, dtype, [steps]);
}

/** An `n × m` (default square) matrix with ones on the diagonal. */
export function eye(n: number, m: number = n, options: DTypeOptions = {}): NDArray {
  const out = filled('eye', [n, m], 0, options.dtype);
  for (let i = 0; i < Math.min(n, m); i++) out.data[i * m + i] = 1;
  return out;
}

/** A 0-d array holding `value`. */
export function scalar<D extends DType = 'float32'>(value: number, options: DTypeOptions<D> = {}): NDArray<D> {
  return filled('scalar', [], value, options.dtype);
}
