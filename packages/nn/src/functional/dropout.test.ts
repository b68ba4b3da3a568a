import { noGrad, tensor } from '@torchlet/autograd';
import { defaultGenerator, Generator, manualSeed, ones } from '@torchlet/ndarray';
import { describe, expect, it } from 'vitest';
import { dropout, dropout2d } from './dropout.js';
import { checkGrads, flat, rand } from './test-helpers.js';

describe('dropout', () => {
  it('zeroes about p of the elements and scales the rest by 1/(1 − p)', () => {
    for (const p of [0.1, 0.5, 0.8]) {
      const y = flat(dropout(tensor(ones([20000])), { p, generator: new Generator(3) }));
      const zeros = y.filter((v) => v === 0).length / y.length;
      expect(Math.abs(zeros - p), `p = ${p}`).toBeLessThan(0.015);
      const scale = Math.fround(1 / (1 - p));
      expect(y.every((v) => v === 0 || v === scale), `p = ${p}`).toBe(true);
    }
  });

  it('defaults to p = 0.5 and training = true', () => {
    const y = flat(dropout(tensor(ones([4000])), { generator: new Generator(9) }));
    expect(y.every((v) => v === 0 || v === 2)).toBe(true);
    expect(Math.abs(y.filter((v) => v === 0).length / 4000 - 0.5)).toBeLessThan(0.03);
  });

  it('is reproducible with a seeded generator, and draws from the default generator otherwise', () => {
    const x = rand([50], { requiresGrad: false });
    const a = flat(dropout(x, { p: 0.3, generator: new Generator(42) }));
    const b = flat(dropout(x, { p: 0.3, generator: new Generator(42) }));
    expect(a).toEqual(b);
    manualSeed(7);
    const c = flat(dropout(x, { p: 0.3 }));
    const d = flat(dropout(x, { p: 0.3 }));
    expect(c).not.toEqual(d);
    manualSeed(7);
    expect(flat(dropout(x, { p: 0.3 }))).toEqual(c);
    expect(defaultGenerator()).toBeInstanceOf(Generator);
  });

  it('masks the gradient like the output', () => {
    const x = rand([200]);
    const y = dropout(x, { p: 0.4, generator: new Generator(1) });
    y.sum().backward();
    const g = flat(x.grad!);
    flat(y).forEach((v, i) => expect(g[i]).toBe(v === 0 ? 0 : 1 / 0.6));
  });

  it('returns the input itself when not training or p = 0, without drawing', () => {
    const x = rand([5]);
    const g = new Generator(5);
    const state = Array.from(g.getState());
    expect(dropout(x, { training: false, generator: g })).toBe(x);
    expect(dropout(x, { p: 0, generator: g })).toBe(x);
    expect(Array.from(g.getState())).toEqual(state);
  });

  it('p = 1 gives zeros and zero gradients', () => {
    const x = rand([6]);
    const y = dropout(x, { p: 1 });
    expect(flat(y).every((v) => v === 0)).toBe(true); // ±0, as x·0 in PyTorch
    y.sum().backward();
    expect(flat(x.grad!)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('keeps the dtype and works under noGrad', () => {
    expect(dropout(tensor([1, 2, 3]), { p: 0.5 }).dtype).toBe('float32');
    const y = noGrad(() => dropout(rand([4]), { p: 0.5 }));
    expect(y.requiresGrad).toBe(false);
  });

  it('passes gradcheck and gradgradcheck (a fixed seed per call)', () => {
    checkGrads((x) => dropout(x, { p: 0.3, generator: new Generator(11) }), [rand([3, 4])]);
  });

  it('rejects p outside [0, 1], a non-boolean training, a bad generator and a non-float input', () => {
    expect(() => dropout(rand([2]), { p: 1.5 })).toThrow(/dropout: p must be a probability in \[0, 1\], got 1.5/);
    expect(() => dropout(rand([2]), { p: -0.1 })).toThrow(/got -0.1/);
    expect(() => dropout(rand([2]), { p: NaN })).toThrow(/got NaN/);
    // @ts-expect-error: not a boolean
    expect(() => dropout(rand([2]), { training: 1 })).toThrow(/dropout: training must be a boolean/);
    // @ts-expect-error: not a Generator
    expect(() => dropout(rand([2]), { generator: {} })).toThrow(/dropout: generator must be a Generator/);
    expect(() => dropout(tensor([1], { dtype: 'int32' }))).toThrow(/dropout: input must be a float32 or float64 tensor/);
  });
});

describe('dropout2d', () => {
  it('zeroes whole channels of an (N, C, H, W) input', () => {
    const y = dropout2d(tensor(ones([4, 8, 3, 3])), { p: 0.5, generator: new Generator(2) });
    const v = flat(y);
    let dropped = 0;
    for (let ch = 0; ch < 32; ch++) {
      const plane = v.slice(ch * 9, ch * 9 + 9);
      expect(plane.every((e) => e === plane[0]), `channel ${ch}`).toBe(true);
      expect([0, 2]).toContain(plane[0]);
      if (plane[0] === 0) dropped++;
    }
    expect(dropped).toBeGreaterThan(4);
    expect(dropped).toBeLessThan(28);
  });

  it('zeroes whole channels of an unbatched (C, H, W) input', () => {
    const v = flat(dropout2d(tensor(ones([16, 2, 2])), { p: 0.25, generator: new Generator(3) }));
    for (let ch = 0; ch < 16; ch++) {
      const plane = v.slice(ch * 4, ch * 4 + 4);
      expect(plane.every((e) => e === plane[0])).toBe(true);
      expect([0, Math.fround(1 / 0.75)]).toContain(plane[0]);
    }
  });

  it('identity when not training or p = 0; zeros for p = 1', () => {
    const x = rand([1, 2, 2, 2]);
    expect(dropout2d(x, { training: false })).toBe(x);
    expect(dropout2d(x, { p: 0 })).toBe(x);
    expect(flat(dropout2d(x, { p: 1 })).every((v) => v === 0)).toBe(true);
  });

  it('is reproducible and passes gradcheck and gradgradcheck', () => {
    const x = rand([2, 3, 2, 2]);
    expect(flat(dropout2d(x, { generator: new Generator(4) }))).toEqual(flat(dropout2d(x, { generator: new Generator(4) })));
    checkGrads((t) => dropout2d(t, { p: 0.5, generator: new Generator(4) }), [x]);
  });

  it('rejects inputs that are not 3-D or 4-D, and a bad p', () => {
    expect(() => dropout2d(rand([2, 3]))).toThrow(/dropout2d: expected a 3-D \(C, H, W\) or 4-D \(N, C, H, W\) input, got shape \[2, 3\]/);
    expect(() => dropout2d(rand([1, 1, 1, 1, 1]))).toThrow(/got shape \[1, 1, 1, 1, 1\]/);
    expect(() => dropout2d(rand([1, 2, 2]), { p: 2 })).toThrow(/dropout2d: p must be a probability in \[0, 1\], got 2/);
  });
});
