/**
 * Timing and comparison primitives: one timed call, a median of timed samples (each sample
 * repeating a fast call enough times to be measurable), the largest batch that fits a time budget,
 * and the relative error of the correctness check.
 */

/** A call to time: complete when it returns (synchronous engines) or resolves (asynchronous ones). */
export type Call = () => void | Promise<void>;

/** The median of a non-empty list (the mean of the two middle values for an even length). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median: no values');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Milliseconds one call takes (wall clock, `performance.now()`). */
export async function timeOnce(call: Call): Promise<number> {
  const t0 = performance.now();
  await call();
  return performance.now() - t0;
}

/** How {@link measure} samples. */
export interface MeasureOptions {
  /** Timed samples whose median is reported. */
  runs: number;
  /** Untimed calls first (beyond the correctness check, which already ran once). */
  warmups: number;
  /**
   * Then more untimed calls until the warm-up has lasted this long: a steady state for the
   * allocator and the garbage collector too (the first calls that allocate multi-megabyte
   * outputs can pay page faults for every page until a collection returns memory for reuse),
   * and the optimizing compilers' tier-up.
   */
  warmupMs?: number;
  /**
   * …and until at least this many calls: V8 optimizes a function after enough calls, not after
   * enough time, so a slow call with many small JavaScript functions (a training step) needs about
   * ten calls to reach its steady state, however long they take…
   */
  warmupCalls?: number;
  /** …unless the warm-up has lasted this long (a multi-second call is not repeated ten times). */
  warmupCapMs?: number;
  /** A sample repeats the call until it lasts about this long (for µs-scale calls). */
  minSampleMs: number;
  /** The duration of a call seen before (the check call), to size samples when there is no warm-up. */
  lastCallMs: number;
}

/** What {@link measure} returns. */
export interface Measurement {
  /** The median over samples of the time per call. */
  ms: number;
  /** Time per call of each sample. */
  samples: number[];
  /** Calls averaged in each sample. */
  callsPerSample: number;
}

/** Medians of `runs` samples after `warmups` calls; fast calls are repeated within each sample. */
export async function measure(call: Call, options: MeasureOptions): Promise<Measurement> {
  let last = options.lastCallMs;
  let warm = 0;
  for (let i = 0; i < options.warmups; i++) {
    last = await timeOnce(call);
    warm += last;
  }
  // only after at least one warm-up call: a run without warm-up stays without
  let calls = options.warmups;
  const cap = options.warmupCapMs ?? Infinity;
  while (options.warmups > 0 && (warm < (options.warmupMs ?? 0) || calls < (options.warmupCalls ?? 0)) && warm < cap) {
    last = await timeOnce(call);
    warm += last;
    calls++;
  }
  const callsPerSample = last >= options.minSampleMs ? 1 : Math.min(100_000, Math.ceil(options.minSampleMs / Math.max(last, 1e-4)));
  const samples: number[] = [];
  for (let r = 0; r < options.runs; r++) {
    const t0 = performance.now();
    for (let i = 0; i < callsPerSample; i++) await call();
    samples.push((performance.now() - t0) / callsPerSample);
  }
  return { ms: median(samples), samples, callsPerSample };
}

/**
 * The batch to measure at: `full` when `msPerSample · full` fits in `maxCallMs`, else the largest
 * divisor of `full` that fits (at least 1), so that the result scales back by an integer factor.
 */
export function fitBatch(full: number, msPerSample: number, maxCallMs: number): number {
  if (msPerSample * full <= maxCallMs) return full;
  for (let d = full - 1; d > 1; d--) if (full % d === 0 && msPerSample * d <= maxCallMs) return d;
  return 1;
}

/**
 * The relative error of `actual` against `expected`: `max |a − e| / max |e|` (normwise, so
 * near-zero elements do not blow it up); Infinity when the lengths differ or a value is NaN.
 */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (Number.isNaN(d)) return Infinity;
    diff = Math.max(diff, d);
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** The largest {@link relativeError} over outputs compared pairwise (Infinity when the counts differ). */
export function maxRelativeError(actual: readonly Float32Array[], expected: readonly Float32Array[]): number {
  if (actual.length !== expected.length) return Infinity;
  return actual.reduce((worst, a, i) => Math.max(worst, relativeError(a, expected[i]!)), 0);
}
