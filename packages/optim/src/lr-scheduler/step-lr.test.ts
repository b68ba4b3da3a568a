import { describe, expect, it } from 'vitest';
import { lrScheduler } from '../index.js';
import { near, sgd, trajectory } from './test-helpers.js';

describe('StepLR', () => {
  it('StepLR: base·γ^floor(e/stepSize)', () => {
    const lrs = trajectory(new lrScheduler.StepLR(sgd(0.1), 3, { gamma: 0.5 }), 12);
    expect(near(lrs, lrs.map((_, e) => 0.1 * 0.5 ** Math.floor(e / 3)))).toBe(true);
    expect(trajectory(new lrScheduler.StepLR(sgd(1), 1), 3)).toEqual([1, 0.1, 0.1 * 0.1]);
  });

  it.each([
    [() => new lrScheduler.StepLR(sgd(0.1), 0), /StepLR: stepSize must be >= 1, got 0/],
    [() => new lrScheduler.StepLR(sgd(0.1), 1.5), /StepLR: stepSize must be an integer, got 1\.5/],
    [() => new lrScheduler.StepLR(sgd(0.1), 2, { gamma: Number.NaN }), /StepLR: gamma must be a number, got NaN/],
    [() => new lrScheduler.StepLR(sgd(0.1), 2, { step_size: 2 } as never), /StepLR: unknown option step_size/],
  ])('%# throws %s', (make, message) => {
    expect(make).toThrow(message);
  });
});
