import { allocateUninitialized, castScalar, checkDType, type DType, type DTypeArrayMap } from './dtype.js';
import { formatArray } from './format.js';
import { checkShape, contiguousStrides, formatShape, normalizeDim, shapeSize } from './shape.js';
import { copyStrided } from './strided.js';
import * as ew from './ops/elementwise.js';
import * as red from './ops/reduce.js';
import * as sm from './ops/softmax.js';

/** Nested JS arrays of numbers (or booleans), as `toArray()` returns and `array()` accepts. */
export type NestedArray = number | boolean | NestedArray[];

/**
 * An n-dimensional array: typed storage plus a shape, strides (in elements) and an offset into the
 * storage — PyTorch's storage/view model. Views (`reshape`, `permute`, `slice`, `expand`, …) share
 * storage with the array they came from; nothing is copied until `contiguous()` or a compute op
 * needs it.
 *
 * Create arrays with {@link array}, {@link zeros} and friends rather than the constructor.
 *
 * @example
 * ```ts
 * import { array } from '@torchlet/ndarray';
 * const x = array([[1, 2, 3], [4, 5, 6]]);
 * x.transpose(0, 1).shape; // [3, 2], a view: no copy
 * x.toString(); // 'ndarray([[1., 2., 3.],\n         [4., 5., 6.]])'
 * ```
 */
export class NDArray<D extends DType = DType> {
  /** The storage, shared by every view of it. */
  readonly data: DTypeArrayMap[D];
  /** The element type. */
  readonly dtype: D;
  /** The size of each dim. */
  readonly shape: readonly number[];
  /** The step in `data`, in elements, between neighbours along each dim (0 for broadcast dims). */
  readonly strides: readonly number[];
  /** The index in `data` of the first element. */
  readonly offset: number;

  /**
   * Wraps existing storage; no validation beyond the shape, no copy. Prefer {@link array}.
   * @param data - storage; its kind must match `dtype`
   * @param shape - sizes of each dim
   * @param strides - defaults to row-major strides of `shape`
   * @param offset - index of the first element in `data` (default 0)
   */
  constructor(data: DTypeArrayMap[D], dtype: D, shape: readonly number[], strides?: readonly number[], offset = 0) {
    this.data = data;
    this.dtype = dtype;
    // copied, not frozen: freezing costs more than the op itself on small arrays
    this.shape = shape.slice();
    this.strides = strides ? strides.slice() : contiguousStrides(shape);
    this.offset = offset;
  }

  /** The number of dims. */
  get ndim(): number {
    return this.shape.length;
  }

  /** The number of elements. */
  get size(): number {
    return shapeSize(this.shape);
  }

  /** The number of elements (PyTorch's name). */
  numel(): number {
    return this.size;
  }

  /** The size of one dim (negative dims count from the end). */
  sizeOf(dim: number): number {
    return this.shape[normalizeDim('sizeOf', dim, this.ndim)]!;
  }

  /** True when the elements are laid out row-major with no gaps (the offset may be non-zero). */
  isContiguous(): boolean {
    let expected = 1;
    for (let i = this.ndim - 1; i >= 0; i--) {
      const d = this.shape[i]!;
      // no elements: contiguous whatever the strides, as PyTorch's is_contiguous()
      if (d !== 1 && this.strides[i] !== expected) return this.size === 0;
      expected *= d;
    }
    return true;
  }

  /** This array when it is contiguous, else a row-major copy of it. */
  contiguous(): NDArray<D> {
    return this.isContiguous() ? this : this.clone();
  }

  /**
   * The elements in row-major order as a dense typed array of this dtype. A contiguous array
   * returns a `subarray` view of its storage (no copy): do not write to it unless you own it.
   */
  denseData(): DTypeArrayMap[D] {
    const n = this.size;
    if (this.isContiguous()) return this.data.subarray(this.offset, this.offset + n) as DTypeArrayMap[D];
    const out = allocateUninitialized(this.dtype, n);
    copyStrided(this.data, this.offset, this.shape, this.strides, out);
    return out;
  }

  /** A row-major copy with its own storage. */
  clone(): NDArray<D> {
    const out = allocateUninitialized(this.dtype, this.size);
    copyStrided(this.data, this.offset, this.shape, this.strides, out);
    return new NDArray(out, this.dtype, this.shape);
  }

  /**
   * A copy converted to `dtype`: floats to integers truncate toward zero, bool is `x != 0`.
   * Returns a copy even when the dtype is unchanged.
   */
  astype<T extends DType>(dtype: T): NDArray<T> {
    checkDType('astype', dtype);
    const n = this.size;
    const src = this.denseData();
    const out = allocateUninitialized(dtype, n);
    if (dtype === 'bool') {
      for (let i = 0; i < n; i++) out[i] = src[i] !== 0 ? 1 : 0;
    } else if ((dtype === 'int32' || dtype === 'uint8') && (this.dtype === 'float32' || this.dtype === 'float64')) {
      for (let i = 0; i < n; i++) out[i] = castScalar(src[i]!, dtype);
    } else {
      out.set(src);
    }
    return new NDArray(out, dtype, this.shape);
  }

  private flatIndex(op: string, index: readonly number[]): number {
    if (index.length !== this.ndim) {
      throw new RangeError(`${op}: expected ${this.ndim} indices for shape ${formatShape(this.shape)}, got ${index.length}`);
    }
    let o = this.offset;
    for (let i = 0; i < index.length; i++) {
      const d = this.shape[i]!;
      let k = index[i]!;
      if (!Number.isInteger(k) || k < -d || k >= d) {
        throw new RangeError(`${op}: index ${k} is out of range for dim ${i} of size ${d}`);
      }
      if (k < 0) k += d;
      o += k * this.strides[i]!;
    }
    return o;
  }

  /** The element at `index` (one integer per dim; negatives count from the end). */
  get(...index: number[]): number {
    return this.data[this.flatIndex('get', index)]!;
  }

  /** Writes one element in place (the value is cast to the dtype). Returns this array. */
  set(value: number, ...index: number[]): this {
    this.data[this.flatIndex('set', index)] = castScalar(value, this.dtype);
    return this;
  }

  /** The value of a one-element array as a JS number. */
  item(): number {
    if (this.size !== 1) throw new RangeError(`item: expected an array with one element, got shape ${formatShape(this.shape)}`);
    return this.data[this.offset]!;
  }

  /** The elements as nested JS arrays (booleans for `bool`); a 0-d array gives a plain number. */
  toArray(): NestedArray {
    const flat = this.denseData();
    const asBool = this.dtype === 'bool';
    const build = (dim: number, start: number): NestedArray => {
      if (dim === this.ndim) return asBool ? flat[start] !== 0 : flat[start]!;
      const n = this.shape[dim]!;
      const step = shapeSize(this.shape.slice(dim + 1));
      const out: NestedArray[] = new Array<NestedArray>(n);
      for (let i = 0; i < n; i++) out[i] = build(dim + 1, start + i * step);
      return out;
    };
    return build(0, 0);
  }

  /** PyTorch-style text: `ndarray([[1., 2.], [3., 4.]])`; big arrays are elided with `...`. */
  toString(): string {
    return formatArray(this, { prefix: 'ndarray(' });
  }

  // ---------------------------------------------------------------- views (no copy)

  /**
   * A view with a new shape (one dim may be −1, inferred). Throws when the strides cannot express
   * it; {@link NDArray.reshape} copies instead.
   */
  view(...shape: number[] | [readonly number[]]): NDArray<D> {
    const target = inferShape('view', this.shape, flattenShapeArgs(shape));
    const strides = viewStrides(this.shape, this.strides, target);
    if (!strides) {
      throw new RangeError(
        `view: shape ${formatShape(target)} is not compatible with the strides of this ${formatShape(this.shape)} array; use reshape(), which copies when it must`,
      );
    }
    return new NDArray(this.data, this.dtype, target, strides, this.offset);
  }

  /** The same elements with a new shape (one dim may be −1); a view when possible, else a copy. */
  reshape(...shape: number[] | [readonly number[]]): NDArray<D> {
    const target = inferShape('reshape', this.shape, flattenShapeArgs(shape));
    const strides = viewStrides(this.shape, this.strides, target);
    if (strides) return new NDArray(this.data, this.dtype, target, strides, this.offset);
    return new NDArray(this.clone().data, this.dtype, target);
  }

  /** Reorders the dims: `dims` is a permutation of `0..ndim-1` (negatives allowed). */
  permute(...dims: number[] | [readonly number[]]): NDArray<D> {
    const ds = flattenShapeArgs(dims).map((d) => normalizeDim('permute', d, this.ndim));
    if (ds.length !== this.ndim || new Set(ds).size !== ds.length) {
      throw new RangeError(`permute: dims ${formatShape(flattenShapeArgs(dims))} is not a permutation of the ${this.ndim} dims of shape ${formatShape(this.shape)}`);
    }
    return new NDArray(
      this.data,
      this.dtype,
      ds.map((d) => this.shape[d]!),
      ds.map((d) => this.strides[d]!),
      this.offset,
    );
  }

  /** Swaps two dims. */
  transpose(dim0: number, dim1: number): NDArray<D> {
    const a = normalizeDim('transpose', dim0, this.ndim);
    const b = normalizeDim('transpose', dim1, this.ndim);
    const perm = this.shape.map((_, i) => i);
    perm[a] = b;
    perm[b] = a;
    return this.ndim === 0 ? this : this.permute(perm);
  }

  /** Removes `dim` if its size is 1, or every size-1 dim when `dim` is omitted. */
  squeeze(dim?: number): NDArray<D> {
    let keep: number[];
    if (dim === undefined) {
      keep = this.shape.map((_, i) => i).filter((i) => this.shape[i] !== 1);
    } else {
      const d = normalizeDim('squeeze', dim, this.ndim);
      keep = this.shape.map((_, i) => i).filter((i) => i !== d || this.shape[i] !== 1);
    }
    return new NDArray(this.data, this.dtype, keep.map((i) => this.shape[i]!), keep.map((i) => this.strides[i]!), this.offset);
  }

  /** Inserts a size-1 dim at `dim` (`-1` appends). */
  unsqueeze(dim: number): NDArray<D> {
    const d = normalizeDim('unsqueeze', dim, this.ndim + 1);
    const shape = [...this.shape];
    const strides = [...this.strides];
    shape.splice(d, 0, 1);
    strides.splice(d, 0, d < this.ndim ? this.strides[d]! * this.shape[d]! : 1);
    return new NDArray(this.data, this.dtype, shape, strides, this.offset);
  }

  /**
   * Elements `start, start+step, …` (before `end`) along `dim`, like Python's `x[start:end:step]`:
   * negative `start`/`end` count from the end and are clamped to the dim; `step` must be positive.
   */
  slice(dim: number, start = 0, end: number = Number.MAX_SAFE_INTEGER, step = 1): NDArray<D> {
    const d = normalizeDim('slice', dim, this.ndim);
    if (!Number.isInteger(step) || step <= 0) throw new RangeError(`slice: step must be a positive integer, got ${step}`);
    if (!Number.isInteger(start) || !Number.isInteger(end)) {
      throw new TypeError(`slice: start and end must be integers, got ${start} and ${end}`);
    }
    const size = this.shape[d]!;
    const clamp = (i: number): number => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
    const s = clamp(start);
    const e = Math.max(clamp(end), s);
    const shape = [...this.shape];
    const strides = [...this.strides];
    shape[d] = Math.ceil((e - s) / step);
    strides[d] = this.strides[d]! * step;
    return new NDArray(this.data, this.dtype, shape, strides, this.offset + s * this.strides[d]!);
  }

  /** `length` elements from `start` along `dim`; throws when the range leaves the dim. */
  narrow(dim: number, start: number, length: number): NDArray<D> {
    const d = normalizeDim('narrow', dim, this.ndim);
    const size = this.shape[d]!;
    const s = start < 0 ? start + size : start;
    if (!Number.isInteger(s) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > size) {
      throw new RangeError(`narrow: start ${start} and length ${length} exceed dim ${dim} of size ${size}`);
    }
    return this.slice(d, s, s + length);
  }

  /** Selects index `index` along `dim` and removes that dim. */
  select(dim: number, index: number): NDArray<D> {
    const d = normalizeDim('select', dim, this.ndim);
    const size = this.shape[d]!;
    if (!Number.isInteger(index) || index < -size || index >= size) {
      throw new RangeError(`select: index ${index} is out of range for dim ${dim} of size ${size}`);
    }
    return this.narrow(d, index < 0 ? index + size : index, 1).squeeze(d);
  }

  /**
   * A broadcast view of size `shape` (−1 keeps a dim; new dims may be added in front). Only size-1
   * dims can grow, and they get stride 0: do not write into an expanded array.
   */
  expand(...shape: number[] | [readonly number[]]): NDArray<D> {
    return this.expandAs('expand', flattenShapeArgs(shape));
  }

  /** Same as {@link NDArray.expand}, NumPy's name. */
  broadcastTo(...shape: number[] | [readonly number[]]): NDArray<D> {
    return this.expandAs('broadcastTo', flattenShapeArgs(shape));
  }

  private expandAs(op: string, target: readonly number[]): NDArray<D> {
    const lead = target.length - this.ndim;
    if (lead < 0) {
      throw new RangeError(`${op}: shape ${formatShape(target)} has fewer dims than the array's ${formatShape(this.shape)}`);
    }
    const outShape = new Array<number>(target.length);
    const strides = new Array<number>(target.length);
    for (let i = 0; i < target.length; i++) {
      const t = target[i]!;
      if (i < lead) {
        if (!Number.isInteger(t) || t < 0) throw new RangeError(`${op}: new leading dim ${i} must be a non-negative size, got ${t}`);
        outShape[i] = t;
        strides[i] = 0;
        continue;
      }
      const s = this.shape[i - lead]!;
      if (t === -1 || t === s) {
        outShape[i] = s;
        strides[i] = this.strides[i - lead]!;
      } else if (s === 1 && Number.isInteger(t) && t >= 0) {
        outShape[i] = t;
        strides[i] = 0;
      } else {
        throw new RangeError(`${op}: cannot expand shape ${formatShape(this.shape)} to ${formatShape(target)} (dim ${i}: ${s} to ${t})`);
      }
    }
    return new NDArray(this.data, this.dtype, outShape, strides, this.offset);
  }

  /** Merges dims `startDim..endDim` (inclusive) into one; a view when the strides allow it. */
  flatten(startDim = 0, endDim = -1): NDArray<D> {
    if (this.ndim === 0) return this.reshape([1]);
    const s = normalizeDim('flatten', startDim, this.ndim);
    const e = normalizeDim('flatten', endDim, this.ndim);
    if (s > e) throw new RangeError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
    const shape = [...this.shape.slice(0, s), shapeSize(this.shape.slice(s, e + 1)), ...this.shape.slice(e + 1)];
    return this.reshape(shape);
  }
  // ---------------------------------------------------------------- element-wise (new arrays)

  /** `this + other`, broadcasting (see {@link add}). */
  add(other: NDArray | number): NDArray {
    return ew.add(this, other);
  }
  /** `this − other`, broadcasting. */
  sub(other: NDArray | number): NDArray {
    return ew.sub(this, other);
  }
  /** `this · other`, broadcasting. */
  mul(other: NDArray | number): NDArray {
    return ew.mul(this, other);
  }
  /** `this / other` (true division), broadcasting. */
  div(other: NDArray | number): NDArray {
    return ew.div(this, other);
  }
  /** `this ** exponent`, broadcasting. */
  pow(exponent: NDArray | number): NDArray {
    return ew.pow(this, exponent);
  }
  /** Element-wise maximum with `other`. */
  maximum(other: NDArray | number): NDArray {
    return ew.maximum(this, other);
  }
  /** Element-wise minimum with `other`. */
  minimum(other: NDArray | number): NDArray {
    return ew.minimum(this, other);
  }
  /** `this == other` as a bool array. */
  eq(other: NDArray | number): NDArray<'bool'> {
    return ew.eq(this, other);
  }
  /** `this != other` as a bool array. */
  ne(other: NDArray | number): NDArray<'bool'> {
    return ew.ne(this, other);
  }
  /** `this < other` as a bool array. */
  lt(other: NDArray | number): NDArray<'bool'> {
    return ew.lt(this, other);
  }
  /** `this <= other` as a bool array. */
  le(other: NDArray | number): NDArray<'bool'> {
    return ew.le(this, other);
  }
  /** `this > other` as a bool array. */
  gt(other: NDArray | number): NDArray<'bool'> {
    return ew.gt(this, other);
  }
  /** `this >= other` as a bool array. */
  ge(other: NDArray | number): NDArray<'bool'> {
    return ew.ge(this, other);
  }
  /** `−this`. */
  neg(): NDArray {
    return ew.neg(this);
  }
  /** `|this|`. */
  abs(): NDArray {
    return ew.abs(this);
  }
  /** `e^this`. */
  exp(): NDArray {
    return ew.exp(this);
  }
  /** Natural logarithm. */
  log(): NDArray {
    return ew.log(this);
  }
  /** Square root. */
  sqrt(): NDArray {
    return ew.sqrt(this);
  }
  /** Hyperbolic tangent. */
  tanh(): NDArray {
    return ew.tanh(this);
  }
  /** The logistic function. */
  sigmoid(): NDArray {
    return ew.sigmoid(this);
  }
  /** `max(this, 0)`. */
  relu(): NDArray {
    return ew.relu(this);
  }
  /** Limits every element to `[min, max]`. */
  clamp(min?: number | null, max?: number | null): NDArray {
    return ew.clamp(this, min, max);
  }

  // ---------------------------------------------------------------- in place (PyTorch's trailing _)

  /** `this += other` in place (other broadcasts to this shape); returns this array. */
  add_(other: NDArray | number): this {
    ew.add(this, other, this);
    return this;
  }
  /** `this −= other` in place; returns this array. */
  sub_(other: NDArray | number): this {
    ew.sub(this, other, this);
    return this;
  }
  /** `this ·= other` in place; returns this array. */
  mul_(other: NDArray | number): this {
    ew.mul(this, other, this);
    return this;
  }
  /** `this /= other` in place (float arrays); returns this array. */
  div_(other: NDArray | number): this {
    ew.div(this, other, this);
    return this;
  }
  /** Clamps in place; returns this array. */
  clamp_(min?: number | null, max?: number | null): this {
    ew.clamp(this, min, max, this);
    return this;
  }
  /** Writes `value` everywhere; returns this array. */
  fill_(value: number): this {
    return ew.fill_(this, value);
  }
  /** Writes zeros everywhere; returns this array. */
  zero_(): this {
    return ew.fill_(this, 0);
  }
  /** Copies `src` (broadcast, cast) into this array; returns this array. */
  copy_(src: NDArray | number): this {
    return ew.copy_(this, src);
  }

  // ---------------------------------------------------------------- reductions

  /** Sum over `dims` (all when omitted). */
  sum(dims?: red.Dims, options?: red.ReduceOptions): NDArray {
    return red.sum(this, dims, options);
  }
  /** Mean over `dims` (all when omitted). */
  mean(dims?: red.Dims, options?: red.ReduceOptions): NDArray {
    return red.mean(this, dims, options);
  }
  /** Maximum over `dims` (all when omitted). */
  amax(dims?: red.Dims, options?: red.ReduceOptions): NDArray {
    return red.amax(this, dims, options);
  }
  /** Minimum over `dims` (all when omitted). */
  amin(dims?: red.Dims, options?: red.ReduceOptions): NDArray {
    return red.amin(this, dims, options);
  }
  /** Maximum along `dim` with its indices. */
  max(dim: number, options?: red.ReduceOptions): red.ValuesIndices {
    return red.max(this, dim, options);
  }
  /** Minimum along `dim` with its indices. */
  min(dim: number, options?: red.ReduceOptions): red.ValuesIndices {
    return red.min(this, dim, options);
  }
  /** Index of the maximum along `dim` (over all elements when omitted). */
  argmax(dim?: number | null, options?: red.ReduceOptions): NDArray<'int32'> {
    return red.argmax(this, dim, options);
  }
  /** Index of the minimum along `dim` (over all elements when omitted). */
  argmin(dim?: number | null, options?: red.ReduceOptions): NDArray<'int32'> {
    return red.argmin(this, dim, options);
  }
  /** Variance over `dims` (unbiased by default). */
  var(dims?: red.Dims, options?: red.VarianceOptions): NDArray {
    return red.variance(this, dims, options);
  }
  /** Standard deviation over `dims` (unbiased by default). */
  std(dims?: red.Dims, options?: red.VarianceOptions): NDArray {
    return red.std(this, dims, options);
  }
  /** Stable `log Σ exp` over `dims`. */
  logsumexp(dims?: red.Dims, options?: red.ReduceOptions): NDArray {
    return red.logsumexp(this, dims, options);
  }
  /** Softmax along `dim`. */
  softmax(dim: number): NDArray {
    return sm.softmax(this, dim);
  }
  /** Log-softmax along `dim`. */
  logSoftmax(dim: number): NDArray {
    return sm.logSoftmax(this, dim);
  }
}

/** Accepts `f(2, 3)`, `f([2, 3])` alike. */
function flattenShapeArgs(args: number[] | [readonly number[]]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as readonly number[])];
  return args as number[];
}

/** Resolves one −1 in `target` against the element count of `shape`, validating the rest. */
export function inferShape(op: string, shape: readonly number[], target: readonly number[]): number[] {
  const n = shapeSize(shape);
  let infer = -1;
  let known = 1;
  for (let i = 0; i < target.length; i++) {
    const d = target[i]!;
    if (d === -1) {
      if (infer >= 0) throw new RangeError(`${op}: only one dim can be inferred (-1), got ${formatShape(target)}`);
      infer = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`${op}: invalid size ${d} in shape ${formatShape(target)}`);
    } else {
      known *= d;
    }
  }
  const out = [...target];
  if (infer >= 0) {
    if (known === 0 || n % known !== 0) {
      throw new RangeError(`${op}: shape ${formatShape(target)} is invalid for an array of ${n} elements (shape ${formatShape(shape)})`);
    }
    out[infer] = n / known;
  } else if (known !== n) {
    throw new RangeError(`${op}: shape ${formatShape(target)} is invalid for an array of ${n} elements (shape ${formatShape(shape)})`);
  }
  return checkShape(op, out);
}

/**
 * Strides that read the same elements with shape `target`, or null when impossible without a copy.
 * Groups of old dims that are contiguous with each other may be split or merged freely
 * (the algorithm of PyTorch's `computeStride`).
 */
function viewStrides(shape: readonly number[], strides: readonly number[], target: readonly number[]): number[] | null {
  const n = shapeSize(shape);
  if (n === 0) return contiguousStrides(target);
  const out = new Array<number>(target.length).fill(0);
  let viewD = target.length - 1;
  let chunkBase = strides[strides.length - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d]!;
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || target[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= target[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = strides[d - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) {
    // only size-1 dims may remain
    for (; viewD >= 0; viewD--) {
      if (target[viewD] !== 1) return null;
      out[viewD] = 1;
    }
  }
  return out;
}
