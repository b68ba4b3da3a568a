import { tensor } from '@torchlet/autograd';
import { ones, zeros } from '@torchlet/ndarray';
import { describe, expect, it } from 'vitest';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from '../index.js';
import { expectModuleGradcheck, f64 } from '../test-helpers.js';

const img = tensor([[[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]]]);

describe('MaxPool2d', () => {
  it('pools with stride = kernelSize by default', () => {
    expect(new MaxPool2d(2).forward(img).toArray()).toEqual([[[[6, 8], [14, 16]]]]);
    expect(new MaxPool2d(3, { stride: 1 }).forward(img).toArray()).toEqual([[[[11, 12], [15, 16]]]]);
    expect(new MaxPool2d(2, { stride: 2, padding: 1 }).forward(img).toArray()).toEqual([[[[1, 3, 4], [9, 11, 12], [13, 15, 16]]]]);
    expect(new MaxPool2d(3, { stride: 2, ceilMode: true }).forward(tensor(zeros([2, 5, 5]))).shape).toEqual([2, 2, 2]);
    expect(new MaxPool2d(2, { dilation: 2, stride: 1 }).forward(img).toArray()).toEqual([[[[11, 12], [15, 16]]]]);
  });

  it('validates eagerly, and errors at forward name the layer', () => {
    expect(() => new MaxPool2d(2, { padding: 2 })).toThrow(/padding should be at most half of the kernel size, but got padding \[2, 2\] and kernelSize \[2, 2\]/);
    expect(() => new MaxPool2d(0)).toThrow(/kernelSize must be positive/);
    expect(() => new MaxPool2d(2, { stride: 0 })).toThrow(/stride must be positive/);
    expect(() => new MaxPool2d(2, { dilation: 0 })).toThrow(/dilation must be positive/);
    expect(() => new MaxPool2d(2, { ceilMode: 1 as unknown as boolean })).toThrow(/ceilMode must be a boolean/);
    expect(() => new MaxPool2d(3).forward(tensor(zeros([1, 1, 2, 5])))).toThrow(/^MaxPool2d\(kernel_size=3, stride=3, padding=0, dilation=1, ceil_mode=False\): /);
    expect(() => new MaxPool2d(2).forward(tensor(zeros([4, 4])))).toThrow(/3-D .* or 4-D/);
    expect(() => new MaxPool2d(2).forward(undefined as never)).toThrow(TypeError);
  });

  it('gradchecks and prints like PyTorch', () => {
    expectModuleGradcheck(new MaxPool2d(2, { stride: 1, padding: 1 }), f64([1, 2, 3, 3]));
    expect(new MaxPool2d(2).toString()).toBe('MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)');
    expect(new MaxPool2d([3, 3], { stride: [2, 2], padding: 1, ceilMode: true }).toString()).toBe(
      'MaxPool2d(kernel_size=(3, 3), stride=(2, 2), padding=1, dilation=1, ceil_mode=True)',
    );
    expect(new MaxPool2d(2, { stride: null }).stride).toBe(2);
  });
});

describe('AvgPool2d', () => {
  it('averages windows, with countIncludePad and divisorOverride', () => {
    expect(new AvgPool2d(2, { stride: 2 }).forward(img).toArray()).toEqual([[[[3.5, 5.5], [11.5, 13.5]]]]);
    expect(new AvgPool2d(2).forward(img).toArray()).toEqual([[[[3.5, 5.5], [11.5, 13.5]]]]);
    const x = tensor(ones([1, 1, 2, 2]));
    expect(new AvgPool2d(3, { stride: 1, padding: 1 }).forward(x).toArray()).toEqual([[[[4 / 9, 4 / 9], [4 / 9, 4 / 9]].map((r) => r.map(Math.fround))]]);
    expect(new AvgPool2d(3, { stride: 1, padding: 1, countIncludePad: false }).forward(x).toArray()).toEqual([[[[1, 1], [1, 1]]]]);
    expect(new AvgPool2d(2, { divisorOverride: 1 }).forward(img).toArray()).toEqual([[[[14, 22], [46, 54]]]]);
  });

  it('validates, gradchecks and prints like PyTorch', () => {
    expect(() => new AvgPool2d(3, { padding: 2 })).toThrow(/padding should be at most half/);
    expect(() => new AvgPool2d(2, { divisorOverride: 0 })).toThrow(/divisorOverride must not be zero/);
    expect(() => new AvgPool2d(2, { countIncludePad: 'yes' as unknown as boolean })).toThrow(TypeError);
    expect(() => new AvgPool2d(5).forward(img)).toThrow(/^AvgPool2d\(kernel_size=5, stride=5, padding=0\): /);
    expectModuleGradcheck(new AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), f64([1, 1, 4, 5]));
    expect(new AvgPool2d(2, { stride: 2 }).toString()).toBe('AvgPool2d(kernel_size=2, stride=2, padding=0)');
    expect(new AvgPool2d([2, 3], { padding: [1, 1] }).toString()).toBe('AvgPool2d(kernel_size=(2, 3), stride=(2, 3), padding=(1, 1))');
  });
});

describe('AdaptiveAvgPool2d', () => {
  it('pools to a fixed size (null keeps the input size)', () => {
    expect(new AdaptiveAvgPool2d(1).forward(img).toArray()).toEqual([[[[8.5]]]]);
    expect(new AdaptiveAvgPool2d([2, 2]).forward(img).toArray()).toEqual([[[[3.5, 5.5], [11.5, 13.5]]]]);
    expect(new AdaptiveAvgPool2d([1, null]).forward(tensor(zeros([2, 3, 5, 7]))).shape).toEqual([2, 3, 1, 7]);
    expect(new AdaptiveAvgPool2d(5).forward(tensor(zeros([3, 2, 2]))).shape).toEqual([3, 5, 5]);
  });

  it('validates, gradchecks and prints like PyTorch', () => {
    expect(() => new AdaptiveAvgPool2d(-1)).toThrow(/outputSize must be a non-negative integer/);
    expect(() => new AdaptiveAvgPool2d([1, 2, 3] as unknown as number)).toThrow(TypeError);
    expect(() => new AdaptiveAvgPool2d(2).forward(tensor(zeros([4])))).toThrow(/^AdaptiveAvgPool2d\(output_size=2\): /);
    expectModuleGradcheck(new AdaptiveAvgPool2d([2, 3]), f64([1, 1, 3, 4]));
    expect(new AdaptiveAvgPool2d(7).toString()).toBe('AdaptiveAvgPool2d(output_size=7)');
    expect(new AdaptiveAvgPool2d([1, 1]).toString()).toBe('AdaptiveAvgPool2d(output_size=(1, 1))');
    expect(new AdaptiveAvgPool2d([2, null]).toString()).toBe('AdaptiveAvgPool2d(output_size=(2, None))');
  });
});
