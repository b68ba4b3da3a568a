import { tensor } from '@torchlet/autograd';
import { Generator, manualSeed, ones } from '@torchlet/ndarray';
import { describe, expect, it } from 'vitest';
import { Dropout, Dropout2d } from '../index.js';
import { expectModuleGradcheck, f64, flat } from '../test-helpers.js';

describe('Dropout', () => {
  it('zeroes elements with probability p and scales the rest in training; identity in eval', () => {
    const drop = new Dropout(0.25);
    const x = tensor(ones([1000]));
    const y = flat(drop.forward(x));
    expect(y.every((v) => v === 0 || Math.abs(v - 4 / 3) < 1e-6)).toBe(true);
    const dropped = y.filter((v) => v === 0).length;
    expect(dropped).toBeGreaterThan(180);
    expect(dropped).toBeLessThan(320);
    drop.eval();
    expect(drop.forward(x)).toBe(x);
    expect(new Dropout(0).forward(x)).toBe(x);
    expect(flat(new Dropout(1).forward(tensor([1, 2])))).toEqual([0, 0]);
  });

  it('is reproducible with manualSeed or its own generator', () => {
    const x = tensor(ones([64]));
    manualSeed(11);
    const a = flat(new Dropout().forward(x));
    manualSeed(11);
    const b = flat(new Dropout().forward(x));
    expect(a).toEqual(b);
    const c = flat(new Dropout({ p: 0.5, generator: new Generator(5) }).forward(x));
    const d = flat(new Dropout({ generator: new Generator(5) }).forward(x));
    expect(c).toEqual(d);
    expect(c).not.toEqual(a);
  });

  it('validates, gradchecks (fixed mask) and prints like PyTorch', () => {
    expect(() => new Dropout(1.5)).toThrow('Dropout: dropout probability has to be between 0 and 1, but got 1.5');
    expect(() => new Dropout(-0.1)).toThrow(RangeError);
    expect(() => new Dropout({ generator: 3 as unknown as Generator })).toThrow(/generator must be a Generator/);
    expect(() => new Dropout().forward(tensor([1], { dtype: 'int32' }))).toThrow(/^Dropout\(p=0.5\): /);
    expectModuleGradcheck(new Dropout(0.3).eval(), f64([2, 3]));
    // in training, the mask is redrawn per call: check the gradient is the mask itself
    const x = f64([50]);
    const y = new Dropout({ p: 0.5, generator: new Generator(2) }).forward(x);
    y.sum().backward();
    expect(flat(x.grad!)).toEqual(flat(y).map((v, i) => (v === 0 && flat(x)[i] !== 0 ? 0 : 2)));
    expect(new Dropout().toString()).toBe('Dropout(p=0.5, inplace=False)');
    expect(new Dropout(0.1).toString()).toBe('Dropout(p=0.1, inplace=False)');
  });
});

describe('Dropout2d', () => {
  it('zeroes whole channels', () => {
    manualSeed(4);
    const y = new Dropout2d(0.5).forward(tensor(ones([2, 8, 3, 3])));
    const planes = y.reshape(16, 9).toArray() as number[][];
    for (const plane of planes) expect(new Set(plane).size).toBe(1);
    const values = planes.map((p) => p[0]);
    expect(values).toContain(0);
    expect(values).toContain(2);
    expect(new Dropout2d(0.5).forward(tensor(ones([3, 2, 2]))).shape).toEqual([3, 2, 2]);
  });

  it('validates, is the identity in eval, and prints like PyTorch', () => {
    expect(() => new Dropout2d(2)).toThrow(/between 0 and 1/);
    expect(() => new Dropout2d().forward(tensor(ones([2, 3])))).toThrow(/^Dropout2d\(p=0.5\): dropout2d: expected a 3-D/);
    const x = tensor(ones([1, 2, 2, 2]));
    expect(new Dropout2d().eval().forward(x)).toBe(x);
    expectModuleGradcheck(new Dropout2d().eval(), f64([1, 2, 2, 2]));
    expect(new Dropout2d(0.2).toString()).toBe('Dropout2d(p=0.2, inplace=False)');
  });
});
