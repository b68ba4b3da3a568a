/**
 * The harness: loads the engines, then for every selected workload, direction and engine picks the
 * batch to measure at (one call at batch 1 estimates the full batch; a call over budget is measured
 * on a smaller batch and scaled linearly), checks the engine's output against torchlet's reference
 * kernels on the same inputs, and takes the median of timed samples. Every outcome, unsupported or
 * wrong ones included, becomes a {@link Row}.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, availableParallelism, cpus, loadavg, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isUnsupported, type Engine, type Op, type Prepared } from './engines/engine.js';
import { jaxEngines } from './engines/jax.js';
import { tfjsEngines } from './engines/tfjs.js';
import { referenceEngine, torchletEngines } from './engines/torchlet.js';
import { fitBatch, maxRelativeError, measure, median, timeOnce } from './stats.js';
import {
  WORKLOADS,
  batchOf,
  convInputs,
  directionsOf,
  firstSamples,
  flopsOf,
  lenetInputs,
  matmulInputs,
  poolInputs,
  withBatch,
  type ConvInputs,
  type Direction,
  type LenetInputs,
  type MatmulInputs,
  type PoolInputs,
  type Workload,
} from './workloads.js';

/** How a run measures (see {@link benchOptions} for the defaults of full and quick runs). */
export interface BenchOptions {
  /** A smoke run: few samples, a small time budget per call (so most cases run on a smaller batch). */
  quick: boolean;
  /** Case-insensitive substrings of workload ids or kinds to run (null: all). */
  filter: readonly string[] | null;
  /** Case-insensitive substrings of engine names to run (null: all). */
  engines: readonly string[] | null;
  /** Thread counts of torchlet's wasm backend. */
  threads: readonly number[];
  /** Timed samples per row (the median is reported). */
  runs: number;
  /**
   * Samples for a call still over `maxCallMs` at batch 1 (null: `runs`); a quick run takes none and
   * reports the time of the correctness-check call itself.
   */
  slowRuns: number | null;
  /** Untimed calls before the samples (beyond the correctness check). */
  warmups: number;
  /** …continued until the warm-up has lasted this long (see `MeasureOptions.warmupMs`). */
  warmupMs: number;
  /** …and for at least this many calls, unless it has lasted `warmupCapMs` (see `MeasureOptions.warmupCalls`). */
  warmupCalls: number;
  /** The longest a warm-up continues to reach `warmupCalls`. */
  warmupCapMs: number;
  /** A call estimated to take longer is measured on a smaller batch and scaled. */
  maxCallMs: number;
  /**
   * A row whose call at batch 1 is predicted (from the engine's earlier rows) to take longer is
   * skipped; a first call at batch 1 shorter than this (or than `maxCallMs`) is timed a second time.
   */
  maxProbeMs: number;
  /** Fast calls are repeated until a sample lasts this long. */
  minSampleMs: number;
  /** Largest relative error of the correctness check that counts as a match. */
  tolerance: number;
  /** Called once the engines are loaded, before measuring (the header; `loadavgEnd` and `seconds` are not final). */
  onStart?: (meta: Meta) => void;
  /** Called with each workload's rows once they are measured (progress). */
  onWorkload?: (workload: Workload, rows: Row[]) => void;
}

/** The defaults: a full run (≥ 7 samples, ~10 s per call at most) or a quick smoke run. */
export function benchOptions(quick: boolean, overrides: Partial<BenchOptions> = {}): BenchOptions {
  const base: BenchOptions = quick
    ? { quick, filter: null, engines: null, threads: [1, 2], runs: 2, slowRuns: 0, warmups: 0, warmupMs: 0, warmupCalls: 0, warmupCapMs: 0, maxCallMs: 300, maxProbeMs: 2000, minSampleMs: 2, tolerance: 1e-3 }
    : { quick, filter: null, engines: null, threads: [1, 2], runs: 7, slowRuns: null, warmups: 1, warmupMs: 500, warmupCalls: 10, warmupCapMs: 5000, maxCallMs: 10_000, maxProbeMs: Infinity, minSampleMs: 10, tolerance: 1e-3 };
  return { ...base, ...overrides };
}

/** What became of a row. */
export type RowStatus = 'ok' | 'mismatch' | 'unsupported' | 'skipped' | 'error';

/** One measurement: a workload direction on one engine (the JSON report's rows). */
export interface Row {
  workload: string;
  direction: Direction;
  engine: string;
  threads: number;
  /** Median milliseconds per call at the full batch (scaled when measured on a smaller one); null when not measured. */
  ms: number | null;
  /** FLOPs of a full-batch call / `ms`, in GFLOP/s (null where FLOPs are not defined). */
  gflops: number | null;
  /** Batch scaling, mismatch, unsupported kernel, error… (empty when there is nothing to say). */
  note: string;
  status: RowStatus;
  /** The batch it was measured at (null when the workload has none). */
  batch: number | null;
  /** The workload's batch. */
  fullBatch: number | null;
  /** Timed samples behind the median. */
  runs: number;
  /** Calls averaged within each sample. */
  callsPerSample: number;
  /** The correctness check's relative error against torchlet-js (null when not checked). */
  maxRelErr: number | null;
}

/** The machine and the run's settings (the report header). */
export interface Meta {
  date: string;
  quick: boolean;
  cpu: string;
  logicalCpus: number;
  platform: string;
  node: string;
  v8: string;
  /** 1, 5 and 15-minute load averages when the run started and ended. */
  loadavgStart: number[];
  loadavgEnd: number[];
  seconds: number;
  engines: { name: string; threads: number; description: string }[];
  /** Engines that did not load, thread counts not granted, and similar. */
  notes: string[];
  options: { runs: number; warmups: number; warmupMs?: number; warmupCalls?: number; warmupCapMs?: number; maxCallMs: number; tolerance: number; filter: readonly string[] | null };
}

/** A whole run: what `--json` writes and `--markdown` renders. */
export interface Report {
  meta: Meta;
  workloads: { id: string; title: string; kind: Workload['kind']; flops: number | null }[];
  rows: Row[];
}

type Inputs = ConvInputs | MatmulInputs | PoolInputs | LenetInputs;

/** Whether `w` is selected by `filter`. */
export function selected(w: Workload, filter: readonly string[] | null): boolean {
  if (filter === null) return true;
  return filter.some((f) => w.id.toLowerCase().includes(f.toLowerCase()) || w.kind === f.toLowerCase());
}

function makeInputs(w: Workload): Inputs | null {
  switch (w.kind) {
    case 'conv':
      return convInputs(w);
    case 'matmul':
      return matmulInputs(w);
    case 'pool':
      return poolInputs(w);
    case 'lenet':
      return lenetInputs(w);
    case 'epoch':
      return null;
  }
}

/** The inputs of the first `n` samples (views of the full inputs). */
function inputsAt(w: Workload, all: Inputs, n: number): Inputs {
  const N = batchOf(w);
  if (N === null || n === N) return all;
  const cut = <T extends Float32Array | Int32Array>(a: T): T => firstSamples(a, N, n);
  if ('labels' in all) return { ...all, x: cut(all.x), labels: cut(all.labels) };
  if ('gy' in all && 'w' in all) return { ...all, x: cut(all.x), gy: cut(all.gy) };
  if ('gy' in all) return { x: cut(all.x), gy: cut(all.gy) };
  return all;
}

function prepare(engine: Engine, w: Workload, direction: Direction, inputs: Inputs): Promise<Prepared> {
  switch (w.kind) {
    case 'conv':
      return engine.conv(w, direction, inputs as ConvInputs);
    case 'matmul':
      return engine.matmul(w, inputs as MatmulInputs);
    case 'pool':
      return engine.pool(w, direction, inputs as PoolInputs);
    case 'lenet':
      return engine.lenetStep(w, inputs as LenetInputs);
    case 'epoch':
      return Promise.resolve({ unsupported: 'an epoch is measured by running apps/train' });
  }
}

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

/** Measures every selected workload on every loaded engine. */
export async function runBench(options: BenchOptions): Promise<Report> {
  const started = performance.now();
  const loadavgStart = loadavg();
  const date = new Date().toISOString();
  const torchlet = await torchletEngines(options.threads);
  const [tfjs, jax] = [await tfjsEngines(), await jaxEngines()];
  const notes = [...torchlet.notes, ...tfjs.notes, ...jax.notes];
  const engines = [...torchlet.engines, ...tfjs.engines, ...jax.engines].filter(
    (e) => options.engines === null || options.engines.some((f) => e.name.toLowerCase().includes(f.toLowerCase())),
  );
  const makeMeta = (): Meta => {
    const cpu = cpus();
    return {
      date,
      quick: options.quick,
      cpu: cpu[0]?.model.trim() ?? 'unknown CPU',
      logicalCpus: cpu.length,
      platform: `${platform()} ${arch()}`,
      node: process.version,
      v8: process.versions.v8,
      loadavgStart,
      loadavgEnd: loadavg(),
      seconds: (performance.now() - started) / 1000,
      engines: engines.map((e) => ({ name: e.name, threads: e.threads, description: e.description })),
      notes,
      options: { runs: options.runs, warmups: options.warmups, warmupMs: options.warmupMs, warmupCalls: options.warmupCalls, warmupCapMs: options.warmupCapMs, maxCallMs: options.maxCallMs, tolerance: options.tolerance, filter: options.filter },
    };
  };
  options.onStart?.(makeMeta());
  const reference = referenceEngine();
  const workloads = WORKLOADS.filter((w) => selected(w, options.filter));
  const rows: Row[] = [];
  // the slowest GFLOP/s seen per engine and direction, to skip hopeless probes in quick runs
  const slowest = new Map<string, number>();
  try {
    for (const w of workloads) {
      const wRows: Row[] = [];
      if (w.kind === 'epoch') {
        wRows.push(await measureEpoch(w, options));
      } else {
        const all = makeInputs(w)!;
        const refCache = new Map<string, Float32Array[]>();
        for (const direction of directionsOf(w)) {
          for (const engine of engines) {
            if (!engine.supports(w)) continue;
            const row = await measureRow({ engine, reference, w, direction, all, refCache, slowest, options });
            wRows.push(row);
          }
        }
      }
      rows.push(...wRows);
      options.onWorkload?.(w, wRows);
    }
  } finally {
    for (const e of [...torchlet.engines, ...tfjs.engines, ...jax.engines]) await e.close().catch(() => undefined);
    await reference.activate();
  }
  const meta = makeMeta();
  return { meta, workloads: workloads.map((w) => ({ id: w.id, title: w.title, kind: w.kind, flops: flopsOf(w) })), rows };
}

interface RowContext {
  engine: Engine;
  reference: Engine;
  w: Exclude<Workload, { kind: 'epoch' }>;
  direction: Direction;
  all: Inputs;
  refCache: Map<string, Float32Array[]>;
  slowest: Map<string, number>;
  options: BenchOptions;
}

/** One engine on one workload direction: batch choice, correctness check, timing. */
async function measureRow(ctx: RowContext): Promise<Row> {
  const { engine, w, direction, options } = ctx;
  const N = batchOf(w);
  const row: Row = {
    workload: w.id,
    direction,
    engine: engine.name,
    threads: engine.threads,
    ms: null,
    gflops: null,
    note: '',
    status: 'ok',
    batch: N,
    fullBatch: N,
    runs: 0,
    callsPerSample: 0,
    maxRelErr: null,
  };
  const speedKey = `${engine.name}/${engine.threads}/${w.kind}/${direction}`;
  let op: Op | null = null;
  try {
    // a quick run skips a case whose call at batch 1 would already exceed the probe budget
    const flops1 = flopsOf(withBatch(w, 1));
    const slowest = ctx.slowest.get(speedKey);
    if (flops1 !== null && slowest !== undefined && flops1 / (slowest * 1e6) > options.maxProbeMs) {
      row.status = 'skipped';
      row.note = `skipped: ~${(flops1 / (slowest * 1e9)).toFixed(0)} s per call${N !== null && N > 1 ? ' even at N=1' : ''} (at its ${slowest.toPrecision(2)} GFLOP/s on earlier cases)`;
      return row;
    }
    let batch = N;
    let actual: Float32Array[] | null = null;
    let lastCallMs = NaN;
    let warmups = options.warmups;
    await engine.activate();
    if (N !== null && N > 1) {
      // estimate from batch 1: the first call (also the correctness check if batch 1 is kept), then
      // a second one unless the first was very long (the first may include compiling kernels)
      const probe = await prepare(engine, withBatch(w, 1), direction, inputsAt(w, ctx.all, 1));
      if (isUnsupported(probe)) return { ...row, status: 'unsupported', note: `unsupported: ${probe.unsupported}` };
      op = probe;
      const t0 = performance.now();
      const first = await probe.output();
      let t = performance.now() - t0;
      const second = t <= Math.max(options.maxCallMs, options.maxProbeMs);
      if (second) t = Math.min(t, await timeOnce(() => probe.run()));
      batch = fitBatch(N, t, options.maxCallMs);
      if (batch === 1) {
        actual = first;
        lastCallMs = t;
        // the probe's second call was this op's warm-up
        if (second) warmups = Math.max(0, warmups - 1);
      } else {
        probe.dispose();
        op = null;
      }
    }
    const wb = withBatch(w, batch ?? 1);
    const expected = await referenceOutput(ctx, wb, batch);
    await engine.activate();
    if (op === null) {
      const prepared = await prepare(engine, wb, direction, inputsAt(w, ctx.all, batch ?? 1));
      if (isUnsupported(prepared)) return { ...row, status: 'unsupported', note: `unsupported: ${prepared.unsupported}` };
      op = prepared;
      // the correctness check is also the first (warm-up) call
      const t0 = performance.now();
      actual = await prepared.output();
      lastCallMs = performance.now() - t0;
    }
    const ready = op;
    row.maxRelErr = maxRelativeError(actual!, expected);
    const notes: string[] = [];
    if (!(row.maxRelErr <= options.tolerance)) {
      row.status = 'mismatch';
      notes.push(`MISMATCH: relative error ${row.maxRelErr.toExponential(1)} vs torchlet-js (tolerance ${options.tolerance})${ready.mismatchHint ? `: ${ready.mismatchHint}` : ''}`);
    }
    // known to be slow: over budget even at batch 1 after two calls, or a call that cannot be scaled
    const slow = (N === null || batch === 1) && lastCallMs > options.maxCallMs;
    const runs = slow ? (options.slowRuns ?? options.runs) : options.runs;
    // with no samples to take (a quick run's slow call), the check call's time is the one sample
    const m = runs > 0 ? await measure(() => ready.run(), { runs, warmups, warmupMs: options.warmupMs, warmupCalls: options.warmupCalls, warmupCapMs: options.warmupCapMs, minSampleMs: options.minSampleMs, lastCallMs }) : { ms: lastCallMs, samples: [lastCallMs], callsPerSample: 1 };
    const scale = N !== null && batch !== null ? N / batch : 1;
    if (scale !== 1) notes.push(`measured at N=${batch}, scaled ×${scale}`);
    row.batch = batch;
    row.runs = m.samples.length;
    row.callsPerSample = m.callsPerSample;
    row.ms = m.ms * scale;
    const flops = flopsOf(w);
    if (flops !== null) {
      row.gflops = flops / (row.ms * 1e6);
      // only calls long enough for their fixed overhead not to dominate predict other cases
      if (m.ms >= 20) ctx.slowest.set(speedKey, Math.min(row.gflops, ctx.slowest.get(speedKey) ?? Infinity));
    }
    row.note = notes.join('; ');
    return row;
  } catch (e) {
    return { ...row, status: 'error', note: `error: ${firstLine(e)}` };
  } finally {
    op?.dispose();
  }
}

const refKey = (w: Workload, direction: Direction, batch: number | null): string => `${w.id}|${direction}|${batch}`;

/** torchlet-js' output for the workload at `batch` (cached per workload). */
async function referenceOutput(ctx: RowContext, wb: RowContext['w'], batch: number | null): Promise<Float32Array[]> {
  const key = refKey(wb, ctx.direction, batch);
  const cached = ctx.refCache.get(key);
  if (cached) return cached;
  await ctx.reference.activate();
  const op = await prepare(ctx.reference, wb, ctx.direction, inputsAt(ctx.w, ctx.all, batch ?? 1));
  if (isUnsupported(op)) throw new Error(`the reference cannot run ${wb.id}: ${op.unsupported}`);
  try {
    const out = await op.output();
    ctx.refCache.set(key, out);
    return out;
  } finally {
    op.dispose();
  }
}

/** Where apps/train's built CLI is (through the workspace link of @torchlet/train-app). */
export function trainCliPath(): string {
  return join(dirname(createRequire(import.meta.url).resolve('@torchlet/train-app/package.json')), 'dist', 'cli.js');
}

/** One run of `node apps/train/dist/cli.js --epochs 1 --quiet --out <tmp>`: wall time and its last line. */
function runTrainOnce(cli: string): Promise<{ ms: number; last: string }> {
  const out = mkdtempSync(join(tmpdir(), 'torchlet-bench-train-'));
  const t0 = performance.now();
  return new Promise<{ ms: number; last: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, '--epochs', '1', '--quiet', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      rmSync(out, { recursive: true, force: true });
      const last = text.trim().split('\n').at(-1) ?? '';
      if (code === 0) resolve({ ms, last });
      else reject(new Error(`apps/train exited with ${code}: ${last}`));
    });
  });
}

/** The `pnpm train` epoch: a child process per run (so each includes Node's start and loading the digits). */
async function measureEpoch(w: Workload, options: BenchOptions): Promise<Row> {
  const row: Row = { workload: w.id, direction: 'epoch', engine: 'torchlet', threads: availableParallelism(), ms: null, gflops: null, note: '', status: 'ok', batch: null, fullBatch: null, runs: 0, callsPerSample: 1, maxRelErr: null };
  if (options.engines !== null && !options.engines.some((f) => 'torchlet'.includes(f.toLowerCase()))) return { ...row, status: 'skipped', note: 'skipped: torchlet not selected' };
  if (options.quick && (options.filter === null || !options.filter.some((f) => w.id.includes(f.toLowerCase())))) {
    return { ...row, status: 'skipped', note: 'skipped in --quick (select it with --filter train-epoch)' };
  }
  try {
    const cli = trainCliPath();
    const runs = options.quick ? 1 : options.runs;
    const times: number[] = [];
    let last = '';
    for (let i = 0; i < runs; i++) {
      const r = await runTrainOnce(cli);
      times.push(r.ms);
      last = r.last;
    }
    row.ms = median(times);
    row.runs = runs;
    const accuracy = /test accuracy ([\d.]+%)/.exec(last)?.[1];
    row.note = `apps/train/dist/cli.js --epochs 1 --quiet in a child process (Node start and loading the digits included; backend and threads as apps/train sets them: the wasm backend on every core when it loads)${accuracy ? `; test accuracy ${accuracy}` : ''}`;
    return row;
  } catch (e) {
    return { ...row, status: 'error', note: `error: ${firstLine(e)}` };
  }
}
