/** Helpers shared by the scheduler tests. */
import { tensor } from '@torchlet/autograd';
import { SGD } from '../sgd.js';
import type { LRScheduler } from './lr-scheduler.js';

/** An SGD optimizer over one or more single-element parameters, with these learning rates. */
export function sgd(...lrs: number[]): SGD {
  const groups = lrs.map((lr) => ({ params: [tensor([1], { requiresGrad: true })], lr }));
  return new SGD(groups, { lr: lrs[0] ?? 0.1 });
}

/** The learning rates of epochs 0…n−1 (each step preceded by an optimizer step). */
export function trajectory(s: LRScheduler, n: number, group = 0): number[] {
  const out = [s.optimizer.paramGroups[group]!.lr];
  for (let e = 1; e < n; e++) {
    s.optimizer.step();
    s.step();
    out.push(s.optimizer.paramGroups[group]!.lr);
  }
  return out;
}

/** True when every value is within a relative 1e-12 of the expected one. */
export function near(actual: readonly number[], expected: readonly number[], rel = 1e-12): boolean {
  return actual.length === expected.length && actual.every((a, i) => Math.abs(a - expected[i]!) <= rel * Math.max(1e-300, Math.abs(expected[i]!)) + 1e-15);
}
