/**
 * Tensor factories, PyTorch's `torch.zeros`, `torch.randn`, …: the @torchlet/ndarray creators
 * wrapped as leaf tensors, with an optional `requiresGrad`. Random ones draw from the seeded
 * generator (`manualSeed`) unless given their own.
 */
import * as nd from '@torchlet/ndarray';
import { Tensor } from './tensor.js';

/** Options of the factories: a dtype and whether the new leaf requires grad. */
export interface FactoryOptions {
  /** Element type (default float32; int32 for `arange`/`randint`/`randperm` of integers). */
  dtype?: nd.DType;
  /** Make the new tensor a leaf that requires grad (float dtypes only). */
  requiresGrad?: boolean;
}

/** Options of the random factories. */
export interface RandomFactoryOptions extends FactoryOptions {
  /** The generator to draw from (default: the one `manualSeed` seeds). */
  generator?: nd.Generator;
}

function leaf(data: nd.NDArray, options: FactoryOptions): Tensor {
  return new Tensor(data, { requiresGrad: options.requiresGrad ?? false });
}

function dtypeOf(options: FactoryOptions): { dtype?: nd.DType } {
  return options.dtype ? { dtype: options.dtype } : {};
}

function floatOptions(options: RandomFactoryOptions): nd.RandomOptions<nd.FloatDType> {
  if (options.dtype && !nd.isFloatDType(options.dtype)) throw new TypeError(`random: expected a float dtype, got ${options.dtype}`);
  return { ...(options.dtype ? { dtype: options.dtype } : {}), ...(options.generator ? { generator: options.generator } : {}) };
}

/**
 * A tensor of zeros.
 * @example
 * ```ts
 * const b = zeros([6], { requiresGrad: true });
 * ```
 */
export function zeros(shape: readonly number[], options: FactoryOptions = {}): Tensor {
  return leaf(nd.zeros(shape, dtypeOf(options)), options);
}

/** A tensor of ones. */
export function ones(shape: readonly number[], options: FactoryOptions = {}): Tensor {
  return leaf(nd.ones(shape, dtypeOf(options)), options);
}

/** A tensor filled with `value`. */
export function full(shape: readonly number[], value: number, options: FactoryOptions = {}): Tensor {
  return leaf(nd.full(shape, value, dtypeOf(options)), options);
}

/** Zeros with the shape and dtype of `like`. */
export function zerosLike(like: Tensor, options: FactoryOptions = {}): Tensor {
  return leaf(nd.zeros(like.shape, { dtype: options.dtype ?? like.dtype }), options);
}

/** Ones with the shape and dtype of `like`. */
export function onesLike(like: Tensor, options: FactoryOptions = {}): Tensor {
  return leaf(nd.ones(like.shape, { dtype: options.dtype ?? like.dtype }), options);
}

/** `[start, end)` in steps, like `torch.arange` (int32 when every argument is an integer). */
export function arange(start: number, end?: number, step = 1, options: FactoryOptions = {}): Tensor {
  return leaf(nd.arange(start, end, step, dtypeOf(options)), options);
}

/** `steps` evenly spaced values from `start` to `end` inclusive. */
export function linspace(start: number, end: number, steps: number, options: FactoryOptions = {}): Tensor {
  return leaf(nd.linspace(start, end, steps, dtypeOf(options)), options);
}

/** An identity matrix (`n × m`). */
export function eye(n: number, m: number = n, options: FactoryOptions = {}): Tensor {
  return leaf(nd.eye(n, m, dtypeOf(options)), options);
}

/**
 * Uniform samples in [0, 1), like `torch.rand`.
 * @example
 * ```ts
 * manualSeed(0);
 * const x = rand([2, 3]);
 * ```
 */
export function rand(shape: readonly number[], options: RandomFactoryOptions = {}): Tensor {
  return leaf(nd.rand(shape, floatOptions(options)), options);
}

/** Standard normal samples, like `torch.randn`. */
export function randn(shape: readonly number[], options: RandomFactoryOptions = {}): Tensor {
  return leaf(nd.randn(shape, floatOptions(options)), options);
}

/** Integers in `[low, high)` (int32), like `torch.randint`. */
export function randint(low: number, high: number, shape: readonly number[], options: Omit<RandomFactoryOptions, 'requiresGrad'> = {}): Tensor {
  return new Tensor(nd.randint(low, high, shape, options.generator ? { generator: options.generator } : {}));
}

/** A random permutation of `0..n−1` (int32), like `torch.randperm`. */
export function randperm(n: number, options: Omit<RandomFactoryOptions, 'requiresGrad'> = {}): Tensor {
  return new Tensor(nd.randperm(n, options.generator ? { generator: options.generator } : {}));
}
