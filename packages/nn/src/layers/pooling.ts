import { adaptiveAvgPool2d, avgPool2d, maxPool2d, type Tensor } from '@torchlet/autograd';
import { Module } from '../module.js';
import { pyValue, shapeText } from '../repr.js';
import { checkBool, checkInt, checkTensor, intPair, withLabel, type Size2 } from './util.js';

/**
 * Options of {@link MaxPool2d}.
 * @example
 * ```ts
 * new MaxPool2d(3, { stride: 2, padding: 1 });
 * ```
 */
export interface MaxPool2dOptions {
  /** Step between windows (default, or null: `kernelSize`). */
  stride?: Size2 | null;
  /** Implicit −∞ padding on each side, at most half the kernel (default 0). */
  padding?: Size2;
  /** Spacing between window taps (default 1). */
  dilation?: Size2;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
}

/**
 * Options of {@link AvgPool2d}.
 * @example
 * ```ts
 * new AvgPool2d(3, { stride: 1, padding: 1, countIncludePad: false });
 * ```
 */
export interface AvgPool2dOptions {
  /** Step between windows (default, or null: `kernelSize`). */
  stride?: Size2 | null;
  /** Implicit zero padding on each side, at most half the kernel (default 0). */
  padding?: Size2;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
  /** Count the padding in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window's sum by this instead (default null). */
  divisorOverride?: number | null;
}

/** Validates the kernel size, stride and padding shared by both pools (padding at most half the kernel). */
function checkPool(op: string, kernelSize: unknown, stride: unknown, padding: unknown): void {
  const k = intPair(op, 'kernelSize', kernelSize, 1);
  if (stride !== null && stride !== undefined) intPair(op, 'stride', stride, 1);
  const p = intPair(op, 'padding', padding ?? 0, 0);
  if (p[0] > Math.floor(k[0] / 2) || p[1] > Math.floor(k[1] / 2)) {
    throw new RangeError(`${op}: padding should be at most half of the kernel size, but got padding ${shapeText(p)} and kernelSize ${shapeText(k)}`);
  }
}

/**
 * 2-D max pooling (PyTorch's `nn.MaxPool2d`): the maximum of each window; the gradient goes to it.
 * `stride` defaults to `kernelSize`. Input `(N, C, H, W)` or `(C, H, W)`.
 * @example
 * ```ts
 * new MaxPool2d(2).forward(tensor([[[[1, 2], [3, 4]]]])).toArray(); // [[[[4]]]]
 * new MaxPool2d(2).toString(); // 'MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)'
 * ```
 */
export class MaxPool2d extends Module {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'MaxPool2d';

  /** The window size, as given. */
  readonly kernelSize: Size2;
  /** The step, as given (`kernelSize` when omitted). */
  readonly stride: Size2;
  /** The padding, as given. */
  readonly padding: Size2;
  /** The dilation, as given. */
  readonly dilation: Size2;
  /** Whether the output size is rounded up. */
  readonly ceilMode: boolean;

  constructor(kernelSize: Size2, options: MaxPool2dOptions = {}) {
    super();
    const op = 'MaxPool2d';
    if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${String(options)}`);
    checkPool(op, kernelSize, options.stride, options.padding);
    intPair(op, 'dilation', options.dilation ?? 1, 1);
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.ceilMode = checkBool(op, 'ceilMode', options.ceilMode ?? false);
  }

  /** Every argument, as PyTorch prints them. */
  override extraRepr(): string {
    return `kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}, dilation=${pyValue(this.dilation)}, ceil_mode=${pyValue(this.ceilMode)}`;
  }

  protected override compute(input: Tensor): Tensor {
    const label = `${this.typeName()}(${this.extraRepr()})`;
    const x = checkTensor(label, 'the input', input);
    return withLabel(label, () =>
      maxPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode }),
    );
  }
}

/**
 * 2-D average pooling (PyTorch's `nn.AvgPool2d`), with `countIncludePad` and `divisorOverride`.
 * `stride` defaults to `kernelSize`.
 * @example
 * ```ts
 * new AvgPool2d(2, { stride: 2 }).forward(tensor([[[[1, 2], [3, 4]]]])).toArray(); // [[[[2.5]]]]
 * new AvgPool2d(2, { stride: 2 }).toString(); // 'AvgPool2d(kernel_size=2, stride=2, padding=0)'
 * ```
 */
export class AvgPool2d extends Module {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'AvgPool2d';

  /** The window size, as given. */
  readonly kernelSize: Size2;
  /** The step, as given (`kernelSize` when omitted). */
  readonly stride: Size2;
  /** The padding, as given. */
  readonly padding: Size2;
  /** Whether the output size is rounded up. */
  readonly ceilMode: boolean;
  /** Whether the padding counts in the divisor. */
  readonly countIncludePad: boolean;
  /** The fixed divisor, or null. */
  readonly divisorOverride: number | null;

  constructor(kernelSize: Size2, options: AvgPool2dOptions = {}) {
    super();
    const op = 'AvgPool2d';
    if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${String(options)}`);
    checkPool(op, kernelSize, options.stride, options.padding);
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.ceilMode = checkBool(op, 'ceilMode', options.ceilMode ?? false);
    this.countIncludePad = checkBool(op, 'countIncludePad', options.countIncludePad ?? true);
    const divisor = options.divisorOverride ?? null;
    if (divisor !== null) {
      checkInt(op, 'divisorOverride', divisor, -Infinity);
      if (divisor === 0) throw new RangeError(`${op}: divisorOverride must not be zero`);
    }
    this.divisorOverride = divisor;
  }

  /** `kernel_size`, `stride` and `padding`, as PyTorch prints them. */
  override extraRepr(): string {
    return `kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}`;
  }

  protected override compute(input: Tensor): Tensor {
    const label = `${this.typeName()}(${this.extraRepr()})`;
    const x = checkTensor(label, 'the input', input);
    return withLabel(label, () =>
      avgPool2d(x, this.kernelSize, {
        stride: this.stride,
        padding: this.padding,
        ceilMode: this.ceilMode,
        countIncludePad: this.countIncludePad,
        divisorOverride: this.divisorOverride,
      }),
    );
  }
}

/**
 * An adaptive pool's output size: one integer, or `[h, w]` where null keeps the input's size.
 * @example
 * ```ts
 * const size: AdaptiveSize = [1, null]; // one row, every column
 * ```
 */
export type AdaptiveSize = number | readonly [number | null, number | null];

/**
 * Adaptive average pooling to a fixed output size (PyTorch's `nn.AdaptiveAvgPool2d`); bins may
 * overlap. `null` in `[h, w]` keeps that dim's input size.
 * @example
 * ```ts
 * new AdaptiveAvgPool2d(1).forward(tensor(ones([2, 8, 7, 7]))).shape; // [2, 8, 1, 1]
 * new AdaptiveAvgPool2d([2, null]).toString(); // 'AdaptiveAvgPool2d(output_size=(2, None))'
 * ```
 */
export class AdaptiveAvgPool2d extends Module {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'AdaptiveAvgPool2d';

  /** The output size, as given. */
  readonly outputSize: AdaptiveSize;

  constructor(outputSize: AdaptiveSize) {
    super();
    const op = 'AdaptiveAvgPool2d';
    const ok = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0;
    const valid =
      typeof outputSize === 'number'
        ? ok(outputSize)
        : Array.isArray(outputSize) && outputSize.length === 2 && outputSize.every((v) => v === null || ok(v));
    if (!valid) {
      throw new TypeError(`${op}: outputSize must be a non-negative integer or a pair of them (null keeps the input size), got ${JSON.stringify(outputSize)}`);
    }
    this.outputSize = typeof outputSize === 'number' ? outputSize : [outputSize[0], outputSize[1]];
  }

  /** `output_size=…` as PyTorch prints it. */
  override extraRepr(): string {
    return `output_size=${pyValue(this.outputSize)}`;
  }

  protected override compute(input: Tensor): Tensor {
    const label = `${this.typeName()}(${this.extraRepr()})`;
    const x = checkTensor(label, 'the input', input);
    return withLabel(label, () => adaptiveAvgPool2d(x, this.outputSize));
  }
}
