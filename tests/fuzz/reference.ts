/**
 * Deliberately naive reference implementations, written from the textbook definitions (PyTorch's
 * documented semantics) and sharing no code with the library: dense row-major float64 arrays,
 * one loop per index, no im2col, no GEMM, no clever bounds. Each returns, next to the values, the
 * sum of the magnitudes of the terms that were added up and their count, so that the tests can
 * check a float32/float64 result against a rigorous rounding-error bound instead of a guessed
 * tolerance (see {@link withinBound}).
 */

/** A dense row-major array: values (float64) and shape. */
export interface Dense {
  data: Float64Array;
  shape: number[];
}

/** Values plus, per element, Σ|term| and the number of terms (for the error bound). */
export interface Summed extends Dense {
  mag: Float64Array;
  terms: Float64Array;
}

export function size(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

function summed(shape: number[]): Summed {
  const n = size(shape);
  return { data: new Float64Array(n), shape, mag: new Float64Array(n), terms: new Float64Array(n) };
}

/** Unit roundoff of a float dtype. */
export function unitRoundoff(dtype: 'float32' | 'float64'): number {
  return dtype === 'float32' ? 2 ** -24 : 2 ** -53;
}

/**
 * Whether `got` is within the worst-case rounding error of summing `terms` products (in any order,
 * with or without FMA) plus the final rounding: `|got − exact| ≤ (terms + 2)·u·Σ|term|`. A wrong
 * index or a missing term breaks it by far more than that.
 */
export function withinBound(got: number, exact: number, mag: number, terms: number, u: number): boolean {
  if (Number.isNaN(exact)) return Number.isNaN(got);
  if (!Number.isFinite(exact)) return got === exact;
  return Math.abs(got - exact) <= (terms + 2) * u * mag * 1.0001 + 1e-300;
}

// ------------------------------------------------------------------ padding modes

export type Mode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/** Where padded coordinate `i` (may be outside `[0, n)`) reads from, or −1 for a zero. */
export function sourceIndex(i: number, n: number, mode: Mode): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'zeros':
      return -1;
    case 'replicate':
      return i < 0 ? 0 : n - 1;
    case 'circular':
      return ((i % n) + n) % n;
    case 'reflect': {
      // mirror without repeating the edge: ... 2 1 | 0 1 2 ... n-1 | n-2 n-3 ...
      let j = i;
      while (j < 0 || j >= n) j = j < 0 ? -j : 2 * (n - 1) - j;
      return j;
    }
  }
}

// ------------------------------------------------------------------ conv2d

/** A convolution with every argument resolved: asymmetric padding amounts, a padding mode. */
export interface ConvSpec {
  stride: [number, number];
  dilation: [number, number];
  groups: number;
  /** rows above, rows below, columns left, columns right */
  pad: [number, number, number, number];
  mode: Mode;
}

export function convOutSize(n: number, before: number, after: number, k: number, s: number, d: number): number {
  return Math.floor((n + before + after - d * (k - 1) - 1) / s) + 1;
}

function convShapes(xShape: readonly number[], wShape: readonly number[], spec: ConvSpec) {
  const [N, C, H, W] = xShape as [number, number, number, number];
  const [O, Cg, KH, KW] = wShape as [number, number, number, number];
  const [top, bottom, left, right] = spec.pad;
  const OH = convOutSize(H, top, bottom, KH, spec.stride[0], spec.dilation[0]);
  const OW = convOutSize(W, left, right, KW, spec.stride[1], spec.dilation[1]);
  return { N, C, H, W, O, Cg, KH, KW, OH, OW, Og: O / spec.groups };
}

/**
 * Visits every (output element, weight tap, input element) triple of the convolution:
 * `out[n,o,y,x] += w[o,c,i,j] · in[n, g·Cg + c, src(y·sH + i·dH − top), src(x·sW + j·dW − left)]`.
 */
function forEachTap(
  xShape: readonly number[],
  wShape: readonly number[],
  spec: ConvSpec,
  visit: (outIndex: number, wIndex: number, xIndex: number) => void,
): void {
  const { N, C, H, W, O, Cg, KH, KW, OH, OW, Og } = convShapes(xShape, wShape, spec);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++) {
      const g = Math.floor(o / Og);
      for (let y = 0; y < OH; y++)
        for (let x = 0; x < OW; x++) {
          const outIndex = ((n * O + o) * OH + y) * OW + x;
          for (let c = 0; c < Cg; c++)
            for (let i = 0; i < KH; i++)
              for (let j = 0; j < KW; j++) {
                const yy = sourceIndex(y * spec.stride[0] + i * spec.dilation[0] - spec.pad[0], H, spec.mode);
                const xx = sourceIndex(x * spec.stride[1] + j * spec.dilation[1] - spec.pad[2], W, spec.mode);
                if (yy < 0 || xx < 0) continue;
                const ch = g * Cg + c;
                visit(outIndex, ((o * Cg + c) * KH + i) * KW + j, ((n * C + ch) * H + yy) * W + xx);
              }
        }
    }
}

export function convOutputShape(xShape: readonly number[], wShape: readonly number[], spec: ConvSpec): number[] {
  const s = convShapes(xShape, wShape, spec);
  return [s.N, s.O, s.OH, s.OW];
}

export function conv2dRef(x: Dense, w: Dense, bias: Dense | null, spec: ConvSpec): Summed {
  const out = summed(convOutputShape(x.shape, w.shape, spec));
  forEachTap(x.shape, w.shape, spec, (oi, wi, xi) => {
    const t = w.data[wi]! * x.data[xi]!;
    out.data[oi]! += t;
    out.mag[oi]! += Math.abs(t);
    out.terms[oi]!++;
  });
  if (bias) {
    const [, O, OH, OW] = out.shape as [number, number, number, number];
    for (let oi = 0; oi < out.data.length; oi++) {
      const b = bias.data[Math.floor(oi / (OH * OW)) % O]!;
      out.data[oi]! += b;
      out.mag[oi]! += Math.abs(b);
      out.terms[oi]!++;
    }
  }
  return out;
}

/** ∂L/∂input given ∂L/∂out: every tap scatters `w · gradOut` back to the input element it read. */
export function conv2dBackwardInputRef(gradOut: Dense, w: Dense, xShape: readonly number[], spec: ConvSpec): Summed {
  const gx = summed([...xShape]);
  forEachTap(xShape, w.shape, spec, (oi, wi, xi) => {
    const t = w.data[wi]! * gradOut.data[oi]!;
    gx.data[xi]! += t;
    gx.mag[xi]! += Math.abs(t);
    gx.terms[xi]!++;
  });
  return gx;
}

/** ∂L/∂weight given the input and ∂L/∂out. */
export function conv2dBackwardWeightRef(x: Dense, gradOut: Dense, wShape: readonly number[], spec: ConvSpec): Summed {
  const gw = summed([...wShape]);
  forEachTap(x.shape, wShape, spec, (oi, wi, xi) => {
    const t = x.data[xi]! * gradOut.data[oi]!;
    gw.data[wi]! += t;
    gw.mag[wi]! += Math.abs(t);
    gw.terms[wi]!++;
  });
  return gw;
}

/** ∂L/∂bias: the sum of ∂L/∂out over batch and space. */
export function conv2dBackwardBiasRef(gradOut: Dense): Summed {
  const [N, O, OH, OW] = gradOut.shape as [number, number, number, number];
  const gb = summed([O]);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let k = 0; k < OH * OW; k++) {
        const t = gradOut.data[(n * O + o) * OH * OW + k]!;
        gb.data[o]! += t;
        gb.mag[o]! += Math.abs(t);
        gb.terms[o]!++;
      }
  return gb;
}

// ------------------------------------------------------------------ pooling

export interface PoolSpec {
  kernel: [number, number];
  stride: [number, number];
  pad: [number, number];
  dilation: [number, number];
  ceilMode: boolean;
}

/** PyTorch's pooling output size, ceil mode included (a last window starting in the padding is dropped). */
export function poolOutSize(n: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = n + 2 * p - d * (k - 1) - 1;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (out - 1) * s >= n + p) out--;
  return out;
}

/** Max pooling: value and PyTorch CPU index (first maximum; a NaN wins, the last NaN's index). */
export function maxPoolRef(x: Dense, spec: PoolSpec): { out: Dense; indices: Int32Array } {
  const lead = x.shape.slice(0, -2);
  const H = x.shape[x.shape.length - 2]!;
  const W = x.shape[x.shape.length - 1]!;
  const OH = poolOutSize(H, spec.kernel[0], spec.stride[0], spec.pad[0], spec.dilation[0], spec.ceilMode);
  const OW = poolOutSize(W, spec.kernel[1], spec.stride[1], spec.pad[1], spec.dilation[1], spec.ceilMode);
  const planes = size(lead);
  const out = new Float64Array(planes * OH * OW);
  const indices = new Int32Array(planes * OH * OW);
  for (let p = 0; p < planes; p++)
    for (let y = 0; y < OH; y++)
      for (let xo = 0; xo < OW; xo++) {
        let best = -Infinity;
        let index = -1;
        for (let i = 0; i < spec.kernel[0]; i++)
          for (let j = 0; j < spec.kernel[1]; j++) {
            const h = y * spec.stride[0] - spec.pad[0] + i * spec.dilation[0];
            const w = xo * spec.stride[1] - spec.pad[1] + j * spec.dilation[1];
            if (h < 0 || h >= H || w < 0 || w >= W) continue;
            const v = x.data[p * H * W + h * W + w]!;
            if (index === -1) index = h * W + w;
            if (v > best || Number.isNaN(v)) {
              best = v;
              index = h * W + w;
            }
          }
        out[(p * OH + y) * OW + xo] = best;
        indices[(p * OH + y) * OW + xo] = index;
      }
  return { out: { data: out, shape: [...lead, OH, OW] }, indices };
}

/** Routes each output gradient to its recorded index. */
export function maxPoolBackwardRef(gradOut: Dense, indices: Int32Array, xShape: readonly number[]): Summed {
  const g = summed([...xShape]);
  const plane = xShape[xShape.length - 2]! * xShape[xShape.length - 1]!;
  const outPlane = gradOut.shape[gradOut.shape.length - 2]! * gradOut.shape[gradOut.shape.length - 1]!;
  for (let k = 0; k < gradOut.data.length; k++) {
    const idx = indices[k]!;
    if (idx < 0) continue;
    const t = gradOut.data[k]!;
    const dst = Math.floor(k / outPlane) * plane + idx;
    g.data[dst]! += t;
    g.mag[dst]! += Math.abs(t);
    g.terms[dst]!++;
  }
  return g;
}

export interface AvgSpec extends PoolSpec {
  countIncludePad: boolean;
  divisorOverride: number | null;
}

/** PyTorch's average-pool window: [h0, h1) × [w0, w1) clipped to the input, and its divisor. */
function avgWindow(y: number, x: number, H: number, W: number, spec: AvgSpec) {
  let h0 = y * spec.stride[0] - spec.pad[0];
  let w0 = x * spec.stride[1] - spec.pad[1];
  let h1 = Math.min(h0 + spec.kernel[0], H + spec.pad[0]);
  let w1 = Math.min(w0 + spec.kernel[1], W + spec.pad[1]);
  const poolSize = (h1 - h0) * (w1 - w0);
  h0 = Math.max(h0, 0);
  w0 = Math.max(w0, 0);
  h1 = Math.min(h1, H);
  w1 = Math.min(w1, W);
  const divisor = spec.divisorOverride ?? (spec.countIncludePad ? poolSize : (h1 - h0) * (w1 - w0));
  return { h0, h1, w0, w1, divisor };
}

function avgShape(xShape: readonly number[], spec: AvgSpec) {
  const H = xShape[xShape.length - 2]!;
  const W = xShape[xShape.length - 1]!;
  const OH = poolOutSize(H, spec.kernel[0], spec.stride[0], spec.pad[0], 1, spec.ceilMode);
  const OW = poolOutSize(W, spec.kernel[1], spec.stride[1], spec.pad[1], 1, spec.ceilMode);
  return { H, W, OH, OW, planes: size(xShape.slice(0, -2)) };
}

export function avgPoolRef(x: Dense, spec: AvgSpec): Summed {
  const { H, W, OH, OW, planes } = avgShape(x.shape, spec);
  const out = summed([...x.shape.slice(0, -2), OH, OW]);
  for (let p = 0; p < planes; p++)
    for (let y = 0; y < OH; y++)
      for (let xo = 0; xo < OW; xo++) {
        const { h0, h1, w0, w1, divisor } = avgWindow(y, xo, H, W, spec);
        const k = (p * OH + y) * OW + xo;
        for (let h = h0; h < h1; h++)
          for (let w = w0; w < w1; w++) {
            const v = x.data[p * H * W + h * W + w]!;
            out.data[k]! += v;
            out.mag[k]! += Math.abs(v);
            out.terms[k]!++;
          }
        out.data[k]! /= divisor;
        out.mag[k]! /= Math.abs(divisor);
      }
  return out;
}

export function avgPoolBackwardRef(gradOut: Dense, xShape: readonly number[], spec: AvgSpec): Summed {
  const { H, W, OH, OW, planes } = avgShape(xShape, spec);
  const g = summed([...xShape]);
  for (let p = 0; p < planes; p++)
    for (let y = 0; y < OH; y++)
      for (let xo = 0; xo < OW; xo++) {
        const { h0, h1, w0, w1, divisor } = avgWindow(y, xo, H, W, spec);
        const t = gradOut.data[(p * OH + y) * OW + xo]! / divisor;
        for (let h = h0; h < h1; h++)
          for (let w = w0; w < w1; w++) {
            const k = p * H * W + h * W + w;
            g.data[k]! += t;
            g.mag[k]! += Math.abs(t);
            g.terms[k]! += 2; // the division, then the sum
          }
      }
  return g;
}

// ------------------------------------------------------------------ broadcasting

/** NumPy broadcasting of two shapes, or null when they do not broadcast. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** The flat index into a dense array of `shape` read by broadcast position `index` of `target`. */
export function broadcastIndex(index: readonly number[], shape: readonly number[], target: readonly number[]): number {
  let flat = 0;
  const lead = target.length - shape.length;
  for (let d = 0; d < shape.length; d++) flat = flat * shape[d]! + (shape[d] === 1 ? 0 : index[lead + d]!);
  return flat;
}

/** Every multi-index of `shape`, in row-major order. */
export function* indices(shape: readonly number[]): Generator<number[]> {
  const n = size(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    yield [...idx];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

export function binaryRef(a: Dense, b: Dense, fn: (x: number, y: number) => number): Dense {
  const shape = broadcastShape(a.shape, b.shape)!;
  const out = new Float64Array(size(shape));
  let k = 0;
  for (const idx of indices(shape)) {
    out[k++] = fn(a.data[broadcastIndex(idx, a.shape, shape)]!, b.data[broadcastIndex(idx, b.shape, shape)]!);
  }
  return { data: out, shape };
}

/** Sums `g` (of a broadcast shape) back to `shape`: the gradient of a broadcast operand. */
export function sumToRef(g: Dense, shape: readonly number[]): Summed {
  const out = summed([...shape]);
  let k = 0;
  for (const idx of indices(g.shape)) {
    const t = g.data[k++]!;
    const dst = broadcastIndex(idx, shape, g.shape);
    out.data[dst]! += t;
    out.mag[dst]! += Math.abs(t);
    out.terms[dst]!++;
  }
  return out;
}

// ------------------------------------------------------------------ matmul

/** torch.matmul: 1-D operands promoted and the added dim removed; batch dims broadcast. Null when invalid. */
export function matmulRef(a: Dense, b: Dense): Summed | null {
  if (a.shape.length === 0 || b.shape.length === 0) return null;
  const as = a.shape.length === 1 ? [1, a.shape[0]!] : a.shape;
  const bs = b.shape.length === 1 ? [b.shape[0]!, 1] : b.shape;
  const m = as[as.length - 2]!;
  const k = as[as.length - 1]!;
  const n = bs[bs.length - 1]!;
  if (bs[bs.length - 2] !== k) return null;
  const ab = as.slice(0, -2);
  const bb = bs.slice(0, -2);
  const batch = broadcastShape(ab, bb);
  if (batch === null) return null;
  const shape = [...batch, ...(a.shape.length > 1 ? [m] : []), ...(b.shape.length > 1 ? [n] : [])];
  const out = summed(shape);
  let t = 0;
  for (const idx of indices(batch)) {
    const ao = broadcastIndex(idx, ab, batch) * m * k;
    const bo = broadcastIndex(idx, bb, batch) * k * n;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        const o = (t * m + i) * n + j;
        for (let p = 0; p < k; p++) {
          const v = a.data[ao + i * k + p]! * b.data[bo + p * n + j]!;
          out.data[o]! += v;
          out.mag[o]! += Math.abs(v);
          out.terms[o]!++;
        }
      }
    t++;
  }
  return out;
}

// ------------------------------------------------------------------ reductions

/**
 * Reduces `x` over `dims` (already normalised, distinct) with `row`, which gets the values of one
 * output element in row-major order of the reduced dims.
 */
export function reduceRef(x: Dense, dims: readonly number[], keepdim: boolean, row: (values: number[]) => number): Dense {
  const reduced = new Set(dims);
  const keptShape = x.shape.filter((_, d) => !reduced.has(d));
  const groups = new Map<number, number[]>();
  const kept = x.shape.map((_, d) => d).filter((d) => !reduced.has(d));
  let k = 0;
  for (const idx of indices(x.shape)) {
    let key = 0;
    for (const d of kept) key = key * x.shape[d]! + idx[d]!;
    const list = groups.get(key) ?? [];
    list.push(x.data[k++]!);
    groups.set(key, list);
  }
  const n = size(keptShape);
  const out = new Float64Array(n);
  for (let o = 0; o < n; o++) out[o] = row(groups.get(o) ?? []);
  const shape = keepdim ? x.shape.map((s, d) => (reduced.has(d) ? 1 : s)) : keptShape;
  return { data: out, shape };
}
