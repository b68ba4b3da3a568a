/**
 * Seeded, reproducible randomness: a {@link Generator} object (PyTorch's `torch.Generator`), a
 * module-level default generator, and the sampling functions built on them — {@link rand},
 * {@link randn}, {@link uniform}, {@link normal}, {@link randint}, {@link randperm} and the in-place
 * fills {@link uniform_} / {@link normal_} that weight initialisation uses.
 *
 * ## Algorithm
 *
 * The bit source is **xoshiro128\*\*** (128 bits of state as four `uint32` words, period 2¹²⁸ − 1,
 * 32-bit outputs) by David Blackman and Sebastiano Vigna, "Scrambled Linear Pseudorandom Number
 * Generators", ACM Transactions on Mathematical Software 47(4), 2021 (arXiv:1805.01407;
 * reference C code at https://prng.di.unimi.it/xoshiro128starstar.c). One step is:
 *
 * ```text
 * result = rotl(s1 * 5, 7) * 9            (mod 2³²)
 * t = s1 << 9
 * s2 ^= s0;  s3 ^= s1;  s1 ^= s2;  s0 ^= s3;  s2 ^= t;  s3 = rotl(s3, 11)
 * ```
 *
 * Seeding follows the authors' advice of filling the state from a SplitMix-style generator,
 * here its 32-bit form **splitmix32**: a Weyl sequence `x += 0x9E3779B9` (the golden-ratio
 * increment of Steele, Lea & Flood's SplitMix, OOPSLA 2014) whose terms are passed through
 * Chris Wellons' `lowbias32` bijective finaliser
 * (`x ^= x >>> 16; x *= 0x7FEB352D; x ^= x >>> 15; x *= 0x846CA68B; x ^= x >>> 16`).
 * A seed is any integer `0 ≤ seed < 2⁵³`, split into `lo = seed mod 2³²` and
 * `hi = ⌊seed / 2³²⌋`: the Weyl state starts at `lo`, the first output becomes `s0`, then `hi` is
 * XORed into the Weyl state and the next three outputs become `s1`, `s2`, `s3`. (For a seed below
 * 2³² this is plainly the splitmix32 stream started at the seed.) Distinct seeds give distinct
 * states (`s0` fixes `lo`, then `s1` fixes `hi`), and the state can never be all zero.
 *
 * Derived values:
 * - `nextFloat64()`: 53 random bits (27 + 26 from two outputs) scaled by 2⁻⁵³, in `[0, 1)`;
 * - `nextFloat32()`: the top 24 bits of one output scaled by 2⁻²⁴, in `[0, 1)` and exactly a
 *   float32, so float32 samples never round up to 1;
 * - bounded integers: rejection sampling on 32-bit outputs (no modulo bias);
 * - normals: Marsaglia's polar method (a Box–Muller variant without sin/cos) on two 53-bit
 *   uniforms in `[−1, 1)`; each accepted pair yields two normals, and the second is cached in the
 *   generator (and in its {@link Generator.getState | state}) for the next request.
 *
 * ## Determinism
 *
 * The integer and uniform paths use only 32-bit integer arithmetic (`Math.imul`, shifts,
 * `>>> 0`) and IEEE-754 double operations whose results JavaScript specifies exactly (`+ − × ÷`,
 * `Math.sqrt`, `Math.fround`, comparisons): {@link rand}, {@link uniform}, {@link randint},
 * {@link randperm} and the generator's bit stream are **bit-identical on every conforming JS
 * engine and platform**. The normal paths additionally call `Math.log`, which the ECMAScript spec
 * only asks to approximate, so {@link randn}, {@link normal} and {@link normal_} values are
 * identical across engines only as far as their `Math.log` agree (engines commonly use
 * fdlibm-derived code, but nothing guarantees it); even where they differ in the last bit, the polar method's accept/reject
 * test uses exact arithmetic only, so the number of 32-bit outputs consumed — and hence every
 * later draw — stays the same everywhere. `Math.random` is never used.
 *
 * Arrays are filled in row-major (logical) order, one sample per element, so the same generator
 * state gives the same values whatever the memory layout of the array being filled.
 *
 * @module
 */
import { allocate, checkDType, type DType, type DTypeArrayMap, type FloatDType } from './dtype.js';
import { NDArray } from './ndarray.js';
import { checkShape, formatShape, shapeSize } from './shape.js';
import { forEachRow } from './strided.js';

/**
 * The seed of the default generator and of a `new Generator()` without a seed. It is PyTorch's
 * default seed (`default_rng_seed_val`), although the numbers drawn differ from PyTorch's.
 *
 * @example
 * ```ts
 * new Generator().initialSeed() === DEFAULT_SEED; // true
 * ```
 */
export const DEFAULT_SEED = 67280421310721;

/** The length of the array {@link Generator.getState} returns. */
const STATE_WORDS = 9;
const TWO_32 = 4294967296;
/** 2²¹: the high word of a seed below 2⁵³ is below this. */
const TWO_21 = 2097152;
/** 2⁻⁵³ and 2⁻²⁴ as exact literals (`**` is only approximated by the spec). */
const TWO_NEG_53 = 1 / 9007199254740992;
const TWO_NEG_24 = 1 / 16777216;
/** splitmix32's Weyl increment: ⌊2³² / φ⌋, odd. */
const GOLDEN_GAMMA = 0x9e3779b9;
/** The largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;
/** Integers up to 2²⁴ are exact in float32. */
const FLOAT32_INT_LIMIT = 16777216;
const INT32_MIN = -2147483648;
const INT32_LIMIT = 2147483648;

/** Wellons' lowbias32: a bijection of uint32 with good avalanche. */
function lowbias32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Rotates the 32-bit `x` left by `k` (0 < k < 32); the result is an int32. */
function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Throws unless `seed` is an integer in [0, 2⁵³). */
function checkSeed(op: string, seed: unknown): number {
  if (typeof seed !== 'number') throw new TypeError(`${op}: seed must be an integer in [0, 2^53), got ${typeof seed} ${String(seed)}`);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`${op}: seed must be an integer in [0, 2^53), got ${seed}`);
  return seed;
}

/** Scratch space to read and write the bits of a float64, little-endian on every platform. */
const scratch = new DataView(new ArrayBuffer(8));

/**
 * A seeded source of random numbers: xoshiro128** seeded by splitmix32 (see the module
 * documentation for the exact algorithm). Like `torch.Generator`, pass one in `{ generator }` to
 * any sampling function to get a stream independent of the default generator.
 *
 * The same seed gives the same sequence on every platform; {@link Generator.getState} /
 * {@link Generator.setState} save and restore the position bit-identically.
 *
 * @example
 * ```ts
 * const g = new Generator(42);
 * const a = rand([3], { generator: g });
 * g.manualSeed(42);
 * const b = rand([3], { generator: g }); // the same values as `a`
 * g.nextUint32(); // a raw 32-bit output
 * ```
 */
export class Generator {
  // the xoshiro128** state, held as int32 bit patterns
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  /** The second normal of the last polar-method pair, when not yet handed out. */
  private hasSpare = false;
  private spare = 0;
  private seed = DEFAULT_SEED;

  /**
   * @param seed - an integer in `[0, 2⁵³)`; defaults to {@link DEFAULT_SEED}
   */
  constructor(seed: number = DEFAULT_SEED) {
    this.reseed('Generator', seed);
  }

  /**
   * Resets the generator to the start of the sequence of `seed` (an integer in `[0, 2⁵³)`),
   * dropping any cached normal. Returns this generator.
   *
   * @example
   * ```ts
   * const g = new Generator().manualSeed(7);
   * ```
   */
  manualSeed(seed: number): this {
    this.reseed('Generator.manualSeed', seed);
    return this;
  }

  /**
   * The seed this generator was last seeded with (carried over by {@link Generator.setState}).
   *
   * @example
   * ```ts
   * new Generator(7).initialSeed(); // 7
   * ```
   */
  initialSeed(): number {
    return this.seed;
  }

  private reseed(op: string, seed: number): void {
    checkSeed(op, seed);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_32);
    let x = (lo + GOLDEN_GAMMA) >>> 0;
    this.s0 = lowbias32(x) | 0;
    x = ((x ^ hi) + GOLDEN_GAMMA) >>> 0;
    this.s1 = lowbias32(x) | 0;
    x = (x + GOLDEN_GAMMA) >>> 0;
    this.s2 = lowbias32(x) | 0;
    x = (x + GOLDEN_GAMMA) >>> 0;
    this.s3 = lowbias32(x) | 0;
    this.hasSpare = false;
    this.spare = 0;
    this.seed = seed;
  }

  /**
   * A copy of the full state, enough to resume bit-identically with {@link Generator.setState}.
   * Layout (9 words): `[0..3]` the xoshiro128** state `s0..s3`; `[4]` 1 when a second normal is
   * cached, else 0; `[5..6]` that normal's IEEE-754 float64 bits (low word, high word; 0 when none);
   * `[7..8]` the initial seed (low word, high word).
   *
   * @example
   * ```ts
   * const g = new Generator(1);
   * const saved = g.getState();
   * const x = g.nextFloat64();
   * g.setState(saved).nextFloat64() === x; // true
   * ```
   */
  getState(): Uint32Array {
    const out = new Uint32Array(STATE_WORDS);
    out[0] = this.s0;
    out[1] = this.s1;
    out[2] = this.s2;
    out[3] = this.s3;
    if (this.hasSpare) {
      out[4] = 1;
      scratch.setFloat64(0, this.spare, true);
      out[5] = scratch.getUint32(0, true);
      out[6] = scratch.getUint32(4, true);
    }
    out[7] = this.seed >>> 0;
    out[8] = Math.floor(this.seed / TWO_32);
    return out;
  }

  /**
   * Restores a state from {@link Generator.getState} (a `Uint32Array` or a plain array of
   * uint32 values, as JSON would give back). The state is validated: 9 words, not an all-zero
   * xoshiro state, a 0/1 cache flag with a finite cached normal, a seed below 2⁵³. Returns this
   * generator.
   *
   * @example
   * ```ts
   * const g = new Generator(1);
   * const copy = new Generator().setState(g.getState()); // continues exactly as g would
   * ```
   */
  setState(state: Uint32Array | readonly number[]): this {
    const op = 'Generator.setState';
    if (!(state instanceof Uint32Array) && !Array.isArray(state)) {
      throw new TypeError(`${op}: expected a Uint32Array (or array) of ${STATE_WORDS} words from getState(), got ${String(state)}`);
    }
    if (state.length !== STATE_WORDS) {
      throw new RangeError(`${op}: expected ${STATE_WORDS} state words, got ${state.length}`);
    }
    const w: number[] = [];
    for (let i = 0; i < STATE_WORDS; i++) {
      const v: unknown = state[i];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= TWO_32) {
        throw new RangeError(`${op}: state word ${i} must be an integer in [0, 2^32), got ${String(v)}`);
      }
      w.push(v);
    }
    const [s0, s1, s2, s3, flag, bitsLo, bitsHi, seedLo, seedHi] = w as [number, number, number, number, number, number, number, number, number];
    if ((s0 | s1 | s2 | s3) === 0) throw new RangeError(`${op}: the xoshiro128** state (words 0-3) must not be all zero`);
    let spare = 0;
    if (flag === 0) {
      if (bitsLo !== 0 || bitsHi !== 0) throw new RangeError(`${op}: words 5-6 must be 0 when no normal is cached (word 4 is 0)`);
    } else if (flag === 1) {
      scratch.setUint32(0, bitsLo, true);
      scratch.setUint32(4, bitsHi, true);
      spare = scratch.getFloat64(0, true);
      if (!Number.isFinite(spare)) throw new RangeError(`${op}: the cached normal (words 5-6) must be finite, got ${spare}`);
    } else {
      throw new RangeError(`${op}: word 4 (cached-normal flag) must be 0 or 1, got ${flag}`);
    }
    if (seedHi >= TWO_21) throw new RangeError(`${op}: the seed (words 7-8) must be below 2^53, got high word ${seedHi}`);
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
    this.hasSpare = flag === 1;
    this.spare = spare;
    this.seed = seedHi * TWO_32 + seedLo;
    return this;
  }

  /**
   * The next raw 32-bit output of xoshiro128**, an integer in `[0, 2³²)`.
   *
   * @example
   * ```ts
   * new Generator(0).nextUint32(); // an integer in [0, 4294967296)
   * ```
   */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    const s2 = this.s2 ^ s0;
    const s3 = this.s3 ^ s1;
    this.s1 = s1 ^ s2;
    this.s0 = s0 ^ s3;
    this.s2 = s2 ^ t;
    this.s3 = rotl(s3, 11);
    return result;
  }

  /**
   * A uniform double in `[0, 1)` with 53 random bits (two 32-bit outputs: the top 27 bits of the
   * first, the top 26 of the second).
   *
   * @example
   * ```ts
   * const u = new Generator(0).nextFloat64(); // 0 <= u < 1
   * ```
   */
  nextFloat64(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) * TWO_NEG_53;
  }

  /**
   * A uniform number in `[0, 1)` with 24 random bits (the top bits of one 32-bit output): exactly
   * representable as a float32, so it stays below 1 when stored in a `Float32Array`.
   *
   * @example
   * ```ts
   * const u = new Generator(0).nextFloat32(); // Math.fround(u) === u, u < 1
   * ```
   */
  nextFloat32(): number {
    return (this.nextUint32() >>> 8) * TWO_NEG_24;
  }

  /**
   * A uniform integer in `[0, n)` for an integer `1 ≤ n ≤ 2³²`, without modulo bias: 32-bit
   * outputs at or above the largest multiple of `n` are rejected and redrawn.
   *
   * @example
   * ```ts
   * const die = new Generator(0).nextBelow(6) + 1; // 1..6, each equally likely
   * ```
   */
  nextBelow(n: number): number {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > TWO_32) {
      throw new RangeError(`Generator.nextBelow: n must be an integer in [1, 2^32], got ${String(n)}`);
    }
    return this.below(n);
  }

  /** {@link Generator.nextBelow} without the argument check. */
  private below(n: number): number {
    const limit = TWO_32 - (TWO_32 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /**
   * A standard normal variate (mean 0, variance 1) by Marsaglia's polar method. Each accepted
   * pair of uniforms gives two normals: the second is cached and returned by the next call (and
   * saved by {@link Generator.getState}). Uses `Math.log`; see the module notes on determinism.
   *
   * @example
   * ```ts
   * const z = new Generator(0).nextNormal();
   * ```
   */
  nextNormal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      const z = this.spare;
      this.spare = 0;
      return z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      // 2·x − 1 is exact for x = k·2⁻⁵³: u, v lie in [−1, 1)
      u = 2 * this.nextFloat64() - 1;
      v = 2 * this.nextFloat64() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    this.hasSpare = true;
    return u * f;
  }
}

const defaultGen = new Generator(DEFAULT_SEED);

/**
 * The module-level generator that every sampling function uses when no `generator` option is
 * given. It starts seeded with {@link DEFAULT_SEED}.
 *
 * @example
 * ```ts
 * const saved = defaultGenerator().getState();
 * const a = rand([2]);
 * defaultGenerator().setState(saved);
 * const b = rand([2]); // equal to a
 * ```
 */
export function defaultGenerator(): Generator {
  return defaultGen;
}

/**
 * Reseeds the default generator (like `torch.manual_seed`) and returns it. `seed` must be an
 * integer in `[0, 2⁵³)`.
 *
 * @example
 * ```ts
 * manualSeed(0);
 * const a = randn([3]);
 * manualSeed(0);
 * const b = randn([3]); // the same values as a
 * ```
 */
export function manualSeed(seed: number): Generator {
  checkSeed('manualSeed', seed);
  return defaultGen.manualSeed(seed);
}

// ---------------------------------------------------------------- sampling functions

/**
 * The dtypes {@link randint} and {@link randperm} can produce.
 *
 * @example
 * ```ts
 * const dtype: RandintDType = 'float32';
 * randperm(10, { dtype }); // float32 values 0..9 in random order
 * ```
 */
export type RandintDType = 'int32' | 'float32' | 'float64';

/**
 * Options of the sampling functions.
 *
 * @example
 * ```ts
 * const opts: RandomOptions = { dtype: 'float64', generator: new Generator(3) };
 * rand([2, 2], opts);
 * ```
 */
export interface RandomOptions<D extends DType = FloatDType> {
  /** Element type: `float32` by default (`int32` for {@link randint} and {@link randperm}). */
  dtype?: D;
  /** The generator to draw from; the {@link defaultGenerator} when omitted or undefined. */
  generator?: Generator | undefined;
}

/** The generator option resolved against the default one. */
function resolveGenerator(op: string, generator: unknown): Generator {
  if (generator === undefined) return defaultGen;
  if (!(generator instanceof Generator)) {
    throw new TypeError(`${op}: generator must be a Generator, got ${generator === null ? 'null' : typeof generator}`);
  }
  return generator;
}

/** The dtype option of a float-valued sampler: float32 by default, float32/float64 only. */
function floatDType(op: string, dtype: unknown): FloatDType {
  const d = checkDType(op, dtype ?? 'float32');
  if (d !== 'float32' && d !== 'float64') throw new TypeError(`${op}: dtype must be float32 or float64, got ${JSON.stringify(d)}`);
  return d;
}

/** The dtype option of an integer-valued sampler: int32 by default; int32/float32/float64. */
function randintDType(op: string, dtype: unknown): RandintDType {
  const d = checkDType(op, dtype ?? 'int32');
  if (d !== 'int32' && d !== 'float32' && d !== 'float64') {
    throw new TypeError(`${op}: dtype must be int32, float32 or float64, got ${JSON.stringify(d)}`);
  }
  return d;
}

function checkFinite(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${op}: ${name} must be a finite number, got ${String(v)}`);
  return v;
}

/**
 * Validates `[low, high)` for a float dtype and returns a sampler of it. Every value is `< high`:
 * a sample that rounds up to `high` (possible when `low ≠ 0`) is redrawn.
 */
function uniformSampler(op: string, dtype: FloatDType, lowArg: unknown, highArg: unknown, g: Generator): () => number {
  const low = checkFinite(op, 'low', lowArg);
  const high = checkFinite(op, 'high', highArg);
  if (!(low <= high)) throw new RangeError(`${op}: expected low <= high, got low ${low} and high ${high}`);
  // an empty interval degenerates to the constant `low`, as torch.nn.init.uniform_(w, 0, 0) does;
  // it still consumes one draw per element so that later draws do not depend on the bounds
  if (low === high) {
    const v = dtype === 'float32' ? Math.fround(low) : low;
    const draw = dtype === 'float32' ? () => g.nextFloat32() : () => g.nextFloat64();
    return () => {
      draw();
      return v;
    };
  }
  const span = high - low;
  if (!Number.isFinite(span)) throw new RangeError(`${op}: high - low overflows for low ${low} and high ${high}`);
  if (dtype === 'float64') {
    return () => {
      for (;;) {
        const v = low + span * g.nextFloat64();
        if (v < high) return v;
      }
    };
  }
  if (Math.abs(low) > FLOAT32_MAX || Math.abs(high) > FLOAT32_MAX) {
    throw new RangeError(`${op}: low ${low} and high ${high} must lie within the float32 range`);
  }
  // a draw of 0 gives fround(low): that must be accepted, or the redraw loop could never end
  if (!(Math.fround(low) < high)) {
    throw new RangeError(`${op}: no float32 value in [${low}, ${high}): low rounds to ${Math.fround(low)}`);
  }
  return () => {
    for (;;) {
      const v = Math.fround(low + span * g.nextFloat32());
      if (v < high) return v;
    }
  };
}

/** Validates `mean` and `std` and returns a sampler of N(mean, std²) rounded to `dtype`. */
function normalSampler(op: string, dtype: FloatDType, meanArg: unknown, stdArg: unknown, g: Generator): () => number {
  const mean = checkFinite(op, 'mean', meanArg);
  const std = checkFinite(op, 'std', stdArg);
  if (std < 0) throw new RangeError(`${op}: std must be >= 0, got ${std}`);
  if (dtype === 'float64') return () => mean + std * g.nextNormal();
  return () => Math.fround(mean + std * g.nextNormal());
}

/** Fills fresh dense storage with `n` samples. */
function sampleArray<D extends DType>(dtype: D, shape: readonly number[], sample: () => number): NDArray<D> {
  const data = allocate(dtype, shapeSize(shape));
  for (let i = 0; i < data.length; i++) data[i] = sample();
  return new NDArray(data, dtype, shape);
}

/**
 * Uniform samples in `[0, 1)`, like `torch.rand`. float32 samples carry 24 random bits and
 * float64 samples 53, so neither can be 1.
 *
 * @param shape - the shape of the result
 * @param options - `dtype` (`float32` default, or `float64`) and `generator`
 * @example
 * ```ts
 * manualSeed(0);
 * const x = rand([2, 3]);                          // float32, values in [0, 1)
 * const y = rand([4], { dtype: 'float64', generator: new Generator(1) });
 * ```
 */
export function rand<D extends FloatDType = 'float32'>(shape: readonly number[], options: RandomOptions<D> = {}): NDArray<D> {
  const dtype = floatDType('rand', options.dtype);
  const g = resolveGenerator('rand', options.generator);
  const s = checkShape('rand', shape);
  return sampleArray(dtype as D, s, uniformSampler('rand', dtype, 0, 1, g));
}

/**
 * Standard normal samples (mean 0, variance 1), like `torch.randn`, by Marsaglia's polar method
 * (see {@link Generator.nextNormal}).
 *
 * @param shape - the shape of the result
 * @param options - `dtype` (`float32` default, or `float64`) and `generator`
 * @example
 * ```ts
 * const noise = randn([64, 10], { generator: new Generator(42) });
 * ```
 */
export function randn<D extends FloatDType = 'float32'>(shape: readonly number[], options: RandomOptions<D> = {}): NDArray<D> {
  const dtype = floatDType('randn', options.dtype);
  const g = resolveGenerator('randn', options.generator);
  const s = checkShape('randn', shape);
  return sampleArray(dtype as D, s, normalSampler('randn', dtype, 0, 1, g));
}

/**
 * Uniform samples in `[low, high)` (computed as `low + (high − low)·u`, then rounded to the dtype;
 * a value that rounds up to `high` is redrawn, so every value is below `high`). Requires finite
 * `low < high`. With `low = 0, high = 1` it gives the same values as {@link rand}.
 *
 * @param shape - the shape of the result
 * @param low - inclusive lower bound (default 0)
 * @param high - exclusive upper bound (default 1)
 * @param options - `dtype` (`float32` default, or `float64`) and `generator`
 * @example
 * ```ts
 * const w = uniform([128, 64], -0.1, 0.1, { generator: new Generator(0) });
 * ```
 */
export function uniform<D extends FloatDType = 'float32'>(
  shape: readonly number[],
  low = 0,
  high = 1,
  options: RandomOptions<D> = {},
): NDArray<D> {
  const dtype = floatDType('uniform', options.dtype);
  const g = resolveGenerator('uniform', options.generator);
  const s = checkShape('uniform', shape);
  return sampleArray(dtype as D, s, uniformSampler('uniform', dtype, low, high, g));
}

/**
 * Normal samples with mean `mean` and standard deviation `std` (finite, `std ≥ 0`), computed as
 * `mean + std·z` for standard normals `z` and rounded to the dtype. With `mean = 0, std = 1` it
 * gives the same values as {@link randn}.
 *
 * @param shape - the shape of the result
 * @param mean - the mean (default 0)
 * @param std - the standard deviation (default 1)
 * @param options - `dtype` (`float32` default, or `float64`) and `generator`
 * @example
 * ```ts
 * const w = normal([256, 128], 0, 0.02, { generator: new Generator(0) });
 * ```
 */
export function normal<D extends FloatDType = 'float32'>(
  shape: readonly number[],
  mean = 0,
  std = 1,
  options: RandomOptions<D> = {},
): NDArray<D> {
  const dtype = floatDType('normal', options.dtype);
  const g = resolveGenerator('normal', options.generator);
  const s = checkShape('normal', shape);
  return sampleArray(dtype as D, s, normalSampler('normal', dtype, mean, std, g));
}

/**
 * Uniform random integers in `[low, high)`, like `torch.randint(low, high, size)`, without modulo
 * bias (see {@link Generator.nextBelow}). Bounds are integers with `low < high`,
 * `low ≥ −2³¹` and `high ≤ 2³¹` (so every value fits int32); with a float32 dtype both must lie in
 * `[−2²⁴, 2²⁴]` so that every value is exact.
 *
 * @param low - inclusive lower bound
 * @param high - exclusive upper bound
 * @param shape - the shape of the result
 * @param options - `dtype` (`int32` default, `float32` or `float64`) and `generator`
 * @example
 * ```ts
 * const labels = randint(0, 10, [32], { generator: new Generator(0) }); // int32 class indices
 * ```
 */
export function randint<D extends RandintDType = 'int32'>(
  low: number,
  high: number,
  shape: readonly number[],
  options: RandomOptions<D> = {},
): NDArray<D> {
  const op = 'randint';
  const dtype = randintDType(op, options.dtype);
  const g = resolveGenerator(op, options.generator);
  const s = checkShape(op, shape);
  for (const [name, v] of [['low', low], ['high', high]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new RangeError(`${op}: ${name} must be an integer, got ${String(v)}`);
  }
  if (!(low < high)) throw new RangeError(`${op}: expected low < high, got low ${low} and high ${high}`);
  if (low < INT32_MIN || high > INT32_LIMIT) {
    throw new RangeError(`${op}: bounds must satisfy -2^31 <= low and high <= 2^31 (int32 values), got low ${low} and high ${high}`);
  }
  if (dtype === 'float32' && (low < -FLOAT32_INT_LIMIT || high > FLOAT32_INT_LIMIT)) {
    throw new RangeError(`${op}: float32 holds integers exactly only in [-2^24, 2^24]; got low ${low} and high ${high}`);
  }
  const n = high - low;
  return sampleArray(dtype as D, s, () => low + g.nextBelow(n));
}

/**
 * A random permutation of `0, 1, …, n − 1`, like `torch.randperm`, by the Fisher–Yates
 * (Durstenfeld) shuffle: for `i = n−1 … 1`, swap element `i` with a uniform element of `[0, i]`.
 * `n` is an integer in `[0, 2³¹]` (up to `2²⁴ + 1` for float32).
 *
 * @param n - the number of elements
 * @param options - `dtype` (`int32` default, `float32` or `float64`) and `generator`
 * @example
 * ```ts
 * const order = randperm(60000, { generator: new Generator(0) }); // shuffled sample indices
 * ```
 */
export function randperm<D extends RandintDType = 'int32'>(n: number, options: RandomOptions<D> = {}): NDArray<D> {
  const op = 'randperm';
  const dtype = randintDType(op, options.dtype);
  const g = resolveGenerator(op, options.generator);
  const max = dtype === 'float32' ? FLOAT32_INT_LIMIT + 1 : INT32_LIMIT;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > max) {
    throw new RangeError(`${op}: n must be an integer in [0, ${max}] for ${dtype}, got ${String(n)}`);
  }
  const data: DTypeArrayMap[RandintDType] = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.nextBelow(i + 1);
    const t = data[i]!;
    data[i] = data[j]!;
    data[j] = t;
  }
  return new NDArray(data as DTypeArrayMap[D], dtype as D, [n]);
}

// ---------------------------------------------------------------- in-place fills

/** Checks that `a` is a float NDArray whose elements do not share memory. */
function checkFillTarget(op: string, a: unknown): NDArray<FloatDType> {
  if (!(a instanceof NDArray)) throw new TypeError(`${op}: expected an NDArray, got ${a === null ? 'null' : typeof a}`);
  if (a.dtype !== 'float32' && a.dtype !== 'float64') {
    throw new TypeError(`${op}: the array must have a float dtype (float32 or float64), got ${a.dtype}`);
  }
  for (let d = 0; d < a.ndim; d++) {
    if (a.strides[d] === 0 && a.shape[d]! > 1) {
      throw new RangeError(
        `${op}: cannot fill an array whose elements share memory (dim ${d} of shape ${formatShape(a.shape)} has stride 0, e.g. from expand()); fill a contiguous copy instead`,
      );
    }
  }
  return a as NDArray<FloatDType>;
}

/** Writes `sample()` into every element of `a` in row-major order, following its strides. */
function fillInPlace(a: NDArray<FloatDType>, sample: () => number): void {
  const data = a.data;
  if (a.isContiguous()) {
    const end = a.offset + a.size;
    for (let i = a.offset; i < end; i++) data[i] = sample();
    return;
  }
  const step = a.ndim > 0 ? a.strides[a.ndim - 1]! : 1;
  forEachRow(a.shape, [a.strides], [a.offset], (offsets, n) => {
    let o = offsets[0]!;
    for (let i = 0; i < n; i++, o += step) data[o] = sample();
  });
}

/**
 * Overwrites every element of the float array `a` with uniform samples in `[low, high)`, in place
 * (PyTorch's `tensor.uniform_`, used by `nn.init`), and returns `a`. Views are filled through
 * their strides, in row-major order, so `a` receives the same values as {@link uniform} would give
 * for its shape; arrays with stride-0 (expanded) dims are rejected.
 *
 * @param a - a float32 or float64 array, possibly a non-contiguous view
 * @param low - inclusive lower bound (default 0)
 * @param high - exclusive upper bound (default 1)
 * @param generator - the generator (default: {@link defaultGenerator})
 * @example
 * ```ts
 * const w = zeros([64, 32]);
 * const bound = 1 / Math.sqrt(32);
 * uniform_(w, -bound, bound);
 * ```
 */
export function uniform_<A extends NDArray>(a: A, low = 0, high = 1, generator?: Generator): A {
  const t = checkFillTarget('uniform_', a);
  const g = resolveGenerator('uniform_', generator);
  fillInPlace(t, uniformSampler('uniform_', t.dtype, low, high, g));
  return a;
}

/**
 * Overwrites every element of the float array `a` with normal samples of mean `mean` and standard
 * deviation `std`, in place (PyTorch's `tensor.normal_`, used by `nn.init`), and returns `a`.
 * Views are filled through their strides in row-major order, matching {@link normal}; arrays with
 * stride-0 (expanded) dims are rejected.
 *
 * @param a - a float32 or float64 array, possibly a non-contiguous view
 * @param mean - the mean (default 0)
 * @param std - the standard deviation, `≥ 0` (default 1)
 * @param generator - the generator (default: {@link defaultGenerator})
 * @example
 * ```ts
 * const w = zeros([128, 784]);
 * normal_(w, 0, Math.sqrt(2 / 784), new Generator(0)); // He initialisation
 * ```
 */
export function normal_<A extends NDArray>(a: A, mean = 0, std = 1, generator?: Generator): A {
  const t = checkFillTarget('normal_', a);
  const g = resolveGenerator('normal_', generator);
  fillInPlace(t, normalSampler('normal_', t.dtype, mean, std, g));
  return a;
}
