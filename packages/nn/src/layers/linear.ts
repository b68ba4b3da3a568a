import { linear, type Tensor } from '@torchlet/autograd';
import { zeros, type FloatDType } from '@torchlet/ndarray';
import { kaimingUniform_, uniform_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { shapeText } from '../repr.js';
import { checkBool, checkFloatDType, checkInt, checkSameDType, checkTensor, withLabel } from './util.js';

/**
 * Returns its input unchanged (PyTorch's `nn.Identity`); a placeholder, e.g. to remove a layer.
 * Constructor arguments are accepted and ignored, as in PyTorch.
 * @example
 * ```ts
 * const x = tensor([1, 2]);
 * new Identity().forward(x) === x; // true
 * ```
 */
export class Identity extends Module {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'Identity';

  constructor(...args: unknown[]) {
    super();
    void args;
  }

  protected override compute(input: Tensor): Tensor {
    return checkTensor('Identity()', 'the input', input);
  }
}

/**
 * Options of {@link Linear}.
 * @example
 * ```ts
 * const opts: LinearOptions = { bias: false, dtype: 'float64' };
 * ```
 */
export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** The parameters' dtype (default float32). */
  dtype?: FloatDType;
}

/**
 * A fully connected layer `y = x·Wᵀ + b` (PyTorch's `nn.Linear`): `weight` `(outFeatures, inFeatures)`,
 * `bias` `(outFeatures)`, both initialised from U(−1/√inFeatures, 1/√inFeatures) as PyTorch does
 * (kaiming-uniform with `a = √5`). The input is `(…, inFeatures)`.
 * @example
 * ```ts
 * const fc = new Linear(400, 120);
 * fc.forward(tensor(randn([8, 400]))).shape; // [8, 120]
 * fc.toString(); // 'Linear(in_features=400, out_features=120, bias=True)'
 * ```
 */
export class Linear extends Module {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'Linear';

  /** Size of each input sample. */
  readonly inFeatures: number;
  /** Size of each output sample. */
  readonly outFeatures: number;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    const op = 'Linear';
    if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${String(options)}`);
    this.inFeatures = checkInt(op, 'inFeatures', inFeatures, 0);
    this.outFeatures = checkInt(op, 'outFeatures', outFeatures, 0);
    const bias = checkBool(op, 'bias', options.bias ?? true);
    const dtype = checkFloatDType(op, options.dtype ?? 'float32');
    this.registerParameter('weight', new Parameter(zeros([this.outFeatures, this.inFeatures], { dtype })));
    this.registerParameter('bias', bias ? new Parameter(zeros([this.outFeatures], { dtype })) : null);
    this.resetParameters();
  }

  /** `(outFeatures, inFeatures)`. */
  get weight(): Parameter {
    return this.ownParameter('weight')!;
  }

  set weight(p: Parameter) {
    this.registerParameter('weight', p);
  }

  /** `(outFeatures)`, or null for `bias: false`. */
  get bias(): Parameter | null {
    return this.ownParameter('bias');
  }

  set bias(p: Parameter | null) {
    this.registerParameter('bias', p);
  }

  /**
   * Re-draws the parameters as the constructor does (PyTorch's `reset_parameters`).
   * @example
   * ```ts
   * new Linear(3, 2).resetParameters();
   * ```
   */
  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    const bias = this.bias;
    if (bias && this.inFeatures > 0) {
      const bound = 1 / Math.sqrt(this.inFeatures);
      uniform_(bias, -bound, bound);
    }
  }

  /** `in_features=…, out_features=…, bias=…` as PyTorch prints it. */
  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`;
  }

  protected override compute(input: Tensor): Tensor {
    const label = `${this.typeName()}(in_features=${this.inFeatures}, out_features=${this.outFeatures})`;
    const x = checkTensor(label, 'the input', input);
    if (x.ndim === 0 || x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new RangeError(`${label}: expected input [..., ${this.inFeatures}], got ${shapeText(x.shape)}`);
    }
    checkSameDType(label, x, this.weight);
    return withLabel(label, () => linear(x, this.weight, this.bias));
  }
}
