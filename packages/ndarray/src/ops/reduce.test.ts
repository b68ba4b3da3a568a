import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arange, array, full, zeros } from '../create.js';
import type { NDArray, NestedArray } from '../ndarray.js';
import { amax, amin, argmax, argmin, logsumexp, max, mean, min, prod, std, sum, variance, type Dims } from './reduce.js';

// ---------------------------------------------------------------- naive reference

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function unravel(f: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    idx[i] = f % shape[i]!;
    f = Math.floor(f / shape[i]!);
  }
  return idx;
}

function ravel(idx: readonly number[], shape: readonly number[]): number {
  let f = 0;
  for (let i = 0; i < shape.length; i++) f = f * shape[i]! + idx[i]!;
  return f;
}

/** Flattens nested arrays (what toArray gives) in row-major order. */
function flatten(x: NestedArray): number[] {
  if (typeof x === 'number') return [x];
  if (typeof x === 'boolean') return [x ? 1 : 0];
  return x.flatMap(flatten);
}

/**
 * Groups the elements of an array by their index on the kept dims, by looping over every element
 * of `toArray()`; also gives the output shape PyTorch would give.
 */
function groupBy(a: NDArray, dims: Dims, keepdim: boolean): { outShape: number[]; groups: number[][] } {
  const nd = a.ndim;
  const list = dims === null || dims === undefined ? [...Array(nd).keys()] : (typeof dims === 'number' ? [dims] : [...dims]).map((d) => (d < 0 ? d + Math.max(nd, 1) : d));
  const kept = [...Array(nd).keys()].filter((k) => !list.includes(k));
  const keptShape = kept.map((k) => a.shape[k]!);
  const outShape = keepdim ? a.shape.map((s, k) => (list.includes(k) ? 1 : s)) : keptShape;
  const groups: number[][] = Array.from({ length: numel(keptShape) }, () => []);
  const flat = flatten(a.toArray());
  flat.forEach((v, f) => {
    const idx = unravel(f, a.shape);
    groups[ravel(kept.map((k) => idx[k]!), keptShape)]!.push(v);
  });
  return { outShape, groups };
}

const naive = {
  sum: (g: number[]) => g.reduce((s, x) => s + x, 0),
  mean: (g: number[]) => g.reduce((s, x) => s + x, 0) / g.length,
  prod: (g: number[]) => g.reduce((s, x) => s * x, 1),
  amax: (g: number[]) => (g.some(Number.isNaN) ? NaN : Math.max(...g)),
  amin: (g: number[]) => (g.some(Number.isNaN) ? NaN : Math.min(...g)),
  var: (g: number[], correction: number) => {
    const m = g.reduce((s, x) => s + x, 0) / g.length;
    return g.reduce((s, x) => s + (x - m) * (x - m), 0) / Math.max(g.length - correction, 0);
  },
  logsumexp: (g: number[]) => Math.log(g.reduce((s, x) => s + Math.exp(x), 0)),
};

/** |got − want| ≤ atol + rtol·scale, NaN matching NaN. */
function close(got: number, want: number, scale: number, rtol = 1e-5, atol = 1e-5): void {
  if (Number.isNaN(want)) {
    expect(got).toBeNaN();
    return;
  }
  if (!Number.isFinite(want)) {
    expect(got).toBe(want);
    return;
  }
  expect(Math.abs(got - want)).toBeLessThanOrEqual(atol + rtol * scale);
}

/** A random array (shape, values, possibly a non-contiguous view) and a dims argument for it. */
const caseArb = (minSize: number, withNaN: boolean) =>
  fc
    .array(fc.integer({ min: minSize, max: 3 }), { minLength: 0, maxLength: 4 })
    .chain((shape) => {
      const nd = shape.length;
      const dimsArb: fc.Arbitrary<Dims> = fc.oneof(
        fc.constant(null),
        fc.constant(undefined),
        fc.integer({ min: -Math.max(nd, 1), max: Math.max(nd, 1) - 1 }),
        fc.shuffledSubarray([...Array(Math.max(nd, 1)).keys()], { minLength: 1 }).chain((ds) =>
          fc.tuple(...ds.map((d) => fc.constantFrom(d, d - Math.max(nd, 1)))),
        ),
      );
      const value = withNaN
        ? fc.oneof({ weight: 15, arbitrary: fc.float({ min: -100, max: 100, noNaN: true }) }, { weight: 1, arbitrary: fc.constant(NaN) })
        : fc.float({ min: -100, max: 100, noNaN: true });
      return fc.record({
        shape: fc.constant(shape),
        values: fc.array(value, { minLength: numel(shape), maxLength: numel(shape) }),
        dims: dimsArb,
        keepdim: fc.boolean(),
        transposed: fc.boolean(),
      });
    })
    .map(({ shape, values, dims, keepdim, transposed }) => {
      // the same logical array, optionally as a transposed view of reversed storage
      let a: NDArray;
      if (transposed && shape.length > 1) {
        const rev = [...shape].reverse();
        const store = new Array<number>(values.length);
        values.forEach((v, f) => (store[ravel(unravel(f, shape).reverse(), rev)] = v));
        a = array(new Float32Array(store), { shape: rev }).permute(shape.map((_, i) => shape.length - 1 - i));
      } else {
        a = array(new Float32Array(values), { shape });
      }
      // dims given as a list must not repeat after normalisation (the arbitrary may pick d and d − n)
      const nd = Math.max(shape.length, 1);
      const norm = Array.isArray(dims) ? dims.map((d: number) => (d < 0 ? d + nd : d)) : [];
      const ok = new Set(norm).size === norm.length;
      return { a, dims: ok ? dims : null, keepdim };
    });

describe('reductions against naive loops over toArray() (property)', () => {
  it('sum / mean / var / std / logsumexp over any dims, with keepdim', () => {
    fc.assert(
      fc.property(caseArb(0, true), ({ a, dims, keepdim }) => {
        const { outShape, groups } = groupBy(a, dims, keepdim);
        const opts = { keepdim };
        const s = sum(a, dims, opts);
        expect(s.dtype).toBe('float32');
        expect(s.shape).toEqual(outShape);
        const m = mean(a, dims, opts);
        const v = variance(a, dims, opts);
        const vb = variance(a, dims, { keepdim, unbiased: false });
        const sd = std(a, dims, opts);
        const l = logsumexp(a, dims, opts);
        for (const r of [m, v, vb, sd, l]) expect(r.shape).toEqual(outShape);
        groups.forEach((g, i) => {
          const scale = g.reduce((t, x) => t + Math.abs(x), 0);
          close(s.data[i]!, naive.sum(g), scale);
          close(m.data[i]!, naive.mean(g), scale / Math.max(g.length, 1));
          close(v.data[i]!, naive.var(g, 1), naive.var(g, 1) + 1e-3, 1e-4);
          close(vb.data[i]!, naive.var(g, 0), naive.var(g, 0) + 1e-3, 1e-4);
          close(sd.data[i]!, Math.sqrt(naive.var(g, 1)), Math.sqrt(naive.var(g, 1)), 1e-4);
          close(l.data[i]!, naive.logsumexp(g), Math.abs(naive.logsumexp(g)));
        });
      }),
      { numRuns: 150 },
    );
  });

  it('prod over any dims', () => {
    fc.assert(
      fc.property(caseArb(0, false), ({ a, dims, keepdim }) => {
        const small = a.div(50); // keep products of up to 81 factors in range
        const { outShape, groups } = groupBy(small, dims, keepdim);
        const p = prod(small, dims, { keepdim });
        expect(p.shape).toEqual(outShape);
        groups.forEach((g, i) => close(p.data[i]!, naive.prod(g), Math.abs(naive.prod(g)), 1e-4, 1e-30));
      }),
      { numRuns: 100 },
    );
  });

  it('amax / amin are exact and propagate NaN; empty reductions throw', () => {
    fc.assert(
      fc.property(caseArb(0, true), ({ a, dims, keepdim }) => {
        const { outShape, groups } = groupBy(a, dims, keepdim);
        const reducesEmpty = groups.length > 0 ? groups[0]!.length === 0 : numel(a.shape) === 0 && dims === null;
        const emptyInner = (() => {
          const nd = a.ndim;
          const list = dims === null || dims === undefined ? [...Array(nd).keys()] : (typeof dims === 'number' ? [dims] : [...dims]).map((d) => (d < 0 ? d + Math.max(nd, 1) : d));
          return list.some((d) => a.shape[d] === 0);
        })();
        if (emptyInner || reducesEmpty) {
          expect(() => amax(a, dims, { keepdim })).toThrow(/^amax: cannot reduce over an empty dim/);
          expect(() => amin(a, dims, { keepdim })).toThrow(/^amin: cannot reduce over an empty dim/);
          return;
        }
        const hi = amax(a, dims, { keepdim });
        const lo = amin(a, dims, { keepdim });
        expect(hi.shape).toEqual(outShape);
        expect(lo.shape).toEqual(outShape);
        expect([...hi.data]).toEqual(groups.map((g) => Math.fround(naive.amax(g))));
        expect([...lo.data]).toEqual(groups.map((g) => Math.fround(naive.amin(g))));
      }),
      { numRuns: 150 },
    );
  });

  it('max / min / argmax / argmin along a dim give the first extreme (or the first NaN)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }).chain((shape) =>
          fc.record({
            shape: fc.constant(shape),
            // few distinct values, so that ties happen
            values: fc.array(fc.oneof({ weight: 10, arbitrary: fc.integer({ min: -2, max: 2 }) }, { weight: 1, arbitrary: fc.constant(NaN) }), {
              minLength: numel(shape),
              maxLength: numel(shape),
            }),
            dim: fc.integer({ min: -shape.length, max: shape.length - 1 }),
            keepdim: fc.boolean(),
          }),
        ),
        ({ shape, values, dim, keepdim }) => {
          const a = array(new Float32Array(values), { shape });
          const { outShape, groups } = groupBy(a, dim, keepdim);
          const firstIndex = (g: number[], better: (x: number, y: number) => boolean): number => {
            let best = 0;
            for (let i = 0; i < g.length; i++) {
              if (Number.isNaN(g[i]!)) return i;
              if (better(g[i]!, g[best]!)) best = i;
            }
            return best;
          };
          const hi = max(a, dim, { keepdim });
          const lo = min(a, dim, { keepdim });
          expect(hi.values.shape).toEqual(outShape);
          expect(hi.indices.shape).toEqual(outShape);
          expect(hi.indices.dtype).toBe('int32');
          const wantHi = groups.map((g) => firstIndex(g, (x, y) => x > y));
          const wantLo = groups.map((g) => firstIndex(g, (x, y) => x < y));
          expect([...hi.indices.data]).toEqual(wantHi);
          expect([...lo.indices.data]).toEqual(wantLo);
          expect([...hi.values.data]).toEqual(groups.map((g, i) => g[wantHi[i]!]!));
          expect([...lo.values.data]).toEqual(groups.map((g, i) => g[wantLo[i]!]!));
          expect([...argmax(a, dim, { keepdim }).data]).toEqual(wantHi);
          expect([...argmin(a, dim, { keepdim }).data]).toEqual(wantLo);
          // without a dim: the flat index over all elements
          expect(argmax(a).item()).toBe(firstIndex(values, (x, y) => x > y));
          expect(argmin(a).shape).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('sum', () => {
  it('reduces everything, one dim or several, with keepdim', () => {
    const a = arange(24, undefined, 1, { dtype: 'float32' }).reshape(2, 3, 4);
    expect(sum(a).shape).toEqual([]);
    expect(sum(a).item()).toBe(276);
    expect(sum(a, null, { keepdim: true }).shape).toEqual([1, 1, 1]);
    expect(sum(a, 1).toArray()).toEqual([[12, 15, 18, 21], [48, 51, 54, 57]]);
    expect(sum(a, [0, 2]).toArray()).toEqual([60, 92, 124]);
    expect(sum(a, [2, 0], { keepdim: true }).shape).toEqual([1, 3, 1]);
    expect(sum(a, -1, { keepdim: true }).shape).toEqual([2, 3, 1]);
  });

  it('sums integers and bools to int32', () => {
    const i = array([[1, 2], [3, 4]], { dtype: 'int32' });
    expect(sum(i).dtype).toBe('int32');
    expect(sum(i, 0).toArray()).toEqual([4, 6]);
    expect(sum(array([true, true, false])).item()).toBe(2);
    expect(sum(array([200, 100], { dtype: 'uint8' })).item()).toBe(300);
    expect(sum(array([1], { dtype: 'float64' })).dtype).toBe('float64');
  });

  it('an empty reduction gives 0 and an empty output stays empty', () => {
    expect(sum(zeros([0])).item()).toBe(0);
    expect(sum(zeros([2, 0]), 1).toArray()).toEqual([0, 0]);
    expect(sum(zeros([0, 3]), 1).shape).toEqual([0]);
  });

  it('a 0-d array reduces over dim 0 or -1 to itself', () => {
    const s = full([], 5);
    expect(sum(s, 0).item()).toBe(5);
    expect(sum(s, -1, { keepdim: true }).shape).toEqual([]);
    expect(mean(s, 0).item()).toBe(5);
    expect(prod(s, [0]).item()).toBe(5);
    expect(amax(s, 0).item()).toBe(5);
    expect(max(s, 0).values.item()).toBe(5);
    expect(max(s, 0).indices.item()).toBe(0);
    expect(argmax(s, 0).item()).toBe(0);
    expect(logsumexp(s, 0).item()).toBe(5);
    expect(sum(s).item()).toBe(5);
  });

  it('rejects out-of-range and repeated dims naming the op', () => {
    const a = zeros([2, 3]);
    expect(() => sum(a, 3)).toThrow(/^sum: dim 3 is out of range for an array with 2 dims \(expected -2\.\.1\)$/);
    expect(() => sum(a, [0, -2])).toThrow(/^sum: dim \[0, -2\] has a repeated dim$/);
    expect(() => mean(a, -3)).toThrow(/^mean: dim -3 is out of range/);
    expect(() => prod(a, 2)).toThrow(/^prod:/);
    expect(() => amax(a, 2)).toThrow(/^amax:/);
    expect(() => amin(a, [1, 1])).toThrow(/^amin:/);
    expect(() => max(a, 2)).toThrow(/^max:/);
    expect(() => min(a, -3)).toThrow(/^min:/);
    expect(() => argmax(a, 2)).toThrow(/^argmax:/);
    expect(() => argmin(a, 2)).toThrow(/^argmin:/);
    expect(() => variance(a, 2)).toThrow(/^var:/);
    expect(() => std(a, 2)).toThrow(/^std:/);
    expect(() => logsumexp(a, 2)).toThrow(/^logsumexp:/);
    expect(() => sum(full([], 1), 1)).toThrow(/^sum: dim 1 is out of range for an array with 0 dims/);
  });
});

describe('mean / prod', () => {
  it('mean is float-only, like PyTorch', () => {
    expect(mean(array([[1, 2], [3, 5]]), 1).toArray()).toEqual([1.5, 4]);
    expect(mean(array([1, 2], { dtype: 'float64' })).dtype).toBe('float64');
    expect(mean(zeros([0])).item()).toBeNaN();
    expect(() => mean(array([1, 2], { dtype: 'int32' }))).toThrow(TypeError);
    expect(() => mean(array([1, 2], { dtype: 'int32' }))).toThrow(/^mean: expected a float32 or float64 array, got int32/);
    expect(() => mean(array([true]))).toThrow(/^mean:/);
  });

  it('prod multiplies, 1 for an empty reduction, int32 for integers', () => {
    expect(prod(array([[1, 2], [3, 4]]), 0).toArray()).toEqual([3, 8]);
    expect(prod(zeros([0])).item()).toBe(1);
    expect(prod(array([2, 3], { dtype: 'int32' })).dtype).toBe('int32');
    expect(prod(array([2, 3], { dtype: 'int32' })).item()).toBe(6);
  });

  it('NaN propagates through sum and mean', () => {
    expect(sum(array([1, NaN, 2])).item()).toBeNaN();
    expect(mean(array([[1, NaN], [1, 2]]), 1).toArray()).toEqual([NaN, 1.5]);
  });
});

describe('amax / amin / max / min / argmax / argmin', () => {
  it('examples', () => {
    const a = array([[1, 5], [7, 2]]);
    expect(amax(a).item()).toBe(7);
    expect(amax(a, 0).toArray()).toEqual([7, 5]);
    expect(amin(a, 1, { keepdim: true }).toArray()).toEqual([[1], [2]]);
    const { values, indices } = max(a, 1);
    expect(values.toArray()).toEqual([5, 7]);
    expect(indices.toArray()).toEqual([1, 0]);
    expect(min(a, 0).indices.toArray()).toEqual([0, 1]);
    expect(argmax(a).item()).toBe(2);
    expect(argmin(a, null).item()).toBe(0);
    expect(argmax(a, 1, { keepdim: true }).shape).toEqual([2, 1]);
    expect(amax(array([3, 1], { dtype: 'int32' })).dtype).toBe('int32');
    expect(amax(array([true, false])).toArray()).toBe(true);
  });

  it('NaN wins, as in PyTorch', () => {
    expect(amax(array([1, NaN, 3])).item()).toBeNaN();
    expect(amin(array([NaN, 1])).item()).toBeNaN();
    expect(max(array([1, NaN, 3, NaN]), 0).indices.item()).toBe(1);
    expect(argmin(array([0, 2, NaN]))).toBeDefined();
    expect(argmin(array([0, 2, NaN])).item()).toBe(2);
    expect(amax(array([-Infinity, -1])).item()).toBe(-1);
  });

  it('refuse to reduce over an empty dim, naming the op', () => {
    expect(() => amax(zeros([0]))).toThrow(/^amax: cannot reduce over an empty dim \(shape \[0\]\); there is no identity$/);
    expect(() => amin(zeros([2, 0]), 1)).toThrow(/^amin: cannot reduce over an empty dim/);
    expect(() => max(zeros([2, 0]), 1)).toThrow(/^max: cannot reduce over an empty dim/);
    expect(() => min(zeros([0, 2]), 0)).toThrow(/^min:/);
    expect(() => argmax(zeros([0]))).toThrow(/^argmax: cannot reduce over an empty dim/);
    expect(() => argmin(zeros([3, 0]), 1)).toThrow(/^argmin:/);
    expect(amax(zeros([0, 2]), 1).shape).toEqual([0]);
  });
});

describe('variance / std / logsumexp', () => {
  it('variance is unbiased by default; n − 1 = 0 gives NaN', () => {
    const a = array([[1, 2, 3, 4], [2, 2, 2, 2]]);
    expect(variance(a, 1).get(0)).toBeCloseTo(5 / 3, 6);
    expect(variance(a, 1).get(1)).toBe(0);
    expect(variance(a, 1, { unbiased: false }).get(0)).toBe(1.25);
    expect(std(a, 1, { unbiased: false }).get(0)).toBeCloseTo(Math.sqrt(1.25), 6);
    expect(std(a, 1, { keepdim: true }).shape).toEqual([2, 1]);
    expect(variance(array([3])).item()).toBeNaN();
    expect(variance(array([3]), null, { unbiased: false }).item()).toBe(0);
    expect(variance(zeros([0])).item()).toBeNaN();
  });

  it('two passes keep the variance of large, close values accurate', () => {
    const a = array([1e8 + 1, 1e8 + 2, 1e8 + 3], { dtype: 'float64' });
    expect(variance(a).item()).toBe(1);
  });

  it('are float-only, naming the op', () => {
    const i = array([1, 2], { dtype: 'int32' });
    expect(() => variance(i)).toThrow(/^var: expected a float32 or float64 array, got int32/);
    expect(() => std(i)).toThrow(/^std: expected a float32 or float64 array, got int32/);
    expect(() => logsumexp(i)).toThrow(/^logsumexp: expected a float32 or float64 array/);
  });

  it('logsumexp is stable for large logits and handles -inf, inf and NaN', () => {
    expect(logsumexp(array([1000, 1000])).item()).toBeCloseTo(1000 + Math.log(2), 3);
    expect(logsumexp(array([-1000, -1000]), 0).item()).toBeCloseTo(-1000 + Math.log(2), 3);
    expect(logsumexp(array([-Infinity, -Infinity])).item()).toBe(-Infinity);
    expect(logsumexp(array([-Infinity, 0])).item()).toBe(0);
    expect(logsumexp(array([Infinity, 0])).item()).toBe(Infinity);
    expect(logsumexp(array([NaN, 0])).item()).toBeNaN();
    expect(logsumexp(array([0, NaN])).item()).toBeNaN();
    expect(logsumexp(zeros([2, 0]), 1).toArray()).toEqual([-Infinity, -Infinity]);
    expect(logsumexp(array([[0, Math.log(3)]]), 1, { keepdim: true }).toArray()).toEqual([[Math.fround(Math.log(4))]]);
  });
});
