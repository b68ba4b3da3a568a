import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arange, array, zeros } from '../create.js';
import type { DType } from '../dtype.js';
import { NDArray } from '../ndarray.js';
import {
  adaptiveAvgPool2d,
  adaptiveAvgPool2dBackward,
  avgPool2d,
  avgPool2dBackward,
  maxPool2d,
  maxPool2dBackward,
  maxPool2dWithIndices,
  type AvgPool2dOptions,
  type MaxPool2dOptions,
  type Pool2dSize,
} from './pool2d.js';

// ---------------------------------------------------------------- naive references

type Pair = [number, number];
const P = (v: Pool2dSize): Pair => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

/**
 * The number of windows along one dim, counted one window at a time: floor mode keeps windows whose
 * last tap lies inside the padded input; ceil mode also keeps windows whose last tap overhangs the
 * padded input by less than a stride, as long as they start before the end of the input.
 */
function naiveOutSize(size: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  let n = 0;
  for (let o = 0; ; o++) {
    const start = o * s - p;
    const last = start + d * (k - 1);
    const ok = ceil ? last <= size + p - 1 + (s - 1) && start < size : last <= size + p - 1;
    if (!ok) break;
    n++;
  }
  return n;
}

interface Geo {
  lead: number[];
  planes: number;
  H: number;
  W: number;
  k: Pair;
  s: Pair;
  p: Pair;
  d: Pair;
  oh: number;
  ow: number;
}

function geo(shape: readonly number[], kernel: Pool2dSize, stride: Pool2dSize | null | undefined, padding: Pool2dSize, dilation: Pool2dSize, ceil: boolean): Geo {
  const nd = shape.length;
  const H = shape[nd - 2]!;
  const W = shape[nd - 1]!;
  const lead = shape.slice(0, nd - 2);
  const k = P(kernel);
  const s = stride === null || stride === undefined ? k : P(stride);
  const p = P(padding);
  const d = P(dilation);
  return {
    lead,
    planes: lead.reduce((a, b) => a * b, 1),
    H,
    W,
    k,
    s,
    p,
    d,
    oh: naiveOutSize(H, k[0], s[0], p[0], d[0], ceil),
    ow: naiveOutSize(W, k[1], s[1], p[1], d[1], ceil),
  };
}

function naiveMax(x: ArrayLike<number>, g: Geo): { out: number[]; idx: number[] } {
  const out: number[] = [];
  const idx: number[] = [];
  for (let pl = 0; pl < g.planes; pl++) {
    for (let i = 0; i < g.oh; i++) {
      for (let j = 0; j < g.ow; j++) {
        let best = -Infinity;
        let bi = -1;
        for (let a = 0; a < g.k[0]; a++) {
          for (let b = 0; b < g.k[1]; b++) {
            const h = i * g.s[0] - g.p[0] + a * g.d[0];
            const w = j * g.s[1] - g.p[1] + b * g.d[1];
            if (h < 0 || h >= g.H || w < 0 || w >= g.W) continue;
            const v = x[pl * g.H * g.W + h * g.W + w]!;
            if (bi < 0 || v > best || Number.isNaN(v)) {
              best = v;
              bi = h * g.W + w;
            }
          }
        }
        out.push(best);
        idx.push(bi);
      }
    }
  }
  return { out, idx };
}

function naiveAvgWeights(g: Geo, countIncludePad: boolean, divisorOverride: number | null): { taps: number[][]; div: number[] } {
  // taps[o] = flat in-plane indices of window o (of one plane); div[o] its divisor
  const taps: number[][] = [];
  const div: number[] = [];
  for (let i = 0; i < g.oh; i++) {
    for (let j = 0; j < g.ow; j++) {
      const t: number[] = [];
      let padded = 0;
      for (let a = 0; a < g.k[0]; a++) {
        for (let b = 0; b < g.k[1]; b++) {
          const h = i * g.s[0] - g.p[0] + a;
          const w = j * g.s[1] - g.p[1] + b;
          if (h < g.H + g.p[0] && w < g.W + g.p[1]) padded++;
          if (h >= 0 && h < g.H && w >= 0 && w < g.W) t.push(h * g.W + w);
        }
      }
      taps.push(t);
      div.push(divisorOverride ?? (countIncludePad ? padded : t.length));
    }
  }
  return { taps, div };
}

function naiveAvg(x: ArrayLike<number>, g: Geo, cip: boolean, dov: number | null): number[] {
  const { taps, div } = naiveAvgWeights(g, cip, dov);
  const out: number[] = [];
  for (let pl = 0; pl < g.planes; pl++) {
    for (let o = 0; o < taps.length; o++) out.push(taps[o]!.reduce((s, t) => s + x[pl * g.H * g.W + t]!, 0) / div[o]!);
  }
  return out;
}

function naiveAvgBackward(gy: ArrayLike<number>, g: Geo, cip: boolean, dov: number | null): number[] {
  const { taps, div } = naiveAvgWeights(g, cip, dov);
  const gx = new Array<number>(g.planes * g.H * g.W).fill(0);
  for (let pl = 0; pl < g.planes; pl++) {
    for (let o = 0; o < taps.length; o++) for (const t of taps[o]!) gx[pl * g.H * g.W + t]! += gy[pl * taps.length + o]! / div[o]!;
  }
  return gx;
}

function naiveAdaptive(x: ArrayLike<number>, planes: number, H: number, W: number, oh: number, ow: number): number[] {
  const out: number[] = [];
  for (let pl = 0; pl < planes; pl++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const h0 = Math.floor((i * H) / oh);
        const h1 = Math.ceil(((i + 1) * H) / oh);
        const w0 = Math.floor((j * W) / ow);
        const w1 = Math.ceil(((j + 1) * W) / ow);
        let s = 0;
        for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) s += x[pl * H * W + h * W + w]!;
        out.push(s / ((h1 - h0) * (w1 - w0)));
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- helpers

/** Distinct values (no ties), in shuffled order, spaced ≥ 0.1 apart. */
function distinct(n: number, seed: number): number[] {
  const v = Array.from({ length: n }, (_, i) => i * 0.1 - n * 0.05);
  let s = seed;
  for (let i = n - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [v[i], v[j]] = [v[j]!, v[i]!];
  }
  return v;
}

function rand(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 1073741824 - 1;
  });
}

function f64(data: readonly number[], shape: readonly number[]): NDArray<'float64'> {
  return array(Float64Array.from(data), { shape });
}

function f32(data: readonly number[], shape: readonly number[]): NDArray<'float32'> {
  return array(Float32Array.from(data), { shape });
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) || !Number.isFinite(e)) expect(a, `element ${i}`).toBe(e);
    else if (Math.abs(a - e) > tol * (1 + Math.abs(e))) expect(a, `element ${i}`).toBe(e);
  }
}

/** Central finite differences of `L(x) = Σ f(x) · gy` for a float64 input. */
function finiteDiff(f: (x: NDArray<'float64'>) => NDArray, x: NDArray<'float64'>, gy: ArrayLike<number>, h = 1e-6): number[] {
  const base = Float64Array.from(x.denseData());
  const L = (d: Float64Array): number => {
    const y = f(new NDArray(d, 'float64', x.shape)).denseData();
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i]! * gy[i]!;
    return s;
  };
  return Array.from(base, (v, i) => {
    const plus = Float64Array.from(base);
    const minus = Float64Array.from(base);
    plus[i] = v + h;
    minus[i] = v - h;
    return (L(plus) - L(minus)) / (2 * h);
  });
}

// ---------------------------------------------------------------- max pooling

describe('maxPool2d', () => {
  it('matches the TSDoc examples', () => {
    const x = arange(16, undefined, 1, { dtype: 'float32' }).reshape(1, 1, 4, 4);
    expect(maxPool2d(x, 2).toArray()).toEqual([[[[5, 7], [13, 15]]]]);
    expect(maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }).shape).toEqual([1, 1, 3, 3]);
    const y = array([[[[1, 9], [3, 4]]]]);
    const { out, indices } = maxPool2dWithIndices(y, 2);
    expect(out.toArray()).toEqual([[[[9]]]]);
    expect(indices.toArray()).toEqual([[[[1]]]]);
    expect(indices.dtype).toBe('int32');
    expect(maxPool2dBackward(array([[[[0.5]]]]), indices, y.shape, 2).toArray()).toEqual([[[[0, 0.5], [0, 0]]]]);
  });

  it('matches the naive reference over many argument combinations (forward, indices, backward)', () => {
    let cases = 0;
    const kernels: Pool2dSize[] = [1, 2, 3, [2, 3], [3, 1]];
    const strides: (Pool2dSize | null)[] = [null, 1, 2, [1, 2], 3];
    const paddings: Pool2dSize[] = [0, 1, [1, 0]];
    const dilations: Pool2dSize[] = [1, 2, [1, 3]];
    const shapes = [[2, 1, 5, 6], [1, 2, 7, 4], [3, 4, 3]];
    for (const k of kernels) for (const s of strides) for (const p of paddings) for (const d of dilations) for (const ceil of [false, true]) {
      for (const shape of shapes) {
        const g = geo(shape, k, s, p, d, ceil);
        if (g.p[0] > Math.floor(g.k[0] / 2) || g.p[1] > Math.floor(g.k[1] / 2)) continue;
        const n = shape.reduce((a, b) => a * b, 1);
        const x = f32(distinct(n, cases + 1), shape);
        const opts: MaxPool2dOptions = { stride: s, padding: p, dilation: d, ceilMode: ceil };
        if (g.oh < 1 || g.ow < 1) {
          expect(() => maxPool2d(x, k, opts)).toThrow(/empty/);
          continue;
        }
        cases++;
        const ref = naiveMax(x.data, g);
        const { out, indices } = maxPool2dWithIndices(x, k, opts);
        expect(out.shape).toEqual([...g.lead, g.oh, g.ow]);
        expect([...out.data]).toEqual(ref.out);
        expect([...indices.data]).toEqual(ref.idx);
        expect(maxPool2d(x, k, opts).toArray()).toEqual(out.toArray());
        const gy = f32(rand(out.size, cases), out.shape);
        const gx = maxPool2dBackward(gy, indices, shape, k, opts);
        const expected = new Array<number>(n).fill(0);
        for (let o = 0; o < ref.idx.length; o++) {
          const pl = Math.floor(o / (g.oh * g.ow));
          if (ref.idx[o]! >= 0) expected[pl * g.H * g.W + ref.idx[o]!] = Math.fround(expected[pl * g.H * g.W + ref.idx[o]!]! + gy.data[o]!);
        }
        expect(gx.shape).toEqual(shape);
        expect([...gx.data]).toEqual(expected);
      }
    }
    expect(cases).toBeGreaterThan(500);
  });

  it('agrees with the naive reference on random geometries (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          n: fc.integer({ min: 0, max: 2 }),
          c: fc.integer({ min: 1, max: 2 }),
          h: fc.integer({ min: 1, max: 9 }),
          w: fc.integer({ min: 1, max: 9 }),
          kh: fc.integer({ min: 1, max: 4 }),
          kw: fc.integer({ min: 1, max: 4 }),
          sh: fc.integer({ min: 1, max: 4 }),
          sw: fc.integer({ min: 1, max: 4 }),
          ph: fc.integer({ min: 0, max: 2 }),
          pw: fc.integer({ min: 0, max: 2 }),
          dh: fc.integer({ min: 1, max: 3 }),
          dw: fc.integer({ min: 1, max: 3 }),
          ceil: fc.boolean(),
          seed: fc.integer({ min: 1, max: 1e6 }),
        }),
        (r) => {
          const shape = [r.n, r.c, r.h, r.w];
          const opts: MaxPool2dOptions = { stride: [r.sh, r.sw], padding: [r.ph, r.pw], dilation: [r.dh, r.dw], ceilMode: r.ceil };
          const k: Pair = [r.kh, r.kw];
          const g = geo(shape, k, opts.stride, [r.ph, r.pw], [r.dh, r.dw], r.ceil);
          const x = f64(rand(r.n * r.c * r.h * r.w, r.seed), shape);
          if (r.ph > Math.floor(r.kh / 2) || r.pw > Math.floor(r.kw / 2)) {
            expect(() => maxPool2d(x, k, opts)).toThrow(/padding/);
            return;
          }
          if (g.oh < 1 || g.ow < 1) {
            expect(() => maxPool2d(x, k, opts)).toThrow(/empty/);
            return;
          }
          const { out, indices } = maxPool2dWithIndices(x, k, opts);
          const ref = naiveMax(x.data, g);
          expect(out.shape).toEqual([r.n, r.c, g.oh, g.ow]);
          expect([...out.data]).toEqual(ref.out);
          expect([...indices.data]).toEqual(ref.idx);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('applies the ceil-mode rules', () => {
    const run = (H: number, k: number, s: number, p: number, ceil: boolean): number =>
      maxPool2d(zeros([1, 1, H, H]), k, { stride: s, padding: p, ceilMode: ceil }).shape[2]!;
    expect(run(5, 2, 2, 0, false)).toBe(2);
    expect(run(5, 2, 2, 0, true)).toBe(3); // the last window covers row 4 only
    expect(run(6, 3, 2, 1, true)).toBe(4); // (6 + 2 − 3)/2 = 2.5 → 3, + 1
    expect(run(6, 3, 2, 1, false)).toBe(3);
    // (5 + 2 − 2)/2 = 2.5 → 3, + 1 = 4, but window 3 would start at 3·2 − 1 = 5 = H: in the padding, dropped
    expect(run(5, 2, 2, 1, true)).toBe(3);
    expect(run(4, 2, 2, 0, true)).toBe(2); // exact fit: no extra window
    // the values of a ceil-mode overhang window come from the rows it does cover
    const x = arange(25, undefined, 1, { dtype: 'float32' }).reshape(1, 1, 5, 5);
    expect(maxPool2d(x, 2, { ceilMode: true }).toArray()).toEqual([[[[6, 8, 9], [16, 18, 19], [21, 23, 24]]]]);
  });

  it('supports dilation', () => {
    const x = arange(49, undefined, 1, { dtype: 'float64' }).reshape(1, 1, 7, 7);
    // k = 3, d = 2: taps at rows/cols 0, 2, 4 (+ stride 1) → 3×3 output
    const y = maxPool2d(x, 3, { stride: 1, dilation: 2 });
    expect(y.shape).toEqual([1, 1, 3, 3]);
    expect(y.toArray()).toEqual([[[[32, 33, 34], [39, 40, 41], [46, 47, 48]]]]);
    const neg = arange(49, undefined, 1, { dtype: 'float64' }).reshape(1, 1, 7, 7);
    const z = maxPool2dWithIndices(neg.astype('float64'), [2, 2], { stride: 3, dilation: [3, 2], padding: 1 });
    expect([...z.indices.data]).toEqual(naiveMax(neg.data, geo([1, 1, 7, 7], 2, 3, 1, [3, 2], false)).idx);
  });

  it('takes unbatched (C, H, W) input and returns (C, outH, outW)', () => {
    const data = distinct(2 * 4 * 5, 3);
    const x3 = f32(data, [2, 4, 5]);
    const x4 = f32(data, [1, 2, 4, 5]);
    const { out, indices } = maxPool2dWithIndices(x3, 2, { stride: 1, padding: 1 });
    const ref = maxPool2dWithIndices(x4, 2, { stride: 1, padding: 1 });
    expect(out.shape).toEqual([2, 5, 6]);
    expect([...out.data]).toEqual([...ref.out.data]);
    expect(indices.shape).toEqual([2, 5, 6]);
    const gy = f32(rand(60, 5), [2, 5, 6]);
    const gx = maxPool2dBackward(gy, indices, [2, 4, 5], 2, { stride: 1, padding: 1 });
    expect(gx.shape).toEqual([2, 4, 5]);
    expect([...gx.data]).toEqual([...maxPool2dBackward(gy.reshape(1, 2, 5, 6), ref.indices, [1, 2, 4, 5], 2, { stride: 1, padding: 1 }).data]);
  });

  it('keeps float64 (and float32) exact', () => {
    const x = f64([1 + 1e-12, 1, 1 - 1e-12, 0.5], [1, 1, 2, 2]);
    const y = maxPool2d(x, 2);
    expect(y.dtype).toBe('float64');
    expect(y.item()).toBe(1 + 1e-12);
    expect(maxPool2d(f32([0.1, 0.2, 0.3, 0.4], [1, 1, 2, 2]), 2).dtype).toBe('float32');
  });

  it('propagates NaN like PyTorch', () => {
    const x = f32([1, NaN, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3]);
    const y = maxPool2d(x, 2, { stride: 1 });
    expect(y.get(0, 0, 0)).toBeNaN();
    expect(y.get(0, 0, 1)).toBeNaN();
    expect(y.get(0, 1, 0)).toBe(8);
    expect(y.get(0, 1, 1)).toBe(9);
  });

  it('reads non-contiguous views and an empty batch', () => {
    const base = f32(distinct(2 * 3 * 5 * 4, 11), [2, 3, 5, 4]);
    const view = base.permute(0, 1, 3, 2); // (2, 3, 4, 5), not contiguous
    expect(view.isContiguous()).toBe(false);
    expect(maxPool2d(view, 2, { stride: 1 }).toArray()).toEqual(maxPool2d(view.contiguous(), 2, { stride: 1 }).toArray());
    const empty = maxPool2dWithIndices(zeros([0, 3, 4, 4]), 2);
    expect(empty.out.shape).toEqual([0, 3, 2, 2]);
    expect(maxPool2dBackward(zeros([0, 3, 2, 2]), empty.indices, [0, 3, 4, 4], 2).shape).toEqual([0, 3, 4, 4]);
  });

  it('backward matches finite differences (float64, no ties)', () => {
    for (const [shape, k, opts] of [
      [[2, 2, 5, 6], 2, {}],
      [[1, 2, 6, 7], 3, { stride: 2, padding: 1, ceilMode: true }],
      [[1, 1, 7, 7], [3, 2], { stride: [1, 2], padding: [1, 1], dilation: [2, 1] }],
      [[2, 5, 5], 2, { stride: 1 }], // overlapping windows: gradients add up
    ] as [number[], Pool2dSize, MaxPool2dOptions][]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const x = f64(distinct(n, n), shape);
      const { out, indices } = maxPool2dWithIndices(x, k, opts);
      const gy = rand(out.size, 7);
      const gx = maxPool2dBackward(f64(gy, out.shape), indices, shape, k, opts);
      expectClose(gx.data, finiteDiff((v) => maxPool2d(v, k, opts), x, gy), 1e-7);
    }
  });
});

describe('maxPool2d errors', () => {
  const x = zeros([1, 1, 4, 4]);
  const cases: [string, () => unknown, RegExp][] = [
    ['padding > kernel/2', () => maxPool2d(x, 2, { padding: 2 }), /maxPool2d: padding must be at most half the kernel size.*got padding \[2, 2\]/],
    ['padding > kernel/2 in one dim', () => maxPool2d(x, [3, 1], { padding: [1, 1] }), /maxPool2d: padding must be at most half/],
    ['negative padding', () => maxPool2d(x, 2, { padding: -1 }), /maxPool2d: padding must be non-negative, got \[-1, -1\]/],
    ['zero kernel', () => maxPool2d(x, [0, 2]), /maxPool2d: kernelSize must be positive, got \[0, 2\]/],
    ['negative kernel', () => maxPool2d(x, -2), /kernelSize must be positive/],
    ['zero stride', () => maxPool2d(x, 2, { stride: 0 }), /maxPool2d: stride must be positive, got \[0, 0\]/],
    ['negative stride', () => maxPool2d(x, 2, { stride: [1, -1] }), /stride must be positive/],
    ['zero dilation', () => maxPool2d(x, 2, { dilation: 0 }), /maxPool2d: dilation must be positive/],
    ['empty output', () => maxPool2d(zeros([1, 1, 2, 5]), 3, { stride: 1 }), /maxPool2d: the output would be empty.*\[0, 3\]/],
    ['dilated kernel larger than the input', () => maxPool2d(x, 2, { dilation: 4 }), /empty/],
    ['int32 input', () => maxPool2d(zeros([1, 1, 4, 4], { dtype: 'int32' }), 2), /maxPool2d: expected a float32 or float64 input, got int32/],
    ['bool input', () => maxPool2d(zeros([1, 1, 4, 4], { dtype: 'bool' }), 2), /got bool/],
    ['2-D input', () => maxPool2d(zeros([4, 4]), 2), /maxPool2d: expected a 3-D \(C, H, W\) or 4-D \(N, C, H, W\) input, got shape \[4, 4\]/],
    ['5-D input', () => maxPool2d(zeros([1, 1, 1, 4, 4]), 2), /got shape \[1, 1, 1, 4, 4\]/],
    ['empty channel dim', () => maxPool2d(zeros([1, 0, 4, 4]), 2), /non-empty C, H and W/],
    ['empty unbatched channel dim', () => maxPool2d(zeros([0, 4, 4]), 2), /non-empty/],
    ['empty spatial dim', () => maxPool2d(zeros([1, 1, 0, 4]), 1), /non-empty/],
    ['non-integer kernel', () => maxPool2d(x, 1.5), /maxPool2d: kernelSize must be an integer or a pair of integers, got 1.5/],
    ['kernel triple', () => maxPool2d(x, [1, 2, 3] as unknown as Pool2dSize), /kernelSize must be an integer or a pair/],
    ['non-boolean ceilMode', () => maxPool2d(x, 2, { ceilMode: 1 as unknown as boolean }), /ceilMode must be a boolean/],
    ['withIndices names itself', () => maxPool2dWithIndices(x, 2, { padding: 2 }), /^maxPool2dWithIndices: padding/],
  ];
  for (const [name, f, re] of cases) it(name, () => expect(f).toThrow(re));

  it('rejects inconsistent backward arguments', () => {
    const { indices } = maxPool2dWithIndices(x, 2);
    const gy = zeros([1, 1, 2, 2]);
    expect(() => maxPool2dBackward(zeros([1, 1, 3, 2]), indices, [1, 1, 4, 4], 2)).toThrow(
      /maxPool2dBackward: gradOut has shape \[1, 1, 3, 2\], expected \[1, 1, 2, 2\] \(the forward output shape for input \[1, 1, 4, 4\]\)/,
    );
    expect(() => maxPool2dBackward(gy, indices.reshape(1, 4), [1, 1, 4, 4], 2)).toThrow(/indices has shape \[1, 4\]/);
    expect(() => maxPool2dBackward(gy, indices.astype('float32'), [1, 1, 4, 4], 2)).toThrow(/expected int32 indices, got float32/);
    expect(() => maxPool2dBackward(gy.astype('int32'), indices, [1, 1, 4, 4], 2)).toThrow(/float32 or float64 gradOut, got int32/);
    expect(() => maxPool2dBackward(gy, array([[[[0, 1], [2, 16]]]], { dtype: 'int32' }), [1, 1, 4, 4], 2)).toThrow(
      /index 16 at flat position 3 is outside the 4×4 input plane/,
    );
    expect(() => maxPool2dBackward(gy, array([[[[0, 1], [-2, 1]]]], { dtype: 'int32' }), [1, 1, 4, 4], 2)).toThrow(/index -2/);
    expect(() => maxPool2dBackward(gy, indices, [4, 4], 2)).toThrow(/expected a 3-D .* inputShape, got shape \[4, 4\]/);
    expect(() => maxPool2dBackward(gy, indices, [1, 1, 4, 4], 2, { padding: 3 })).toThrow(/maxPool2dBackward: padding/);
  });
});

// ---------------------------------------------------------------- average pooling

describe('avgPool2d', () => {
  it('matches the TSDoc examples', () => {
    const x = array([[[[1, 2], [3, 4]]]]);
    expect(avgPool2d(x, 2).toArray()).toEqual([[[[2.5]]]]);
    expect(avgPool2d(x, 2, { stride: 1, padding: 1 }).get(0, 0, 0, 0)).toBe(0.25);
    expect(avgPool2d(x, 2, { stride: 1, padding: 1, countIncludePad: false }).get(0, 0, 0, 0)).toBe(1);
    expect(avgPool2dBackward(array([[[[1]]]]), [1, 1, 2, 2], 2).toArray()).toEqual([[[[0.25, 0.25], [0.25, 0.25]]]]);
  });

  it('matches the naive reference over many argument combinations (forward and backward)', () => {
    let cases = 0;
    const kernels: Pool2dSize[] = [1, 2, 3, [2, 3], [4, 1]];
    const strides: (Pool2dSize | null)[] = [null, 1, 2, [2, 1], 3];
    const paddings: Pool2dSize[] = [0, 1, [0, 1], 2];
    const shapes = [[2, 1, 5, 6], [1, 2, 7, 4], [2, 3, 3]];
    for (const k of kernels) for (const s of strides) for (const p of paddings) for (const ceil of [false, true]) {
      for (const [cip, dov] of [[true, null], [false, null], [true, 3], [false, -2]] as [boolean, number | null][]) {
        for (const shape of shapes) {
          const g = geo(shape, k, s, p, 1, ceil);
          const opts: AvgPool2dOptions = { stride: s, padding: p, ceilMode: ceil, countIncludePad: cip, divisorOverride: dov };
          const x = f64(rand(shape.reduce((a, b) => a * b, 1), cases + 3), shape);
          if (g.p[0] > Math.floor(g.k[0] / 2) || g.p[1] > Math.floor(g.k[1] / 2)) {
            expect(() => avgPool2d(x, k, opts)).toThrow(/padding must be at most half/);
            continue;
          }
          if (g.oh < 1 || g.ow < 1) {
            expect(() => avgPool2d(x, k, opts)).toThrow(/empty/);
            continue;
          }
          cases++;
          const out = avgPool2d(x, k, opts);
          expect(out.shape).toEqual([...g.lead, g.oh, g.ow]);
          expectClose(out.data, naiveAvg(x.data, g, cip, dov), 1e-12);
          const gy = rand(out.size, cases);
          const gx = avgPool2dBackward(f64(gy, out.shape), shape, k, opts);
          expect(gx.shape).toEqual(shape);
          expectClose(gx.data, naiveAvgBackward(gy, g, cip, dov), 1e-12);
        }
      }
    }
    expect(cases).toBeGreaterThan(500);
  });

  it('agrees with the naive reference on random geometries (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          shape: fc.oneof(
            fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 })),
            fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 })),
          ),
          kh: fc.integer({ min: 1, max: 5 }),
          kw: fc.integer({ min: 1, max: 5 }),
          sh: fc.integer({ min: 1, max: 4 }),
          sw: fc.integer({ min: 1, max: 4 }),
          ph: fc.integer({ min: 0, max: 2 }),
          pw: fc.integer({ min: 0, max: 2 }),
          ceil: fc.boolean(),
          cip: fc.boolean(),
          dov: fc.option(fc.integer({ min: -3, max: 9 }).filter((v) => v !== 0)),
          seed: fc.integer({ min: 1, max: 1e6 }),
        }),
        (r) => {
          const shape: number[] = [...r.shape];
          if (r.ph > Math.floor(r.kh / 2) || r.pw > Math.floor(r.kw / 2)) return;
          const g = geo(shape, [r.kh, r.kw], [r.sh, r.sw], [r.ph, r.pw], 1, r.ceil);
          if (g.oh < 1 || g.ow < 1) return;
          const opts: AvgPool2dOptions = { stride: [r.sh, r.sw], padding: [r.ph, r.pw], ceilMode: r.ceil, countIncludePad: r.cip, divisorOverride: r.dov };
          const x = f32(rand(shape.reduce((a, b) => a * b, 1), r.seed), shape);
          const out = avgPool2d(x, [r.kh, r.kw], opts);
          expect(out.shape).toEqual([...g.lead, g.oh, g.ow]);
          expectClose(out.data, naiveAvg(x.data, g, r.cip, r.dov), 1e-6);
          const gy = f32(rand(out.size, r.seed + 1), out.shape);
          expectClose(avgPool2dBackward(gy, shape, [r.kh, r.kw], opts).data, naiveAvgBackward(gy.data, g, r.cip, r.dov), 1e-6);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('counts padding with countIncludePad, not without', () => {
    const x = f64([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3]);
    const incl = avgPool2d(x, 3, { stride: 1, padding: 1 });
    const excl = avgPool2d(x, 3, { stride: 1, padding: 1, countIncludePad: false });
    expect(incl.get(0, 0, 0)).toBe((1 + 2 + 4 + 5) / 9);
    expect(excl.get(0, 0, 0)).toBe((1 + 2 + 4 + 5) / 4);
    expect(incl.get(0, 0, 1)).toBe((1 + 2 + 3 + 4 + 5 + 6) / 9);
    expect(excl.get(0, 0, 1)).toBe((1 + 2 + 3 + 4 + 5 + 6) / 6);
    expect(incl.get(0, 1, 1)).toBe(5);
    expect(excl.get(0, 1, 1)).toBe(5);
  });

  it('does not count the overhang of ceil-mode windows (countIncludePad counts the padded input only)', () => {
    const x = arange(25, undefined, 1, { dtype: 'float64' }).reshape(1, 1, 5, 5);
    // k = 2, s = 2, p = 0, ceil: last windows cover row/col 4 alone; divisor 2 (edge) and 1 (corner)
    const y = avgPool2d(x, 2, { ceilMode: true });
    expect(y.shape).toEqual([1, 1, 3, 3]);
    expect(y.get(0, 0, 0, 2)).toBe((4 + 9) / 2);
    expect(y.get(0, 0, 2, 2)).toBe(24);
    // k = 3, s = 2, p = 1 on 6×6, ceil: out 4; window 3 covers padded rows 5..7, cut at 6 + 1 = 7 → 2 rows
    const z = avgPool2d(arange(36, undefined, 1, { dtype: 'float64' }).reshape(1, 1, 6, 6), 3, { stride: 2, padding: 1, ceilMode: true });
    expect(z.shape).toEqual([1, 1, 4, 4]);
    expect(z.get(0, 0, 3, 3)).toBe(35 / 4); // one real element, 2×2 padded window
    expect(avgPool2d(arange(36, undefined, 1, { dtype: 'float64' }).reshape(1, 1, 6, 6), 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }).get(0, 0, 3, 3)).toBe(35);
  });

  it('divides by divisorOverride', () => {
    const x = f64([1, 2, 3, 4], [1, 1, 2, 2]);
    expect(avgPool2d(x, 2, { divisorOverride: 3 }).item()).toBe(10 / 3);
    expect(avgPool2d(x, 2, { divisorOverride: -5, countIncludePad: false }).item()).toBe(-2);
    expect(avgPool2d(x, 2, { padding: 1, divisorOverride: 1 }).toArray()).toEqual([[[[1, 2], [3, 4]]]]);
    expect(avgPool2dBackward(f64([6], [1, 1, 1, 1]), [1, 1, 2, 2], 2, { divisorOverride: 3 }).toArray()).toEqual([[[[2, 2], [2, 2]]]]);
  });

  it('takes unbatched input, keeps float64, reads views', () => {
    const data = rand(2 * 5 * 4, 9);
    const y3 = avgPool2d(f64(data, [2, 5, 4]), 2, { stride: 1 });
    expect(y3.shape).toEqual([2, 4, 3]);
    expect(y3.dtype).toBe('float64');
    expect([...y3.data]).toEqual([...avgPool2d(f64(data, [1, 2, 5, 4]), 2, { stride: 1 }).data]);
    const gx = avgPool2dBackward(f64(rand(24, 1), [2, 4, 3]), [2, 5, 4], 2, { stride: 1 });
    expect(gx.shape).toEqual([2, 5, 4]);
    const view = f32(data, [2, 5, 4]).transpose(1, 2);
    expect(avgPool2d(view, 2).toArray()).toEqual(avgPool2d(view.contiguous(), 2).toArray());
    expect(avgPool2d(zeros([0, 2, 4, 4]), 2).shape).toEqual([0, 2, 2, 2]);
  });

  it('backward matches finite differences (float64)', () => {
    for (const [shape, k, opts] of [
      [[2, 2, 5, 6], 2, {}],
      [[1, 2, 6, 7], 3, { stride: 2, padding: 1, ceilMode: true }],
      [[1, 2, 6, 7], 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }],
      [[1, 1, 5, 4], [2, 3], { stride: [2, 1], padding: [1, 1], divisorOverride: 4 }],
      [[2, 5, 5], 3, { stride: 1, padding: 1 }],
    ] as [number[], Pool2dSize, AvgPool2dOptions][]) {
      const x = f64(rand(shape.reduce((a, b) => a * b, 1), 5), shape);
      const out = avgPool2d(x, k, opts);
      const gy = rand(out.size, 7);
      const gx = avgPool2dBackward(f64(gy, out.shape), shape, k, opts);
      expectClose(gx.data, finiteDiff((v) => avgPool2d(v, k, opts), x, gy), 1e-7);
    }
  });
});

describe('avgPool2d errors', () => {
  const x = zeros([1, 1, 4, 4]);
  const cases: [string, () => unknown, RegExp][] = [
    ['padding > kernel/2', () => avgPool2d(x, 3, { stride: 1, padding: 2 }), /avgPool2d: padding must be at most half the kernel size \(floor\(kernelSize \/ 2\) = \[1, 1\]\), got padding \[2, 2\]/],
    ['negative padding', () => avgPool2d(x, 2, { padding: [0, -1] }), /avgPool2d: padding must be non-negative/],
    ['zero kernel', () => avgPool2d(x, 0), /avgPool2d: kernelSize must be positive/],
    ['zero stride', () => avgPool2d(x, 2, { stride: [0, 1] }), /avgPool2d: stride must be positive/],
    ['empty output', () => avgPool2d(zeros([1, 1, 2, 5]), 3), /avgPool2d: the output would be empty/],
    ['divisorOverride 0', () => avgPool2d(x, 2, { divisorOverride: 0 }), /avgPool2d: divisorOverride must be a non-zero integer or null, got 0/],
    ['non-integer divisorOverride', () => avgPool2d(x, 2, { divisorOverride: 1.5 }), /divisorOverride must be a non-zero integer/],
    ['non-boolean countIncludePad', () => avgPool2d(x, 2, { countIncludePad: 'no' as unknown as boolean }), /countIncludePad must be a boolean/],
    ['int32 input', () => avgPool2d(zeros([1, 1, 4, 4], { dtype: 'uint8' }), 2), /avgPool2d: expected a float32 or float64 input, got uint8/],
    ['1-D input', () => avgPool2d(zeros([4]), 2), /avgPool2d: expected a 3-D/],
    ['empty spatial dim', () => avgPool2d(zeros([1, 4, 0]), 1), /non-empty/],
    ['non-integer stride', () => avgPool2d(x, 2, { stride: [1, 0.5] }), /stride must be an integer or a pair of integers/],
  ];
  for (const [name, f, re] of cases) it(name, () => expect(f).toThrow(re));

  it('rejects inconsistent backward arguments', () => {
    expect(() => avgPool2dBackward(zeros([1, 1, 2, 3]), [1, 1, 4, 4], 2)).toThrow(
      /avgPool2dBackward: gradOut has shape \[1, 1, 2, 3\], expected \[1, 1, 2, 2\]/,
    );
    expect(() => avgPool2dBackward(zeros([1, 2, 2]), [1, 1, 4, 4], 2)).toThrow(/expected \[1, 1, 2, 2\]/);
    expect(() => avgPool2dBackward(zeros([1, 1, 2, 2], { dtype: 'int32' }), [1, 1, 4, 4], 2)).toThrow(/avgPool2dBackward: expected a float32 or float64 gradOut/);
    expect(() => avgPool2dBackward(zeros([1, 1, 2, 2]), [1, 1, 4, 4], 2, { divisorOverride: 0 })).toThrow(/avgPool2dBackward: divisorOverride/);
    expect(() => avgPool2dBackward(zeros([1, 1, 2, 2]), [1, 1, 4, -4], 2)).toThrow(/avgPool2dBackward: shape must hold non-negative integers/);
  });
});

// ---------------------------------------------------------------- adaptive average pooling

describe('adaptiveAvgPool2d', () => {
  it('matches the TSDoc examples', () => {
    const x = arange(12, undefined, 1, { dtype: 'float32' }).reshape(1, 3, 4);
    expect(adaptiveAvgPool2d(x, 1).toArray()).toEqual([[[5.5]]]);
    expect(adaptiveAvgPool2d(x, [2, null]).shape).toEqual([1, 2, 4]);
    expect(adaptiveAvgPool2dBackward(array([[[1]]]), [1, 2, 2]).toArray()).toEqual([[[0.25, 0.25], [0.25, 0.25]]]);
  });

  it('matches the naive reference (forward and backward against the adjoint)', () => {
    for (const [shape, os] of [
      [[2, 2, 4, 5], [1, 1]],
      [[1, 2, 5, 7], [2, 3]],
      [[2, 7, 5], [3, 3]],
      [[1, 2, 5, 5], [4, 4]],
      [[1, 2, 3, 3], [5, 5]],
      [[1, 1, 6, 9], [3, null]],
      [[1, 1, 6, 9], [null, 2]],
      [[1, 1, 6, 9], [6, 9]],
    ] as [number[], [number | null, number | null]][]) {
      const nd = shape.length;
      const H = shape[nd - 2]!;
      const W = shape[nd - 1]!;
      const oh = os[0] ?? H;
      const ow = os[1] ?? W;
      const planes = shape.slice(0, nd - 2).reduce((a, b) => a * b, 1);
      const x = f64(rand(planes * H * W, oh * 10 + ow), shape);
      const out = adaptiveAvgPool2d(x, os);
      expect(out.shape).toEqual([...shape.slice(0, nd - 2), oh, ow]);
      expectClose(out.data, naiveAdaptive(x.data, planes, H, W, oh, ow), 1e-12);
      // backward: ⟨pool(x), gy⟩ = ⟨x, poolᵀ(gy)⟩, and finite differences
      const gy = rand(out.size, 3);
      const gx = adaptiveAvgPool2dBackward(f64(gy, out.shape), shape);
      expect(gx.shape).toEqual(shape);
      expectClose(gx.data, finiteDiff((v) => adaptiveAvgPool2d(v, os), x, gy), 1e-7);
    }
  });

  it('is avgPool2d when the sizes divide, and the identity at the input size', () => {
    const x = f32(rand(2 * 3 * 8 * 6, 4), [2, 3, 8, 6]);
    expectClose(adaptiveAvgPool2d(x, [4, 2]).data, avgPool2d(x, [2, 3]).data, 1e-6);
    expect([...adaptiveAvgPool2d(x, [null, null]).data]).toEqual([...x.data]);
    expect(adaptiveAvgPool2d(x, 4).dtype).toBe('float32');
    expect(adaptiveAvgPool2d(x.astype('float64'), 4).dtype).toBe('float64');
    expect(adaptiveAvgPool2d(zeros([0, 3, 4, 4]), 2).shape).toEqual([0, 3, 2, 2]);
    expect(adaptiveAvgPool2d(x, [0, 2]).shape).toEqual([2, 3, 0, 2]);
  });

  it('rejects bad arguments', () => {
    const x = zeros([1, 1, 4, 4]);
    expect(() => adaptiveAvgPool2d(zeros([1, 1, 4, 4], { dtype: 'int32' }), 2)).toThrow(/adaptiveAvgPool2d: expected a float32 or float64 input, got int32/);
    expect(() => adaptiveAvgPool2d(zeros([4, 4]), 2)).toThrow(/adaptiveAvgPool2d: expected a 3-D \(C, H, W\) or 4-D \(N, C, H, W\) input, got shape \[4, 4\]/);
    expect(() => adaptiveAvgPool2d(zeros([1, 1, 0, 4]), 2)).toThrow(/non-empty H and W/);
    expect(() => adaptiveAvgPool2d(x, -1)).toThrow(/adaptiveAvgPool2d: outputSize must be a non-negative integer.*got -1/);
    expect(() => adaptiveAvgPool2d(x, 1.5)).toThrow(/outputSize/);
    expect(() => adaptiveAvgPool2d(x, [1, 2, 3] as unknown as [number, number])).toThrow(/outputSize/);
    expect(() => adaptiveAvgPool2dBackward(zeros([1, 2, 2, 2]), [1, 1, 4, 4])).toThrow(
      /adaptiveAvgPool2dBackward: gradOut has shape \[1, 2, 2, 2\], expected \[1, 1, \*, \*\] for input \[1, 1, 4, 4\]/,
    );
    expect(() => adaptiveAvgPool2dBackward(zeros([1, 2, 2]), [1, 1, 4, 4])).toThrow(/gradOut has shape/);
    expect(() => adaptiveAvgPool2dBackward(zeros([1, 2, 2], { dtype: 'bool' }), [1, 4, 4])).toThrow(/float32 or float64 gradOut, got bool/);
    expect(() => adaptiveAvgPool2dBackward(zeros([1, 2]), [4, 4])).toThrow(/expected a 3-D .* inputShape/);
  });
});

// the dtype parameter keeps the input's dtype in the result type
const _typed: NDArray<'float64'> = maxPool2d(zeros([1, 1, 2, 2], { dtype: 'float64' }), 2);
const _untyped: NDArray = zeros([1, 1, 2, 2]);
const _typedAny: NDArray<DType> = avgPool2d(_untyped, 2);
void _typed;
void _typedAny;
