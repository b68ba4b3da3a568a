import { describe, expect, it } from 'vitest';
import { lrScheduler } from '../index.js';
import { near, sgd, trajectory } from './test-helpers.js';

const closed = (b: number, etaMin: number, T: number, e: number) => etaMin + ((b - etaMin) * (1 + Math.cos((Math.PI * e) / T))) / 2;

describe('CosineAnnealingLR', () => {
  it('follows the closed form, and rises again past tMax', () => {
    for (const [T, etaMin] of [[10, 0], [5, 0.01], [3, 0.05]] as const) {
      const lrs = trajectory(new lrScheduler.CosineAnnealingLR(sgd(0.1), T, { etaMin }), 4 * T + 2);
      expect(near(lrs, lrs.map((_, e) => closed(0.1, etaMin, T, e)), 1e-9)).toBe(true);
    }
  });

  it('uses the closed form at the first step when resuming', () => {
    const opt = sgd(0.1);
    opt.paramGroups[0]!.initialLr = 0.1;
    const s = new lrScheduler.CosineAnnealingLR(opt, 10, { lastEpoch: 3 });
    expect(s.getLastLr()[0]).toBeCloseTo(closed(0.1, 0, 10, 4), 15);
  });

  it('validates tMax and etaMin', () => {
    expect(() => new lrScheduler.CosineAnnealingLR(sgd(0.1), 0)).toThrow(/CosineAnnealingLR: tMax must be > 0, got 0/);
    expect(() => new lrScheduler.CosineAnnealingLR(sgd(0.1), 10, { etaMin: 'x' } as never)).toThrow(/etaMin must be a number, got "x"/);
  });
});
