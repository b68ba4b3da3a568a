import { tensor } from '@torchlet/autograd';
import { manualSeed, uniform, zeros } from '@torchlet/ndarray';
import { describe, expect, it } from 'vitest';
import { Conv2d } from '../index.js';
import { expectModuleGradcheck, f64, flat } from '../test-helpers.js';

describe('Conv2d initialisation', () => {
  it('draws weight then bias from U(−1/√fanIn, 1/√fanIn) of the default generator, as PyTorch', () => {
    manualSeed(7);
    const conv = new Conv2d(6, 16, 5);
    const bound = 1 / Math.sqrt(6 * 25);
    manualSeed(7);
    const w = uniform([16, 6, 5, 5], -bound, bound);
    const b = uniform([16], -bound, bound);
    expect(flat(conv.weight)).toEqual(Array.from(w.data));
    expect(flat(conv.bias!)).toEqual(Array.from(b.data));
    expect(conv.weight.shape).toEqual([16, 6, 5, 5]);
    expect(conv.weight.dtype).toBe('float32');
    const ws = flat(conv.weight);
    expect(Math.max(...ws.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...ws.map(Math.abs))).toBeGreaterThan(0.98 * bound);
  });

  it('is reproducible with manualSeed and uses fanIn = inChannels/groups · kH · kW', () => {
    manualSeed(1);
    const a = new Conv2d(4, 8, [3, 2], { groups: 2 });
    manualSeed(1);
    const b = new Conv2d(4, 8, [3, 2], { groups: 2 });
    expect(flat(a.weight)).toEqual(flat(b.weight));
    expect(a.weight.shape).toEqual([8, 2, 3, 2]);
    const bound = 1 / Math.sqrt(2 * 3 * 2);
    expect(Math.max(...flat(a.weight).map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...flat(a.bias!).map(Math.abs))).toBeLessThanOrEqual(bound);
  });

  it('bias: false registers no bias; dtype: float64 makes float64 parameters', () => {
    const conv = new Conv2d(1, 2, 3, { bias: false, dtype: 'float64' });
    expect(conv.bias).toBeNull();
    expect(conv.parameters()).toHaveLength(1);
    expect(conv.weight.dtype).toBe('float64');
  });

  it('resetParameters re-draws', () => {
    const conv = new Conv2d(1, 2, 3);
    const before = flat(conv.weight);
    conv.resetParameters();
    expect(flat(conv.weight)).not.toEqual(before);
  });
});

describe('Conv2d validation (eager, in the constructor)', () => {
  it.each([
    ['groups not dividing inChannels', () => new Conv2d(3, 4, 3, { groups: 2 }), /inChannels \(3\) must be divisible by groups \(2\)/],
    ['groups not dividing outChannels', () => new Conv2d(4, 3, 3, { groups: 2 }), /outChannels \(3\) must be divisible by groups \(2\)/],
    ["'same' with a stride", () => new Conv2d(1, 1, 3, { padding: 'same', stride: 2 }), /padding='same' is not supported for strided convolutions/],
    ['unknown padding string', () => new Conv2d(1, 1, 3, { padding: 'full' as 'same' }), /invalid padding string "full"/],
    ['unknown paddingMode', () => new Conv2d(1, 1, 3, { paddingMode: 'mirror' as 'zeros' }), /paddingMode must be one of .* but got "mirror"/],
    ['zero stride', () => new Conv2d(1, 1, 3, { stride: 0 }), /stride must be positive/],
    ['zero dilation', () => new Conv2d(1, 1, 3, { dilation: [1, 0] }), /dilation must be positive/],
    ['negative padding', () => new Conv2d(1, 1, 3, { padding: -1 }), /padding must be >= 0/],
    ['zero kernel', () => new Conv2d(1, 1, 0), /kernelSize must be positive/],
    ['non-integer channels', () => new Conv2d(1.5, 1, 3), /inChannels must be an integer/],
    ['zero channels', () => new Conv2d(1, 0, 3), /outChannels must be positive/],
    ['zero groups', () => new Conv2d(1, 1, 3, { groups: 0 }), /groups must be positive/],
    ['bad kernel pair', () => new Conv2d(1, 1, [3] as unknown as number), /kernelSize must be an integer or a pair/],
    ['bad dtype', () => new Conv2d(1, 1, 3, { dtype: 'int32' as 'float32' }), /dtype must be/],
    ['bad bias flag', () => new Conv2d(1, 1, 3, { bias: 1 as unknown as boolean }), /bias must be a boolean/],
  ])('%s', (_name, make, message) => {
    expect(make).toThrow(message);
  });
});

describe('Conv2d forward', () => {
  it('computes the shapes of PyTorch (batched and unbatched)', () => {
    expect(new Conv2d(1, 6, 5, { padding: 2 }).forward(tensor(zeros([2, 1, 28, 28]))).shape).toEqual([2, 6, 28, 28]);
    expect(new Conv2d(3, 4, 3, { stride: 2 }).forward(tensor(zeros([3, 9, 9]))).shape).toEqual([4, 4, 4]);
    expect(new Conv2d(2, 2, 4, { padding: 'same', paddingMode: 'reflect' }).forward(tensor(zeros([1, 2, 6, 6]))).shape).toEqual([1, 2, 6, 6]);
    expect(new Conv2d(2, 2, 3, { padding: 'valid', dilation: 2 }).forward(tensor(zeros([1, 2, 7, 7]))).shape).toEqual([1, 2, 3, 3]);
  });

  it('errors name the layer and the shapes', () => {
    const conv = new Conv2d(3, 8, 3);
    expect(() => conv.forward(tensor(zeros([2, 4, 32, 32])))).toThrow('Conv2d(3, 8, kernel_size=(3, 3)): expected input [N, 3, H, W] or [3, H, W], got [2, 4, 32, 32]');
    expect(() => conv.forward(tensor(zeros([32, 32])))).toThrow('Conv2d(3, 8, kernel_size=(3, 3)): expected input [N, 3, H, W] or [3, H, W], got [32, 32]');
    expect(() => conv.forward(tensor(zeros([1, 3, 2, 2])))).toThrow(/^Conv2d\(3, 8, kernel_size=\(3, 3\)\): conv2d: the kernel .* is larger than the padded input/);
    expect(() => conv.forward(tensor(zeros([1, 3, 4, 4], { dtype: 'float64' })))).toThrow(
      "Conv2d(3, 8, kernel_size=(3, 3)): input is float64 but the layer's parameters are float32; convert the input or call .to('float64') on the layer",
    );
    expect(() => conv.forward([[1]] as never)).toThrow(/expected the input to be a Tensor, got an array/);
    expect(() => new Conv2d(1, 1, 3, { padding: 3, paddingMode: 'reflect' }).forward(tensor(zeros([1, 1, 3, 3])))).toThrow(/reflect padding/);
  });

  it('gradchecks in float64 (input, weight, bias) across groups, dilation and padding modes', () => {
    expectModuleGradcheck(new Conv2d(2, 2, 2, { padding: 1, stride: [1, 2] }), f64([1, 2, 3, 4]));
    expectModuleGradcheck(new Conv2d(2, 4, [2, 1], { groups: 2, dilation: 2, paddingMode: 'circular', padding: 1 }), f64([1, 2, 3, 3]));
    expectModuleGradcheck(new Conv2d(1, 1, 3, { padding: 'same', paddingMode: 'reflect', bias: false }), f64([1, 3, 3]));
  });
});

describe('Conv2d toString (PyTorch extra_repr)', () => {
  it.each([
    [new Conv2d(1, 6, 5), 'Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))'],
    [new Conv2d(1, 6, 5, { padding: 2 }), 'Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))'],
    [new Conv2d(3, 8, [3, 5], { stride: 2, padding: [1, 2] }), 'Conv2d(3, 8, kernel_size=(3, 5), stride=(2, 2), padding=(1, 2))'],
    [new Conv2d(4, 4, 3, { padding: 'same' }), 'Conv2d(4, 4, kernel_size=(3, 3), stride=(1, 1), padding=same)'],
    [new Conv2d(4, 4, 3, { padding: 'valid' }), 'Conv2d(4, 4, kernel_size=(3, 3), stride=(1, 1), padding=valid)'],
    [
      new Conv2d(4, 8, 3, { padding: 1, dilation: 2, groups: 4, bias: false, paddingMode: 'reflect' }),
      'Conv2d(4, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), dilation=(2, 2), groups=4, bias=False, padding_mode=reflect)',
    ],
  ])('%s', (conv, text) => {
    expect(conv.toString()).toBe(text);
  });
});
