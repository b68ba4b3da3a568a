import { describe, expect, it } from 'vitest';
import { lrScheduler } from '../index.js';
import { near, sgd, trajectory } from './test-helpers.js';

describe('ExponentialLR', () => {
  it('base·γ^e', () => {
    const lrs = trajectory(new lrScheduler.ExponentialLR(sgd(0.1), 0.9), 12);
    expect(near(lrs, lrs.map((_, e) => 0.1 * 0.9 ** e), 1e-14)).toBe(true);
  });

  it('validates gamma', () => {
    expect(() => new lrScheduler.ExponentialLR(sgd(0.1), 'x' as never)).toThrow(/ExponentialLR: gamma must be a number, got "x"/);
  });

  it('round-trips its state', () => {
    const s = new lrScheduler.ExponentialLR(sgd(0.1), 0.5);
    s.step();
    const t = new lrScheduler.ExponentialLR(sgd(0.1), 0.9);
    t.loadStateDict(JSON.parse(JSON.stringify(s.stateDict())) as lrScheduler.LRSchedulerStateDict);
    expect(t.gamma).toBe(0.5);
    expect(t.lastEpoch).toBe(1);
  });
});
