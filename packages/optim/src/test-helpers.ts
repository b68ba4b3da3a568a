/** Helpers shared by the tests (not part of the package's entry). */
import { tensor, type Tensor } from '@torchlet/autograd';
import type { AdamOptions } from './adam.js';

/** A float64 parameter (the references below compute in float64, so comparisons are tight). */
export function param64(values: number[]): Tensor {
  return tensor(Float64Array.from(values), { requiresGrad: true });
}

/** A float64 gradient. */
export function grad64(values: number[]): Tensor {
  return tensor(Float64Array.from(values));
}

/** The values of a 1-D tensor as a plain array. */
export function values(t: Tensor): number[] {
  return Array.from(t.data.denseData());
}

/** Deterministic pseudo-gradients: step `s`, element `i` (no Math.random). */
export function gradAt(s: number, i: number): number {
  return Math.sin(1.7 * s + 0.9 * i + 0.3) * (1 + 0.25 * i);
}

/** Expects two arrays to agree to a relative 1e-12 (float64 reference vs float64 update). */
export function close(actual: readonly number[], expected: readonly number[], rel = 1e-12): boolean {
  return actual.length === expected.length && actual.every((a, i) => Math.abs(a - expected[i]!) <= rel * Math.max(1, Math.abs(expected[i]!)));
}

/** The rule of torch.optim.Adam (and AdamW with `decoupled`), written out in float64. */
export function adamReference(o: AdamOptions, p0: number[], steps: number, decoupled = false): number[] {
  const p = [...p0];
  const [b1, b2] = o.betas;
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  const vmax = p.map(() => 0);
  for (let t = 1; t <= steps; t++) {
    for (let i = 0; i < p.length; i++) {
      if (decoupled) p[i] = p[i]! * (1 - o.lr * o.weightDecay);
      let g = gradAt(t - 1, i);
      if (o.maximize) g = -g;
      if (!decoupled && o.weightDecay !== 0) g += o.weightDecay * p[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * g;
      v[i] = b2 * v[i]! + (1 - b2) * g * g;
      vmax[i] = Math.max(vmax[i]!, v[i]!);
      const vhat = o.amsgrad ? vmax[i]! : v[i]!;
      const denom = Math.sqrt(vhat) / Math.sqrt(1 - b2 ** t) + o.eps;
      p[i] = p[i]! - (o.lr / (1 - b1 ** t)) * (m[i]! / denom);
    }
  }
  return p;
}

