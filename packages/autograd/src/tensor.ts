import {
  array,
  checkDType,
  formatArray,
  isFloatDType,
  NDArray,
  type DType,
  type NestedArray,
  type TypedArray,
} from '@torchlet/ndarray';
import { isGradEnabled } from './grad-mode.js';
import { Node, type BackwardFn, type GradHook } from './node.js';
import { runBackward } from './engine.js';
import * as ew from './ops/elementwise.js';
import * as red from './ops/reduce.js';
import * as views from './ops/views.js';
import * as inplace from './ops/inplace.js';

/** A tensor or a plain number (a scalar that broadcasts). Operator helpers accept both. */
export type TensorLike = Tensor | number;

/** Options of {@link tensor}. */
export interface TensorOptions {
  /** Element type (default: float32 for numbers, bool for booleans, a typed array's own). */
  dtype?: DType;
  /** Shape of a typed-array input (default 1-D). */
  shape?: readonly number[];
  /** Record operations on this tensor for `backward()` (float dtypes only; default false). */
  requiresGrad?: boolean;
}

/** Options of {@link Tensor.backward}. */
export interface BackwardOptions {
  /** Keep the tape after this backward, so that a second backward can run through it. */
  retainGraph?: boolean;
  /** Record the backward itself, for higher-order gradients (implies `retainGraph`). */
  createGraph?: boolean;
}

/** Counts in-place modifications of a storage; shared by a tensor and its views. */
interface VersionCounter {
  value: number;
}

/**
 * An n-dimensional array that remembers how it was computed, so that `backward()` can send
 * gradients back to the leaves that require them (PyTorch's dynamic tape). Wraps an
 * {@link NDArray} (`.data`), which holds the values.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * const w = tensor([[1, -1]], { requiresGrad: true });
 * const loss = w.mul(w).sum();
 * loss.backward();
 * w.grad!.toArray(); // [[2, -2]]
 * ```
 */
export class Tensor {
  private _data: NDArray;
  private _requiresGrad: boolean;
  private versionCounter: VersionCounter;
  private leafHooks: GradHook[] = [];
  private retains = false;
  /** The tensor whose storage this one views (null when it owns its storage). Internal. */
  readonly base: Tensor | null;
  /** The accumulated gradient (leaves, or non-leaves after `retainGrad()`); may be set to null. */
  grad: Tensor | null = null;
  /** The node that computed this tensor (null for leaves). */
  gradFn: Node | null;

  /** Wraps an NDArray; prefer {@link tensor}. Internal code uses {@link fromOp} to record ops. */
  constructor(data: NDArray, options: { requiresGrad?: boolean; gradFn?: Node | null; versionOf?: Tensor } = {}) {
    this._data = data;
    this.gradFn = options.gradFn ?? null;
    this._requiresGrad = this.gradFn !== null || (options.requiresGrad ?? false);
    if (this._requiresGrad && !isFloatDType(data.dtype)) {
      throw new TypeError(`tensor: only float32/float64 tensors can require gradients, got ${data.dtype}`);
    }
    this.versionCounter = options.versionOf ? options.versionOf.versionCounter : { value: 0 };
    this.base = options.versionOf ? (options.versionOf.base ?? options.versionOf) : null;
  }

  /** The values. */
  get data(): NDArray {
    return this._data;
  }

  /** Replaces the values without touching the tape (PyTorch's `t.data = …`); the shape may change. */
  set data(value: NDArray) {
    this._data = value;
  }

  /** True when gradients flow to or through this tensor. */
  get requiresGrad(): boolean {
    // an in-place op can give a tensor a history after construction (rebase)
    return this._requiresGrad || this.gradFn !== null;
  }

  set requiresGrad(value: boolean) {
    this.requiresGrad_(value);
  }

  /** True for tensors created by the user (no `gradFn`); only leaves accumulate `.grad`. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** How many times this tensor's storage was modified in place (checked by backward). */
  get version(): number {
    return this.versionCounter.value;
  }

  /** The size of each dim. */
  get shape(): readonly number[] {
    return this._data.shape;
  }

  /** The element type. */
  get dtype(): DType {
    return this._data.dtype;
  }

  /** The number of dims. */
  get ndim(): number {
    return this._data.ndim;
  }

  /** The number of dims (PyTorch's name). */
  dim(): number {
    return this._data.ndim;
  }

  /** The number of elements. */
  numel(): number {
    return this._data.size;
  }

  /** The shape, or the size of one dim (negatives count from the end). */
  size(): readonly number[];
  size(dim: number): number;
  size(dim?: number): number | readonly number[] {
    return dim === undefined ? this.shape : this._data.sizeOf(dim);
  }

  /** The value of a one-element tensor as a JS number. */
  item(): number {
    return this._data.item();
  }

  /** The values as nested JS arrays. */
  toArray(): NestedArray {
    return this._data.toArray();
  }

  /** A tensor sharing these values but cut from the tape (no gradient flows through it). */
  detach(): Tensor {
    const t = new Tensor(this._data);
    t.shareVersionWith(this);
    return t;
  }

  private shareVersionWith(other: Tensor): void {
    this.versionCounter = other.versionCounter;
  }

  /** Sets `requiresGrad` on a leaf (in place); returns this tensor. */
  requiresGrad_(value = true): this {
    if (!this.isLeaf && !value) {
      throw new Error(`requiresGrad_: cannot turn off requiresGrad on a non-leaf tensor (computed by ${this.gradFn!.name}); use detach()`);
    }
    if (value && !isFloatDType(this.dtype)) {
      throw new TypeError(`requiresGrad_: only float32/float64 tensors can require gradients, got ${this.dtype}`);
    }
    this._requiresGrad = value;
    return this;
  }

  /** Keeps `.grad` on this non-leaf tensor after backward (leaves always keep it). */
  retainGrad(): this {
    if (!this.requiresGrad) throw new Error('retainGrad: the tensor does not require grad');
    if (this.isLeaf || this.retains) return this;
    this.retains = true;
    this.gradFn!.hooks.push((g) => {
      this.grad = this.grad ? this.grad.add(g) : new Tensor(g.data.clone());
    });
    return this;
  }

  /** True after `retainGrad()` on a non-leaf (leaves keep `.grad` anyway and report false, as in PyTorch). */
  get retainsGrad(): boolean {
    return this.retains;
  }

  /**
   * Calls `hook(grad)` whenever the gradient w.r.t. this tensor is computed; a returned tensor
   * replaces the gradient. Returns a function that removes the hook.
   */
  registerHook(hook: GradHook): () => void {
    if (!this.requiresGrad) throw new Error('registerHook: cannot register a hook on a tensor that does not require grad');
    const list = this.gradFn ? this.gradFn.hooks : this.leafHooks;
    list.push(hook);
    return () => {
      const i = list.indexOf(hook);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /** The leaf hooks, run by the engine before accumulating into `.grad` (internal). */
  get hooksForLeaf(): readonly GradHook[] {
    return this.leafHooks;
  }

  /**
   * Computes the gradient of this tensor w.r.t. every leaf that requires grad and adds it to
   * their `.grad`. A scalar needs no `gradient`; otherwise pass ∂L/∂this (same shape).
   * The tape is freed afterwards unless `retainGraph` (or `createGraph`) is set.
   */
  backward(gradient?: TensorLike | null, options: BackwardOptions = {}): void {
    runBackward([this], gradient === undefined || gradient === null ? [null] : [gradient], options);
  }

  /** Marks an in-place modification (bumps the version shared with views). Internal. */
  bumpVersion(): void {
    this.versionCounter.value++;
  }

  /** PyTorch-style text, e.g. `tensor([1., 2.], grad_fn=<MulBackward0>)`. */
  toString(): string {
    const extras = this.gradFn ? [`grad_fn=<${this.gradFn.name}>`] : this._requiresGrad ? ['requires_grad=True'] : [];
    return formatArray(this._data, { prefix: 'tensor(', extras });
  }

  // ------------------------------------------------------------------ element-wise
  /** `this + other` (broadcasting). */
  add(other: TensorLike): Tensor {
    return ew.add(this, other);
  }
  /** `this − other` (broadcasting). */
  sub(other: TensorLike): Tensor {
    return ew.sub(this, other);
  }
  /** `this · other` (broadcasting). */
  mul(other: TensorLike): Tensor {
    return ew.mul(this, other);
  }
  /** `this / other` (broadcasting). */
  div(other: TensorLike): Tensor {
    return ew.div(this, other);
  }
  /** `this ** exponent`. */
  pow(exponent: TensorLike): Tensor {
    return ew.pow(this, exponent);
  }
  /** Element-wise maximum. */
  maximum(other: TensorLike): Tensor {
    return ew.maximum(this, other);
  }
  /** Element-wise minimum. */
  minimum(other: TensorLike): Tensor {
    return ew.minimum(this, other);
  }
  /** `−this`. */
  neg(): Tensor {
    return ew.neg(this);
  }
  /** `|this|`. */
  abs(): Tensor {
    return ew.abs(this);
  }
  /** `this²`. */
  square(): Tensor {
    return ew.square(this);
  }
  /** `e^this`. */
  exp(): Tensor {
    return ew.exp(this);
  }
  /** Natural logarithm. */
  log(): Tensor {
    return ew.log(this);
  }
  /** Square root. */
  sqrt(): Tensor {
    return ew.sqrt(this);
  }
  /** Hyperbolic tangent. */
  tanh(): Tensor {
    return ew.tanh(this);
  }
  /** The logistic function. */
  sigmoid(): Tensor {
    return ew.sigmoid(this);
  }
  /** `max(this, 0)`. */
  relu(): Tensor {
    return ew.relu(this);
  }
  /** Limits to `[min, max]` (gradient 0 where clamped). */
  clamp(min?: number | null, max?: number | null): Tensor {
    return ew.clamp(this, min, max);
  }
  /** `this == other` (no gradient). */
  eq(other: TensorLike): Tensor {
    return ew.eq(this, other);
  }
  /** `this != other` (no gradient). */
  ne(other: TensorLike): Tensor {
    return ew.ne(this, other);
  }
  /** `this < other` (no gradient). */
  lt(other: TensorLike): Tensor {
    return ew.lt(this, other);
  }
  /** `this <= other` (no gradient). */
  le(other: TensorLike): Tensor {
    return ew.le(this, other);
  }
  /** `this > other` (no gradient). */
  gt(other: TensorLike): Tensor {
    return ew.gt(this, other);
  }
  /** `this >= other` (no gradient). */
  ge(other: TensorLike): Tensor {
    return ew.ge(this, other);
  }

  // ------------------------------------------------------------------ reductions
  /** Sum over `dim` (all elements when omitted). */
  sum(dim?: red.Dims, options?: red.ReduceOptions): Tensor {
    return red.sum(this, dim, options);
  }
  /** Mean over `dim` (all elements when omitted). */
  mean(dim?: red.Dims, options?: red.ReduceOptions): Tensor {
    return red.mean(this, dim, options);
  }
  /** Maximum over `dim` (all when omitted); the gradient is shared evenly between tied maxima. */
  amax(dim?: red.Dims, options?: red.ReduceOptions): Tensor {
    return red.amax(this, dim, options);
  }
  /** Minimum over `dim` (all when omitted). */
  amin(dim?: red.Dims, options?: red.ReduceOptions): Tensor {
    return red.amin(this, dim, options);
  }
  /** Variance over `dim` (unbiased by default). */
  var(dim?: red.Dims, options?: red.VarianceOptions): Tensor {
    return red.variance(this, dim, options);
  }
  /** Standard deviation over `dim` (unbiased by default). */
  std(dim?: red.Dims, options?: red.VarianceOptions): Tensor {
    return red.std(this, dim, options);
  }
  /** Stable `log Σ exp` over `dim`. */
  logsumexp(dim?: red.Dims, options?: red.ReduceOptions): Tensor {
    return red.logsumexp(this, dim, options);
  }
  /** Index of the maximum along `dim` (all elements when omitted); int32, no gradient. */
  argmax(dim?: number | null, options?: red.ReduceOptions): Tensor {
    return new Tensor(this._data.argmax(dim, options));
  }

  // ------------------------------------------------------------------ views
  /** A view with a new shape (one −1 inferred); throws when impossible without a copy. */
  view(...shape: number[] | [readonly number[]]): Tensor {
    return views.view(this, ...shape);
  }
  /** The same values with a new shape (one −1 inferred); copies only when it must. */
  reshape(...shape: number[] | [readonly number[]]): Tensor {
    return views.reshape(this, ...shape);
  }
  /** Reorders the dims. */
  permute(...dims: number[] | [readonly number[]]): Tensor {
    return views.permute(this, ...dims);
  }
  /** Swaps two dims. */
  transpose(dim0: number, dim1: number): Tensor {
    return views.transpose(this, dim0, dim1);
  }
  /** Removes size-1 dims (or just `dim`). */
  squeeze(dim?: number): Tensor {
    return views.squeeze(this, dim);
  }
  /** Inserts a size-1 dim at `dim`. */
  unsqueeze(dim: number): Tensor {
    return views.unsqueeze(this, dim);
  }
  /** `x[start:end:step]` along `dim`. */
  slice(dim: number, start?: number, end?: number, step?: number): Tensor {
    return views.slice(this, dim, start, end, step);
  }
  /** `length` elements from `start` along `dim`. */
  narrow(dim: number, start: number, length: number): Tensor {
    return views.narrow(this, dim, start, length);
  }
  /** Broadcasts size-1 dims to `shape` (−1 keeps a dim). */
  expand(...shape: number[] | [readonly number[]]): Tensor {
    return views.expand(this, ...shape);
  }
  /** Merges dims `startDim..endDim` into one. */
  flatten(startDim?: number, endDim?: number): Tensor {
    return views.flatten(this, startDim, endDim);
  }
  /** This tensor when contiguous, else a contiguous copy (gradient flows). */
  contiguous(): Tensor {
    return views.contiguous(this);
  }
  /** A copy with its own storage; gradient flows back to this tensor. */
  clone(): Tensor {
    return views.clone(this);
  }

  // ------------------------------------------------------------------ in place (trailing _)
  /** `this += other` in place. */
  add_(other: TensorLike): this {
    return inplace.add_(this, other);
  }
  /** `this −= other` in place. */
  sub_(other: TensorLike): this {
    return inplace.sub_(this, other);
  }
  /** `this ·= other` in place. */
  mul_(other: TensorLike): this {
    return inplace.mul_(this, other);
  }
  /** `this /= other` in place. */
  div_(other: TensorLike): this {
    return inplace.div_(this, other);
  }
  /** Clamps in place. */
  clamp_(min?: number | null, max?: number | null): this {
    return inplace.clamp_(this, min, max);
  }
  /** Writes zeros in place. */
  zero_(): this {
    return inplace.fill_(this, 0);
  }
  /** Writes `value` everywhere in place. */
  fill_(value: number): this {
    return inplace.fill_(this, value);
  }
  /** Copies `src` (broadcast) into this tensor in place. */
  copy_(src: TensorLike): this {
    return inplace.copy_(this, src);
  }
}

/**
 * Creates a tensor from nested arrays, a number, or a typed array with a `shape`.
 * @example
 * ```ts
 * const X = tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
 * const w = tensor(new Float32Array([1, -1]), { shape: [1, 2], requiresGrad: true });
 * ```
 */
export function tensor(data: NestedArray | TypedArray | readonly number[] | NDArray | Tensor, options: TensorOptions = {}): Tensor {
  if (options.dtype !== undefined) checkDType('tensor', options.dtype);
  let nd: NDArray;
  if (data instanceof Tensor) nd = data.data.clone();
  else if (data instanceof NDArray) nd = data.clone();
  else {
    try {
      nd = array(data, { ...(options.dtype ? { dtype: options.dtype } : {}), ...(options.shape ? { shape: options.shape } : {}) });
    } catch (e) {
      // the user called tensor(), so the message names tensor, not the ndarray helper behind it
      if (e instanceof Error) e.message = e.message.replace(/^array:/, 'tensor:');
      throw e;
    }
  }
  if ((data instanceof Tensor || data instanceof NDArray) && options.dtype && nd.dtype !== options.dtype) nd = nd.astype(options.dtype);
  return new Tensor(nd, { requiresGrad: options.requiresGrad ?? false });
}

/** Wraps an operand: numbers become 0-d float64 tensors (their dtype is decided by the op). */
export function toTensor(x: TensorLike): Tensor {
  return typeof x === 'number' ? new Tensor(new NDArray(Float64Array.of(x), 'float64', [])) : x;
}

/**
 * Wraps the result of an op and records it on the tape when grad mode is on and any input
 * requires grad: `backward` maps the output's gradient to one gradient per input (null for
 * inputs that need none), and `saved` lists the inputs whose values the backward reads, so that
 * an in-place change to them is caught. `view` marks results that share storage with `view`.
 */
export function fromOp(
  name: string,
  out: NDArray,
  inputs: readonly Tensor[],
  backward: BackwardFn,
  saved: readonly Tensor[] = [],
  viewOf?: Tensor,
): Tensor {
  const track = isGradEnabled() && inputs.some((t) => t.requiresGrad);
  const node = track ? new Node(name, inputs, backward, saved) : null;
  return new Tensor(out, { gradFn: node, ...(viewOf ? { versionOf: viewOf } : {}) });
}

/** Marks an op's output as read by its own backward, so that in-place changes to it are caught. */
export function saveOutput(out: Tensor): Tensor {
  out.gradFn?.save(out);
  return out;
}
