import { describe, expect, it } from 'vitest';
import { lrScheduler } from '../index.js';
import { near, sgd, trajectory } from './test-helpers.js';

describe('MultiStepLR', () => {
  it('MultiStepLR: base·γ^(milestones ≤ e), repeated milestones counting twice', () => {
    const lrs = trajectory(new lrScheduler.MultiStepLR(sgd(0.1), [2, 5, 5, 9], { gamma: 0.1 }), 12);
    const count = (e: number) => [2, 5, 5, 9].filter((m) => m <= e).length;
    expect(near(lrs, lrs.map((_, e) => 0.1 * 0.1 ** count(e)))).toBe(true);
  });

  it('sorts the milestones and validates them', () => {
    expect(new lrScheduler.MultiStepLR(sgd(0.1), [9, 2, 5]).milestones).toEqual([2, 5, 9]);
    expect(() => new lrScheduler.MultiStepLR(sgd(0.1), [1, 'a'] as never)).toThrow(/MultiStepLR: milestones must be an array of integers, got \[1, "a"\]/);
    expect(() => new lrScheduler.MultiStepLR(sgd(0.1), [1], { gamma: 'x' } as never)).toThrow(/MultiStepLR: gamma must be a number/);
  });
});
