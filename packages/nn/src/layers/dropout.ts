import type { Tensor } from '@torchlet/autograd';
import { Generator } from '@torchlet/ndarray';
import * as F from '../functional/index.js';
import { Module } from '../module.js';
import { pyFloat } from '../repr.js';
import { checkTensor, withLabel } from './util.js';

/**
 * Options of {@link Dropout} and {@link Dropout2d}.
 * @example
 * ```ts
 * new Dropout({ p: 0.2, generator: new Generator(0) });
 * ```
 */
export interface DropoutOptions {
  /** The probability of zeroing an element (a channel for Dropout2d), in [0, 1] (default 0.5). */
  p?: number;
  /**
   * The source of randomness (default: @torchlet/ndarray's default generator, so `manualSeed`
   * makes the masks reproducible). Not a PyTorch argument.
   */
  generator?: Generator;
}

function resolve(op: string, arg: number | DropoutOptions): { p: number; generator: Generator | undefined } {
  const opts: DropoutOptions = typeof arg === 'object' && arg !== null ? arg : { p: arg };
  const p = opts.p ?? 0.5;
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${op}: dropout probability has to be between 0 and 1, but got ${String(p)}`);
  if (opts.generator !== undefined && !(opts.generator instanceof Generator)) {
    throw new TypeError(`${op}: generator must be a Generator, got ${typeof opts.generator}`);
  }
  return { p, generator: opts.generator };
}

/**
 * Dropout (PyTorch's `nn.Dropout`): in training mode, zeroes each element with probability `p`
 * and scales the others by `1/(1 − p)`; in eval mode, the identity. `p` may be given positionally.
 * @example
 * ```ts
 * manualSeed(0);
 * const drop = new Dropout(0.5);
 * drop.forward(tensor(ones([4])));        // e.g. [2, 0, 2, 2]
 * drop.eval().forward(tensor(ones([4]))); // [1, 1, 1, 1]
 * ```
 */
export class Dropout extends Module {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'Dropout';

  /** The drop probability. */
  readonly p: number;
  private readonly generator: Generator | undefined;

  constructor(p: number | DropoutOptions = 0.5) {
    super();
    const r = resolve(this.typeName(), p);
    this.p = r.p;
    this.generator = r.generator;
  }

  /** `p=…, inplace=False` as PyTorch prints it. */
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }

  protected override compute(input: Tensor): Tensor {
    const label = `${this.typeName()}(p=${pyFloat(this.p)})`;
    const x = checkTensor(label, 'the input', input);
    return withLabel(label, () => F.dropout(x, { p: this.p, training: this.training, generator: this.generator }));
  }
}

/**
 * Channel dropout (PyTorch's `nn.Dropout2d`): in training mode, zeroes whole channels of an
 * `(N, C, H, W)` or `(C, H, W)` input with probability `p`, scaling the kept ones by `1/(1 − p)`.
 * @example
 * ```ts
 * manualSeed(0);
 * new Dropout2d(0.5).forward(tensor(ones([1, 4, 2, 2]))); // each channel all 0 or all 2
 * ```
 */
export class Dropout2d extends Module {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'Dropout2d';

  /** The drop probability. */
  readonly p: number;
  private readonly generator: Generator | undefined;

  constructor(p: number | DropoutOptions = 0.5) {
    super();
    const r = resolve(this.typeName(), p);
    this.p = r.p;
    this.generator = r.generator;
  }

  /** `p=…, inplace=False` as PyTorch prints it. */
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }

  protected override compute(input: Tensor): Tensor {
    const label = `${this.typeName()}(p=${pyFloat(this.p)})`;
    const x = checkTensor(label, 'the input', input);
    return withLabel(label, () => F.dropout2d(x, { p: this.p, training: this.training, generator: this.generator }));
  }
}
