import { conv2d, type Tensor } from '@torchlet/autograd';
import { zeros, type Conv2dPaddingMode, type FloatDType } from '@torchlet/ndarray';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyValue, shapeText } from '../repr.js';
import { checkBool, checkFloatDType, checkInt, checkSameDType, checkTensor, intPair, withLabel, type Size2 } from './util.js';

/**
 * Options of {@link Conv2d}: PyTorch's keyword arguments, camelCased, with PyTorch's defaults.
 * @example
 * ```ts
 * const opts: Conv2dOptions = { stride: 2, padding: 1, bias: false };
 * ```
 */
export interface Conv2dOptions {
  /** Step between windows (default 1). */
  stride?: Size2;
  /** Padding on each side (default 0), or `'same'` (stride 1 only) / `'valid'` (no padding). */
  padding?: Size2 | 'same' | 'valid';
  /** Spacing between kernel taps (default 1). */
  dilation?: Size2;
  /** Channel groups; must divide both channel counts (default 1). */
  groups?: number;
  /** Learn a bias per output channel (default true). */
  bias?: boolean;
  /** What the padding holds: `'zeros'` (default), `'reflect'`, `'replicate'` or `'circular'`. */
  paddingMode?: Conv2dPaddingMode;
  /** The parameters' dtype (default float32). */
  dtype?: FloatDType;
}

const PADDING_MODES: readonly string[] = ['zeros', 'reflect', 'replicate', 'circular'];

/**
 * A 2-D convolution layer (PyTorch's `nn.Conv2d`): `weight` `(outChannels, inChannels/groups, kH, kW)`
 * and `bias` `(outChannels)`, initialised as PyTorch does (kaiming-uniform with `a = √5`, i.e.
 * U(−1/√fanIn, 1/√fanIn) for both, `fanIn = inChannels/groups · kH · kW`) from the default
 * generator. Input `(N, C, H, W)` or unbatched `(C, H, W)`.
 *
 * Arguments are validated in the constructor (groups dividing the channels, `'same'` with a
 * stride, unknown padding modes…); forward errors name the layer and the shapes.
 *
 * @example
 * ```ts
 * import { randn, manualSeed } from '@torchlet/ndarray';
 * import { tensor } from '@torchlet/autograd';
 * import { Conv2d } from '@torchlet/nn';
 * manualSeed(0);
 * const conv = new Conv2d(1, 6, 5, { padding: 2 });
 * conv.forward(tensor(randn([8, 1, 28, 28]))).shape; // [8, 6, 28, 28]
 * conv.toString(); // 'Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))'
 * ```
 */
export class Conv2d extends Module {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'Conv2d';

  /** Channels of the input. */
  readonly inChannels: number;
  /** Channels of the output (number of filters). */
  readonly outChannels: number;
  /** `[kH, kW]`. */
  readonly kernelSize: [number, number];
  /** `[sH, sW]`. */
  readonly stride: [number, number];
  /** `[pH, pW]`, `'same'` or `'valid'`. */
  readonly padding: [number, number] | 'same' | 'valid';
  /** `[dH, dW]`. */
  readonly dilation: [number, number];
  /** Channel groups. */
  readonly groups: number;
  /** The padding mode. */
  readonly paddingMode: Conv2dPaddingMode;

  constructor(inChannels: number, outChannels: number, kernelSize: Size2, options: Conv2dOptions = {}) {
    super();
    const op = 'Conv2d';
    if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${String(options)}`);
    this.inChannels = checkInt(op, 'inChannels', inChannels, 1);
    this.outChannels = checkInt(op, 'outChannels', outChannels, 1);
    this.kernelSize = intPair(op, 'kernelSize', kernelSize, 1);
    this.stride = intPair(op, 'stride', options.stride ?? 1, 1);
    this.dilation = intPair(op, 'dilation', options.dilation ?? 1, 1);
    this.groups = checkInt(op, 'groups', options.groups ?? 1, 1);
    const padding = options.padding ?? 0;
    if (typeof padding === 'string') {
      if (padding !== 'same' && padding !== 'valid') {
        throw new TypeError(`${op}: invalid padding string ${JSON.stringify(padding)}, should be one of 'valid', 'same'`);
      }
      if (padding === 'same' && (this.stride[0] !== 1 || this.stride[1] !== 1)) {
        throw new RangeError(`${op}: padding='same' is not supported for strided convolutions (stride ${shapeText(this.stride)})`);
      }
      this.padding = padding;
    } else {
      this.padding = intPair(op, 'padding', padding, 0);
    }
    const paddingMode = options.paddingMode ?? 'zeros';
    if (!PADDING_MODES.includes(paddingMode)) {
      throw new TypeError(`${op}: paddingMode must be one of 'zeros', 'reflect', 'replicate', 'circular', but got ${JSON.stringify(paddingMode)}`);
    }
    this.paddingMode = paddingMode;
    if (this.inChannels % this.groups !== 0) {
      throw new RangeError(`${op}: inChannels (${this.inChannels}) must be divisible by groups (${this.groups})`);
    }
    if (this.outChannels % this.groups !== 0) {
      throw new RangeError(`${op}: outChannels (${this.outChannels}) must be divisible by groups (${this.groups})`);
    }
    const bias = checkBool(op, 'bias', options.bias ?? true);
    const dtype = checkFloatDType(op, options.dtype ?? 'float32');
    const [kh, kw] = this.kernelSize;
    this.registerParameter('weight', new Parameter(zeros([this.outChannels, this.inChannels / this.groups, kh, kw], { dtype })));
    this.registerParameter('bias', bias ? new Parameter(zeros([this.outChannels], { dtype })) : null);
    this.resetParameters();
  }

  /** The filters, `(outChannels, inChannels/groups, kH, kW)`. */
  get weight(): Parameter {
    return this.ownParameter('weight')!;
  }

  set weight(p: Parameter) {
    this.registerParameter('weight', p);
  }

  /** The bias, `(outChannels)`, or null for `bias: false`. */
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
   * manualSeed(1);
   * conv.resetParameters();
   * ```
   */
  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    const bias = this.bias;
    if (bias) {
      const { fanIn } = calculateFanInAndFanOut(this.weight);
      if (fanIn !== 0) {
        const bound = 1 / Math.sqrt(fanIn);
        uniform_(bias, -bound, bound);
      }
    }
  }

  /** The short name used in error messages: `Conv2d(3, 8, kernel_size=(3, 3))`. */
  private get label(): string {
    return `${this.typeName()}(${this.inChannels}, ${this.outChannels}, kernel_size=${pyValue(this.kernelSize)})`;
  }

  /** PyTorch's `extra_repr`: stride always; padding, dilation, groups, bias, padding mode when not default. */
  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}`;
    const p = this.padding;
    if (typeof p === 'string' || p[0] !== 0 || p[1] !== 0) s += `, padding=${pyValue(p)}`;
    if (this.dilation[0] !== 1 || this.dilation[1] !== 1) s += `, dilation=${pyValue(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }

  protected override compute(input: Tensor): Tensor {
    const label = this.label;
    const x = checkTensor(label, 'the input', input);
    if ((x.ndim !== 3 && x.ndim !== 4) || x.shape[x.ndim - 3] !== this.inChannels) {
      throw new RangeError(`${label}: expected input [N, ${this.inChannels}, H, W] or [${this.inChannels}, H, W], got ${shapeText(x.shape)}`);
    }
    checkSameDType(label, x, this.weight);
    return withLabel(label, () =>
      conv2d(x, this.weight, this.bias, {
        stride: this.stride,
        padding: this.padding,
        dilation: this.dilation,
        groups: this.groups,
        paddingMode: this.paddingMode,
      }),
    );
  }
}
