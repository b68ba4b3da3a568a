import { tensor } from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import { Adagrad, Adam, lrScheduler } from '../index.js';
import { sgd, trajectory } from './test-helpers.js';

const cosAnneal = (start: number, end: number, pct: number) => end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);

describe('OneCycleLR', () => {
  it('rises to maxLr over pctStart of the cycle, then anneals to the minimum; momentum does the opposite', () => {
    const opt = sgd(0.1);
    const s = new lrScheduler.OneCycleLR(opt, 1, { totalSteps: 100 });
    const g = opt.paramGroups[0]!;
    expect(g).toMatchObject({ initialLr: 0.04, maxLr: 1, minLr: 0.04 / 1e4, maxMomentum: 0.95, baseMomentum: 0.85 });
    const lrs = [g.lr];
    const moms = [g.momentum];
    for (let i = 1; i < 100; i++) {
      s.step();
      lrs.push(g.lr);
      moms.push(g.momentum);
    }
    lrs.forEach((lr, i) => {
      const want = i <= 29 ? cosAnneal(0.04, 1, i / 29) : cosAnneal(1, 4e-6, (i - 29) / 70);
      expect(lr).toBeCloseTo(want, 14);
    });
    expect(lrs[0]).toBeCloseTo(0.04, 15);
    expect(lrs[29]).toBe(1);
    expect(lrs[99]).toBeCloseTo(4e-6, 15);
    expect(moms[0]).toBeCloseTo(0.95, 15);
    expect(moms[29]).toBeCloseTo(0.85, 15);
    expect(moms[99]).toBeCloseTo(0.95, 15);
    s.step(); // step 100 is still allowed, as in PyTorch
    expect(() => s.step()).toThrow(/OneCycleLR: tried to step 102 times; the cycle has 100 steps/);
  });

  it('supports linear annealing, three phases and epochs × stepsPerEpoch', () => {
    const opt = sgd(0.1);
    const s = new lrScheduler.OneCycleLR(opt, 0.5, { epochs: 2, stepsPerEpoch: 5, annealStrategy: 'linear', threePhase: true, pctStart: 0.3, cycleMomentum: false });
    expect(s.totalSteps).toBe(10);
    const lrs = trajectory(s, 10);
    // phases end at 2, 4 and 9: 0.02 → 0.5 → 0.02 → 2e-6
    const want = [0.02, 0.26, 0.5, 0.26, 0.02, 0.02 - 0.2 * (0.02 - 2e-6), 0.02 - 0.4 * (0.02 - 2e-6), 0.02 - 0.6 * (0.02 - 2e-6), 0.02 - 0.8 * (0.02 - 2e-6), 2e-6];
    lrs.forEach((lr, i) => expect(lr).toBeCloseTo(want[i]!, 14));
    expect(opt.paramGroups[0]!.momentum).toBe(0);
  });

  it("cycles Adam's beta1", () => {
    const opt = new Adam([tensor([1], { requiresGrad: true })], { betas: [0.9, 0.99] });
    const s = new lrScheduler.OneCycleLR(opt, [0.01], { totalSteps: 10 });
    expect(opt.paramGroups[0]!.betas).toEqual([0.95, 0.99]);
    s.step();
    expect(opt.paramGroups[0]!.betas[0]).toBeLessThan(0.95);
    expect(opt.paramGroups[0]!.betas[1]).toBe(0.99);
  });

  it.each([
    [() => new lrScheduler.OneCycleLR(sgd(0.1), 1), /OneCycleLR: give either totalSteps or both epochs and stepsPerEpoch/],
    [() => new lrScheduler.OneCycleLR(sgd(0.1), 1, { totalSteps: 0 }), /OneCycleLR: totalSteps must be >= 1, got 0/],
    [() => new lrScheduler.OneCycleLR(sgd(0.1), 1, { epochs: 2, stepsPerEpoch: 1.5 }), /stepsPerEpoch must be an integer/],
    [() => new lrScheduler.OneCycleLR(sgd(0.1), 1, { totalSteps: 10, pctStart: 1.5 }), /OneCycleLR: pctStart must be in \[0, 1\], got 1\.5/],
    [() => new lrScheduler.OneCycleLR(sgd(0.1), 1, { totalSteps: 10, annealStrategy: 'exp' as never }), /annealStrategy must be 'cos' or 'linear', got "exp"/],
    [() => new lrScheduler.OneCycleLR(sgd(0.1), [1, 2], { totalSteps: 10 }), /OneCycleLR: expected 1 values for maxLr \(one per parameter group\), got 2/],
    [() => new lrScheduler.OneCycleLR(new Adagrad([tensor([1], { requiresGrad: true })]), 1, { totalSteps: 10 }), /OneCycleLR: cycleMomentum needs an optimizer with momentum or betas \(Adagrad has neither\)/],
  ])('%# throws %s', (make, message) => {
    expect(make).toThrow(message);
  });

  it('round-trips its state', () => {
    const opt = sgd(0.1);
    const s = new lrScheduler.OneCycleLR(opt, 1, { totalSteps: 20, annealStrategy: 'linear' });
    trajectory(s, 5);
    const d = JSON.parse(JSON.stringify(s.stateDict())) as lrScheduler.LRSchedulerStateDict;
    const opt2 = sgd(0.1);
    opt2.loadStateDict(opt.stateDict());
    const t = new lrScheduler.OneCycleLR(opt2, 3, { totalSteps: 7 });
    opt2.loadStateDict(opt.stateDict());
    t.loadStateDict(d);
    s.step();
    t.step();
    expect(t.getLastLr()).toEqual(s.getLastLr());
    expect(opt2.paramGroups[0]!.momentum).toBe(opt.paramGroups[0]!.momentum);
  });
});
