/** Element-wise comparison with numpy.allclose semantics, reporting the worst element. */
import type { GoldenTensor, Tolerance } from './suite.js';

/** The outcome of comparing one tensor. */
export interface Comparison {
  ok: boolean;
  /** Why it failed: a shape mismatch, a non-finite value, or the tolerance. */
  reason?: string;
  worstAbs: number;
  worstRel: number;
  /** Flat index of the element furthest outside the tolerance (or of the worst absolute error). */
  index: number;
}

/** Compares `actual` (flat values and shape) with the expected golden tensor under `tol`. */
export function compareTensor(
  actual: { shape: readonly number[]; values: ArrayLike<number> },
  expected: GoldenTensor,
  tol: Tolerance,
): Comparison {
  const want = expected.shape;
  if (actual.shape.length !== want.length || actual.shape.some((d, i) => d !== want[i])) {
    return { ok: false, reason: `shape [${actual.shape.join(', ')}] ≠ expected [${want.join(', ')}]`, worstAbs: NaN, worstRel: NaN, index: -1 };
  }
  let worstExcess = -Infinity;
  let worstAbs = 0;
  let worstRel = 0;
  let index = 0;
  // the suite stores the shortest decimal of each float32: round it back to those exact bits
  const round = expected.dtype === 'float32' ? Math.fround : (x: number): number => x;
  for (let i = 0; i < expected.data.length; i++) {
    const e = round(Number(expected.data[i]));
    const a = actual.values[i]!;
    const abs = Math.abs(a - e);
    const rel = e === 0 ? (abs === 0 ? 0 : Infinity) : abs / Math.abs(e);
    // NaN never matches; the excess of a NaN is +Infinity so it is reported first
    const excess = Number.isNaN(a) ? Infinity : abs - (tol.atol + tol.rtol * Math.abs(e));
    if (excess > worstExcess) {
      worstExcess = excess;
      index = i;
    }
    if (abs > worstAbs || Number.isNaN(abs)) worstAbs = abs;
    if (rel > worstRel || Number.isNaN(rel)) worstRel = rel;
  }
  const ok = expected.data.length === 0 || worstExcess <= 0;
  return ok ? { ok, worstAbs, worstRel, index } : { ok, reason: 'outside tolerance', worstAbs, worstRel, index };
}

/** The tolerance for `key` (e.g. `grads.weight`): its override, else the case's `tol`. */
export function toleranceFor(key: string, tol: Tolerance | undefined, overrides: Record<string, Tolerance> | undefined): Tolerance {
  return overrides?.[key] ?? tol ?? { rtol: 0, atol: 0 };
}
