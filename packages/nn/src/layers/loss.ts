import { Tensor } from '@torchlet/autograd';
import * as F from '../functional/index.js';
import { Module } from '../module.js';
import { checkInt, checkNumber, checkTensor, withLabel } from './util.js';

/**
 * How a loss reduces its per-element values: `'mean'` (default), `'sum'` or `'none'`.
 * @example
 * ```ts
 * const r: LossReduction = 'sum';
 * ```
 */
export type LossReduction = 'mean' | 'sum' | 'none';

/**
 * The `reduction` option every loss module takes.
 * @example
 * ```ts
 * new MSELoss({ reduction: 'sum' });
 * ```
 */
export interface LossModuleOptions {
  /** `'mean'` (default), `'sum'` or `'none'`. */
  reduction?: LossReduction;
}

function checkReduction(op: string, r: unknown): LossReduction {
  const v = r ?? 'mean';
  if (v !== 'mean' && v !== 'sum' && v !== 'none') throw new RangeError(`${op}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(v)}`);
  return v;
}

function checkOptionalTensor(op: string, name: string, t: unknown): Tensor | null {
  if (t === undefined || t === null) return null;
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor or null, got ${typeof t}`);
  return t;
}

/**
 * The base of the loss modules (PyTorch's `_Loss`): `forward(input, target)` returns the loss,
 * reduced as `reduction` says.
 * @example
 * ```ts
 * const losses: Loss[] = [new MSELoss(), new CrossEntropyLoss()];
 * ```
 */
export abstract class Loss extends Module<[Tensor, Tensor], Tensor> {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'Loss';

  /** `'mean'`, `'sum'` or `'none'`. */
  readonly reduction: LossReduction;

  constructor(options: LossModuleOptions = {}) {
    super();
    if (typeof options !== 'object' || options === null) throw new TypeError(`${this.typeName()}: options must be an object, got ${String(options)}`);
    this.reduction = checkReduction(this.typeName(), options.reduction);
  }

  /** Checks both operands and runs `fn`, prefixing errors with the module's name. */
  protected run(input: Tensor, target: Tensor, fn: (input: Tensor, target: Tensor) => Tensor): Tensor {
    const label = `${this.typeName()}()`;
    const x = checkTensor(label, 'the input', input);
    const t = checkTensor(label, 'the target', target);
    return withLabel(label, () => fn(x, t));
  }
}

/**
 * Mean squared error `(input − target)²` (PyTorch's `nn.MSELoss`).
 * @example
 * ```ts
 * new MSELoss().forward(tensor([1, 2]), tensor([0, 0])).item(); // 2.5
 * ```
 */
export class MSELoss extends Loss {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'MSELoss';

  protected override compute(input: Tensor, target: Tensor): Tensor {
    return this.run(input, target, (x, t) => F.mseLoss(x, t, { reduction: this.reduction }));
  }
}

/**
 * Mean absolute error `|input − target|` (PyTorch's `nn.L1Loss`).
 * @example
 * ```ts
 * new L1Loss().forward(tensor([1, -2]), tensor([0, 0])).item(); // 1.5
 * ```
 */
export class L1Loss extends Loss {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'L1Loss';

  protected override compute(input: Tensor, target: Tensor): Tensor {
    return this.run(input, target, (x, t) => F.l1Loss(x, t, { reduction: this.reduction }));
  }
}

/**
 * Options of {@link SmoothL1Loss}.
 * @example
 * ```ts
 * new SmoothL1Loss({ beta: 0.5 });
 * ```
 */
export interface SmoothL1LossOptions extends LossModuleOptions {
  /** Where the loss switches from quadratic to linear (default 1). */
  beta?: number;
}

/**
 * Smooth L1 loss (PyTorch's `nn.SmoothL1Loss`): `0.5·d²/beta` for `|d| < beta`, else `|d| − 0.5·beta`.
 * @example
 * ```ts
 * new SmoothL1Loss().forward(tensor([0.5, 3]), tensor([0, 0])).item(); // (0.125 + 2.5) / 2
 * ```
 */
export class SmoothL1Loss extends Loss {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'SmoothL1Loss';

  /** The quadratic-to-linear threshold. */
  readonly beta: number;

  constructor(options: SmoothL1LossOptions = {}) {
    super(options);
    this.beta = checkNumber('SmoothL1Loss', 'beta', options.beta ?? 1);
    if (this.beta < 0) throw new RangeError(`SmoothL1Loss: beta must be non-negative, got ${this.beta}`);
  }

  protected override compute(input: Tensor, target: Tensor): Tensor {
    return this.run(input, target, (x, t) => F.smoothL1Loss(x, t, { reduction: this.reduction, beta: this.beta }));
  }
}

/**
 * Options of {@link HuberLoss}.
 * @example
 * ```ts
 * new HuberLoss({ delta: 2 });
 * ```
 */
export interface HuberLossOptions extends LossModuleOptions {
  /** Where the loss switches from quadratic to linear (default 1). */
  delta?: number;
}

/**
 * Huber loss (PyTorch's `nn.HuberLoss`): `0.5·d²` for `|d| ≤ delta`, else `delta·(|d| − 0.5·delta)`.
 * @example
 * ```ts
 * new HuberLoss().forward(tensor([0.5, 3]), tensor([0, 0])).item(); // (0.125 + 2.5) / 2
 * ```
 */
export class HuberLoss extends Loss {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'HuberLoss';

  /** The quadratic-to-linear threshold. */
  readonly delta: number;

  constructor(options: HuberLossOptions = {}) {
    super(options);
    this.delta = checkNumber('HuberLoss', 'delta', options.delta ?? 1);
    if (this.delta <= 0) throw new RangeError(`HuberLoss: delta must be positive, got ${this.delta}`);
  }

  protected override compute(input: Tensor, target: Tensor): Tensor {
    return this.run(input, target, (x, t) => F.huberLoss(x, t, { reduction: this.reduction, delta: this.delta }));
  }
}

/**
 * Options of {@link CrossEntropyLoss}.
 * @example
 * ```ts
 * new CrossEntropyLoss({ labelSmoothing: 0.1, ignoreIndex: 0 });
 * ```
 */
export interface CrossEntropyLossOptions extends LossModuleOptions {
  /** A weight per class `(C)` (default none); stored as the buffer `weight`. */
  weight?: Tensor | null;
  /** Targets equal to this contribute nothing (default −100). */
  ignoreIndex?: number;
  /** Label smoothing ε in [0, 1] (default 0). */
  labelSmoothing?: number;
}

/**
 * Cross-entropy of logits `(N, C)` / `(N, C, d1, …)` against class indices or class
 * probabilities (PyTorch's `nn.CrossEntropyLoss`), with class weights, `ignoreIndex` and label
 * smoothing; `'mean'` divides by the summed weights of the counted targets.
 * @example
 * ```ts
 * const loss = new CrossEntropyLoss();
 * loss.forward(tensor([[2, 0, 0]]), tensor([0], { dtype: 'int32' })).item(); // ≈ 0.2395
 * ```
 */
export class CrossEntropyLoss extends Loss {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'CrossEntropyLoss';

  /** Targets equal to this are ignored. */
  readonly ignoreIndex: number;
  /** Label smoothing ε. */
  readonly labelSmoothing: number;

  constructor(options: CrossEntropyLossOptions = {}) {
    super(options);
    this.registerBuffer('weight', checkOptionalTensor('CrossEntropyLoss', 'weight', options.weight));
    this.ignoreIndex = checkInt('CrossEntropyLoss', 'ignoreIndex', options.ignoreIndex ?? -100, -Infinity);
    this.labelSmoothing = checkNumber('CrossEntropyLoss', 'labelSmoothing', options.labelSmoothing ?? 0);
    if (this.labelSmoothing < 0 || this.labelSmoothing > 1) {
      throw new RangeError(`CrossEntropyLoss: labelSmoothing must be between 0.0 and 1.0, got ${this.labelSmoothing}`);
    }
  }

  /** The class weights (the buffer `weight`), or null. */
  get weight(): Tensor | null {
    return this.ownBuffer('weight');
  }

  protected override compute(input: Tensor, target: Tensor): Tensor {
    const weight = this.weight;
    return this.run(input, target, (x, t) =>
      F.crossEntropy(x, t, {
        reduction: this.reduction,
        ignoreIndex: this.ignoreIndex,
        labelSmoothing: this.labelSmoothing,
        ...(weight ? { weight } : {}),
      }),
    );
  }
}

/**
 * Options of {@link NLLLoss}.
 * @example
 * ```ts
 * new NLLLoss({ ignoreIndex: 0 });
 * ```
 */
export interface NLLLossOptions extends LossModuleOptions {
  /** A weight per class `(C)` (default none); stored as the buffer `weight`. */
  weight?: Tensor | null;
  /** Targets equal to this contribute nothing (default −100). */
  ignoreIndex?: number;
}

/**
 * Negative log-likelihood of log-probabilities `(N, C)` against class indices (PyTorch's
 * `nn.NLLLoss`): `−input[i, target[i]]`, weighted; pair it with {@link LogSoftmax}.
 * @example
 * ```ts
 * new NLLLoss().forward(tensor([[-0.5, -1]]), tensor([1], { dtype: 'int32' })).item(); // 1
 * ```
 */
export class NLLLoss extends Loss {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'NLLLoss';

  /** Targets equal to this are ignored. */
  readonly ignoreIndex: number;

  constructor(options: NLLLossOptions = {}) {
    super(options);
    this.registerBuffer('weight', checkOptionalTensor('NLLLoss', 'weight', options.weight));
    this.ignoreIndex = checkInt('NLLLoss', 'ignoreIndex', options.ignoreIndex ?? -100, -Infinity);
  }

  /** The class weights (the buffer `weight`), or null. */
  get weight(): Tensor | null {
    return this.ownBuffer('weight');
  }

  protected override compute(input: Tensor, target: Tensor): Tensor {
    const weight = this.weight;
    return this.run(input, target, (x, t) =>
      F.nllLoss(x, t, { reduction: this.reduction, ignoreIndex: this.ignoreIndex, ...(weight ? { weight } : {}) }),
    );
  }
}

/**
 * Options of {@link BCELoss}.
 * @example
 * ```ts
 * new BCELoss({ reduction: 'sum' });
 * ```
 */
export interface BCELossOptions extends LossModuleOptions {
  /** A weight broadcast against the input (default none); stored as the buffer `weight`. */
  weight?: Tensor | null;
}

/**
 * Binary cross-entropy of probabilities in [0, 1] (PyTorch's `nn.BCELoss`):
 * `−w·(t·log x + (1 − t)·log(1 − x))`, the logs clamped at −100 as in PyTorch.
 * @example
 * ```ts
 * new BCELoss().forward(tensor([0.5]), tensor([1])).item(); // ≈ 0.6931
 * ```
 */
export class BCELoss extends Loss {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'BCELoss';

  constructor(options: BCELossOptions = {}) {
    super(options);
    this.registerBuffer('weight', checkOptionalTensor('BCELoss', 'weight', options.weight));
  }

  /** The weight (the buffer `weight`), or null. */
  get weight(): Tensor | null {
    return this.ownBuffer('weight');
  }

  protected override compute(input: Tensor, target: Tensor): Tensor {
    const weight = this.weight;
    return this.run(input, target, (x, t) => F.binaryCrossEntropy(x, t, { reduction: this.reduction, ...(weight ? { weight } : {}) }));
  }
}

/**
 * Options of {@link BCEWithLogitsLoss}.
 * @example
 * ```ts
 * new BCEWithLogitsLoss({ posWeight: tensor([3]) });
 * ```
 */
export interface BCEWithLogitsLossOptions extends BCELossOptions {
  /** A weight of the positive examples, broadcast along the last dim (default none); the buffer `pos_weight`. */
  posWeight?: Tensor | null;
}

/**
 * Binary cross-entropy of logits (PyTorch's `nn.BCEWithLogitsLoss`): a sigmoid and
 * {@link BCELoss} in one, computed stably, with `posWeight` for imbalanced classes.
 * @example
 * ```ts
 * new BCEWithLogitsLoss().forward(tensor([0]), tensor([1])).item(); // ≈ 0.6931
 * ```
 */
export class BCEWithLogitsLoss extends Loss {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'BCEWithLogitsLoss';

  constructor(options: BCEWithLogitsLossOptions = {}) {
    super(options);
    this.registerBuffer('weight', checkOptionalTensor('BCEWithLogitsLoss', 'weight', options.weight));
    this.registerBuffer('pos_weight', checkOptionalTensor('BCEWithLogitsLoss', 'posWeight', options.posWeight));
  }

  /** The weight (the buffer `weight`), or null. */
  get weight(): Tensor | null {
    return this.ownBuffer('weight');
  }

  /** The positive-class weight (the buffer `pos_weight`), or null. */
  get posWeight(): Tensor | null {
    return this.ownBuffer('pos_weight');
  }

  protected override compute(input: Tensor, target: Tensor): Tensor {
    const weight = this.weight;
    const posWeight = this.posWeight;
    return this.run(input, target, (x, t) =>
      F.binaryCrossEntropyWithLogits(x, t, {
        reduction: this.reduction,
        ...(weight ? { weight } : {}),
        ...(posWeight ? { posWeight } : {}),
      }),
    );
  }
}
