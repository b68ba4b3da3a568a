import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conv2dGeometry, FloatArray } from '../backend.js';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward, setConvAlgorithm, type ConvAlgorithm } from './conv2d.js';
import { jsBackend } from './js-backend.js';

/** Seeded PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomArray(n: number, rand: () => number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rand() * 2 - 1;
  return a;
}

function geometry(partial: Partial<Conv2dGeometry> & Pick<Conv2dGeometry, 'inHeight' | 'inWidth' | 'kernelHeight' | 'kernelWidth'>): Conv2dGeometry {
  const g: Conv2dGeometry = {
    batch: 2,
    inChannels: 2,
    outChannels: 3,
    strideH: 1,
    strideW: 1,
    padTop: 0,
    padLeft: 0,
    dilationH: 1,
    dilationW: 1,
    groups: 1,
    outHeight: 0,
    outWidth: 0,
    ...partial,
  };
  // unless given, the bottom/right padding equals the top/left one (the symmetric case)
  if (partial.outHeight === undefined) {
    g.outHeight = Math.floor((g.inHeight + 2 * g.padTop - g.dilationH * (g.kernelHeight - 1) - 1) / g.strideH) + 1;
  }
  if (partial.outWidth === undefined) {
    g.outWidth = Math.floor((g.inWidth + 2 * g.padLeft - g.dilationW * (g.kernelWidth - 1) - 1) / g.strideW) + 1;
  }
  return g;
}

const sizes = (g: Conv2dGeometry): { x: number; w: number; y: number } => ({
  x: g.batch * g.inChannels * g.inHeight * g.inWidth,
  w: g.outChannels * (g.inChannels / g.groups) * g.kernelHeight * g.kernelWidth,
  y: g.batch * g.outChannels * g.outHeight * g.outWidth,
});

/** The definition, one output element at a time: deliberately naive. */
function naiveForward(g: Conv2dGeometry, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | null): Float64Array {
  const out = new Float64Array(sizes(g).y);
  const cg = g.inChannels / g.groups;
  const og = g.outChannels / g.groups;
  for (let n = 0; n < g.batch; n++)
    for (let o = 0; o < g.outChannels; o++)
      for (let oy = 0; oy < g.outHeight; oy++)
        for (let ox = 0; ox < g.outWidth; ox++) {
          let s = b ? b[o]! : 0;
          const grp = Math.floor(o / og);
          for (let c = 0; c < cg; c++)
            for (let i = 0; i < g.kernelHeight; i++)
              for (let j = 0; j < g.kernelWidth; j++) {
                const y = oy * g.strideH + i * g.dilationH - g.padTop;
                const xx = ox * g.strideW + j * g.dilationW - g.padLeft;
                if (y < 0 || y >= g.inHeight || xx < 0 || xx >= g.inWidth) continue;
                const ci = grp * cg + c;
                s += x[((n * g.inChannels + ci) * g.inHeight + y) * g.inWidth + xx]! * w[((o * cg + c) * g.kernelHeight + i) * g.kernelWidth + j]!;
              }
          out[((n * g.outChannels + o) * g.outHeight + oy) * g.outWidth + ox] = s;
        }
  return out;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!) / (1 + Math.abs(expected[i]!));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `worst relative error at ${at}: ${actual[at]} vs ${expected[at]}`).toBeLessThanOrEqual(tol);
}

const GEOMETRIES: [string, Conv2dGeometry][] = [
  ['3x3 plain', geometry({ inHeight: 6, inWidth: 5, kernelHeight: 3, kernelWidth: 3 })],
  ['3x3 pad 1', geometry({ inHeight: 6, inWidth: 5, kernelHeight: 3, kernelWidth: 3, padTop: 1, padLeft: 1 })],
  ['2x3 stride 2x1 pad 1x2', geometry({ inHeight: 7, inWidth: 6, kernelHeight: 2, kernelWidth: 3, strideH: 2, padTop: 1, padLeft: 2 })],
  ['3x2 dilation 2 stride 3', geometry({ inHeight: 9, inWidth: 8, kernelHeight: 3, kernelWidth: 2, dilationH: 2, dilationW: 3, strideH: 3, strideW: 3, padTop: 2, padLeft: 1 })],
  ['groups 2', geometry({ inChannels: 4, outChannels: 6, groups: 2, inHeight: 5, inWidth: 5, kernelHeight: 3, kernelWidth: 3, padTop: 1, padLeft: 1 })],
  ['depthwise x2', geometry({ inChannels: 3, outChannels: 6, groups: 3, inHeight: 5, inWidth: 4, kernelHeight: 3, kernelWidth: 2, padTop: 1 })],
  // 'same' with an even kernel: top/left 1, bottom/right 2, encoded by outHeight/outWidth
  ['asymmetric (same, 4x4)', geometry({ inHeight: 6, inWidth: 5, kernelHeight: 4, kernelWidth: 4, padTop: 1, padLeft: 1, outHeight: 6, outWidth: 5 })],
  ['pointwise 1x1', geometry({ inChannels: 3, outChannels: 4, inHeight: 4, inWidth: 5, kernelHeight: 1, kernelWidth: 1 })],
  ['pointwise 1x1 groups', geometry({ inChannels: 4, outChannels: 2, groups: 2, inHeight: 3, inWidth: 3, kernelHeight: 1, kernelWidth: 1 })],
  ['1x1 stride 2', geometry({ inHeight: 5, inWidth: 5, kernelHeight: 1, kernelWidth: 1, strideH: 2, strideW: 2 })],
  ['1x1 pad 1', geometry({ inHeight: 3, inWidth: 3, kernelHeight: 1, kernelWidth: 1, padTop: 1, padLeft: 1 })],
  ['kernel covers padded input', geometry({ inHeight: 2, inWidth: 3, kernelHeight: 4, kernelWidth: 5, padTop: 1, padLeft: 1 })],
  ['padding wider than input', geometry({ inHeight: 2, inWidth: 2, kernelHeight: 2, kernelWidth: 2, padTop: 3, padLeft: 3, strideH: 2 })],
  ['batch 1, 1 channel', geometry({ batch: 1, inChannels: 1, outChannels: 1, inHeight: 6, inWidth: 8, kernelHeight: 1, kernelWidth: 2 })],
  // 5-wide kernels (one pass per kernel row, channel pairs, two rows per pass for one channel)
  ['5x5 pad 2, 1 input channel, odd height (LeNet conv1)', geometry({ inChannels: 1, outChannels: 3, inHeight: 7, inWidth: 9, kernelHeight: 5, kernelWidth: 5, padTop: 2, padLeft: 2 })],
  ['5x5 pad 2, 1 input channel, even height', geometry({ inChannels: 1, outChannels: 2, inHeight: 8, inWidth: 6, kernelHeight: 5, kernelWidth: 5, padTop: 2, padLeft: 2 })],
  ['3x5 dilated columns, 1 input channel', geometry({ inChannels: 1, outChannels: 2, inHeight: 6, inWidth: 12, kernelHeight: 3, kernelWidth: 5, dilationW: 2, padTop: 1, padLeft: 3 })],
  ['5x5 stride 2, 2 channels', geometry({ inChannels: 2, outChannels: 4, inHeight: 9, inWidth: 9, kernelHeight: 5, kernelWidth: 5, strideH: 2, strideW: 2, padTop: 1, padLeft: 2 })],
];

// every geometry through each algorithm: the automatic choice, and each one forced
const ALGORITHMS: ConvAlgorithm[] = ['auto', 'im2col', 'direct'];

/** Forces `algorithm` for the enclosing describe block, restoring the previous one after it. */
function forceAlgorithm(algorithm: ConvAlgorithm): void {
  let previous: ConvAlgorithm = 'auto';
  beforeAll(() => {
    previous = setConvAlgorithm(algorithm);
  });
  afterAll(() => {
    setConvAlgorithm(previous);
  });
}

describe.each(ALGORITHMS)('conv2d kernels vs the naive definition (float64), %s', (algorithm) => {
  forceAlgorithm(algorithm);
  for (const [name, g] of GEOMETRIES) {
    it(name, () => {
      const rand = rng(name.length * 7919);
      const s = sizes(g);
      const x = randomArray(s.x, rand);
      const w = randomArray(s.w, rand);
      const b = randomArray(g.outChannels, rand);
      const dy = randomArray(s.y, rand);

      // outputs start as NaN: kernels must overwrite them without reading them
      for (const bias of [b, null]) {
        const out = new Float64Array(s.y).fill(NaN);
        conv2dForward(g, x, w, bias, out);
        expectClose(out, naiveForward(g, x, w, bias), 1e-12);
      }
      const y = naiveForward(g, x, w, null);
      const gx = new Float64Array(s.x).fill(NaN);
      conv2dBackwardInput(g, dy, w, gx);
      const gw = new Float64Array(s.w).fill(NaN);
      conv2dBackwardWeight(g, x, dy, gw);
      // adjoint identities: <conv(x, w), dy> = <x, gx> = <w, gw>
      const ref = dot(y, dy);
      expect(dot(x, gx)).toBeCloseTo(ref, 10);
      expect(dot(w, gw)).toBeCloseTo(ref, 10);
      // and element-wise: gx[k] = <conv(e_k, w), dy>, gw[k] = <conv(x, e_k), dy>
      const e = new Float64Array(s.x);
      for (let k = 0; k < s.x; k += Math.max(1, Math.floor(s.x / 17))) {
        e.fill(0);
        e[k] = 1;
        expect(gx[k]).toBeCloseTo(dot(naiveForward(g, e, w, null), dy), 10);
      }
      const ew = new Float64Array(s.w);
      for (let k = 0; k < s.w; k += Math.max(1, Math.floor(s.w / 13))) {
        ew.fill(0);
        ew[k] = 1;
        expect(gw[k]).toBeCloseTo(dot(naiveForward(g, x, ew, null), dy), 10);
      }
    });
  }
});

describe('conv2d input gradient through a non-finite weight', () => {
  afterAll(() => {
    setConvAlgorithm('auto');
  });

  it('equals the im2col result on every algorithm (the direct kernel would multiply ∞ by its padding zeros)', () => {
    const g = geometry({ batch: 2, inChannels: 1, outChannels: 2, inHeight: 6, inWidth: 7, kernelHeight: 3, kernelWidth: 3, padTop: 1, padLeft: 1 });
    const s = sizes(g);
    const rand = rng(12);
    const w = randomArray(s.w, rand);
    w[0] = Infinity;
    const dy = randomArray(s.y, rand);
    const run = (algorithm: ConvAlgorithm): Float64Array => {
      setConvAlgorithm(algorithm);
      const gx = new Float64Array(s.x).fill(-1);
      conv2dBackwardInput(g, dy, w, gx);
      return gx;
    };
    const expected = run('im2col');
    expect(expected.some((v) => Number.isFinite(v))).toBe(true);
    expect(expected.some((v) => !Number.isFinite(v))).toBe(true);
    expect([...run('direct')]).toEqual([...expected]);
    expect([...run('auto')]).toEqual([...expected]);
  });
});

describe.each(ALGORITHMS)('conv2d kernels, float32, %s', (algorithm) => {
  forceAlgorithm(algorithm);

  it('match the float64 result to float32 precision and keep scratch buffers per kind', () => {
    for (const [name, g] of GEOMETRIES) {
      const rand = rng(name.length + 1);
      const s = sizes(g);
      const x = randomArray(s.x, rand);
      const w = randomArray(s.w, rand);
      const b = randomArray(g.outChannels, rand);
      const dy = randomArray(s.y, rand);
      const f32 = (a: Float64Array): Float32Array => Float32Array.from(a);
      const x32 = f32(x);
      const w32 = f32(w);
      const dy32 = f32(dy);
      const out32 = new Float32Array(s.y);
      conv2dForward(g, x32, w32, f32(b), out32);
      expectClose(out32, naiveForward(g, x32, w32, f32(b)), 1e-5);
      const gx64 = new Float64Array(s.x);
      conv2dBackwardInput(g, Float64Array.from(dy32), Float64Array.from(w32), gx64);
      const gx32 = new Float32Array(s.x);
      conv2dBackwardInput(g, dy32, w32, gx32);
      expectClose(gx32, gx64, 1e-5);
      const gw64 = new Float64Array(s.w);
      conv2dBackwardWeight(g, Float64Array.from(x32), Float64Array.from(dy32), gw64);
      const gw32 = new Float32Array(s.w);
      conv2dBackwardWeight(g, x32, dy32, gw32);
      expectClose(gw32, gw64, 1e-5);
    }
  });

  it('a small call after a big one is unaffected by stale scratch contents', () => {
    const big = geometry({ batch: 1, inChannels: 8, outChannels: 4, inHeight: 20, inWidth: 20, kernelHeight: 5, kernelWidth: 5, padTop: 2, padLeft: 2 });
    const small = geometry({ batch: 1, inChannels: 1, outChannels: 1, inHeight: 3, inWidth: 3, kernelHeight: 2, kernelWidth: 2, padTop: 1, padLeft: 1 });
    const rand = rng(3);
    const sb = sizes(big);
    conv2dForward(big, randomArray(sb.x, rand), randomArray(sb.w, rand), null, new Float64Array(sb.y));
    const ss = sizes(small);
    const x = randomArray(ss.x, rand);
    const w = randomArray(ss.w, rand);
    const out = new Float64Array(ss.y);
    conv2dForward(small, x, w, null, out);
    expectClose(out, naiveForward(small, x, w, null), 1e-12);
  });
});

describe('conv2d kernels, empty shapes', () => {
  it('batch 0 writes nothing and zeroes the weight gradient', () => {
    const g = geometry({ batch: 0, inHeight: 4, inWidth: 4, kernelHeight: 3, kernelWidth: 3 });
    const s = sizes(g);
    expect(s.x).toBe(0);
    conv2dForward(g, new Float32Array(0), new Float32Array(s.w), null, new Float32Array(0));
    conv2dBackwardInput(g, new Float32Array(0), new Float32Array(s.w), new Float32Array(0));
    const gw = new Float32Array(s.w).fill(NaN);
    conv2dBackwardWeight(g, new Float32Array(0), new Float32Array(0), gw);
    expect(Array.from(gw).every((v) => v === 0)).toBe(true);
  });
});

describe('jsBackend', () => {
  it('computes the textbook edge detector through the backend interface', () => {
    // 6x8 image, ones with columns 2..5 zero, kernel [[1, -1]]
    const x = new Float32Array(48);
    for (let r = 0; r < 6; r++) for (let c = 0; c < 8; c++) x[r * 8 + c] = c >= 2 && c <= 5 ? 0 : 1;
    const g = geometry({ batch: 1, inChannels: 1, outChannels: 1, inHeight: 6, inWidth: 8, kernelHeight: 1, kernelWidth: 2 });
    const out: FloatArray = new Float32Array(6 * 7);
    jsBackend.conv2dForward(g, x, Float32Array.of(1, -1), null, out);
    for (let r = 0; r < 6; r++) expect(Array.from(out.subarray(r * 7, r * 7 + 7))).toEqual([0, 1, 0, 0, 0, -1, 0]);
  });
});
