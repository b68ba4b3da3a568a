/**
 * Weight initialisation (PyTorch's `torch.nn.init`): fills a tensor in place, without recording
 * gradients, from the default generator of @torchlet/ndarray (so `manualSeed` makes it
 * reproducible) or the `generator` given in the options.
 */
import { noGrad, Tensor } from '@torchlet/autograd';
import { normal_ as ndNormal_, uniform_ as ndUniform_, type Generator } from '@torchlet/ndarray';
import { shapeText } from './repr.js';

/**
 * The non-linearities {@link calculateGain} knows, with PyTorch's names in camelCase (the
 * snake_case spellings `'leaky_relu'`, `'conv_transpose2d'`… are accepted too).
 * @example
 * ```ts
 * const n: Nonlinearity = 'leakyRelu';
 * ```
 */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'convTranspose1d'
  | 'convTranspose2d'
  | 'convTranspose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leakyRelu'
  | 'selu'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'leaky_relu';

/**
 * Which fan the Kaiming initialisations preserve: `'fanIn'` (the forward pass, default) or
 * `'fanOut'` (the backward pass); `'fan_in'`/`'fan_out'` are accepted too.
 * @example
 * ```ts
 * init.kaimingNormal_(w, { mode: 'fanOut', nonlinearity: 'relu' });
 * ```
 */
export type FanMode = 'fanIn' | 'fanOut' | 'fan_in' | 'fan_out';

/**
 * The `generator` option of every initialiser.
 * @example
 * ```ts
 * init.uniform_(w, -1, 1, { generator: new Generator(0) });
 * ```
 */
export interface InitOptions {
  /** The generator to draw from (default: the module-level default generator). */
  generator?: Generator | undefined;
}

/**
 * Options of {@link xavierUniform_} and {@link xavierNormal_}.
 * @example
 * ```ts
 * init.xavierUniform_(w, { gain: init.calculateGain('tanh') });
 * ```
 */
export interface XavierOptions extends InitOptions {
  /** Scaling factor (default 1). */
  gain?: number;
}

/**
 * Options of {@link kaimingUniform_} and {@link kaimingNormal_} (PyTorch's defaults).
 * @example
 * ```ts
 * init.kaimingUniform_(w, { a: Math.sqrt(5) }); // what Conv2d and Linear do
 * ```
 */
export interface KaimingOptions extends InitOptions {
  /** The negative slope of the rectifier that follows (only used with `'leakyRelu'`; default 0). */
  a?: number;
  /** `'fanIn'` (default) or `'fanOut'`. */
  mode?: FanMode;
  /** The non-linearity that follows (default `'leakyRelu'`, as in PyTorch). */
  nonlinearity?: Nonlinearity;
}

const SNAKE: Record<string, string> = {
  leaky_relu: 'leakyRelu',
  conv_transpose1d: 'convTranspose1d',
  conv_transpose2d: 'convTranspose2d',
  conv_transpose3d: 'convTranspose3d',
};

/**
 * The recommended gain for a non-linearity (PyTorch's `calculate_gain`): 1 for linear,
 * convolutions and sigmoid, 5/3 for tanh, √2 for relu, √(2 / (1 + slope²)) for leaky relu
 * (`param` is the slope, default 0.01), 3/4 for selu.
 * @throws Error for an unknown non-linearity or a non-numeric leaky-relu slope
 * @example
 * ```ts
 * calculateGain('relu');            // 1.4142135623730951
 * calculateGain('leakyRelu', 0.2);  // 1.3867504905630728
 * ```
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
  const name = SNAKE[nonlinearity] ?? nonlinearity;
  switch (name) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'convTranspose1d':
    case 'convTranspose2d':
    case 'convTranspose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.sqrt(2);
    case 'leakyRelu': {
      if (param !== undefined && param !== null && (typeof param !== 'number' || !Number.isFinite(param))) {
        throw new Error(`calculateGain: negative_slope ${String(param)} is not a valid number`);
      }
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new Error(`calculateGain: unsupported nonlinearity ${JSON.stringify(nonlinearity)}`);
  }
}

/**
 * `fan_in` and `fan_out` of a weight (PyTorch's `_calculate_fan_in_and_fan_out`): for a
 * `(out, in, *kernel)` tensor, `fanIn = in · Π kernel` and `fanOut = out · Π kernel`.
 * @throws Error for a tensor with fewer than 2 dims
 * @example
 * ```ts
 * calculateFanInAndFanOut(new Conv2d(6, 16, 5).weight); // { fanIn: 150, fanOut: 400 }
 * ```
 */
export function calculateFanInAndFanOut(tensor: Tensor): { fanIn: number; fanOut: number } {
  const shape = tensor.shape;
  if (shape.length < 2) {
    throw new Error(`init: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions, got shape ${shapeText(shape)}`);
  }
  let receptive = 1;
  for (let i = 2; i < shape.length; i++) receptive *= shape[i]!;
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

function checkTensor(op: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${t === null ? 'null' : typeof t}`);
  return t;
}

/** Writes into `t`'s storage without recording, and marks the in-place change. */
function write<T extends Tensor>(t: T, fill: () => void): T {
  noGrad(fill);
  t.bumpVersion();
  return t;
}

/**
 * Fills `tensor` with values drawn uniformly from `[a, b)`; returns it.
 * @example
 * ```ts
 * init.uniform_(new Linear(3, 2).weight, -0.1, 0.1);
 * ```
 */
export function uniform_<T extends Tensor>(tensor: T, a = 0, b = 1, options: InitOptions = {}): T {
  checkTensor('uniform_', tensor);
  return write(tensor, () => ndUniform_(tensor.data, a, b, options.generator));
}

/**
 * Fills `tensor` with values drawn from N(mean, std²); returns it.
 * @example
 * ```ts
 * init.normal_(new Linear(3, 2).weight, 0, 0.01);
 * ```
 */
export function normal_<T extends Tensor>(tensor: T, mean = 0, std = 1, options: InitOptions = {}): T {
  checkTensor('normal_', tensor);
  return write(tensor, () => ndNormal_(tensor.data, mean, std, options.generator));
}

/**
 * Fills `tensor` with `value`; returns it.
 * @example
 * ```ts
 * init.constant_(new Linear(3, 2).bias!, 0.1);
 * ```
 */
export function constant_<T extends Tensor>(tensor: T, value: number): T {
  checkTensor('constant_', tensor);
  if (typeof value !== 'number') throw new TypeError(`constant_: value must be a number, got ${typeof value}`);
  return write(tensor, () => tensor.data.fill_(value));
}

/**
 * Fills `tensor` with zeros; returns it.
 * @example
 * ```ts
 * init.zeros_(new Linear(3, 2).bias!);
 * ```
 */
export function zeros_<T extends Tensor>(tensor: T): T {
  return constant_(tensor, 0);
}

/**
 * Fills `tensor` with ones; returns it.
 * @example
 * ```ts
 * init.ones_(new BatchNorm2d(4).weight!);
 * ```
 */
export function ones_<T extends Tensor>(tensor: T): T {
  return constant_(tensor, 1);
}

/**
 * Glorot/Xavier uniform initialisation: U(−a, a) with `a = gain · √(6 / (fanIn + fanOut))`.
 * @example
 * ```ts
 * init.xavierUniform_(new Linear(400, 120).weight);
 * ```
 */
export function xavierUniform_<T extends Tensor>(tensor: T, options: XavierOptions = {}): T {
  checkTensor('xavierUniform_', tensor);
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  const std = (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut));
  const a = Math.sqrt(3) * std;
  return uniform_(tensor, -a, a, options);
}

/**
 * Glorot/Xavier normal initialisation: N(0, std²) with `std = gain · √(2 / (fanIn + fanOut))`.
 * @example
 * ```ts
 * init.xavierNormal_(new Linear(400, 120).weight, { gain: 0.5 });
 * ```
 */
export function xavierNormal_<T extends Tensor>(tensor: T, options: XavierOptions = {}): T {
  checkTensor('xavierNormal_', tensor);
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  const std = (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut));
  return normal_(tensor, 0, std, options);
}

function kaimingStd(op: string, tensor: Tensor, options: KaimingOptions): number | null {
  checkTensor(op, tensor);
  const mode = options.mode ?? 'fanIn';
  if (!['fanIn', 'fanOut', 'fan_in', 'fan_out'].includes(mode)) {
    throw new Error(`${op}: mode ${JSON.stringify(mode)} not supported, please use one of 'fanIn', 'fanOut'`);
  }
  if (tensor.numel() === 0) return null; // PyTorch: "Initializing zero-element tensors is a no-op"
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  const fan = mode === 'fanIn' || mode === 'fan_in' ? fanIn : fanOut;
  const gain = calculateGain(options.nonlinearity ?? 'leakyRelu', options.a ?? 0);
  return gain / Math.sqrt(fan);
}

/**
 * He/Kaiming uniform initialisation: U(−bound, bound) with `bound = gain · √(3 / fan)`, the gain
 * of `nonlinearity` with slope `a`. `Conv2d` and `Linear` use `{ a: √5 }`, which gives
 * `bound = 1/√fanIn`. A tensor with no elements is left as is.
 * @example
 * ```ts
 * init.kaimingUniform_(new Conv2d(3, 8, 3).weight, { mode: 'fanIn', nonlinearity: 'relu' });
 * ```
 */
export function kaimingUniform_<T extends Tensor>(tensor: T, options: KaimingOptions = {}): T {
  const std = kaimingStd('kaimingUniform_', tensor, options);
  if (std === null) return tensor;
  const bound = Math.sqrt(3) * std;
  return uniform_(tensor, -bound, bound, options);
}

/**
 * He/Kaiming normal initialisation: N(0, std²) with `std = gain / √fan`.
 * @example
 * ```ts
 * init.kaimingNormal_(new Conv2d(3, 8, 3).weight, { mode: 'fanOut', nonlinearity: 'relu' });
 * ```
 */
export function kaimingNormal_<T extends Tensor>(tensor: T, options: KaimingOptions = {}): T {
  const std = kaimingStd('kaimingNormal_', tensor, options);
  if (std === null) return tensor;
  return normal_(tensor, 0, std, options);
}
