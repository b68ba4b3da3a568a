import { tensor, type Tensor } from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import { batchNorm } from './batch-norm.js';
import { checkGrads, constant, expectClose, f64, flat, rand } from './test-helpers.js';

/** Naive per-channel batch norm of an (N, C, S) layout (S = product of the trailing dims), float64. */
function reference(x: Tensor, mean: number[] | null, variance: number[] | null, w: number[] | null, b: number[] | null, eps: number) {
  const [N, C] = [x.shape[0]!, x.shape[1]!];
  const S = x.numel() / (N * C);
  const v = flat(x);
  const at = (n: number, c: number, s: number): number => v[(n * C + c) * S + s]!;
  const out = new Array<number>(v.length);
  const batchMean: number[] = [];
  const batchVar: number[] = [];
  for (let c = 0; c < C; c++) {
    let m = 0;
    for (let n = 0; n < N; n++) for (let s = 0; s < S; s++) m += at(n, c, s);
    m /= N * S;
    let q = 0;
    for (let n = 0; n < N; n++) for (let s = 0; s < S; s++) q += (at(n, c, s) - m) ** 2;
    q /= N * S;
    batchMean.push(m);
    batchVar.push(q);
    const mu = mean ? mean[c]! : m;
    const s2 = variance ? variance[c]! : q;
    for (let n = 0; n < N; n++) {
      for (let s = 0; s < S; s++) {
        out[(n * C + c) * S + s] = ((at(n, c, s) - mu) / Math.sqrt(s2 + eps)) * (w ? w[c]! : 1) + (b ? b[c]! : 0);
      }
    }
  }
  return { out, batchMean, batchVar };
}

describe('batchNorm, training', () => {
  it('normalises with the batch mean and biased variance, then applies weight and bias', () => {
    const x = rand([3, 2, 2, 3], { lo: -2, hi: 3 });
    const w = f64([1.5, -0.5]);
    const b = f64([0.25, 2]);
    const y = batchNorm(x, null, null, w, b, { training: true });
    expect(y.shape).toEqual([3, 2, 2, 3]);
    expectClose(y, reference(x, null, null, [1.5, -0.5], [0.25, 2], 1e-5).out, 1e-12);
  });

  it('gives zero mean and unit biased variance per channel without affine, for 2-D, 3-D and 4-D inputs', () => {
    for (const shape of [[6, 3], [4, 2, 5], [2, 3, 2, 2]]) {
      const x = rand(shape, { lo: -3, hi: 5 });
      const y = batchNorm(x, null, null, null, null, { training: true, eps: 0 });
      const reduced = shape.map((_, i) => i).filter((i) => i !== 1);
      expectClose(y.mean(reduced), new Array<number>(shape[1]!).fill(0), 1e-12);
      expectClose(y.var(reduced, { unbiased: false }), new Array<number>(shape[1]!).fill(1), 1e-12);
    }
  });

  it('updates the running statistics in place: momentum-weighted, with the unbiased variance', () => {
    const x = rand([2, 3, 2, 2]);
    const rm = f64([0.5, -1, 2]);
    const rv = f64([1, 2, 0.5]);
    const versions = [rm.version, rv.version];
    batchNorm(x, rm, rv, null, null, { training: true, momentum: 0.25 });
    const { batchMean, batchVar } = reference(x, null, null, null, null, 0);
    const n = 8;
    expectClose(rm, [0.5, -1, 2].map((r, c) => 0.75 * r + 0.25 * batchMean[c]!), 1e-14);
    expectClose(rv, [1, 2, 0.5].map((r, c) => 0.75 * r + 0.25 * batchVar[c]! * (n / (n - 1))), 1e-14);
    expect(rm.version).toBeGreaterThan(versions[0]!);
    expect(rv.version).toBeGreaterThan(versions[1]!);
    // outside the tape
    expect(rm.requiresGrad).toBe(false);
    expect(rm.gradFn).toBeNull();
  });

  it('defaults to momentum 0.1 and eps 1e-5; either running statistic may be given alone', () => {
    const x = rand([4, 2]);
    const rm = f64([0, 0]);
    const y = batchNorm(x, rm, null, null, null, { training: true });
    const { out, batchMean } = reference(x, null, null, null, null, 1e-5);
    expectClose(y, out, 1e-12);
    expectClose(rm, batchMean.map((m) => 0.1 * m), 1e-15);
    const rv = f64([1, 1]);
    batchNorm(x, null, rv, null, null, { training: true });
    expect(flat(rv)).not.toEqual([1, 1]);
  });

  it('float32 stays float32', () => {
    const x = tensor([[1, 2], [3, 5], [0, -1]]);
    const y = batchNorm(x, null, null, tensor([1, 2]), tensor([0, 1]), { training: true });
    expect(y.dtype).toBe('float32');
    expectClose(y, reference(x, null, null, [1, 2], [0, 1], 1e-5).out, 1e-6, 1e-6);
  });
});

describe('batchNorm, evaluation', () => {
  it('normalises with the running statistics (the default mode) and leaves them unchanged', () => {
    const x = rand([2, 3, 2, 2]);
    const rm = f64([0.1, -0.2, 0.3]);
    const rv = f64([0.5, 1.5, 2]);
    const y = batchNorm(x, rm, rv, f64([2, 1, -1]), f64([0, 0.5, 1]), { eps: 1e-3 });
    expectClose(y, reference(x, [0.1, -0.2, 0.3], [0.5, 1.5, 2], [2, 1, -1], [0, 0.5, 1], 1e-3).out, 1e-12);
    expect(flat(rm)).toEqual([0.1, -0.2, 0.3]);
    expect(flat(rv)).toEqual([0.5, 1.5, 2]);
  });

  it('accepts one sample per channel (only training needs more)', () => {
    const y = batchNorm(tensor([[[[2]]]], { dtype: 'float64' }), f64([1]), f64([4]), null, null, { eps: 0 });
    expect(flat(y)).toEqual([0.5]);
  });
});

describe('batchNorm gradients (gradcheck; gradgradcheck where cheap)', () => {
  it('training, with affine: input, weight and bias', () => {
    checkGrads((x, w, b) => batchNorm(x, null, null, w, b, { training: true }), [rand([2, 2, 2, 2]), rand([2]), rand([2])]);
  });
  it('training, with affine and running statistics (updated on every evaluation)', () => {
    const rm = constant([2]);
    const rv = constant([2], 0.5, 2);
    checkGrads((x, w, b) => batchNorm(x, rm, rv, w, b, { training: true, momentum: 0.3 }), [rand([3, 2, 2]), rand([2]), rand([2])], false);
  });
  it('training, without affine, 2-D and 4-D inputs', () => {
    checkGrads((x) => batchNorm(x, null, null, null, null, { training: true }), [rand([4, 3])]);
    checkGrads((x) => batchNorm(x, null, null, null, null, { training: true, eps: 0.1 }), [rand([2, 2, 1, 3])], false);
  });
  it('training, weight only and bias only', () => {
    checkGrads((x, w) => batchNorm(x, null, null, w, null, { training: true }), [rand([3, 2]), rand([2])]);
    checkGrads((x, b) => batchNorm(x, null, null, null, b, { training: true }), [rand([3, 2]), rand([2])]);
  });
  it('evaluation, with and without affine', () => {
    const rm = constant([3]);
    const rv = constant([3], 0.5, 2);
    checkGrads((x, w, b) => batchNorm(x, rm, rv, w, b), [rand([2, 3, 2]), rand([3]), rand([3])]);
    checkGrads((x) => batchNorm(x, rm, rv), [rand([2, 3, 2, 1])]);
  });
  it('evaluation, gradients to running statistics that require grad', () => {
    checkGrads((x, m, v) => batchNorm(x, m, v, null, null, { eps: 0.01 }), [rand([2, 2]), rand([2]), rand([2], { lo: 0.5, hi: 2 })]);
  });
});

describe('batchNorm errors', () => {
  it('training with one value per channel', () => {
    expect(() => batchNorm(rand([1, 3, 1, 1]), null, null, null, null, { training: true })).toThrow(
      /batchNorm: expected more than 1 value per channel when training, got input shape \[1, 3, 1, 1\] \(n = 1\)/,
    );
    expect(() => batchNorm(rand([1, 3]), null, null, null, null, { training: true })).toThrow(/more than 1 value per channel/);
  });
  it('parameters or buffers without C elements', () => {
    const x = rand([2, 3, 2, 2]);
    const ok = constant([3]);
    expect(() => batchNorm(x, constant([4]), ok)).toThrow(/batchNorm: runningMean has 4 elements \(shape \[4\]\) but the input has 3 channels \(input shape \[2, 3, 2, 2\]\)/);
    expect(() => batchNorm(x, ok, constant([2]))).toThrow(/batchNorm: runningVar has 2 elements/);
    expect(() => batchNorm(x, ok, ok, constant([4]))).toThrow(/batchNorm: weight has 4 elements/);
    expect(() => batchNorm(x, ok, ok, ok, constant([1]))).toThrow(/batchNorm: bias has 1 elements/);
  });
  it('evaluation without running statistics', () => {
    expect(() => batchNorm(rand([2, 3]), null, null)).toThrow(/batchNorm: evaluation \(training: false\) needs runningMean and runningVar, got no runningMean and no runningVar/);
    expect(() => batchNorm(rand([2, 3]), constant([3]), null)).toThrow(/got a runningMean and no runningVar/);
  });
  it('inputs with fewer than 2 dims, non-float tensors, bad eps/momentum/training', () => {
    expect(() => batchNorm(rand([3]), null, null, null, null, { training: true })).toThrow(/batchNorm: expected an input of shape \(N, C, …\) with at least 2 dims, got shape \[3\]/);
    expect(() => batchNorm(tensor([[1, 2]], { dtype: 'int32' }), null, null)).toThrow(/batchNorm: input must be a float32 or float64 tensor, got int32/);
    expect(() => batchNorm(rand([2, 2]), tensor([0, 0], { dtype: 'int32' }), constant([2]))).toThrow(/batchNorm: runningMean must be a float32 or float64 tensor/);
    expect(() => batchNorm(rand([2, 2]), null, null, null, null, { training: true, eps: -1 })).toThrow(/batchNorm: eps must be non-negative, got -1/);
    expect(() => batchNorm(rand([2, 2]), null, null, null, null, { training: true, momentum: NaN })).toThrow(/batchNorm: momentum must be a finite number, got NaN/);
    // @ts-expect-error: not a boolean
    expect(() => batchNorm(rand([2, 2]), null, null, null, null, { training: 'yes' })).toThrow(/batchNorm: training must be a boolean/);
  });
});
