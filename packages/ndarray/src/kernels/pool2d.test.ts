import { describe, expect, it } from 'vitest';
import type { AvgPoolDivisor, Pool2dGeometry } from '../backend.js';
import { jsBackend } from './js-backend.js';
import {
  adaptiveAvgPool2dBackward,
  adaptiveAvgPool2dForward,
  avgPool2dBackward,
  avgPool2dForward,
  maxPool2dBackward,
  maxPool2dForward,
} from './pool2d.js';

/** A geometry with defaults: one plane, stride = kernel, no padding, dilation 1. */
function geom(p: Partial<Pool2dGeometry> & Pick<Pool2dGeometry, 'inHeight' | 'inWidth' | 'outHeight' | 'outWidth' | 'kernelHeight' | 'kernelWidth'>): Pool2dGeometry {
  return {
    planes: 1,
    strideH: p.kernelHeight,
    strideW: p.kernelWidth,
    padH: 0,
    padW: 0,
    dilationH: 1,
    dilationW: 1,
    ...p,
  };
}

const INCL: AvgPoolDivisor = { countIncludePad: true, divisorOverride: null };
const EXCL: AvgPoolDivisor = { countIncludePad: false, divisorOverride: null };

/** Straightforward max pooling over every tap of every window (padding taps skipped). */
function naiveMax(g: Pool2dGeometry, x: ArrayLike<number>): { out: number[]; idx: number[] } {
  const out: number[] = [];
  const idx: number[] = [];
  for (let p = 0; p < g.planes; p++) {
    for (let oh = 0; oh < g.outHeight; oh++) {
      for (let ow = 0; ow < g.outWidth; ow++) {
        let best = -Infinity;
        let bi = -1;
        for (let a = 0; a < g.kernelHeight; a++) {
          for (let b = 0; b < g.kernelWidth; b++) {
            const h = oh * g.strideH - g.padH + a * g.dilationH;
            const w = ow * g.strideW - g.padW + b * g.dilationW;
            if (h < 0 || h >= g.inHeight || w < 0 || w >= g.inWidth) continue;
            const v = x[p * g.inHeight * g.inWidth + h * g.inWidth + w]!;
            if (bi < 0 || v > best || Number.isNaN(v)) {
              best = v;
              bi = h * g.inWidth + w;
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

/** Straightforward average pooling: divisor counted tap by tap. */
function naiveAvg(g: Pool2dGeometry, d: AvgPoolDivisor, x: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let p = 0; p < g.planes; p++) {
    for (let oh = 0; oh < g.outHeight; oh++) {
      for (let ow = 0; ow < g.outWidth; ow++) {
        let sum = 0;
        let inPadded = 0;
        let real = 0;
        for (let a = 0; a < g.kernelHeight; a++) {
          for (let b = 0; b < g.kernelWidth; b++) {
            const h = oh * g.strideH - g.padH + a;
            const w = ow * g.strideW - g.padW + b;
            if (h < g.inHeight + g.padH && w < g.inWidth + g.padW) inPadded++;
            if (h < 0 || h >= g.inHeight || w < 0 || w >= g.inWidth) continue;
            real++;
            sum += x[p * g.inHeight * g.inWidth + h * g.inWidth + w]!;
          }
        }
        out.push(real === 0 ? 0 : sum / (d.divisorOverride ?? (d.countIncludePad ? inPadded : real)));
      }
    }
  }
  return out;
}

describe('jsBackend wiring', () => {
  it('uses the pooling kernels of kernels/pool2d.ts', () => {
    expect(jsBackend).toMatchObject({ maxPool2dForward, maxPool2dBackward, avgPool2dForward, avgPool2dBackward });
  });
});

describe('maxPool2dForward', () => {
  it('takes the maximum of each window and its flat index in the plane', () => {
    // 4×4 plane 0..15 and a second plane of its negation
    const x = new Float32Array(32);
    for (let i = 0; i < 16; i++) {
      x[i] = i;
      x[16 + i] = -i;
    }
    const g = geom({ planes: 2, inHeight: 4, inWidth: 4, outHeight: 2, outWidth: 2, kernelHeight: 2, kernelWidth: 2 });
    const out = new Float32Array(8).fill(99);
    const idx = new Int32Array(8).fill(99);
    maxPool2dForward(g, x, out, idx);
    expect([...out]).toEqual([5, 7, 13, 15, -0, -2, -8, -10]);
    expect([...idx]).toEqual([5, 7, 13, 15, 0, 2, 8, 10]);
  });

  it('treats padding as −∞ (an all-negative window at the border ignores it)', () => {
    const x = Float64Array.from([-5, -4, -3, -2]);
    const g = geom({ inHeight: 2, inWidth: 2, outHeight: 2, outWidth: 2, kernelHeight: 2, kernelWidth: 2, strideH: 1, strideW: 1, padH: 1, padW: 1 });
    // windows of the 3×3 padded grid; out 2×2 uses starts -1, 0
    const out = new Float64Array(4);
    const idx = new Int32Array(4);
    maxPool2dForward(g, x, out, idx);
    expect([...out]).toEqual([-5, -4, -3, -2]);
    expect([...idx]).toEqual([0, 1, 2, 3]);
  });

  it('keeps the first of tied maxima', () => {
    const x = Float32Array.from([1, 3, 3, 3]);
    const out = new Float32Array(1);
    const idx = new Int32Array(1);
    maxPool2dForward(geom({ inHeight: 2, inWidth: 2, outHeight: 1, outWidth: 1, kernelHeight: 2, kernelWidth: 2 }), x, out, idx);
    expect(idx[0]).toBe(1);
  });

  it('propagates NaN as the maximum (PyTorch: the last NaN of the window gives the index)', () => {
    const x = Float32Array.from([1, NaN, 7, NaN, 2, 0]);
    const out = new Float32Array(1);
    const idx = new Int32Array(1);
    maxPool2dForward(geom({ inHeight: 2, inWidth: 3, outHeight: 1, outWidth: 1, kernelHeight: 2, kernelWidth: 3 }), x, out, idx);
    expect(out[0]).toBeNaN();
    expect(idx[0]).toBe(3);
  });

  it('gives −∞ and the first element of an all −∞ window', () => {
    const x = Float32Array.from([-Infinity, -Infinity, -Infinity, -Infinity]);
    const out = new Float32Array(1);
    const idx = new Int32Array(1);
    maxPool2dForward(geom({ inHeight: 2, inWidth: 2, outHeight: 1, outWidth: 1, kernelHeight: 2, kernelWidth: 2 }), x, out, idx);
    expect(out[0]).toBe(-Infinity);
    expect(idx[0]).toBe(0);
  });

  it('gives −∞ and index −1 for a dilated window that steps over the whole input', () => {
    // H = W = 2, k = 2, d = 3, p = 1: the window taps rows -1 and 2, both outside
    const g = geom({ inHeight: 2, inWidth: 2, outHeight: 1, outWidth: 1, kernelHeight: 2, kernelWidth: 2, strideH: 1, strideW: 1, padH: 1, padW: 1, dilationH: 3, dilationW: 3 });
    const out = new Float32Array(1);
    const idx = new Int32Array(1);
    maxPool2dForward(g, Float32Array.from([1, 2, 3, 4]), out, idx);
    expect(out[0]).toBe(-Infinity);
    expect(idx[0]).toBe(-1);
  });

  it('matches the naive reference with dilation, padding and uneven strides', () => {
    const g: Pool2dGeometry = {
      planes: 3, inHeight: 7, inWidth: 9, outHeight: 3, outWidth: 3, kernelHeight: 3, kernelWidth: 2,
      strideH: 2, strideW: 3, padH: 1, padW: 1, dilationH: 2, dilationW: 3,
    };
    const x = new Float64Array(3 * 63);
    for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 12.9898) * 43758.5453 % 1;
    const out = new Float64Array(27);
    const idx = new Int32Array(27);
    maxPool2dForward(g, x, out, idx);
    const ref = naiveMax(g, x);
    expect([...out]).toEqual(ref.out);
    expect([...idx]).toEqual(ref.idx);
  });
});

describe('maxPool2dBackward', () => {
  it('zeroes gradInput, then scatter-adds (overlapping windows add up)', () => {
    const g = geom({ planes: 2, inHeight: 3, inWidth: 3, outHeight: 2, outWidth: 2, kernelHeight: 2, kernelWidth: 2, strideH: 1, strideW: 1 });
    const gradOut = Float32Array.from([1, 2, 3, 4, 10, 20, 30, 40]);
    const indices = Int32Array.from([4, 4, 4, 8, 0, 2, 6, -1]);
    const gradInput = new Float32Array(18).fill(7);
    maxPool2dBackward(g, gradOut, indices, gradInput);
    expect([...gradInput]).toEqual([0, 0, 0, 0, 6, 0, 0, 0, 4, 10, 0, 20, 0, 0, 0, 30, 0, 0]);
  });
});

describe('avgPool2dForward', () => {
  const x = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]); // 3×3

  it('divides by the padded window with countIncludePad, by the real elements without', () => {
    const g = geom({ inHeight: 3, inWidth: 3, outHeight: 2, outWidth: 2, kernelHeight: 2, kernelWidth: 2, strideH: 2, strideW: 2, padH: 1, padW: 1 });
    const incl = new Float64Array(4);
    const excl = new Float64Array(4);
    avgPool2dForward(g, INCL, x, incl);
    avgPool2dForward(g, EXCL, x, excl);
    expect([...incl]).toEqual([1 / 4, (2 + 3) / 4, (4 + 7) / 4, (5 + 6 + 8 + 9) / 4]);
    expect([...excl]).toEqual([1, 2.5, 5.5, 7]);
  });

  it('does not count the overhang of a ceil-mode window past the padding', () => {
    // 3×3, k = 2, s = 2, p = 0, ceil mode: out 2×2; the last windows cover only row/column 2
    const g = geom({ inHeight: 3, inWidth: 3, outHeight: 2, outWidth: 2, kernelHeight: 2, kernelWidth: 2 });
    const out = new Float64Array(4);
    avgPool2dForward(g, INCL, x, out);
    expect([...out]).toEqual([(1 + 2 + 4 + 5) / 4, (3 + 6) / 2, (7 + 8) / 2, 9]);
    // with padding 1 the padded input ends at 4: window starting at 3 counts 1 row
    const gp = geom({ inHeight: 3, inWidth: 3, outHeight: 3, outWidth: 3, kernelHeight: 2, kernelWidth: 2, padH: 1, padW: 1, strideH: 2, strideW: 2 });
    const outP = new Float64Array(9);
    avgPool2dForward(gp, INCL, x, outP);
    expect([...outP]).toEqual(naiveAvg(gp, INCL, x));
    expect(outP[8]).toBe(0); // window [3, 5) lies past the input: sum 0 over 1 padded element
  });

  it('uses divisorOverride for every window', () => {
    const g = geom({ inHeight: 3, inWidth: 3, outHeight: 2, outWidth: 2, kernelHeight: 2, kernelWidth: 2, strideH: 1, strideW: 1 });
    const out = new Float64Array(4);
    avgPool2dForward(g, { countIncludePad: false, divisorOverride: -3 }, x, out);
    expect([...out]).toEqual([12 / -3, 16 / -3, 24 / -3, 28 / -3]);
  });

  it('overwrites the output completely and matches the naive reference over many geometries', () => {
    for (const [k, s, p, H] of [[3, 1, 1, 5], [3, 2, 1, 6], [2, 3, 1, 7], [4, 2, 2, 5], [1, 1, 0, 3]] as const) {
      const out1 = Math.floor((H + 2 * p - k) / s) + 1;
      const g = geom({ planes: 2, inHeight: H, inWidth: H + 1, outHeight: out1, outWidth: Math.floor((H + 1 + 2 * p - k) / s) + 1, kernelHeight: k, kernelWidth: k, strideH: s, strideW: s, padH: p, padW: p });
      const xx = new Float32Array(2 * H * (H + 1)).map((_, i) => Math.fround(Math.cos(i * 1.7)));
      for (const d of [INCL, EXCL, { countIncludePad: true, divisorOverride: 5 }]) {
        const out = new Float32Array(2 * g.outHeight * g.outWidth).fill(NaN);
        avgPool2dForward(g, d, xx, out);
        const ref = naiveAvg(g, d, xx);
        for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(ref[i]!, 6);
      }
    }
  });
});

describe('avgPool2dBackward', () => {
  it('is the adjoint of the forward (⟨A x, y⟩ = ⟨x, Aᵀ y⟩), zeroing gradInput first', () => {
    const g = geom({ planes: 2, inHeight: 5, inWidth: 4, outHeight: 3, outWidth: 3, kernelHeight: 3, kernelWidth: 2, strideH: 2, strideW: 1, padH: 1, padW: 0 });
    for (const d of [INCL, EXCL, { countIncludePad: false, divisorOverride: 2 }]) {
      const xx = new Float64Array(40).map((_, i) => Math.sin(i * 0.91));
      const y = new Float64Array(18).map((_, i) => Math.cos(i * 1.3));
      const ax = new Float64Array(18);
      avgPool2dForward(g, d, xx, ax);
      const aty = new Float64Array(40).fill(123);
      avgPool2dBackward(g, d, y, aty);
      const lhs = ax.reduce((s, v, i) => s + v * y[i]!, 0);
      const rhs = aty.reduce((s, v, i) => s + v * xx[i]!, 0);
      expect(lhs).toBeCloseTo(rhs, 12);
    }
  });
});

describe('adaptive average pooling kernels', () => {
  it('averages the bins floor(i·H/oh) … ceil((i+1)·H/oh) − 1, overlapping when needed', () => {
    const x = Float64Array.from([1, 2, 3, 4, 5]); // 1×5
    const g = { planes: 1, inHeight: 1, inWidth: 5, outHeight: 1, outWidth: 3 };
    const out = new Float64Array(3);
    adaptiveAvgPool2dForward(g, x, out);
    // bins [0, 2), [1, 4), [3, 5)
    expect([...out]).toEqual([1.5, 3, 4.5]);
    const gi = new Float64Array(5).fill(9);
    adaptiveAvgPool2dBackward(g, Float64Array.from([2, 3, 4]), gi);
    expect([...gi]).toEqual([1, 1 + 1, 1, 1 + 2, 2]);
  });

  it('repeats input elements when the output is larger than the input', () => {
    const x = Float32Array.from([1, 2, 3, 4]); // 2×2 → 3×3
    const out = new Float32Array(9);
    adaptiveAvgPool2dForward({ planes: 1, inHeight: 2, inWidth: 2, outHeight: 3, outWidth: 3 }, x, out);
    expect([...out]).toEqual([1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4]);
  });
});
