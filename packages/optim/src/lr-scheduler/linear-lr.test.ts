import { describe, expect, it } from 'vitest';
import { lrScheduler } from '../index.js';
import { near, sgd, trajectory } from './test-helpers.js';

const closed = (b: number, s: number, f: number, n: number, e: number) => b * (s + ((f - s) * Math.min(e, n)) / n);

describe('LinearLR', () => {
  it('ramps linearly, then holds', () => {
    for (const [b, s, f, n] of [[0.1, 1 / 3, 1, 5], [0.05, 1, 0.1, 8], [1, 0.25, 0.75, 3]] as const) {
      const lrs = trajectory(new lrScheduler.LinearLR(sgd(b), { startFactor: s, endFactor: f, totalIters: n }), 12);
      expect(near(lrs, lrs.map((_, e) => closed(b, s, f, n, e)), 1e-12)).toBe(true);
    }
  });

  it('defaults to startFactor 1/3, endFactor 1, totalIters 5', () => {
    const s = new lrScheduler.LinearLR(sgd(0.3));
    expect([s.startFactor, s.endFactor, s.totalIters]).toEqual([1 / 3, 1, 5]);
    expect(s.getLastLr()[0]).toBeCloseTo(0.1, 15);
  });

  it.each([
    [{ startFactor: 0 }, /LinearLR: startFactor must be in \(0, 1\], got 0/],
    [{ startFactor: 1.5 }, /startFactor must be in \(0, 1\], got 1\.5/],
    [{ endFactor: -0.1 }, /LinearLR: endFactor must be in \[0, 1\], got -0\.1/],
    [{ totalIters: -1 }, /LinearLR: totalIters must be >= 0, got -1/],
  ])('%j throws %s', (options, message) => {
    expect(() => new lrScheduler.LinearLR(sgd(0.1), options)).toThrow(message);
  });
});
