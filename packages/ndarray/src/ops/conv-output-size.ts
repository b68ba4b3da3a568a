/**
 * The output-size arithmetic shared by convolution and pooling, written once so that conv2d, the
 * pools, the layers (which report their output shapes) and the docs all agree with PyTorch.
 */

function checkInt(op: string, name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${op}: ${name} must be an integer ≥ ${min}, got ${value}`);
  }
}

/**
 * The length of one output dim of a convolution or pooling window sliding over an input dim,
 * PyTorch's formula:
 *
 *     out = floor((size + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1
 *
 * `dilation·(kernel − 1) + 1` is the span of the dilated kernel. With `ceilMode` (pooling only)
 * the division rounds up instead, and a last window that would start inside the right/bottom
 * padding is dropped (`if (out − 1)·stride ≥ size + padding then out −= 1`), as
 * `torch.nn.MaxPool2d(ceil_mode=True)` does.
 *
 * The result is 0 or negative when the (dilated) kernel does not fit the padded input; callers
 * check it and throw their own error, which can name the op and the arguments.
 *
 * @param size - the input length along this dim (≥ 0)
 * @param kernel - the kernel length (≥ 1)
 * @param stride - the step between windows (≥ 1, default 1)
 * @param padding - implicit padding on each side (≥ 0, default 0)
 * @param dilation - the step between kernel taps (≥ 1, default 1)
 * @param ceilMode - round up instead of down (default false)
 * @throws RangeError when an argument is not an integer in its range
 * @example
 * ```ts
 * convOutputSize(28, 5);             // 24: LeNet's first conv
 * convOutputSize(28, 5, 1, 2);       // 28: padding 2 keeps the size
 * convOutputSize(7, 3, 2, 1);        // 4
 * convOutputSize(5, 2, 2, 0, 1, true); // 3 (2 with floor)
 * ```
 */
export function convOutputSize(size: number, kernel: number, stride = 1, padding = 0, dilation = 1, ceilMode = false): number {
  const op = 'convOutputSize';
  checkInt(op, 'size', size, 0);
  checkInt(op, 'kernel', kernel, 1);
  checkInt(op, 'stride', stride, 1);
  checkInt(op, 'padding', padding, 0);
  checkInt(op, 'dilation', dilation, 1);
  const span = size + 2 * padding - dilation * (kernel - 1) - 1;
  if (!ceilMode) return Math.floor(span / stride) + 1;
  let out = Math.ceil(span / stride) + 1;
  // the last window must start inside the input or the left padding, never in the right padding
  if ((out - 1) * stride >= size + padding) out -= 1;
  return out;
}

/**
 * The `[before, after]` padding that keeps a stride-1 convolution's output the size of its input
 * (PyTorch's `padding='same'`): the total is `dilation·(kernel − 1)`, `before = floor(total / 2)`
 * and `after = total − before`, so an even kernel puts the extra row/column at the bottom/right.
 *
 * @param kernel - the kernel length (≥ 1)
 * @param dilation - the step between kernel taps (≥ 1, default 1)
 * @throws RangeError when an argument is not an integer in its range
 * @example
 * ```ts
 * samePadding(3);    // [1, 1]
 * samePadding(4);    // [1, 2]
 * samePadding(3, 2); // [2, 2]
 * ```
 */
export function samePadding(kernel: number, dilation = 1): [number, number] {
  checkInt('samePadding', 'kernel', kernel, 1);
  checkInt('samePadding', 'dilation', dilation, 1);
  const total = dilation * (kernel - 1);
  const before = Math.floor(total / 2);
  return [before, total - before];
}
