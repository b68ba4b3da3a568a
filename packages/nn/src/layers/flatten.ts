import type { Tensor } from '@torchlet/autograd';
import { Module } from '../module.js';
import { pyValue, shapeText } from '../repr.js';
import { checkInt, checkTensor, withLabel } from './util.js';

/**
 * Options of {@link Flatten}.
 * @example
 * ```ts
 * new Flatten({ startDim: 0 });
 * ```
 */
export interface FlattenOptions {
  /** First dim to flatten (default 1: keep the batch dim). */
  startDim?: number;
  /** Last dim to flatten, inclusive (default −1). */
  endDim?: number;
}

/**
 * Flattens dims `startDim..endDim` into one (PyTorch's `nn.Flatten`; defaults 1 and −1, so a
 * batch `(N, C, H, W)` becomes `(N, C·H·W)`). Takes the dims positionally, as PyTorch's users
 * write them (`new Flatten(0)`), or as options.
 * @example
 * ```ts
 * new Flatten().forward(tensor(zeros([8, 16, 5, 5]))).shape; // [8, 400]
 * new Flatten(0).forward(tensor(zeros([2, 3]))).shape;       // [6]
 * ```
 */
export class Flatten extends Module {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'Flatten';

  /** First flattened dim. */
  readonly startDim: number;
  /** Last flattened dim (inclusive). */
  readonly endDim: number;

  constructor(startDim?: number | FlattenOptions, endDim?: number) {
    super();
    const opts: FlattenOptions = typeof startDim === 'object' && startDim !== null ? startDim : { ...(startDim !== undefined ? { startDim } : {}), ...(endDim !== undefined ? { endDim } : {}) };
    this.startDim = checkInt('Flatten', 'startDim', opts.startDim ?? 1, -Infinity);
    this.endDim = checkInt('Flatten', 'endDim', opts.endDim ?? -1, -Infinity);
  }

  /** `start_dim=…, end_dim=…` as PyTorch prints it. */
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }

  protected override compute(input: Tensor): Tensor {
    const label = `${this.typeName()}(${this.extraRepr()})`;
    const x = checkTensor(label, 'the input', input);
    return withLabel(label, () => x.flatten(this.startDim, this.endDim));
  }
}

/**
 * Expands dim `dim` into `unflattenedSize` (PyTorch's `nn.Unflatten`); one size may be −1.
 * @example
 * ```ts
 * new Unflatten(1, [16, 5, 5]).forward(tensor(zeros([8, 400]))).shape; // [8, 16, 5, 5]
 * ```
 */
export class Unflatten extends Module {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'Unflatten';

  /** The dim that is expanded. */
  readonly dim: number;
  /** The sizes it becomes. */
  readonly unflattenedSize: readonly number[];

  constructor(dim: number, unflattenedSize: readonly number[]) {
    super();
    this.dim = checkInt('Unflatten', 'dim', dim, -Infinity);
    const given: unknown = unflattenedSize;
    if (!Array.isArray(given) || given.length === 0 || !given.every((s) => Number.isInteger(s) && (s as number) >= -1)) {
      throw new TypeError(`Unflatten: unflattenedSize must be a non-empty array of integers (one may be -1), got ${JSON.stringify(unflattenedSize)}`);
    }
    if (unflattenedSize.filter((s) => s === -1).length > 1) {
      throw new RangeError(`Unflatten: only one size in unflattenedSize can be -1, got ${shapeText(unflattenedSize)}`);
    }
    this.unflattenedSize = Array.from(unflattenedSize);
  }

  /** `dim=…, unflattened_size=(…)` as PyTorch prints it. */
  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pyValue(this.unflattenedSize)}`;
  }

  protected override compute(input: Tensor): Tensor {
    const label = `${this.typeName()}(${this.extraRepr()})`;
    const x = checkTensor(label, 'the input', input);
    const nd = x.ndim;
    if (this.dim < -nd || this.dim >= nd) {
      throw new RangeError(`${label}: dim ${this.dim} is out of range for an input of shape ${shapeText(x.shape)}`);
    }
    const d = this.dim < 0 ? this.dim + nd : this.dim;
    const size = x.shape[d]!;
    const known = this.unflattenedSize.filter((s) => s !== -1).reduce((a, b) => a * b, 1);
    const sizes = this.unflattenedSize.map((s) => (s === -1 ? (known === 0 ? 0 : size / known) : s));
    if (!sizes.every((s) => Number.isInteger(s)) || sizes.reduce((a, b) => a * b, 1) !== size) {
      throw new RangeError(
        `${label}: unflattened_size ${pyValue(this.unflattenedSize)} does not multiply to the size ${size} of dim ${this.dim} (input shape ${shapeText(x.shape)})`,
      );
    }
    return x.reshape([...x.shape.slice(0, d), ...sizes, ...x.shape.slice(d + 1)]);
  }
}
