import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FloatArray } from '../backend.js';
import { gemm } from './gemm.js';

type Kind = 'float32' | 'float64';

interface Case {
  kind: Kind;
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  /** extra elements before each matrix */
  offA?: number;
  offB?: number;
  offC?: number;
  /** extra elements at the end of each stored row (lda > cols) */
  padA?: number;
  padB?: number;
  padC?: number;
  /** what C holds before the call (default: random values) */
  cInit?: 'random' | 'nan';
  seed?: number;
}

/** A small deterministic PRNG (mulberry32), so that failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function alloc(kind: Kind, n: number): FloatArray {
  return kind === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

/**
 * A stored `rows × cols` matrix with row stride `cols + pad`, starting at `off`; every element
 * outside the matrix is NaN, so a read out of place shows up as NaN in the result.
 */
function stored(kind: Kind, rows: number, cols: number, off: number, pad: number, fill: () => number) {
  const ld = Math.max(cols + pad, 1);
  const data = alloc(kind, off + rows * ld + 3).fill(NaN);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[off + i * ld + j] = fill();
  return { data, ld, off };
}

/** Runs one case and checks every element of C (and that nothing outside C was written). */
function check(cs: Case): void {
  const { kind, transA, transB, m, n, k, alpha, beta } = cs;
  const rand = rng(cs.seed ?? 1234 + m * 7919 + n * 104729 + k * 1299709);
  const value = (): number => Math.round((rand() * 2 - 1) * 1024) / 256; // exact in float32
  const A = transA ? stored(kind, k, m, cs.offA ?? 0, cs.padA ?? 0, value) : stored(kind, m, k, cs.offA ?? 0, cs.padA ?? 0, value);
  const B = transB ? stored(kind, n, k, cs.offB ?? 0, cs.padB ?? 0, value) : stored(kind, k, n, cs.offB ?? 0, cs.padB ?? 0, value);
  const C = stored(kind, m, n, cs.offC ?? 0, cs.padC ?? 0, cs.cInit === 'nan' ? () => NaN : value);
  const before = C.data.slice();

  gemm(transA, transB, m, n, k, alpha, A.data, A.off, A.ld, B.data, B.off, B.ld, beta, C.data, C.off, C.ld);

  const opA = (i: number, p: number): number => (transA ? A.data[A.off + p * A.ld + i]! : A.data[A.off + i * A.ld + p]!);
  const opB = (p: number, j: number): number => (transB ? B.data[B.off + j * B.ld + p]! : B.data[B.off + p * B.ld + j]!);
  const inC = new Set<number>();
  const eps = kind === 'float32' ? 2 ** -21 : 2 ** -50;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const ci = C.off + i * C.ld + j;
      inC.add(ci);
      let s = 0;
      let mag = 0;
      for (let p = 0; p < k; p++) {
        s += opA(i, p) * opB(p, j);
        mag += Math.abs(opA(i, p) * opB(p, j));
      }
      const old = before[ci]!;
      const expected = beta === 0 ? alpha * s : alpha * s + beta * old;
      const bound = (Math.abs(alpha) * mag + Math.abs(beta === 0 ? 0 : beta * old)) * eps * 4 + 1e-300;
      const got = C.data[ci]!;
      if (!(Math.abs(got - expected) <= bound)) {
        expect.fail(`C[${i}, ${j}] = ${got}, expected ${expected} (±${bound}) for ${JSON.stringify(cs)}`);
      }
    }
  }
  for (let x = 0; x < C.data.length; x++) {
    if (!inC.has(x) && !Object.is(C.data[x], before[x])) expect.fail(`element ${x} outside C was written (${JSON.stringify(cs)})`);
  }
}

const TRANS: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];
const label = (t: [boolean, boolean]): string => `${t[0] ? 'T' : 'N'}${t[1] ? 'T' : 'N'}`;

describe('gemm', () => {
  it('computes a 2×3 · 3×2 product (the doc example)', () => {
    const a = new Float32Array([1, 2, 3, 4, 5, 6]);
    const b = new Float32Array([7, 8, 9, 10, 11, 12]);
    const c = new Float32Array(4);
    gemm(false, false, 2, 2, 3, 1, a, 0, 3, b, 0, 2, 0, c, 0, 2);
    expect([...c]).toEqual([58, 64, 139, 154]);
  });

  for (const kind of ['float32', 'float64'] as const) {
    for (const t of TRANS) {
      describe(`${kind} ${label(t)}`, () => {
        it('matches the reference on small and edge-tile sizes (1..70)', () => {
          const sizes = [1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 31, 33, 64, 70];
          let i = 0;
          for (const m of sizes) {
            for (const n of sizes) {
              // a spread of k for each (m, n) pair, both below and above the small-problem cutoff
              const k = [1, 3, 4, 5, 17, 33, 70][(i++ * 5) % 7]!;
              check({ kind, transA: t[0], transB: t[1], m, n, k, alpha: 1, beta: 0 });
            }
          }
        });

        it('handles k = 0 (C = beta·C), m = 0 and n = 0', () => {
          check({ kind, transA: t[0], transB: t[1], m: 5, n: 6, k: 0, alpha: 1, beta: 0, cInit: 'nan' });
          check({ kind, transA: t[0], transB: t[1], m: 5, n: 6, k: 0, alpha: 2, beta: 0.5 });
          check({ kind, transA: t[0], transB: t[1], m: 9, n: 9, k: 0, alpha: 1, beta: 1 });
          check({ kind, transA: t[0], transB: t[1], m: 0, n: 6, k: 4, alpha: 1, beta: 0 });
          check({ kind, transA: t[0], transB: t[1], m: 6, n: 0, k: 4, alpha: 1, beta: 0 });
          check({ kind, transA: t[0], transB: t[1], m: 0, n: 0, k: 0, alpha: 1, beta: 0 });
        });

        it('honours offsets and leading dimensions larger than the row', () => {
          for (const [m, n, k] of [
            [3, 5, 7],
            [17, 19, 23],
            [40, 37, 65],
          ] as const) {
            check({ kind, transA: t[0], transB: t[1], m, n, k, alpha: 1, beta: 0, offA: 5, offB: 3, offC: 7, padA: 3, padB: 1, padC: 4 });
            check({ kind, transA: t[0], transB: t[1], m, n, k, alpha: -0.5, beta: 0.25, offA: 1, offB: 11, offC: 2, padA: 2, padB: 5, padC: 1 });
          }
        });

        it('applies general alpha and beta', () => {
          for (const [alpha, beta] of [
            [1, 1],
            [2, -1],
            [-0.75, 0.5],
            [0.5, 0],
            [0, 0.5],
            [0, 0],
          ] as const) {
            check({ kind, transA: t[0], transB: t[1], m: 3, n: 4, k: 5, alpha, beta });
            check({ kind, transA: t[0], transB: t[1], m: 29, n: 35, k: 41, alpha, beta });
          }
        });

        it('blocks over k, m and n (k > KC, m > MC, n > NC)', () => {
          check({ kind, transA: t[0], transB: t[1], m: 11, n: 9, k: 600, alpha: 1, beta: 0.5 });
          check({ kind, transA: t[0], transB: t[1], m: 203, n: 6, k: 7, alpha: 1, beta: 0 });
          check({ kind, transA: t[0], transB: t[1], m: 5, n: 2051, k: 3, alpha: 1.5, beta: -1 });
        });

        it('matrix-vector shapes (m = 1 or n = 1)', () => {
          for (const [m, n, k] of [
            [1, 300, 257],
            [300, 1, 257],
            [1, 1, 1001],
            [1, 7, 3],
            [6, 1, 2],
          ] as const) {
            check({ kind, transA: t[0], transB: t[1], m, n, k, alpha: 1, beta: 0, cInit: 'nan' });
            check({ kind, transA: t[0], transB: t[1], m, n, k, alpha: -2, beta: 0.5, offA: 3, offB: 1, offC: 2, padA: 2, padB: 3, padC: 1 });
          }
        });

        it('overwrites NaN in C when beta = 0, and propagates it when beta ≠ 0', () => {
          check({ kind, transA: t[0], transB: t[1], m: 3, n: 3, k: 3, alpha: 1, beta: 0, cInit: 'nan' });
          check({ kind, transA: t[0], transB: t[1], m: 33, n: 18, k: 21, alpha: 2, beta: 0, cInit: 'nan', offC: 2, padC: 3 });
          const a = alloc(kind, 64 * 64).fill(1);
          const c = alloc(kind, 64 * 64).fill(NaN);
          gemm(t[0], t[1], 64, 64, 64, 1, a, 0, 64, a, 0, 64, 1, c, 0, 64);
          expect(c.every((x) => Number.isNaN(x))).toBe(true);
        });
      });
    }
  }

  it('propagates NaN and Infinity from A and B', () => {
    for (const size of [3, 40]) {
      const a = new Float64Array(size * size).fill(1);
      const b = new Float64Array(size * size).fill(1);
      a[0] = NaN; // row 0 of A
      b[1] = Infinity; // column 1 of B
      const c = new Float64Array(size * size);
      gemm(false, false, size, size, size, 1, a, 0, size, b, 0, size, 0, c, 0, size);
      expect(Number.isNaN(c[0]!)).toBe(true);
      expect(Number.isNaN(c[size - 1]!)).toBe(true);
      expect(c[size + 1]).toBe(Infinity);
      expect(c[2 * size + 2]).toBe(size);
    }
  });

  it('rounds float32 results once per element', () => {
    // 1 + 2^-24 + 2^-24: each product is exact, the float64 sum is exact, the float32 store rounds it
    const a = new Float32Array([1, 2 ** -24, 2 ** -24]);
    const b = new Float32Array([1, 1, 1]);
    const c = new Float32Array(1);
    gemm(false, false, 1, 1, 3, 1, a, 0, 3, b, 0, 1, 0, c, 0, 1);
    expect(c[0]).toBe(Math.fround(1 + 2 ** -23));
  });

  it('rejects storage that is too short and invalid sizes', () => {
    const x = new Float32Array(6);
    expect(() => gemm(false, false, 2, 2, 3, 1, x, 0, 3, x, 0, 2, 0, new Float32Array(3), 0, 2)).toThrow(/gemm: C/);
    expect(() => gemm(false, false, 2, 2, 3, 1, x, 1, 3, x, 0, 2, 0, new Float32Array(4), 0, 2)).toThrow(/gemm: A/);
    expect(() => gemm(false, true, 2, 3, 3, 1, x, 0, 3, x, 0, 3, 0, new Float32Array(6), 0, 3)).toThrow(/gemm: B/);
    expect(() => gemm(false, false, 2, 2, 3, 1, x, 0, 2, x, 0, 2, 0, new Float32Array(4), 0, 2)).toThrow(/leading dimension of A/);
    expect(() => gemm(false, false, -1, 2, 3, 1, x, 0, 3, x, 0, 2, 0, x, 0, 2)).toThrow(RangeError);
    expect(() => gemm(false, false, 2, 2.5, 3, 1, x, 0, 3, x, 0, 2, 0, x, 0, 2)).toThrow(RangeError);
  });

  it('matches the reference for arbitrary shapes, transposes, layouts and scalars (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          kind: fc.constantFrom<Kind>('float32', 'float64'),
          transA: fc.boolean(),
          transB: fc.boolean(),
          m: fc.integer({ min: 0, max: 40 }),
          n: fc.integer({ min: 0, max: 40 }),
          k: fc.integer({ min: 0, max: 300 }),
          alpha: fc.constantFrom(1, -1, 0.5, 2, 0),
          beta: fc.constantFrom(0, 1, -0.5, 3),
          offA: fc.nat(4),
          offB: fc.nat(4),
          offC: fc.nat(4),
          padA: fc.nat(3),
          padB: fc.nat(3),
          padC: fc.nat(3),
          seed: fc.nat(),
        }),
        (cs) => {
          check(cs);
        },
      ),
      { numRuns: 150 },
    );
  });
});
