/**
 * What every fuzz file shares: the run budget (CI profile or `pnpm fuzz`), the backends to run
 * against, seeded test data, and conversions between the library's NDArray and the reference's
 * dense arrays.
 *
 * Budget: by default (the CI profile) each property runs its own small `numRuns` from one fixed
 * seed, so that CI is reproducible and fast. `scripts/fuzz.mjs` (`pnpm fuzz --runs N [--seed S]`)
 * sets FUZZ_RUNS and FUZZ_SEED to run the same properties longer, from a random or given seed.
 */
import fc from 'fast-check';
import { it } from 'vitest';
import { NDArray, jsBackend, setBackend, type Backend } from '@torchlet/ndarray';
import type * as WasmModule from '@torchlet/backend-wasm';
import { size, stridesOf, unitRoundoff, withinBound, type Dense } from './reference.js';

/** The CI seed: fixed, so that a red CI run replays exactly. */
export const CI_SEED = 20251127;

const envRuns = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : null;
const envSeed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : null;
if (envRuns !== null && !(Number.isInteger(envRuns) && envRuns > 0)) throw new Error(`FUZZ_RUNS must be a positive integer, got ${process.env.FUZZ_RUNS}`);
if (envSeed !== null && !Number.isInteger(envSeed)) throw new Error(`FUZZ_SEED must be an integer, got ${process.env.FUZZ_SEED}`);

/** The base seed of this run. */
export const BASE_SEED = envSeed ?? CI_SEED;

/** A 32-bit hash of a property's name, so that properties draw independent streams from one base seed. */
function hash(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h | 0;
}

/**
 * fast-check parameters of one property: `ciRuns` in the CI profile; in a long run, FUZZ_RUNS
 * times `longScale` (below 1 for the properties whose cases are expensive).
 */
export function params(name: string, ciRuns: number, longScale = 1): fc.Parameters<unknown> {
  const numRuns = envRuns === null ? ciRuns : Math.max(ciRuns, Math.ceil(envRuns * longScale));
  return { seed: (BASE_SEED ^ hash(name)) | 0, numRuns, endOnFailure: false };
}

/**
 * Runs a property with {@link params}: fast-check's report carries the seed and path to replay.
 * The body may return a label ('valid', 'invalid', …); with FUZZ_STATS set, the count of each
 * label is printed, to see what the generators actually cover.
 */
export function check<T>(name: string, ciRuns: number, arb: fc.Arbitrary<T>, body: (v: T) => string | void, longScale = 1): void {
  const counts = new Map<string, number>();
  fc.assert(
    fc.property(arb, (v) => {
      const label = body(v) ?? 'checked';
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }),
    params(name, ciRuns, longScale) as fc.Parameters<[T]>,
  );
  if (process.env.FUZZ_STATS) console.log(`${name}: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')} (shrinking included)`);
}

// ------------------------------------------------------------------ backends

export interface NamedBackend {
  name: string;
  backend: Backend;
}

/** jsBackend, plus @torchlet/backend-wasm's builds when the package is built and loads here. */
async function loadBackends(): Promise<{ backends: NamedBackend[]; skipped: string[] }> {
  const backends: NamedBackend[] = [{ name: 'js', backend: jsBackend }];
  const skipped: string[] = [];
  try {
    // imported lazily: without its build (src/generated/, from `pnpm build`) only this backend is skipped
    const specifier = '@torchlet/backend-wasm';
    const wasm = (await import(/* @vite-ignore */ specifier)) as typeof WasmModule;
    for (const build of ['relaxed-simd', 'simd'] as const) {
      if (!wasm.isBuildSupported(build)) {
        skipped.push(`wasm ${build} (not supported by this engine; Node 20 needs --experimental-wasm-relaxed-simd)`);
        continue;
      }
      backends.push({ name: `wasm-${build}`, backend: await wasm.createWasmBackend({ build }) });
    }
  } catch (e) {
    skipped.push(`wasm (createWasmBackend failed: ${(e as Error).message.split('\n')[0]})`);
  }
  // FUZZ_BACKENDS (pnpm fuzz --backend NAME): only the backends whose name starts with NAME
  const only = process.env.FUZZ_BACKENDS;
  if (!only) return { backends, skipped };
  for (const b of backends) if (!b.name.startsWith(only)) skipped.push(`${b.name} (FUZZ_BACKENDS=${only})`);
  return { backends: backends.filter((b) => b.name.startsWith(only)), skipped };
}

const loaded = await loadBackends();
/** The backends every property runs against. */
export const BACKENDS = loaded.backends;
/** Backends that could not be loaded, with why (each shows up as a skipped test). */
export const SKIPPED_BACKENDS = loaded.skipped;

/** Registers a visibly skipped test per backend that could not be loaded. */
export function reportSkippedBackends(): void {
  for (const why of SKIPPED_BACKENDS) {
    it.skip(`backend ${why}`, () => {});
  }
}

// ------------------------------------------------------------------ data

/** A small seeded PRNG (mulberry32), independent of the library's Generator. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Values for a test array: with `ties`, small integers (so maxima tie and sums are exact), else
 * uniform in [−2, 2) rounded to float32 so the reference sees exactly what the library sees.
 */
export function values(n: number, seed: number, ties = false): Float64Array {
  const r = rng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = ties ? Math.floor(r() * 5) - 2 : Math.fround(r() * 4 - 2);
  return out;
}

export type FloatDType = 'float32' | 'float64';

/** A dense reference array and the same values as a library NDArray. */
export function make(
  shape: readonly number[],
  seed: number,
  dtype: FloatDType,
  ties = false,
  layout: Layout = 'contiguous',
): { ref: Dense; nd: NDArray<FloatDType> } {
  const ref = { data: values(size(shape), seed, ties), shape: [...shape] };
  return { ref, nd: viewOf(ref, dtype, layout) };
}

/** How a test array is laid out in memory (see {@link viewOf}). */
export type Layout = 'contiguous' | 'permuted' | 'strided';
/** Every layout, for `fc.constantFrom(...LAYOUTS)`. */
export const LAYOUTS: readonly Layout[] = ['contiguous', 'permuted', 'strided'];

/**
 * The logical values of any NDArray view (strides, offset, broadcast), read with our own index
 * arithmetic from its public `data`/`strides`/`offset`.
 */
export function toDense(a: NDArray): Dense {
  const n = size(a.shape);
  const out = new Float64Array(n);
  const idx = new Array<number>(a.shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let off = a.offset;
    for (let d = 0; d < idx.length; d++) off += idx[d]! * a.strides[d]!;
    out[k] = a.data[off]!;
    for (let d = a.shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < a.shape[d]!) break;
      idx[d] = 0;
    }
  }
  return { data: out, shape: [...a.shape] };
}

/**
 * A view of `ref`'s values with a layout chosen by `layout`: contiguous, transposed storage (a
 * permuted view), or a strided slice of a larger array. The logical values are always `ref`'s.
 */
export function viewOf(ref: Dense, dtype: FloatDType, layout: Layout): NDArray<FloatDType> {
  const nd = ref.shape.length;
  const T = dtype === 'float32' ? Float32Array : Float64Array;
  if (layout === 'contiguous' || nd === 0) return new NDArray(T.from(ref.data), dtype, ref.shape);
  if (layout === 'permuted') {
    // store the dims in reverse order, then permute back
    const rev = [...ref.shape].reverse();
    const storage = new T(size(rev));
    const rs = stridesOf(rev);
    let k = 0;
    const idx = new Array<number>(nd).fill(0);
    for (let i = 0; i < ref.data.length; i++, k++) {
      let off = 0;
      for (let d = 0; d < nd; d++) off += idx[d]! * rs[nd - 1 - d]!;
      storage[off] = ref.data[k]!;
      for (let d = nd - 1; d >= 0; d--) {
        if (++idx[d]! < ref.shape[d]!) break;
        idx[d] = 0;
      }
    }
    const back = rev.map((_, d) => nd - 1 - d);
    return new NDArray(storage, dtype, rev).permute(back);
  }
  // strided: every other element of the last dim, from offset 1, of a larger buffer
  const big = [...ref.shape];
  big[nd - 1] = 2 * big[nd - 1]! + 1;
  const storage = new T(size(big)).fill(NaN);
  const bs = stridesOf(big);
  const idx = new Array<number>(nd).fill(0);
  for (let k = 0; k < ref.data.length; k++) {
    let off = 1;
    for (let d = 0; d < nd; d++) off += idx[d]! * bs[d]! * (d === nd - 1 ? 2 : 1);
    storage[off] = ref.data[k]!;
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d]! < ref.shape[d]!) break;
      idx[d] = 0;
    }
  }
  return new NDArray(storage, dtype, ref.shape, bs.map((s, d) => (d === nd - 1 ? 2 : s)), 1);
}

/** Runs `fn` with `backend` installed as the current backend, then restores the previous one. */
export function withBackend<T>(backend: Backend, fn: () => T): T {
  const previous = setBackend(backend);
  try {
    return fn();
  } finally {
    setBackend(previous);
  }
}

// ------------------------------------------------------------------ assertions

/**
 * Throws (failing the property) unless `got` has `want`'s shape and every element is within the
 * rounding bound of {@link withinBound}; `exact` compares bit for bit instead.
 */
export function expectClose(
  what: string,
  got: NDArray,
  want: Dense & { mag?: Float64Array; terms?: Float64Array; tol?: Float64Array },
  dtype: FloatDType | 'int32',
  exact = false,
): void {
  const g = toDense(got);
  if (g.shape.length !== want.shape.length || g.shape.some((s, i) => s !== want.shape[i])) {
    throw new Error(`${what}: shape [${g.shape.join(', ')}], expected [${want.shape.join(', ')}]`);
  }
  if (got.dtype !== dtype) throw new Error(`${what}: dtype ${got.dtype}, expected ${dtype}`);
  const u = dtype === 'int32' ? 0 : unitRoundoff(dtype);
  for (let i = 0; i < g.data.length; i++) {
    const a = g.data[i]!;
    const b = dtype === 'float32' && exact ? Math.fround(want.data[i]!) : want.data[i]!;
    const ok = want.tol
      ? Object.is(a, b) || Math.abs(a - b) <= want.tol[i]!
      : exact || !want.mag
        ? Object.is(a, b) || a === b
        : withinBound(a, b, want.mag[i]!, want.terms![i]!, u);
    if (!ok) {
      const limit = want.tol ? want.tol[i]! : want.mag ? (want.terms![i]! + 2) * u * want.mag[i]! : 0;
      const bound = want.mag || want.tol ? ` (bound ${limit.toExponential(2)})` : '';
      throw new Error(`${what}: element ${i} of shape [${g.shape.join(', ')}] is ${a}, expected ${b}${bound}`);
    }
  }
}

/** Throws unless `fn` throws a RangeError or TypeError whose message starts with `op:`. */
export function expectRejects(op: string, fn: () => unknown): void {
  let result: unknown;
  try {
    result = fn();
  } catch (e) {
    if (!(e instanceof RangeError || e instanceof TypeError)) throw new Error(`${op}: threw ${String(e)}, expected a RangeError or TypeError`, { cause: e });
    if (!e.message.startsWith(`${op}:`)) throw new Error(`${op}: the error does not name the op: ${e.message}`, { cause: e });
    return;
  }
  const shape = result instanceof NDArray ? ` an array of shape [${result.shape.join(', ')}]` : ` ${String(result)}`;
  throw new Error(`${op}: an invalid call returned${shape} instead of throwing`);
}
