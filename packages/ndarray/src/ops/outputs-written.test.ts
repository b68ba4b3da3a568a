/**
 * Ops allocate their outputs with `allocateUninitialized`, which on Node hands out memory that is
 * not zeroed: correct only if the op (or its kernel, per the backend contract) writes every
 * element. Here that memory is poisoned: `Buffer.allocUnsafeSlow` is replaced by one returning
 * 0xFF bytes (NaN as a float, −1 as an int32), and every op must give bit for bit what it gives
 * with zeroed memory. Shapes are big enough (≥ 4 KiB) to take the uninitialized path, and chosen
 * so that some outputs receive nothing (inputs no window or tap reads, empty sums).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { array, zeros } from '../create.js';
import { allocateUninitialized } from '../dtype.js';
import type { NDArray } from '../ndarray.js';
import { manualSeed, randn } from '../random.js';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight, type Conv2dOptions } from './conv2d.js';
import { add, mul, sigmoid, tanh, where, gt, exp } from './elementwise.js';
import { reluBackward, sigmoidBackward } from './activation-backward.js';
import { linear, matmul } from './matmul.js';
import { adaptiveAvgPool2d, adaptiveAvgPool2dBackward, avgPool2d, avgPool2dBackward, maxPool2dBackward, maxPool2dWithIndices } from './pool2d.js';
import { softmax } from './softmax.js';

const poisoned = { allocUnsafeSlow: (bytes: number) => new Uint8Array(bytes).fill(0xff) };

/** The storage of every array `f` returns, once with poisoned memory and once with zeroed memory. */
function both(f: () => NDArray | NDArray[]): [NDArray[], NDArray[]] {
  const run = () => {
    const r = f();
    return Array.isArray(r) ? r : [r];
  };
  vi.stubGlobal('Buffer', poisoned);
  const dirty = run();
  vi.stubGlobal('Buffer', undefined);
  const clean = run();
  vi.unstubAllGlobals();
  return [dirty, clean];
}

function expectSameBits(f: () => NDArray | NDArray[]): void {
  const [dirty, clean] = both(f);
  expect(dirty.length).toBe(clean.length);
  dirty.forEach((d, i) => {
    const c = clean[i]!;
    expect(d.shape).toEqual(c.shape);
    const a = d.denseData();
    const b = c.denseData();
    expect(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).toEqual(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('outputs are written in full over uninitialized memory', () => {
  it('the poison reaches the ops (the check can fail)', () => {
    vi.stubGlobal('Buffer', poisoned);
    expect(Number.isNaN(allocateUninitialized('float32', 2048)[1000])).toBe(true);
    expect(allocateUninitialized('int32', 2048)[7]).toBe(-1);
    // below 4 KiB the storage is zeroed
    expect(allocateUninitialized('float32', 1000)[999]).toBe(0);
  });

  const convCases: [string, number[], number[], Conv2dOptions][] = [
    ['stride 3 with a 1×1 kernel (inputs no tap reads)', [2, 8, 31, 31], [8, 8, 1, 1], { stride: 3 }],
    ['padding, dilation and groups', [2, 8, 20, 20], [16, 4, 3, 3], { padding: 2, dilation: 2, groups: 2 }],
    ['reflect padding, stride 2', [2, 6, 24, 24], [64, 6, 3, 3], { padding: 1, stride: 2, paddingMode: 'reflect' }],
    ['a 5×5 kernel, unpadded', [3, 6, 18, 18], [16, 6, 5, 5], {}],
  ];
  for (const [name, xs, ws, opts] of convCases) {
    it(`conv2d forward and both gradients: ${name}`, () => {
      manualSeed(1);
      const x = randn(xs);
      const w = randn(ws);
      const b = randn([ws[0]!]);
      const y = conv2d(x, w, b, opts);
      const gy = randn(y.shape);
      expectSameBits(() => [conv2d(x, w, b, opts), conv2dBackwardInput(gy, w, xs, opts), conv2dBackwardWeight(x, gy, ws, opts)]);
    });
  }

  it('max, average and adaptive pooling, forward and backward (windows that skip inputs)', () => {
    manualSeed(2);
    const x = randn([4, 3, 25, 25]);
    const opts = { stride: 4, padding: 1 };
    const { out, indices } = maxPool2dWithIndices(x, 2, opts);
    const g = randn(out.shape);
    const ga = randn(avgPool2d(x, 2, opts).shape);
    const gad = randn([4, 3, 7, 5]);
    expectSameBits(() => {
      const r = maxPool2dWithIndices(x, 2, opts);
      return [r.out, r.indices, maxPool2dBackward(g, indices, x.shape, 2, opts), avgPool2d(x, 2, opts), avgPool2dBackward(ga, x.shape, 2, opts),
        adaptiveAvgPool2d(x, [7, 5]), adaptiveAvgPool2dBackward(gad, x.shape)];
    });
  });

  it('matmul and linear, including empty sums and no bias', () => {
    manualSeed(3);
    const a = randn([3, 40, 30]);
    const b = randn([30, 50]);
    const bt = randn([3, 50, 30]).transpose(1, 2);
    const x = randn([64, 30]);
    const w = randn([40, 30]);
    const bias = randn([40]);
    expectSameBits(() => [
      matmul(a, b),
      matmul(a, bt),
      matmul(zeros([64, 0]), zeros([0, 40])),
      linear(x, w),
      linear(x, w, bias),
      linear(zeros([64, 0]), zeros([40, 0])),
    ]);
  });

  it('element-wise ops, activations and their gradients, softmax, copies and casts', () => {
    manualSeed(4);
    const a = randn([32, 48]);
    const b = randn([48]);
    const s = sigmoid(a);
    expectSameBits(() => [
      add(a, b),
      mul(a, 2),
      add(a.transpose(0, 1), a.transpose(0, 1)),
      exp(a),
      tanh(a.transpose(0, 1)),
      sigmoid(a),
      sigmoidBackward(a, s),
      reluBackward(a, s),
      where(gt(a, 0), a, b),
      softmax(a, 0),
      a.transpose(0, 1).contiguous(),
      a.clone(),
      a.astype('float64'),
      a.astype('int32'),
      a.astype('bool'),
      gt(a, array([0])),
    ]);
  });
});
