import { tensor } from '@torchlet/autograd';
import { Generator, manualSeed, zeros } from '@torchlet/ndarray';
import { describe, expect, it } from 'vitest';
import { Conv2d, init, Linear, Parameter } from './index.js';
import { flat } from './test-helpers.js';

const param = (shape: number[]): Parameter => new Parameter(zeros(shape));
const maxAbs = (p: Parameter): number => Math.max(...flat(p).map(Math.abs));
const std = (p: Parameter): number => {
  const v = flat(p);
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
};

describe('init', () => {
  it('calculateGain matches torch.nn.init.calculate_gain', () => {
    expect(init.calculateGain('linear')).toBe(1);
    expect(init.calculateGain('conv2d')).toBe(1);
    expect(init.calculateGain('convTranspose2d')).toBe(1);
    expect(init.calculateGain('conv_transpose2d')).toBe(1);
    expect(init.calculateGain('sigmoid')).toBe(1);
    expect(init.calculateGain('tanh')).toBe(5 / 3);
    expect(init.calculateGain('relu')).toBe(Math.sqrt(2));
    expect(init.calculateGain('leakyRelu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 15);
    expect(init.calculateGain('leaky_relu', 0.2)).toBeCloseTo(1.3867504905630728, 15);
    expect(init.calculateGain('leakyRelu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(init.calculateGain('selu')).toBe(0.75);
    expect(() => init.calculateGain('swish' as 'relu')).toThrow(/unsupported nonlinearity "swish"/);
    expect(() => init.calculateGain('leakyRelu', Number.NaN)).toThrow(/not a valid number/);
  });

  it('calculateFanInAndFanOut follows PyTorch (receptive field included)', () => {
    expect(init.calculateFanInAndFanOut(new Conv2d(6, 16, 5).weight)).toEqual({ fanIn: 150, fanOut: 400 });
    expect(init.calculateFanInAndFanOut(new Linear(400, 120).weight)).toEqual({ fanIn: 400, fanOut: 120 });
    expect(() => init.calculateFanInAndFanOut(param([3]))).toThrow(/fewer than 2 dimensions, got shape \[3\]/);
  });

  it('uniform_ / normal_ / constant_ / zeros_ / ones_ write in place and return the tensor', () => {
    const p = param([200, 50]);
    const data = p.data;
    expect(init.uniform_(p, -2, 3)).toBe(p);
    expect(p.data).toBe(data);
    expect(Math.min(...flat(p))).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...flat(p))).toBeLessThan(3);
    init.normal_(p, 1, 0.5);
    expect(std(p)).toBeCloseTo(0.5, 1);
    expect(flat(init.constant_(p, 0.25)).every((v) => v === 0.25)).toBe(true);
    expect(flat(init.zeros_(p)).every((v) => v === 0)).toBe(true);
    expect(flat(init.ones_(p)).every((v) => v === 1)).toBe(true);
    expect(init.uniform_(param([2, 2])).requiresGrad).toBe(true);
  });

  it('works on parameters that require grad (no graph recorded) and bumps their version', () => {
    const p = param([2, 2]);
    const v = p.version;
    init.ones_(p);
    expect(p.isLeaf).toBe(true);
    expect(p.gradFn).toBeNull();
    expect(p.version).toBeGreaterThan(v);
    const y = p.mul(p);
    init.zeros_(p);
    expect(() => y.sum().backward()).toThrow(/modified by an in-place operation/);
  });

  it('xavier uses gain·√(6/(fanIn+fanOut)) and gain·√(2/(fanIn+fanOut))', () => {
    const p = param([100, 300]);
    init.xavierUniform_(p);
    const a = Math.sqrt(6 / 400);
    expect(maxAbs(p)).toBeLessThanOrEqual(a);
    expect(maxAbs(p)).toBeGreaterThan(0.99 * a);
    init.xavierUniform_(p, { gain: 2 });
    expect(maxAbs(p)).toBeGreaterThan(1.98 * a);
    init.xavierNormal_(p, { gain: 0.5 });
    expect(std(p)).toBeCloseTo(0.5 * Math.sqrt(2 / 400), 2);
  });

  it('kaiming uses gain/√fan with mode and nonlinearity', () => {
    const p = param([50, 20, 3, 3]); // fanIn 180, fanOut 450
    init.kaimingUniform_(p, { nonlinearity: 'relu' });
    const bound = Math.sqrt(2) * Math.sqrt(3 / 180);
    expect(maxAbs(p)).toBeLessThanOrEqual(bound);
    expect(maxAbs(p)).toBeGreaterThan(0.98 * bound);
    init.kaimingUniform_(p, { a: Math.sqrt(5) });
    expect(maxAbs(p)).toBeLessThanOrEqual(1 / Math.sqrt(180));
    expect(maxAbs(p)).toBeGreaterThan(0.98 / Math.sqrt(180));
    init.kaimingUniform_(p, { mode: 'fanOut', nonlinearity: 'linear' });
    expect(maxAbs(p)).toBeLessThanOrEqual(Math.sqrt(3 / 450));
    init.kaimingNormal_(p, { mode: 'fan_out', nonlinearity: 'relu' });
    expect(std(p)).toBeCloseTo(Math.sqrt(2 / 450), 2);
    expect(() => init.kaimingNormal_(p, { mode: 'fanAvg' as 'fanIn' })).toThrow(/mode "fanAvg" not supported/);
    expect(init.kaimingUniform_(param([0, 3]))).toBeInstanceOf(Parameter); // zero elements: a no-op
  });

  it('is reproducible with manualSeed and with an explicit generator (which leaves the default alone)', () => {
    const a = param([4, 4]);
    const b = param([4, 4]);
    manualSeed(9);
    init.kaimingUniform_(a);
    manualSeed(9);
    init.kaimingUniform_(b);
    expect(flat(a)).toEqual(flat(b));
    manualSeed(9);
    init.normal_(a, 0, 1, { generator: new Generator(1) });
    init.kaimingUniform_(b);
    const c = param([4, 4]);
    manualSeed(9);
    init.kaimingUniform_(c);
    expect(flat(b)).toEqual(flat(c));
    init.normal_(b, 0, 1, { generator: new Generator(1) });
    expect(flat(b)).toEqual(flat(a));
  });

  it('rejects what is not a tensor', () => {
    expect(() => init.uniform_([1, 2] as unknown as Parameter)).toThrow('uniform_: expected a Tensor, got object');
    expect(() => init.constant_(tensor([1]), 'a' as unknown as number)).toThrow(TypeError);
    expect(() => init.uniform_(param([2]), 1, 0)).toThrow(/low <= high/);
  });
});
