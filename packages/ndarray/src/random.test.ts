import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { array, zeros } from './create.js';
import type { DType } from './dtype.js';
import type { NDArray } from './ndarray.js';
import {
  DEFAULT_SEED,
  Generator,
  defaultGenerator,
  manualSeed,
  normal,
  normal_,
  rand,
  randint,
  randn,
  randperm,
  uniform,
  uniform_,
} from './random.js';

// ---------------------------------------------------------------- an independent reference
// xoshiro128** and the splitmix32 seeding, written from the published algorithms with BigInt
// arithmetic (no Math.imul, no >>> 0), so that a slip in the implementation shows up here.

const M32 = 0xffffffffn;
const GAMMA = 0x9e3779b9n;
type RefState = [bigint, bigint, bigint, bigint];

function refRotl(x: bigint, k: bigint): bigint {
  return ((x << k) | (x >> (32n - k))) & M32;
}

/** One step of xoshiro128** (Blackman & Vigna, xoshiro128starstar.c): returns the output. */
function refNext(s: RefState): bigint {
  const result = (refRotl((s[1] * 5n) & M32, 7n) * 9n) & M32;
  const t = (s[1] << 9n) & M32;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = refRotl(s[3], 11n);
  return result;
}

/** Wellons' lowbias32 finaliser. */
function refMix(x: bigint): bigint {
  x ^= x >> 16n;
  x = (x * 0x7feb352dn) & M32;
  x ^= x >> 15n;
  x = (x * 0x846ca68bn) & M32;
  x ^= x >> 16n;
  return x;
}

/** The documented seeding: splitmix32 from lo, hi XORed into the Weyl state after s0. */
function refSeed(seed: bigint): RefState {
  const lo = seed & M32;
  const hi = seed >> 32n;
  let x = (lo + GAMMA) & M32;
  const s0 = refMix(x);
  x = ((x ^ hi) + GAMMA) & M32;
  const s1 = refMix(x);
  x = (x + GAMMA) & M32;
  const s2 = refMix(x);
  x = (x + GAMMA) & M32;
  return [s0, s1, s2, refMix(x)];
}

function stateOf(words: readonly number[], seed = 0): number[] {
  return [...words, 0, 0, 0, seed % 2 ** 32, Math.floor(seed / 2 ** 32)];
}

function draws(g: Generator, n: number): number[] {
  return Array.from({ length: n }, () => g.nextUint32());
}

/**
 * A generator whose 32-bit outputs come from a fixed list, then repeat its last entry; it throws
 * after 10,000 repeats so that a broken redraw loop fails instead of hanging.
 */
class ScriptedGenerator extends Generator {
  private i = 0;
  constructor(private readonly outputs: readonly number[]) {
    super(0);
  }
  override nextUint32(): number {
    if (this.i > this.outputs.length + 10_000) throw new Error('ScriptedGenerator: too many draws (endless redraw?)');
    const v = this.outputs[Math.min(this.i, this.outputs.length - 1)]!;
    this.i++;
    return v;
  }
}

function meanVar(xs: ArrayLike<number>): [number, number] {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m += xs[i]!;
  m /= xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i]! - m) ** 2;
  return [m, v / (xs.length - 1)];
}

function chiSquare(counts: readonly number[], expected: number): number {
  return counts.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
}

// ---------------------------------------------------------------- the generator

describe('Generator: algorithm', () => {
  it('matches hand-computed xoshiro128** outputs for the state [1, 2, 3, 4]', () => {
    // by hand: s1 = 2 → rotl(10, 7)·9 = 1280·9 = 11520; then s1 becomes 0 → 0;
    // then s1 = 1029 → rotl(5145, 7)·9 = 658560·9 = 5927040
    const g = new Generator().setState(stateOf([1, 2, 3, 4]));
    expect(draws(g, 3)).toEqual([11520, 0, 5927040]);
  });

  it('matches the BigInt reference of xoshiro128** over 2000 outputs from assorted states', () => {
    const states: RefState[] = [
      [1n, 2n, 3n, 4n],
      [0xffffffffn, 0xffffffffn, 0xffffffffn, 0xffffffffn],
      [0x80000000n, 0n, 0n, 0n],
      [0xdeadbeefn, 0x01234567n, 0x89abcdefn, 0xcafef00dn],
    ];
    for (const st of states) {
      const g = new Generator().setState(stateOf(st.map(Number)));
      const ref: RefState = [...st];
      for (let i = 0; i < 2000; i++) expect(g.nextUint32()).toBe(Number(refNext(ref)));
      expect(Array.from(g.getState().subarray(0, 4))).toEqual(ref.map(Number));
    }
  });

  it('seeds with splitmix32 exactly as documented (BigInt reference), including seeds >= 2^32', () => {
    const seeds = [0, 1, 42, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 52, 2 ** 53 - 1, DEFAULT_SEED];
    for (const seed of seeds) {
      const g = new Generator(seed);
      const ref = refSeed(BigInt(seed));
      expect(Array.from(g.getState().subarray(0, 4))).toEqual(ref.map(Number));
      for (let i = 0; i < 50; i++) expect(g.nextUint32()).toBe(Number(refNext(ref)));
    }
    fc.assert(
      fc.property(fc.maxSafeNat(), (seed) => {
        const ref = refSeed(BigInt(seed));
        const g = new Generator(seed);
        return draws(g, 8).every((x) => x === Number(refNext(ref)));
      }),
    );
  });

  it('pins the first outputs of a few seeds (guards against silent stream changes)', () => {
    expect(Array.from(new Generator(0).getState())).toEqual([33350994, 83415710, 260840893, 1806016855, 0, 0, 0, 0, 0]);
    expect(draws(new Generator(0), 4)).toEqual([3733119852, 4156223338, 2961993901, 3978119837]);
    expect(draws(new Generator(1), 4)).toEqual([3570913905, 1410997643, 3006851789, 3719658539]);
    expect(draws(new Generator(), 4)).toEqual([4229947426, 3032537086, 3176403170, 2730430394]);
  });

  it('builds floats from the documented bits', () => {
    const ref = refSeed(7n);
    const g = new Generator(7);
    for (let i = 0; i < 200; i++) {
      const a = refNext(ref) >> 5n;
      const b = refNext(ref) >> 6n;
      expect(g.nextFloat64()).toBe(Number((a << 26n) | b) / 2 ** 53);
      expect(g.nextFloat32()).toBe(Number(refNext(ref) >> 8n) / 2 ** 24);
    }
  });

  it('gives identical sequences for the same seed and different ones for different seeds', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (seed) => {
        const a = new Generator(seed);
        const b = new Generator(seed);
        expect(draws(a, 20)).toEqual(draws(b, 20));
        expect(a.nextNormal()).toBe(b.nextNormal());
        expect(a.nextFloat64()).toBe(b.nextFloat64());
      }),
    );
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.maxSafeNat(), (s, t) => {
        fc.pre(s !== t);
        expect(new Generator(s).getState().subarray(0, 4)).not.toEqual(new Generator(t).getState().subarray(0, 4));
      }),
    );
  });

  it('defaults to DEFAULT_SEED and reports its initial seed', () => {
    expect(DEFAULT_SEED).toBe(67280421310721);
    expect(new Generator().initialSeed()).toBe(DEFAULT_SEED);
    expect(new Generator(2 ** 53 - 1).initialSeed()).toBe(2 ** 53 - 1);
    expect(new Generator(3).manualSeed(9).initialSeed()).toBe(9);
  });

  it('manualSeed restarts the sequence and drops a cached normal', () => {
    const g = new Generator(5);
    const first = [g.nextNormal(), ...draws(g, 5)];
    g.manualSeed(5);
    expect([g.nextNormal(), ...draws(g, 5)]).toEqual(first);
    g.manualSeed(5);
    g.nextNormal(); // leaves the pair's second normal cached
    g.manualSeed(5);
    expect(g.nextNormal()).toBe(first[0]);
    expect(g.manualSeed(1)).toBe(g);
  });

  it('nextBelow is within range and covers it', () => {
    const g = new Generator(11);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const x = g.nextBelow(7);
      expect(Number.isInteger(x) && x >= 0 && x < 7).toBe(true);
      seen.add(x);
    }
    expect(seen.size).toBe(7);
    expect(g.nextBelow(1)).toBe(0);
    const big = g.nextBelow(2 ** 32);
    expect(big >= 0 && big < 2 ** 32).toBe(true);
  });

  it('nextBelow rejects outputs above the largest multiple of n (no modulo bias)', () => {
    // n = 3·2^30: limit = 3·2^30, so 0xFFFFFFFF is rejected and the next output is used
    const g = new ScriptedGenerator([0xffffffff, 5]);
    expect(g.nextBelow(3 * 2 ** 30)).toBe(5);
  });
});

describe('Generator: getState / setState', () => {
  it('round-trips bit-identically, also in the middle of a normal pair', () => {
    const g = new Generator(123);
    g.nextNormal(); // the pair's second normal is now cached
    const saved = g.getState();
    expect(saved[4]).toBe(1);
    const ahead = [g.nextNormal(), g.nextNormal(), g.nextNormal(), g.nextFloat64(), g.nextUint32()];
    const h = new Generator(999).setState(saved);
    expect([h.nextNormal(), h.nextNormal(), h.nextNormal(), h.nextFloat64(), h.nextUint32()]).toEqual(ahead);
    expect(h.initialSeed()).toBe(123);
    // the cached value itself is restored exactly
    g.setState(saved);
    expect(g.getState()).toEqual(saved);
  });

  it('continues identically after any mix of draws (property)', () => {
    const ops = fc.array(fc.constantFrom('u32', 'f64', 'f32', 'normal', 'below'), { maxLength: 30 });
    fc.assert(
      fc.property(fc.maxSafeNat(), ops, ops, (seed, before, after) => {
        const run = (g: Generator, list: readonly string[]): number[] =>
          list.map((op) => {
            switch (op) {
              case 'u32':
                return g.nextUint32();
              case 'f64':
                return g.nextFloat64();
              case 'f32':
                return g.nextFloat32();
              case 'normal':
                return g.nextNormal();
              default:
                return g.nextBelow(1000);
            }
          });
        const g = new Generator(seed);
        run(g, before);
        const saved = g.getState();
        const expected = run(g, after);
        const viaArray = new Generator().setState(Array.from(saved)); // JSON-style plain array
        expect(run(viaArray, after)).toEqual(expected);
        expect(run(new Generator().setState(saved), after)).toEqual(expected);
      }),
    );
  });

  it('returns a copy', () => {
    const g = new Generator(1);
    const s = g.getState();
    s[0] = 0;
    s[1] = 0;
    expect(g.getState()[1]).not.toBe(0);
    expect(g.getState()).not.toBe(g.getState());
  });

  it('carries array sampling state too', () => {
    const g = new Generator(3);
    randn([3], { generator: g }); // odd count: a normal is cached
    const saved = g.getState();
    const a = randn([5], { generator: g, dtype: 'float64' });
    g.setState(saved);
    expect(randn([5], { generator: g, dtype: 'float64' }).toArray()).toEqual(a.toArray());
  });
});

describe('default generator', () => {
  it('starts at DEFAULT_SEED', () => {
    expect(defaultGenerator()).toBeInstanceOf(Generator);
    expect(defaultGenerator().initialSeed()).toBe(DEFAULT_SEED);
  });

  it('manualSeed reseeds it, returns it and makes the functions repeatable', () => {
    const g = manualSeed(2024);
    expect(g).toBe(defaultGenerator());
    expect(g.initialSeed()).toBe(2024);
    const a = [rand([4]).toArray(), randn([3]).toArray(), randint(0, 100, [5]).toArray(), randperm(6).toArray()];
    manualSeed(2024);
    const b = [rand([4]).toArray(), randn([3]).toArray(), randint(0, 100, [5]).toArray(), randperm(6).toArray()];
    expect(b).toEqual(a);
    // the same as an explicit generator with that seed
    const h = new Generator(2024);
    expect(rand([4], { generator: h }).toArray()).toEqual(a[0]);
  });

  it('is independent of separate Generator objects, and they of it', () => {
    manualSeed(77);
    const before = defaultGenerator().getState();
    const g = new Generator(77);
    rand([100], { generator: g });
    randn([3], { generator: g });
    uniform_(zeros([10]), 0, 1, g);
    expect(defaultGenerator().getState()).toEqual(before);
    const gState = g.getState();
    rand([100]);
    normal_(zeros([5]));
    expect(g.getState()).toEqual(gState);
    // two generators with one seed agree whatever the default does in between
    const x = new Generator(5);
    const y = new Generator(5);
    const ax = rand([3], { generator: x }).toArray();
    rand([17]);
    expect(rand([3], { generator: y }).toArray()).toEqual(ax);
  });
});

// ---------------------------------------------------------------- sampling functions

describe('rand / uniform', () => {
  it('has the right shape, dtype and range', () => {
    const g = new Generator(0);
    const x = rand([2, 3, 4], { generator: g });
    expect(x.shape).toEqual([2, 3, 4]);
    expect(x.dtype).toBe('float32');
    expect(x.data).toBeInstanceOf(Float32Array);
    const y = rand([5], { dtype: 'float64', generator: g });
    expect(y.data).toBeInstanceOf(Float64Array);
    expect(rand([], { generator: g }).shape).toEqual([]);
    expect(rand([0, 3], { generator: g }).size).toBe(0);
    for (const v of x.data) expect(v >= 0 && v < 1).toBe(true);
  });

  it('float32 samples are the 24-bit nextFloat32 values; float64 the 53-bit ones', () => {
    const a = new Generator(9);
    const b = new Generator(9);
    const x = rand([100], { generator: a });
    for (let i = 0; i < 100; i++) expect(x.data[i]).toBe(b.nextFloat32());
    const y = rand([100], { dtype: 'float64', generator: a });
    for (let i = 0; i < 100; i++) expect(y.data[i]).toBe(b.nextFloat64());
  });

  it('rand float32 never returns 1, even for the largest 32-bit output', () => {
    const max = new ScriptedGenerator([0xffffffff]);
    const x = rand([1000], { generator: max });
    expect(x.data[0]).toBe(1 - 2 ** -24);
    for (const v of x.data) expect(v).toBeLessThan(1);
    const y = rand([10], { dtype: 'float64', generator: max });
    expect(y.data[0]).toBe(1 - 2 ** -53);
    // and for many ordinary draws
    const z = rand([100_000], { generator: new Generator(1) });
    expect(Math.max(...z.data)).toBeLessThan(1);
  });

  it('uniform redraws a sample that rounds up to high', () => {
    // 1 + (1 − 2^−24) rounds to 2 in float32 (a tie to even): the naive formula would return high
    expect(Math.fround(1 + (1 - 2 ** -24))).toBe(2);
    const g32 = new ScriptedGenerator([0xffffffff, 0]);
    expect(uniform([1], 1, 2, { generator: g32 }).data[0]).toBe(1);
    // likewise 1 + (1 − 2^−53) rounds to 2 in float64
    expect(1 + (1 - 2 ** -53)).toBe(2);
    const g64 = new ScriptedGenerator([0xffffffff, 0xffffffff, 0]);
    expect(uniform([1], 1, 2, { dtype: 'float64', generator: g64 }).data[0]).toBe(1);
  });

  it('uniform(0, 1) equals rand, and uniform stays in [low, high)', () => {
    const a = uniform([50], 0, 1, { generator: new Generator(4) });
    const b = rand([50], { generator: new Generator(4) });
    expect(a.toArray()).toEqual(b.toArray());
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        fc.constantFrom('float32' as const, 'float64' as const),
        fc.nat(),
        (low, width, dtype, seed) => {
          const lo = dtype === 'float32' ? Math.fround(low) : low;
          const hi = lo + width;
          const x = uniform([200], lo, hi, { dtype, generator: new Generator(seed) });
          for (const v of x.data) {
            expect(v).toBeGreaterThanOrEqual(lo);
            expect(v).toBeLessThan(hi);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('has the moments of U[0,1) and U[-2,5) over 100k samples', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const [m, v] = meanVar(rand([100_000], { dtype, generator: new Generator(31) }).data);
      // standard errors: 0.00091 (mean) and 0.00024 (variance)
      expect(Math.abs(m - 0.5)).toBeLessThan(0.005);
      expect(Math.abs(v - 1 / 12)).toBeLessThan(0.0015);
    }
    const [m, v] = meanVar(uniform([100_000], -2, 5, { generator: new Generator(32) }).data);
    expect(Math.abs(m - 1.5)).toBeLessThan(0.035);
    expect(Math.abs(v - 49 / 12)).toBeLessThan(0.075);
  });

  it('fills equal-width buckets evenly (chi-square)', () => {
    const x = rand([100_000], { generator: new Generator(33) });
    const counts = new Array<number>(20).fill(0);
    for (const v of x.data) counts[Math.floor(v * 20)]!++;
    // 19 degrees of freedom: P(chi2 > 45.0) ≈ 0.0007
    expect(chiSquare(counts, 5000)).toBeLessThan(45);
  });
});

describe('randn / normal', () => {
  it('has the moments of N(0, 1) over 100k samples', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = randn([100_000], { dtype, generator: new Generator(41) });
      expect(x.dtype).toBe(dtype);
      const [m, v] = meanVar(x.data);
      // standard errors: 0.0032 (mean), 0.0045 (variance)
      expect(Math.abs(m)).toBeLessThan(0.016);
      expect(Math.abs(v - 1)).toBeLessThan(0.022);
      let inside1 = 0;
      let inside2 = 0;
      for (const z of x.data) {
        if (Math.abs(z) < 1) inside1++;
        if (Math.abs(z) < 2) inside2++;
      }
      expect(Math.abs(inside1 / 1e5 - 0.682689)).toBeLessThan(0.008);
      expect(Math.abs(inside2 / 1e5 - 0.9545)).toBeLessThan(0.004);
    }
  });

  it('normal(mean, std) has the right moments and normal(0, 1) equals randn', () => {
    const [m, v] = meanVar(normal([100_000], 3, 2, { generator: new Generator(42) }).data);
    expect(Math.abs(m - 3)).toBeLessThan(0.032);
    expect(Math.abs(v - 4)).toBeLessThan(0.09);
    const a = normal([51], 0, 1, { dtype: 'float64', generator: new Generator(8) });
    const b = randn([51], { dtype: 'float64', generator: new Generator(8) });
    expect(a.toArray()).toEqual(b.toArray());
    const c = normal([4], 5, 0, { generator: new Generator(8) });
    expect(c.toArray()).toEqual([5, 5, 5, 5]);
  });

  it('float32 normals are the float64 ones rounded', () => {
    const a = randn([101], { generator: new Generator(6) });
    const b = randn([101], { dtype: 'float64', generator: new Generator(6) });
    for (let i = 0; i < 101; i++) expect(a.data[i]).toBe(Math.fround(b.data[i]!));
  });

  it('uses both normals of each polar pair (the cached second one)', () => {
    const g = new Generator(10);
    const one = randn([1], { dtype: 'float64', generator: g });
    const stateAfterOne = g.getState();
    expect(stateAfterOne[4]).toBe(1);
    const two = randn([1], { dtype: 'float64', generator: g });
    // the second value used no new 32-bit outputs
    expect(Array.from(g.getState().subarray(0, 4))).toEqual(Array.from(stateAfterOne.subarray(0, 4)));
    expect(g.getState()[4]).toBe(0);
    expect([one.data[0], two.data[0]]).toEqual(Array.from(randn([2], { dtype: 'float64', generator: new Generator(10) }).data));
  });
});

describe('randint', () => {
  it('defaults to int32 and stays in [low, high)', () => {
    const x = randint(-3, 4, [1000], { generator: new Generator(0) });
    expect(x.dtype).toBe('int32');
    expect(x.data).toBeInstanceOf(Int32Array);
    expect(new Set(x.data)).toEqual(new Set([-3, -2, -1, 0, 1, 2, 3]));
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 2 ** 31 }), fc.nat(), (low, width, seed) => {
        const high = Math.min(low + width, 2 ** 31);
        fc.pre(low < high);
        const y = randint(low, high, [50], { generator: new Generator(seed) });
        for (const v of y.data) {
          expect(v).toBeGreaterThanOrEqual(low);
          expect(v).toBeLessThan(high);
        }
      }),
    );
  });

  it('accepts float dtypes and the full int32 range', () => {
    const f = randint(0, 5, [10], { dtype: 'float32', generator: new Generator(1) });
    expect(f.data).toBeInstanceOf(Float32Array);
    const d = randint(0, 5, [10], { dtype: 'float64', generator: new Generator(1) });
    expect(Array.from(d.data)).toEqual(Array.from(f.data));
    const full = randint(-(2 ** 31), 2 ** 31, [1000], { generator: new Generator(2) });
    let negatives = 0;
    for (const v of full.data) if (v < 0) negatives++;
    expect(negatives).toBeGreaterThan(400);
    expect(negatives).toBeLessThan(600);
    expect(randint(7, 8, [3], { generator: new Generator(3) }).toArray()).toEqual([7, 7, 7]);
  });

  it('is uniform over buckets (chi-square)', () => {
    const x = randint(0, 10, [100_000], { generator: new Generator(51) });
    const counts = new Array<number>(10).fill(0);
    for (const v of x.data) counts[v]!++;
    // 9 degrees of freedom: P(chi2 > 30) ≈ 0.0004
    expect(chiSquare(counts, 10_000)).toBeLessThan(30);
  });

  it('has no modulo bias for a range of 3·2^30', () => {
    // with `x % range` the lowest third of this range would get half the samples instead of a third
    const low = -(2 ** 31);
    const x = randint(low, low + 3 * 2 ** 30, [30_000], { generator: new Generator(52) });
    let lowest = 0;
    for (const v of x.data) if (v < low + 2 ** 30) lowest++;
    expect(Math.abs(lowest / 30_000 - 1 / 3)).toBeLessThan(0.015);
  });
});

describe('randperm', () => {
  it('is a permutation of 0..n-1', () => {
    fc.assert(
      fc.property(fc.nat({ max: 300 }), fc.maxSafeNat(), (n, seed) => {
        const p = randperm(n, { generator: new Generator(seed) });
        expect(p.dtype).toBe('int32');
        expect(p.shape).toEqual([n]);
        expect(Array.from(p.data).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
    );
    const big = randperm(100_000, { dtype: 'float64', generator: new Generator(1) });
    const seen = new Uint8Array(100_000);
    for (const v of big.data) seen[v]!++;
    expect(seen.every((c) => c === 1)).toBe(true);
    expect(randperm(0).size).toBe(0);
    expect(randperm(1).toArray()).toEqual([0]);
    expect(randperm(5, { dtype: 'float32' }).dtype).toBe('float32');
  });

  it('puts each element in each position equally often (chi-square over all 24 orders of 4)', () => {
    const g = new Generator(61);
    const counts = new Map<string, number>();
    for (let i = 0; i < 24_000; i++) {
      const key = Array.from(randperm(4, { generator: g }).data).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    // 23 degrees of freedom: P(chi2 > 52) ≈ 0.0005
    expect(chiSquare([...counts.values()], 1000)).toBeLessThan(52);
  });
});

describe('uniform_ / normal_', () => {
  it('fill a contiguous array in place with the same values as uniform/normal, returning it', () => {
    const a = zeros([3, 4]);
    expect(uniform_(a, -1, 2, new Generator(5))).toBe(a);
    expect(a.toArray()).toEqual(uniform([3, 4], -1, 2, { generator: new Generator(5) }).toArray());
    const b = zeros([3, 5], { dtype: 'float64' });
    expect(normal_(b, 1, 3, new Generator(6))).toBe(b);
    expect(b.toArray()).toEqual(normal([3, 5], 1, 3, { dtype: 'float64', generator: new Generator(6) }).toArray());
  });

  it('fill non-contiguous views in row-major order, touching only the view', () => {
    const base = zeros([4, 6]);
    const view = base.transpose(0, 1).slice(0, 1, 5, 2); // shape [2, 4], strided
    expect(view.isContiguous()).toBe(false);
    uniform_(view, 10, 20, new Generator(7));
    expect(view.toArray()).toEqual(uniform([2, 4], 10, 20, { generator: new Generator(7) }).toArray());
    let touched = 0;
    for (const v of base.data) if (v !== 0) touched++;
    expect(touched).toBe(8);

    const base2 = zeros([5, 5], { dtype: 'float64' });
    const inner = base2.slice(0, 1, 4).slice(1, 1, 4); // offset 6, shape [3, 3]
    normal_(inner, 0, 1, new Generator(8));
    expect(inner.toArray()).toEqual(randn([3, 3], { dtype: 'float64', generator: new Generator(8) }).toArray());
    expect(base2.get(0, 0)).toBe(0);
    expect(base2.get(4, 4)).toBe(0);
    expect(base2.get(1, 0)).toBe(0);
  });

  it('use the default generator when none is given', () => {
    manualSeed(3);
    const a = uniform_(zeros([4]), 0, 1);
    manualSeed(3);
    expect(a.toArray()).toEqual(rand([4]).toArray());
    manualSeed(3);
    const b = normal_(zeros([4]));
    manualSeed(3);
    expect(b.toArray()).toEqual(randn([4]).toArray());
  });

  it('handle 0-d and empty arrays', () => {
    const s = zeros([]);
    uniform_(s, 5, 6, new Generator(1));
    expect(s.item()).toBeGreaterThanOrEqual(5);
    const e = zeros([0, 3]);
    expect(normal_(e, 0, 1, new Generator(1)).size).toBe(0);
  });
});

describe('types', () => {
  it('infer the result dtype from the options', () => {
    const g = new Generator(0);
    expectTypeOf(rand([1])).toEqualTypeOf<NDArray<'float32'>>();
    expectTypeOf(randn([1], { dtype: 'float64', generator: g })).toEqualTypeOf<NDArray<'float64'>>();
    expectTypeOf(uniform([1], 0, 1, { generator: undefined })).toEqualTypeOf<NDArray<'float32'>>();
    expectTypeOf(normal([1], 0, 1, { dtype: 'float64' })).toEqualTypeOf<NDArray<'float64'>>();
    expectTypeOf(randint(0, 2, [1])).toEqualTypeOf<NDArray<'int32'>>();
    expectTypeOf(randperm(3, { dtype: 'float64' })).toEqualTypeOf<NDArray<'float64'>>();
    expectTypeOf(uniform_(zeros([1], { dtype: 'float64' }))).toEqualTypeOf<NDArray<'float64'>>();
    expectTypeOf(normal_(zeros<DType>([1]))).toEqualTypeOf<NDArray>();
    // @ts-expect-error integer dtypes are not float samplers' dtypes
    expect(() => rand([1], { dtype: 'int32' })).toThrow(TypeError);
    // @ts-expect-error uint8 is not a randint dtype
    expect(() => randint(0, 2, [1], { dtype: 'uint8' })).toThrow(TypeError);
  });
});

// ---------------------------------------------------------------- errors

describe('errors', () => {
  const asAny = (x: unknown): never => x as never;

  it('reject bad seeds, naming the function', () => {
    for (const bad of [-1, 1.5, 2 ** 53, Number.NaN, Infinity]) {
      expect(() => new Generator(bad)).toThrow(/^Generator: seed must be an integer in \[0, 2\^53\)/);
      expect(() => new Generator(1).manualSeed(bad)).toThrow(/^Generator\.manualSeed: seed/);
      expect(() => manualSeed(bad)).toThrow(/^manualSeed: seed/);
    }
    expect(() => new Generator(asAny('1'))).toThrow(TypeError);
    expect(() => manualSeed(asAny(null))).toThrow(/^manualSeed: seed/);
    // a failed reseed leaves the default generator alone
    manualSeed(4);
    const s = defaultGenerator().getState();
    expect(() => manualSeed(-4)).toThrow();
    expect(defaultGenerator().getState()).toEqual(s);
  });

  it('reject malformed states in setState', () => {
    const g = new Generator(1);
    const good = Array.from(g.getState());
    const withWord = (i: number, v: number): number[] => good.map((w, j) => (j === i ? v : w));
    expect(() => g.setState(asAny('state'))).toThrow(/^Generator\.setState: expected a Uint32Array/);
    expect(() => g.setState(good.slice(0, 8))).toThrow(/9 state words, got 8/);
    expect(() => g.setState([...good, 0])).toThrow(/9 state words, got 10/);
    expect(() => g.setState(withWord(2, -1))).toThrow(/state word 2 must be an integer/);
    expect(() => g.setState(withWord(0, 2 ** 32))).toThrow(/state word 0/);
    expect(() => g.setState(withWord(3, 0.5))).toThrow(/state word 3/);
    expect(() => g.setState(asAny([...good.slice(0, 8), '0']))).toThrow(/state word 8/);
    expect(() => g.setState(stateOf([0, 0, 0, 0]))).toThrow(/must not be all zero/);
    expect(() => g.setState(withWord(4, 2))).toThrow(/word 4 .* must be 0 or 1, got 2/);
    expect(() => g.setState(withWord(5, 1))).toThrow(/words 5-6 must be 0/);
    // flag 1 with the bits of NaN (0x7FF8000000000000)
    const nan = good.map((w, j) => (j === 4 ? 1 : j === 5 ? 0 : j === 6 ? 0x7ff80000 : w));
    expect(() => g.setState(nan)).toThrow(/cached normal .* must be finite, got NaN/);
    expect(() => g.setState(withWord(8, 2 ** 21))).toThrow(/seed .* must be below 2\^53/);
    // a rejected state changes nothing
    expect(Array.from(g.getState())).toEqual(good);
  });

  it('reject bad nextBelow bounds', () => {
    const g = new Generator(1);
    for (const bad of [0, -1, 1.5, 2 ** 32 + 1, Number.NaN]) {
      expect(() => g.nextBelow(bad)).toThrow(/^Generator\.nextBelow: n must be an integer in \[1, 2\^32\]/);
    }
  });

  it('reject bad dtypes, shapes and generators in the float samplers', () => {
    for (const [name, f] of [
      ['rand', (o: object, s: readonly number[] = [2]) => rand(s, asAny(o))],
      ['randn', (o: object, s: readonly number[] = [2]) => randn(s, asAny(o))],
      ['uniform', (o: object, s: readonly number[] = [2]) => uniform(s, 0, 1, asAny(o))],
      ['normal', (o: object, s: readonly number[] = [2]) => normal(s, 0, 1, asAny(o))],
    ] as const) {
      expect(() => f({ dtype: 'int32' })).toThrow(new RegExp(`^${name}: dtype must be float32 or float64, got "int32"`));
      expect(() => f({ dtype: 'bool' })).toThrow(TypeError);
      expect(() => f({ dtype: 'float16' })).toThrow(new RegExp(`^${name}: unknown dtype "float16"`));
      expect(() => f({ generator: {} })).toThrow(new RegExp(`^${name}: generator must be a Generator, got object`));
      expect(() => f({ generator: null })).toThrow(/got null/);
      expect(() => f({}, [2, -1])).toThrow(new RegExp(`^${name}: shape must hold non-negative integers, got \\[2, -1\\]`));
      expect(() => f({}, [1.5])).toThrow(RangeError);
    }
  });

  it('reject bad uniform bounds', () => {
    expect(() => uniform([2], 2, 1)).toThrow(/^uniform: expected low <= high, got low 2 and high 1/);
    expect(uniform([2], 1, 1).toArray()).toEqual([1, 1]); // PyTorch allows the empty interval
    expect(() => uniform([2], 2, 1)).toThrow(/low 2 and high 1/);
    expect(() => uniform([2], Number.NaN, 1)).toThrow(/^uniform: low must be a finite number, got NaN/);
    expect(() => uniform([2], 0, Infinity)).toThrow(/^uniform: high must be a finite number, got Infinity/);
    expect(() => uniform([2], -1e308, 1e308, { dtype: 'float64' })).toThrow(/^uniform: high - low overflows/);
    expect(() => uniform([2], 0, 1e39)).toThrow(/^uniform: .* within the float32 range/);
    expect(() => uniform([2], 0.1, 0.1 + 1e-12)).toThrow(/^uniform: no float32 value in/);
    expect(() => uniform([2], 0.1, 0.1 + 1e-12, { dtype: 'float64' })).not.toThrow();
    expect(() => uniform([2], 0, 1e39, { dtype: 'float64' })).not.toThrow();
  });

  it('reject bad normal parameters', () => {
    expect(() => normal([2], 0, -1)).toThrow(/^normal: std must be >= 0, got -1/);
    expect(() => normal([2], Number.NaN, 1)).toThrow(/^normal: mean must be a finite number, got NaN/);
    expect(() => normal([2], 0, Infinity)).toThrow(/^normal: std must be a finite number, got Infinity/);
  });

  it('reject bad randint arguments', () => {
    expect(() => randint(0.5, 3, [2])).toThrow(/^randint: low must be an integer, got 0.5/);
    expect(() => randint(0, Number.NaN, [2])).toThrow(/^randint: high must be an integer, got NaN/);
    expect(() => randint(3, 3, [2])).toThrow(/^randint: expected low < high, got low 3 and high 3/);
    expect(() => randint(-(2 ** 31) - 1, 0, [2])).toThrow(/^randint: bounds must satisfy -2\^31 <= low and high <= 2\^31/);
    expect(() => randint(0, 2 ** 31 + 1, [2])).toThrow(/high 2147483649/);
    expect(() => randint(0, 2 ** 24 + 1, [2], { dtype: 'float32' })).toThrow(/^randint: float32 holds integers exactly only/);
    expect(() => randint(0, 2 ** 24 + 1, [2], { dtype: 'float64' })).not.toThrow();
    expect(() => randint(0, 2, [2], asAny({ dtype: 'uint8' }))).toThrow(/^randint: dtype must be int32, float32 or float64, got "uint8"/);
    expect(() => randint(0, 2, [-2])).toThrow(/^randint: shape/);
    expect(() => randint(0, 2, [2], asAny({ generator: 5 }))).toThrow(/^randint: generator must be a Generator, got number/);
  });

  it('reject bad randperm arguments', () => {
    expect(() => randperm(-1)).toThrow(/^randperm: n must be an integer in \[0, 2147483648\] for int32, got -1/);
    expect(() => randperm(2.5)).toThrow(/got 2.5/);
    expect(() => randperm(2 ** 24 + 2, { dtype: 'float32' })).toThrow(/^randperm: n must be an integer in \[0, 16777217\] for float32/);
    expect(() => randperm(3, asAny({ dtype: 'bool' }))).toThrow(/^randperm: dtype must be int32, float32 or float64, got "bool"/);
    expect(() => randperm(3, asAny({ generator: 'g' }))).toThrow(/^randperm: generator must be a Generator/);
  });

  it('reject bad in-place fill targets and parameters', () => {
    const ints = array([1, 2, 3], { dtype: 'int32' });
    expect(() => uniform_(ints, 0, 1)).toThrow(/^uniform_: the array must have a float dtype .* got int32/);
    expect(() => normal_(ints, 0, 1)).toThrow(/^normal_: the array must have a float dtype/);
    expect(() => uniform_(asAny(new Float32Array(3)))).toThrow(/^uniform_: expected an NDArray, got object/);
    expect(() => normal_(asAny(null))).toThrow(/^normal_: expected an NDArray, got null/);
    const expanded = zeros([1, 3]).expand(4, 3);
    expect(() => uniform_(expanded)).toThrow(/^uniform_: cannot fill an array whose elements share memory \(dim 0 of shape \[4, 3\] has stride 0/);
    expect(() => normal_(expanded)).toThrow(/^normal_: cannot fill/);
    expect(() => uniform_(zeros([1]).expand(1, 1))).not.toThrow(); // stride 0 over one element is fine
    const z = zeros([3]);
    expect(() => uniform_(z, 1, 0)).toThrow(/^uniform_: expected low <= high/);
    expect(() => normal_(z, 0, -0.5)).toThrow(/^normal_: std must be >= 0, got -0.5/);
    expect(() => uniform_(z, 0, 1, asAny({}))).toThrow(/^uniform_: generator must be a Generator/);
    expect(() => normal_(z, 0, 1, asAny(1))).toThrow(/^normal_: generator must be a Generator/);
    expect(z.toArray()).toEqual([0, 0, 0]); // nothing was written
  });
});
