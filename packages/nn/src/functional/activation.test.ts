import { gradcheck, grad, sigmoid, tensor } from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import { gelu, leakyRelu, softplus } from './activation.js';
import { checkGrads, expectClose, f64, flat, rand } from './test-helpers.js';

describe('leakyRelu', () => {
  it('keeps positives and scales the rest by the slope (default 0.01)', () => {
    expectClose(leakyRelu(f64([-2, -0.5, 0, 0.5, 3])), [-0.02, -0.005, 0, 0.5, 3]);
    expectClose(leakyRelu(f64([-2, 0, 3]), 0.2), [-0.4, 0, 3]);
    expectClose(leakyRelu(f64([-2, 3]), -1), [2, 3]);
    expect(leakyRelu(tensor([-1, 1])).dtype).toBe('float32');
  });

  it('has gradient 1 above 0 and the slope at and below 0 (as PyTorch)', () => {
    const x = f64([-1, 0, 2], true);
    leakyRelu(x, 0.3).sum().backward();
    expectClose(x.grad!, [0.3, 0.3, 1]);
  });

  it('passes gradcheck and gradgradcheck', () => {
    checkGrads((x) => leakyRelu(x), [rand([3, 4])]);
    checkGrads((x) => leakyRelu(x, 1.7), [rand([2, 3])]);
  });

  it('rejects a non-float input and a non-finite slope', () => {
    expect(() => leakyRelu(tensor([1], { dtype: 'int32' }))).toThrow(/leakyRelu: input must be a float32 or float64 tensor, got int32/);
    expect(() => leakyRelu(f64([1]), NaN)).toThrow(/leakyRelu: negativeSlope must be a finite number, got NaN/);
  });
});

describe('gelu', () => {
  const xs = [-3, -1, -0.5, 0, 0.5, 1, 3];

  it("'none' is x·Φ(x) (reference values from 0.5·x·(1 + erf(x/√2)))", () => {
    const expected = [-0.00404969409489031, -0.15865525393145707, -0.15426876936299344, 0, 0.34573123063700656, 0.8413447460685429, 2.99595030590511];
    expectClose(gelu(f64(xs)), expected, 1e-15, 1e-14);
    expectClose(gelu(f64(xs), { approximate: 'none' }), expected, 1e-15, 1e-14);
  });

  it("'tanh' is the tanh approximation", () => {
    const expected = [-0.0036373920817729943, -0.15880800939172324, -0.15428599017485606, 0, 0.34571400982514394, 0.8411919906082768, 2.996362607918227];
    expectClose(gelu(f64(xs), { approximate: 'tanh' }), expected, 1e-15, 1e-14);
  });

  it('float32 in, float32 out', () => {
    const y = gelu(tensor([-1, 0, 1]));
    expect(y.dtype).toBe('float32');
    expectClose(y, [-0.15865525603294373, 0, 0.8413447737693787], 1e-7, 1e-6);
  });

  it('has the derivative Φ(x) + x·φ(x), and passes gradcheck and gradgradcheck in both modes', () => {
    const x = f64([-1, 0, 2], true);
    gelu(x).sum().backward();
    const phi = (v: number): number => Math.exp(-v * v / 2) / Math.sqrt(2 * Math.PI);
    const Phi = [0.15865525393145707, 0.5, 0.9772498680518208];
    expectClose(x.grad!, [-1, 0, 2].map((v, i) => Phi[i]! + v * phi(v)), 1e-15, 1e-14);
    checkGrads((t) => gelu(t), [rand([2, 4], { lo: -3, hi: 3 })]);
    checkGrads((t) => gelu(t, { approximate: 'tanh' }), [rand([2, 4], { lo: -3, hi: 3 })]);
  });

  it('rejects an unknown approximate and a non-float input', () => {
    // @ts-expect-error: not a mode
    expect(() => gelu(f64([1]), { approximate: 'erf' })).toThrow(/gelu: approximate must be 'none' or 'tanh', got "erf"/);
    expect(() => gelu(tensor([1], { dtype: 'int32' }))).toThrow(/gelu: input must be a float32 or float64 tensor/);
  });
});

describe('softplus', () => {
  it('is log(1 + eˣ), accurate in both tails, and x beyond the threshold', () => {
    expectClose(softplus(f64([-50, -1, 0, 1, 10])), [1.9287498479639178e-22, 0.31326168751822286, 0.6931471805599453, 1.3132616875182228, 10.000045398899218], 0, 1e-15);
    expect(flat(softplus(f64([30, 1000])))).toEqual([30, 1000]);
    expect(flat(softplus(f64([-1000])))).toEqual([0]);
  });

  it('beta and threshold', () => {
    expectClose(softplus(f64([1, -3]), { beta: 2 }), [1.0634640055214863, 0.0012378425688652247], 0, 1e-15);
    // β·x = 6 > threshold 5: the identity
    expect(flat(softplus(f64([3]), { beta: 2, threshold: 5 }))).toEqual([3]);
    expectClose(softplus(f64([2]), { beta: 2, threshold: 5 }), [Math.log1p(Math.exp(4)) / 2], 0, 1e-15);
  });

  it('float32 in, float32 out', () => {
    const y = softplus(tensor([-1, 0, 1]));
    expect(y.dtype).toBe('float32');
    expect(flat(y)).toEqual([0.3132616877555847, 0.6931471824645996, 1.31326162815094]);
  });

  it('has gradient σ(βx), 1 where thresholded, and passes gradcheck and gradgradcheck', () => {
    const x = f64([-2, 0, 1, 30], true);
    const [g] = grad(softplus(x).sum(), [x]);
    expectClose(g!, [...flat(sigmoid(f64([-2, 0, 1]))), 1], 1e-15);
    checkGrads((t) => softplus(t), [rand([2, 3], { lo: -4, hi: 4 })]);
    checkGrads((t) => softplus(t, { beta: 1.5, threshold: 2 }), [f64([-2, -0.3, 0.4, 1.9, 2.5, 4], true)]);
    expect(gradcheck((t) => softplus(t, { beta: -2 }), [rand([4])])).toBe(true);
  });

  it('rejects beta 0 or non-finite, a NaN threshold, and a non-float input', () => {
    expect(() => softplus(f64([1]), { beta: 0 })).toThrow(/softplus: beta must be non-zero, got 0/);
    expect(() => softplus(f64([1]), { beta: Infinity })).toThrow(/softplus: beta must be a finite number, got Infinity/);
    expect(() => softplus(f64([1]), { threshold: NaN })).toThrow(/softplus: threshold must be a number, got NaN/);
    expect(() => softplus(tensor([1], { dtype: 'int32' }))).toThrow(/softplus: input must be a float32 or float64 tensor/);
  });
});
