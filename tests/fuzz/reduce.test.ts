/**
 * Reductions over random dims (negative, repeated, out of range), keepdim, empty dims, 0-d arrays,
 * any layout, against reference.ts: sum, mean, prod, amax/amin, var/std (both corrections),
 * logsumexp, argmax/argmin, max/min with indices. Reductions do not go through the Backend.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { NDArray} from '@torchlet/ndarray';
import { amax, amin, argmax, argmin, logsumexp, max, mean, min, prod, std, sum, variance } from '@torchlet/ndarray';
import { check, expectClose, expectRejects, values, viewOf, type FloatDType } from './harness.js';
import { reduceRef, size, unitRoundoff, type Dense } from './reference.js';

const LAYOUTS = ['contiguous', 'permuted', 'strided'] as const;

/** One output element of a reduction: its value and the absolute error allowed (0: exact). */
type Row = (v: number[], u: number) => { value: number; tol: number } | 'empty';

const sumOf = (v: number[]): number => v.reduce((s, x) => s + x, 0);
const magOf = (v: number[]): number => v.reduce((s, x) => s + Math.abs(x), 0);
const bound = (n: number, u: number, mag: number): number => (n + 2) * u * mag * 1.0001;

function variance_(v: number[], u: number, correction: number): { value: number; tol: number } {
  const n = v.length;
  const m = sumOf(v) / n;
  const ss = v.reduce((s, x) => s + (x - m) ** 2, 0);
  const mag = v.reduce((s, x) => s + (Math.abs(x) + Math.abs(m)) ** 2, 0);
  const d = Math.max(n - correction, 0);
  return { value: ss / d, tol: bound(2 * n + 2, u, mag / d) };
}

/** First index of the extreme; a NaN wins (the first NaN). */
function extremeIndex(v: number[], greater: boolean): number {
  let best = 0;
  for (let i = 0; i < v.length; i++) {
    if (Number.isNaN(v[i])) return i;
    if (greater ? v[i]! > v[best]! : v[i]! < v[best]!) best = i;
  }
  return best;
}

const extremeRow =
  (greater: boolean): Row =>
  (v) =>
    v.length === 0 ? 'empty' : { value: v[extremeIndex(v, greater)]!, tol: 0 };
const indexRow =
  (greater: boolean): Row =>
  (v) =>
    v.length === 0 ? 'empty' : { value: extremeIndex(v, greater), tol: 0 };

/** Each reduction: the library call, its row rule, whether it takes several dims, and its dtypes. */
const OPS: Record<string, { call: (a: NDArray, dims: number | number[] | undefined, keepdim: boolean) => NDArray; row: Row; multi: boolean }> = {
  sum: { call: (a, d, k) => sum(a, d, { keepdim: k }), row: (v, u) => ({ value: sumOf(v), tol: bound(v.length, u, magOf(v)) }), multi: true },
  mean: { call: (a, d, k) => mean(a, d, { keepdim: k }), row: (v, u) => ({ value: sumOf(v) / v.length, tol: bound(v.length, u, magOf(v) / v.length) }), multi: true },
  prod: {
    call: (a, d, k) => prod(a, d, { keepdim: k }),
    row: (v, u) => {
      const p = v.reduce((s, x) => s * x, 1);
      return { value: p, tol: bound(v.length, u, Math.abs(p)) };
    },
    multi: true,
  },
  amax: { call: (a, d, k) => amax(a, d, { keepdim: k }), row: extremeRow(true), multi: true },
  amin: { call: (a, d, k) => amin(a, d, { keepdim: k }), row: extremeRow(false), multi: true },
  var: { call: (a, d, k) => variance(a, d, { keepdim: k }), row: (v, u) => variance_(v, u, 1), multi: true },
  varBiased: { call: (a, d, k) => variance(a, d, { keepdim: k, unbiased: false }), row: (v, u) => variance_(v, u, 0), multi: true },
  std: {
    call: (a, d, k) => std(a, d, { keepdim: k }),
    row: (v, u) => {
      const r = variance_(v, u, 1);
      // |√a − √b| ≤ √|a − b|, plus the final rounding
      return { value: Math.sqrt(r.value), tol: Math.sqrt(r.tol) + 2 * u * Math.sqrt(Math.abs(r.value)) };
    },
    multi: true,
  },
  logsumexp: {
    call: (a, d, k) => logsumexp(a, d, { keepdim: k }),
    row: (v, u) => {
      if (v.length === 0) return { value: -Infinity, tol: 0 };
      const m = Math.max(...v);
      const value = m + Math.log(v.reduce((s, x) => s + Math.exp(x - m), 0));
      return { value, tol: 8 * u * (Math.abs(value) + Math.abs(m) + Math.log(v.length) + 1) };
    },
    multi: true,
  },
  argmax: { call: (a, d, k) => argmax(a, d as number | undefined, { keepdim: k }), row: indexRow(true), multi: false },
  argmin: { call: (a, d, k) => argmin(a, d as number | undefined, { keepdim: k }), row: indexRow(false), multi: false },
  maxValues: { call: (a, d, k) => max(a, d as number, { keepdim: k }).values, row: extremeRow(true), multi: false },
  maxIndices: { call: (a, d, k) => max(a, d as number, { keepdim: k }).indices, row: indexRow(true), multi: false },
  minValues: { call: (a, d, k) => min(a, d as number, { keepdim: k }).values, row: extremeRow(false), multi: false },
  minIndices: { call: (a, d, k) => min(a, d as number, { keepdim: k }).indices, row: indexRow(false), multi: false },
};
/** The op name that starts each one's error messages. */
const ERROR_NAME: Record<string, string> = { varBiased: 'var', maxValues: 'max', maxIndices: 'max', minValues: 'min', minIndices: 'min' };

const caseArb = fc.record({
  shape: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }),
  op: fc.constantFrom(...Object.keys(OPS)),
  dims: fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: fc.integer({ min: -5, max: 4 }) },
    { weight: 3, arbitrary: fc.array(fc.integer({ min: -5, max: 4 }), { minLength: 1, maxLength: 3 }) },
  ),
  keepdim: fc.boolean(),
  /** most cases fold the dims into range (and drop repeats), the rest keep them as drawn */
  fitDims: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  dtype: fc.constantFrom<FloatDType>('float32', 'float64'),
  layout: fc.constantFrom(...LAYOUTS),
  ties: fc.boolean(),
  nan: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  seed: fc.integer(),
});

/** Drops dims that repeat another (as a normalised index). */
function dedupe(dims: number[], n: number): number[] {
  const seen = new Set<number>();
  return dims.filter((d) => {
    const k = d < 0 ? d + n : d;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Our reading of PyTorch's dim rules: each dim in [−n, n) (n = max(ndim, 1)), no repeats. */
function normalize(dims: number | number[] | undefined, ndim: number): number[] | null | 'all' {
  if (dims === undefined) return 'all';
  const list = typeof dims === 'number' ? [dims] : dims;
  const n = Math.max(ndim, 1);
  const out: number[] = [];
  for (const d of list) {
    if (d < -n || d >= n) return null;
    const k = d < 0 ? d + n : d;
    if (out.includes(k)) return null;
    out.push(k);
  }
  return out;
}

describe('reduce fuzz', () => {
  it('every reduction matches the reference over random dims; bad dims and empty extremes throw', () => {
    check('reduce', 400, caseArb, (c) => {
      const spec = OPS[c.op]!;
      const name = ERROR_NAME[c.op] ?? c.op;
      const n = Math.max(c.shape.length, 1);
      const fold = (d: number): number => ((((d + n) % (2 * n)) + 2 * n) % (2 * n)) - n; // into [−n, n)
      const drawn = !spec.multi && Array.isArray(c.dims) ? c.dims[0] : c.dims;
      const dims = !c.fitDims || drawn === undefined ? drawn : typeof drawn === 'number' ? fold(drawn) : dedupe(drawn.map(fold), n);
      if (!spec.multi && dims === undefined && !c.op.startsWith('arg')) return 'skipped'; // max/min need a dim
      const data = values(size(c.shape), c.seed, c.ties);
      if (c.nan && data.length > 0) data[Math.abs(c.seed) % data.length] = NaN;
      const ref: Dense = { data, shape: c.shape };
      const a = viewOf(ref, c.dtype, c.layout);
      const norm = normalize(dims, c.shape.length);
      if (norm === null) {
        expectRejects(name, () => spec.call(a, dims, c.keepdim));
        return 'invalid dims';
      }
      // argmax/argmin without a dim: the flat index over all elements, keepdim ignored (as PyTorch)
      const flat = norm === 'all' && !spec.multi;
      const reduced = norm === 'all' ? c.shape.map((_, i) => i) : norm;
      const u = unitRoundoff(c.dtype);
      let empty = false;
      const out = reduceRef(flat ? { data, shape: [data.length] } : ref, flat ? [0] : reduced, c.keepdim && norm !== 'all', (v) => {
        const r = spec.row(v, u);
        if (r === 'empty') {
          empty = true;
          return NaN;
        }
        return r.value;
      });
      // PyTorch rejects a max/min over a zero-size extent even when the output is empty too
      const extent = flat ? data.length : reduced.reduce((n, d) => n * (c.shape[d] ?? 1), 1);
      if (empty || (extent === 0 && spec.row([], u) === 'empty')) {
        expectRejects(name, () => spec.call(a, dims, c.keepdim));
        return 'empty extreme';
      }
      // keepdim with every dim reduced keeps them all as size 1 (the reference's shape already does, except for 'all')
      const shape = norm === 'all' && c.keepdim && spec.multi ? c.shape.map(() => 1) : flat ? [] : out.shape;
      const tol = new Float64Array(out.data.length);
      reduceRef(flat ? { data, shape: [data.length] } : ref, flat ? [0] : reduced, false, (v) => {
        const r = spec.row(v, u);
        return r === 'empty' ? 0 : r.tol;
      }).data.forEach((t, i) => (tol[i] = t));
      const got = spec.call(a, dims, c.keepdim);
      const isIndex = c.op.startsWith('arg') || c.op.endsWith('Indices');
      const isExact = tol.every((t) => t === 0);
      expectClose(`${c.op}(shape [${c.shape.join(', ')}], dims ${JSON.stringify(dims)}, keepdim ${c.keepdim})`, got, isExact ? { data: out.data, shape } : { data: out.data, shape, tol }, isIndex ? 'int32' : c.dtype, isExact);
      return 'valid';
    });
  });
});
