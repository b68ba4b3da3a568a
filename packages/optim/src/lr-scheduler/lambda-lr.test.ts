import { describe, expect, it } from 'vitest';
import { lrScheduler } from '../index.js';
import { sgd, trajectory } from './test-helpers.js';

describe('LambdaLR', () => {
  it('sets base·λ(epoch), one function for all groups or one per group', () => {
    const opt = sgd(0.1, 1);
    const s = new lrScheduler.LambdaLR(opt, (e) => 1 / (e + 1));
    expect(trajectory(s, 4, 1)).toEqual([1, 1 / 2, 1 / 3, 1 / 4]);
    const opt2 = sgd(0.1, 1);
    const t = new lrScheduler.LambdaLR(opt2, [(e) => e, (e) => 2 * e]);
    t.step();
    expect(t.getLastLr()).toEqual([0.1, 2]);
  });

  it('does not save the functions', () => {
    const s = new lrScheduler.LambdaLR(sgd(1), (e) => e + 1);
    expect(Object.keys(s.stateDict())).toEqual(['lastEpoch', 'stepCount', 'baseLrs', 'lastLr']);
  });

  it('validates the functions', () => {
    expect(() => new lrScheduler.LambdaLR(sgd(0.1, 1), [(e: number) => e])).toThrow(/LambdaLR: expected 2 lrLambda functions \(one per parameter group\), got 1/);
    expect(() => new lrScheduler.LambdaLR(sgd(0.1), 0.5 as never)).toThrow(/LambdaLR: lrLambda\[0\] must be a function, got 0\.5/);
  });
});
