import { describe, expect, it } from 'vitest';
import { lrScheduler, type Optimizer } from '../index.js';
import { sgd, trajectory } from './test-helpers.js';

describe('LRScheduler base', () => {
  it('performs the initial step at construction and records initialLr', () => {
    const opt = sgd(0.1, 0.2);
    const s = new lrScheduler.StepLR(opt, 2, { gamma: 0.5 });
    expect(s.lastEpoch).toBe(0);
    expect(s.baseLrs).toEqual([0.1, 0.2]);
    expect(opt.paramGroups.map((g) => g.initialLr)).toEqual([0.1, 0.2]);
    expect(s.getLastLr()).toEqual([0.1, 0.2]);
    expect(trajectory(s, 5, 1)).toEqual([0.2, 0.2, 0.1, 0.1, 0.05]);
    expect(s.getLastLr()).toEqual([0.025, 0.05]);
  });

  it('keeps an existing initialLr (a second scheduler on the same optimizer)', () => {
    const opt = sgd(0.1);
    new lrScheduler.ExponentialLR(opt, 0.5).step();
    const s = new lrScheduler.StepLR(opt, 10);
    expect(s.baseLrs).toEqual([0.1]);
    expect(opt.paramGroups[0]!.lr).toBe(0.05);
  });

  it('chains: two schedulers multiply their factors', () => {
    const opt = sgd(1);
    const a = new lrScheduler.ExponentialLR(opt, 0.5);
    const b = new lrScheduler.StepLR(opt, 2, { gamma: 0.1 });
    const lrs = [opt.paramGroups[0]!.lr];
    for (let e = 1; e < 5; e++) {
      a.step();
      b.step();
      lrs.push(opt.paramGroups[0]!.lr);
    }
    const want = [1, 0.5, 0.025, 0.0125, 0.000625];
    lrs.forEach((lr, i) => expect(lr).toBeCloseTo(want[i]!, 15));
  });

  it('resumes from lastEpoch only with initialLr in every group', () => {
    const opt = sgd(0.1);
    expect(() => new lrScheduler.StepLR(opt, 2, { lastEpoch: 3 })).toThrow(/StepLR: initialLr is not set in paramGroups\[0\], which resuming \(lastEpoch 3\) needs/);
    opt.paramGroups[0]!.initialLr = 0.4;
    const s = new lrScheduler.StepLR(opt, 2, { lastEpoch: 3, gamma: 0.5 });
    expect(s.lastEpoch).toBe(4);
    expect(s.baseLrs).toEqual([0.4]);
    expect(s.getLastLr()).toEqual([0.05]); // epoch 4: the recursive form halves the current lr
  });

  it('rejects what is not an optimizer and a bad lastEpoch', () => {
    expect(() => new lrScheduler.StepLR({} as Optimizer, 2)).toThrow(/StepLR: optimizer must be an Optimizer, got Object/);
    expect(() => new lrScheduler.StepLR(sgd(0.1), 2, { lastEpoch: -2 })).toThrow(/StepLR: lastEpoch must be >= -1, got -2/);
    expect(() => new lrScheduler.StepLR(sgd(0.1), 2, { lastEpoch: 0.5 })).toThrow(/StepLR: lastEpoch must be an integer/);
  });

  it('round-trips its state through JSON', () => {
    const opt = sgd(0.1);
    const s = new lrScheduler.MultiStepLR(opt, [3, 1], { gamma: 0.5 });
    trajectory(s, 3);
    const d = JSON.parse(JSON.stringify(s.stateDict())) as lrScheduler.LRSchedulerStateDict;
    expect(d).toEqual({ lastEpoch: 2, stepCount: 3, baseLrs: [0.1], lastLr: [0.05], milestones: [1, 3], gamma: 0.5 });
    const t = new lrScheduler.MultiStepLR(sgd(0.1), [7]);
    t.loadStateDict(d);
    expect(t.stateDict()).toEqual(d);
    expect(() => t.loadStateDict({ ...d, lastEpoch: 'x' } as never)).toThrow(/MultiStepLR\.loadStateDict: lastEpoch must be an integer/);
    expect(() => t.loadStateDict({ ...d, milestones: [0.5] })).toThrow(/milestones must be an array of integers/);
  });
});
