import { logSoftmax, relu, sigmoid, softmax, tanh, type Tensor } from '@torchlet/autograd';
import * as F from '../functional/index.js';
import { Module } from '../module.js';
import { pyFloat } from '../repr.js';
import { checkInt, checkNumber, checkTensor, withLabel } from './util.js';

/**
 * `max(x, 0)` element-wise (PyTorch's `nn.ReLU`; the gradient at 0 is 0).
 * @example
 * ```ts
 * new ReLU().forward(tensor([-1, 0, 2])).toArray(); // [0, 0, 2]
 * ```
 */
export class ReLU extends Module {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'ReLU';

  protected override compute(input: Tensor): Tensor {
    return relu(checkTensor('ReLU()', 'the input', input));
  }
}

/**
 * Options of {@link LeakyReLU}.
 * @example
 * ```ts
 * new LeakyReLU({ negativeSlope: 0.2 });
 * ```
 */
export interface LeakyReLUOptions {
  /** The slope for negative inputs (default 0.01). */
  negativeSlope?: number;
}

/**
 * `x` for `x ≥ 0`, `negativeSlope·x` otherwise (PyTorch's `nn.LeakyReLU`, default slope 0.01).
 * The slope may be given positionally (`new LeakyReLU(0.2)`) or as an option.
 * @example
 * ```ts
 * new LeakyReLU(0.1).forward(tensor([-2, 3])).toArray(); // [-0.2, 3] (float32)
 * ```
 */
export class LeakyReLU extends Module {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'LeakyReLU';

  /** The slope for negative inputs. */
  readonly negativeSlope: number;

  constructor(negativeSlope: number | LeakyReLUOptions = 0.01) {
    super();
    const slope = typeof negativeSlope === 'object' && negativeSlope !== null ? (negativeSlope.negativeSlope ?? 0.01) : negativeSlope;
    this.negativeSlope = checkNumber('LeakyReLU', 'negativeSlope', slope);
  }

  /** `negative_slope=…` as PyTorch prints it. */
  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}`;
  }

  protected override compute(input: Tensor): Tensor {
    const label = `${this.typeName()}(${this.extraRepr()})`;
    return withLabel(label, () => F.leakyRelu(checkTensor(label, 'the input', input), this.negativeSlope));
  }
}

/**
 * The logistic function `1 / (1 + e^(−x))` (PyTorch's `nn.Sigmoid`).
 * @example
 * ```ts
 * new Sigmoid().forward(tensor([0])).item(); // 0.5
 * ```
 */
export class Sigmoid extends Module {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'Sigmoid';

  protected override compute(input: Tensor): Tensor {
    return sigmoid(checkTensor('Sigmoid()', 'the input', input));
  }
}

/**
 * The hyperbolic tangent (PyTorch's `nn.Tanh`).
 * @example
 * ```ts
 * new Tanh().forward(tensor([0])).item(); // 0
 * ```
 */
export class Tanh extends Module {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'Tanh';

  protected override compute(input: Tensor): Tensor {
    return tanh(checkTensor('Tanh()', 'the input', input));
  }
}

/**
 * Options of {@link GELU}.
 * @example
 * ```ts
 * new GELU({ approximate: 'tanh' });
 * ```
 */
export interface GELUOptions {
  /** `'none'` (default): the exact `x·Φ(x)`; `'tanh'`: the tanh approximation. */
  approximate?: 'none' | 'tanh';
}

/**
 * The Gaussian error linear unit `x·Φ(x)` (PyTorch's `nn.GELU`), exact or tanh-approximated.
 * @example
 * ```ts
 * new GELU().forward(tensor([1])).item(); // ≈ 0.8413
 * new GELU().toString(); // "GELU(approximate='none')"
 * ```
 */
export class GELU extends Module {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'GELU';

  /** `'none'` or `'tanh'`. */
  readonly approximate: 'none' | 'tanh';

  constructor(options: GELUOptions = {}) {
    super();
    const approximate = options.approximate ?? 'none';
    if (approximate !== 'none' && approximate !== 'tanh') {
      throw new TypeError(`GELU: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
    }
    this.approximate = approximate;
  }

  /** `approximate='…'` as PyTorch prints it. */
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }

  protected override compute(input: Tensor): Tensor {
    const label = `${this.typeName()}(${this.extraRepr()})`;
    return withLabel(label, () => F.gelu(checkTensor(label, 'the input', input), { approximate: this.approximate }));
  }
}

/**
 * Softmax along `dim` (PyTorch's `nn.Softmax`): `exp(x) / Σ exp(x)`, computed stably.
 * @example
 * ```ts
 * new Softmax(1).forward(tensor([[1, 1]])).toArray(); // [[0.5, 0.5]]
 * ```
 */
export class Softmax extends Module {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'Softmax';

  /** The dim that sums to 1. */
  readonly dim: number;

  constructor(dim: number) {
    super();
    this.dim = checkInt('Softmax', 'dim', dim, -Infinity);
  }

  /** `dim=…` as PyTorch prints it. */
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }

  protected override compute(input: Tensor): Tensor {
    const label = `${this.typeName()}(${this.extraRepr()})`;
    return withLabel(label, () => softmax(checkTensor(label, 'the input', input), this.dim));
  }
}

/**
 * Log-softmax along `dim` (PyTorch's `nn.LogSoftmax`): `x − logsumexp(x)`, computed stably.
 * @example
 * ```ts
 * new LogSoftmax(1).forward(tensor([[0, 0]])).toArray(); // [[-0.6931, -0.6931]] (≈)
 * ```
 */
export class LogSoftmax extends Module {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'LogSoftmax';

  /** The dim normalised over. */
  readonly dim: number;

  constructor(dim: number) {
    super();
    this.dim = checkInt('LogSoftmax', 'dim', dim, -Infinity);
  }

  /** `dim=…` as PyTorch prints it. */
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }

  protected override compute(input: Tensor): Tensor {
    const label = `${this.typeName()}(${this.extraRepr()})`;
    return withLabel(label, () => logSoftmax(checkTensor(label, 'the input', input), this.dim));
  }
}
