/**
 * Dropout (PyTorch's `F.dropout` and `F.dropout2d`): during training, zero elements (or whole
 * channels) with probability `p` and scale the survivors by `1/(1 − p)`, so that the expected
 * value is unchanged; the identity otherwise. Randomness comes from a seeded {@link Generator}.
 */
import { mul, Tensor } from '@torchlet/autograd';
import { defaultGenerator, formatShape, Generator, NDArray, allocate } from '@torchlet/ndarray';
import { checkFloat } from './primitive.js';

/** Options of {@link dropout} and {@link dropout2d}. */
export interface DropoutOptions {
  /** The probability of zeroing an element (a channel for dropout2d), in [0, 1] (default 0.5). */
  p?: number | undefined;
  /** Apply dropout (default true); false returns the input unchanged. */
  training?: boolean | undefined;
  /** The source of randomness (default: the module-level {@link defaultGenerator}). */
  generator?: Generator | undefined;
}

interface Resolved {
  p: number;
  training: boolean;
  generator: Generator;
}

function resolve(op: string, options: DropoutOptions): Resolved {
  const p = options.p ?? 0.5;
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${op}: p must be a probability in [0, 1], got ${String(p)}`);
  const training = options.training ?? true;
  if (typeof training !== 'boolean') throw new TypeError(`${op}: training must be a boolean, got ${typeof training}`);
  const generator = options.generator ?? defaultGenerator();
  if (!(generator instanceof Generator)) throw new TypeError(`${op}: generator must be a Generator, got ${typeof generator}`);
  return { p, training, generator };
}

/**
 * A constant mask of `shape` in `x`'s dtype: each element is 0 with probability `p`, else
 * `1/(1 − p)`. One float32 uniform draw per element, in row-major order (`u < p` drops).
 */
function mask(x: Tensor, shape: readonly number[], { p, generator }: Resolved): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = allocate(x.dtype, n);
  if (p < 1) {
    const scale = 1 / (1 - p);
    for (let i = 0; i < n; i++) values[i] = generator.nextFloat32() < p ? 0 : scale;
  }
  return new Tensor(new NDArray(values, x.dtype, shape));
}

/**
 * Element-wise dropout (PyTorch's `F.dropout`). In training, each element is zeroed independently
 * with probability `p` and the others are multiplied by `1/(1 − p)`; the gradient is masked and
 * scaled the same way. With `training: false` or `p = 0` the input itself is returned (no random
 * numbers drawn); `p = 1` gives zeros (and zero gradients).
 *
 * Each call draws one float32 uniform per element (row-major) from `generator`, so a seeded
 * generator makes the mask reproducible.
 *
 * @param x - a float tensor of any shape
 * @param options - `p` (default 0.5), `training` (default true), `generator` (default: {@link defaultGenerator})
 * @throws RangeError when `p` is outside [0, 1]; TypeError for a non-float input, a non-boolean
 * `training` or a `generator` that is not a Generator
 * @example
 * ```ts
 * const x = tensor([1, 2, 3, 4]);
 * const y = dropout(x, { p: 0.5, generator: new Generator(0) });
 * // each element is 0 or doubled, e.g. [2, 0, 6, 8]
 * dropout(x, { training: false }) === x; // true
 * ```
 */
export function dropout(x: Tensor, options: DropoutOptions = {}): Tensor {
  checkFloat('dropout', 'input', x);
  const r = resolve('dropout', options);
  if (!r.training || r.p === 0 || x.numel() === 0) return x;
  return mul(x, mask(x, x.shape, r));
}

/**
 * Channel-wise dropout (PyTorch's `F.dropout2d`): zeroes whole channels — every `(n, c)` plane of
 * an `(N, C, H, W)` input, or every `c` plane of an unbatched `(C, H, W)` input — with probability
 * `p`, scaling the kept channels by `1/(1 − p)`. One float32 uniform draw per channel. Same
 * `training`, `p = 0` and `p = 1` rules as {@link dropout}.
 *
 * (PyTorch 1.13 reads a 3-D input as `(N, C, L)` and drops `(n, c)` rows, with a warning that this
 * will change; torchlet treats it as one unbatched image, the documented intent.)
 *
 * @throws RangeError when the input is not 3-D or 4-D, or `p` is outside [0, 1]; TypeError as for {@link dropout}
 * @example
 * ```ts
 * const x = ones([2, 3, 4, 4]);
 * const y = dropout2d(tensor(x), { p: 0.5, generator: new Generator(1) });
 * // each of the 6 channels of y is all 0 or all 2
 * ```
 */
export function dropout2d(x: Tensor, options: DropoutOptions = {}): Tensor {
  checkFloat('dropout2d', 'input', x);
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new RangeError(`dropout2d: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got shape ${formatShape(x.shape)}`);
  }
  const r = resolve('dropout2d', options);
  if (!r.training || r.p === 0 || x.numel() === 0) return x;
  const shape = x.shape.map((s, i) => (i < x.ndim - 2 ? s : 1));
  return mul(x, mask(x, shape, r));
}
