import { tensor } from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import { lrScheduler } from '../index.js';
import { sgd } from './test-helpers.js';

function lrsFor(metrics: number[], options: lrScheduler.ReduceLROnPlateauOptions, lr = 1): number[] {
  const opt = sgd(lr);
  const s = new lrScheduler.ReduceLROnPlateau(opt, options);
  return metrics.map((m) => {
    s.step(m);
    return opt.paramGroups[0]!.lr;
  });
}

describe('ReduceLROnPlateau', () => {
  it('reduces after more than patience epochs without improvement', () => {
    expect(lrsFor([5, 4, 4, 4, 4, 3, 3, 3], { patience: 2, factor: 0.5 })).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5]);
    expect(lrsFor([5, 5, 5], { patience: 0 })).toEqual([1, 0.1, 0.010000000000000002]);
  });

  it('waits out the cooldown', () => {
    expect(lrsFor([1, 2, 2, 2, 2, 2], { patience: 0, cooldown: 2, factor: 0.5 })).toEqual([1, 0.5, 0.5, 0.5, 0.25, 0.25]);
  });

  it('respects minLr and eps', () => {
    expect(lrsFor([1, 1, 1, 1], { patience: 0, minLr: 0.05 })).toEqual([1, 0.1, 0.05, 0.05]);
    expect(lrsFor([1, 1], { patience: 0, eps: 0.95 })).toEqual([1, 1]);
  });

  it('compares with the threshold: rel/abs, min/max', () => {
    // min, rel: 0.99995 is not < 1·(1 − 1e-4)
    expect(lrsFor([1, 0.99995], { patience: 0 })).toEqual([1, 0.1]);
    expect(lrsFor([1, 0.5], { patience: 0, thresholdMode: 'abs', threshold: 0.6 })).toEqual([1, 0.1]);
    expect(lrsFor([1, 2, 3], { patience: 0, mode: 'max' })).toEqual([1, 1, 1]);
    expect(lrsFor([1, 1.05], { patience: 0, mode: 'max', thresholdMode: 'abs', threshold: 0.1 })).toEqual([1, 0.1]);
  });

  it('accepts a one-element tensor as the metric', () => {
    const opt = sgd(1);
    const s = new lrScheduler.ReduceLROnPlateau(opt, { patience: 0 });
    s.step(tensor(2));
    s.step(tensor([3]));
    expect(s.getLastLr()).toEqual([0.1]);
  });

  it('handles several groups, with per-group minimum learning rates', () => {
    const opt = sgd(1, 0.1);
    const s = new lrScheduler.ReduceLROnPlateau(opt, { patience: 0, minLr: [0, 0.05] });
    expect(s.getLastLr()).toEqual([1, 0.1]);
    s.step(1);
    s.step(1);
    expect(s.getLastLr()).toEqual([0.1, 0.05]);
  });

  it('round-trips its state through JSON, infinities included', () => {
    const opt = sgd(1);
    const s = new lrScheduler.ReduceLROnPlateau(opt, { patience: 1, mode: 'max' });
    expect(s.stateDict().best).toBe('-inf');
    s.step(0.5);
    s.step(0.4);
    const d = JSON.parse(JSON.stringify(s.stateDict())) as lrScheduler.ReduceLROnPlateauStateDict;
    expect(d).toMatchObject({ best: 0.5, numBadEpochs: 1, lastEpoch: 2, mode: 'max' });
    const t = new lrScheduler.ReduceLROnPlateau(sgd(1));
    t.loadStateDict(d);
    expect(t.stateDict()).toEqual(s.stateDict());
    const fresh = new lrScheduler.ReduceLROnPlateau(sgd(1));
    fresh.loadStateDict(JSON.parse(JSON.stringify(fresh.stateDict())) as lrScheduler.ReduceLROnPlateauStateDict);
    expect(fresh.best).toBe(Infinity);
    expect(() => t.loadStateDict({ ...d, best: null } as never)).toThrow(/ReduceLROnPlateau\.loadStateDict: best must be a number, got null/);
  });

  it.each([
    [{ factor: 1 }, /ReduceLROnPlateau: factor must be < 1, got 1/],
    [{ mode: 'up' }, /ReduceLROnPlateau: mode must be 'min' or 'max', got "up"/],
    [{ thresholdMode: 'pct' }, /thresholdMode must be 'rel' or 'abs', got "pct"/],
    [{ patience: -1 }, /patience must be >= 0, got -1/],
    [{ minLr: [0, 0] }, /expected 1 values for minLr/],
    [{ eps: -1 }, /ReduceLROnPlateau: invalid eps -1/],
  ])('%j throws %s', (options, message) => {
    expect(() => new lrScheduler.ReduceLROnPlateau(sgd(1), options as lrScheduler.ReduceLROnPlateauOptions)).toThrow(message);
  });
});
