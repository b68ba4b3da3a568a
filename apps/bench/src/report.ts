/**
 * Presentation of a {@link Report}: the console header and one table per workload, the JSON file
 * (`--json`), and docs/performance.md (`--markdown`), with the torchlet/peer time ratios.
 */
import type { Meta, Report, Row } from './run.js';

/** A duration for people: µs below 1 ms, ms below 10 s, s above. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1) return `${(ms * 1000).toPrecision(3)} µs`;
  if (ms < 1000) return `${ms.toPrecision(3)} ms`;
  if (ms < 10_000) return `${ms.toFixed(0)} ms`;
  return `${(ms / 1000).toPrecision(3)} s`;
}

function formatGflops(g: number | null): string {
  if (g === null) return '';
  return g >= 100 ? g.toFixed(0) : g.toPrecision(3);
}

/** Whether a row is one of torchlet's engines. */
export function isTorchlet(row: Row): boolean {
  return row.engine.startsWith('torchlet');
}

/**
 * For a peer's row: the time of the fastest torchlet engine on the same workload direction divided
 * by this row's time (below 1: torchlet is faster). Null for torchlet's rows and rows without a time.
 */
export function torchletPeerRatio(row: Row, rows: readonly Row[]): number | null {
  if (isTorchlet(row) || row.ms === null) return null;
  const best = rows
    .filter((r) => isTorchlet(r) && r.status === 'ok' && r.ms !== null && r.workload === row.workload && r.direction === row.direction)
    .reduce((m, r) => Math.min(m, r.ms!), Infinity);
  return best === Infinity ? null : best / row.ms;
}

function formatRatio(r: number | null): string {
  if (r === null) return '';
  return r >= 10 ? r.toFixed(0) : r >= 0.1 ? r.toFixed(2) : r.toPrecision(2);
}

const COLUMNS = ['direction', 'engine', 'thr', 'time', 'GFLOP/s', 'torchlet/peer', 'note'] as const;

function cells(row: Row, rows: readonly Row[]): string[] {
  const time = row.status === 'unsupported' || row.status === 'error' || row.status === 'skipped' ? '—' : formatMs(row.ms);
  return [row.direction, row.engine, String(row.threads), time, formatGflops(row.gflops), formatRatio(torchletPeerRatio(row, rows)), row.note];
}

function formatLoad(l: readonly number[]): string {
  return l.map((x) => x.toFixed(2)).join(' ');
}

/** The header: machine, Node, load, engines, settings. */
/** The warm-up, as the header states it (reports saved before `warmupMs` existed have none). */
function warmupText(meta: Meta): string {
  const { warmups, warmupMs, warmupCalls, warmupCapMs } = meta.options;
  if (!(warmupMs && warmups > 0)) return `${warmups} warm-up call(s)`;
  const calls = warmupCalls && warmupCalls > warmups ? ` and at least ${warmupCalls} calls (unless that takes over ${formatMs(warmupCapMs ?? Infinity)})` : '';
  return `${warmups} or more warm-up call(s) lasting at least ${warmupMs} ms${calls}`;
}

export function headerLines(meta: Meta): string[] {
  return [
    `torchlet bench${meta.quick ? ' --quick (smoke run: timings are indicative only)' : ''} — ${meta.date}`,
    `machine: ${meta.cpu}, ${meta.logicalCpus} logical CPUs, ${meta.platform}`,
    `node ${meta.node} (V8 ${meta.v8}); load average ${formatLoad(meta.loadavgStart)} (1/5/15 min) at start`,
    `settings: median of ${meta.options.runs} samples after ${warmupText(meta)} and the correctness check; calls over ${formatMs(meta.options.maxCallMs)} measured on a smaller batch and scaled; outputs checked against torchlet-js (relative error ≤ ${meta.options.tolerance})`,
    'engines:',
    ...meta.engines.map((e) => `  ${e.name.padEnd(24)} ${e.description}`),
    ...meta.notes.map((n) => `note: ${n}`),
  ];
}

/** The closing line: load at the end and the run's duration. */
export function footerLine(meta: Meta): string {
  return `load average ${formatLoad(meta.loadavgEnd)} at the end; ${meta.seconds.toFixed(0)} s in all`;
}

/** The title line of a workload (with its FLOPs per direction where defined). */
export function workloadHeading(w: Report['workloads'][number]): string {
  const flops = w.flops === null ? '' : ` — ${w.flops >= 1e9 ? `${(w.flops / 1e9).toPrecision(3)} GFLOP` : w.flops >= 1e6 ? `${(w.flops / 1e6).toPrecision(3)} MFLOP` : `${w.flops} FLOP`}${w.kind === 'conv' ? ' per direction' : ''}`;
  return `${w.id}: ${w.title}${flops}`;
}

/** A plain-text table of one workload's rows (aligned columns). */
export function textTable(rows: readonly Row[]): string {
  const body = rows.map((r) => cells(r, rows));
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...body.map((b) => b[i]!.length)));
  const line = (values: readonly string[]): string =>
    values
      .map((v, i) => (i === 2 || i === 3 || i === 4 || i === 5 ? v.padStart(widths[i]!) : i === values.length - 1 ? v : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(COLUMNS), ...body.map(line)].map((l) => `  ${l}`).join('\n');
}

/** The whole report as text (header, a table per workload, footer). */
export function textReport(report: Report): string {
  const parts = [headerLines(report.meta).join('\n')];
  for (const w of report.workloads) parts.push(`${workloadHeading(w)}\n${textTable(report.rows.filter((r) => r.workload === w.id))}`);
  parts.push(footerLine(report.meta));
  return parts.join('\n\n');
}

/** The JSON file: `{ meta, workloads, rows }`, each row `{ workload, direction, engine, threads, ms, gflops, note, … }`. */
export function jsonReport(report: Report): string {
  return `${JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}

const escapeCell = (s: string): string => s.replace(/\|/g, '\\|');

/** docs/performance.md: the machine, the engines, then a table per workload. */
export function markdownReport(report: Report): string {
  const { meta } = report;
  const out: string[] = [
    '# Performance',
    '',
    '<!-- Generated by apps/bench: `pnpm bench --markdown docs/performance.md`, or from a saved run:',
    '     `node apps/bench/dist/cli.js --from bench.json --markdown docs/performance.md`. Do not edit by hand. -->',
    '',
    `torchlet against TensorFlow.js (cpu and wasm backends) and jax-js, on the same inputs, measured ${meta.date.slice(0, 10)} by \`pnpm bench${meta.quick ? ' --quick' : ''}\`.`,
  ];
  if (meta.quick) {
    out.push(
      '',
      `> **Smoke run (\`--quick\`)**: ${meta.options.runs} samples, no warm-up, most cases on a reduced batch and scaled. The timings below are indicative only; a full run (\`pnpm bench\` on an idle machine) replaces them.`,
    );
  }
  out.push(
    '',
    `- **Machine**: ${meta.cpu}, ${meta.logicalCpus} logical CPUs, ${meta.platform}`,
    `- **Node**: ${meta.node} (V8 ${meta.v8})`,
    `- **Load average** (1/5/15 min): ${formatLoad(meta.loadavgStart)} at the start, ${formatLoad(meta.loadavgEnd)} at the end (${meta.seconds.toFixed(0)} s run)`,
    `- **Method**: median of ${meta.options.runs} timed samples after ${warmupText(meta)} and the correctness check; calls shorter than a few ms are repeated within a sample. A call estimated (from one call at batch 1) to take over ${formatMs(meta.options.maxCallMs)} is measured on a smaller batch and scaled linearly, as its note says.`,
    `- **Correctness**: before timing, each engine's output is compared with torchlet-js (the pure-TypeScript kernels) on the same inputs; a relative error (max |a − b| / max |b|) over ${meta.options.tolerance} is reported as MISMATCH.`,
    '- **GFLOP/s**: 2·N·Cout·Hout·Wout·(Cin/groups)·kH·kW per convolution direction, 2·m·n·k for matmul. torchlet-wasm computes 3×3 stride-1 undilated layers of ≥ 32 channels (S3, all three directions) by Winograd F(2×2, 3×3), with 2.25× fewer multiplications: its GFLOP/s there are effective rates, counted as for direct convolution.',
    '- **torchlet/peer**: the time of the fastest torchlet engine divided by the peer\'s time: below 1, torchlet is faster (0.5: twice as fast).',
    '',
    '| engine | threads | what |',
    '| --- | ---: | --- |',
    ...meta.engines.map((e) => `| ${e.name} | ${e.threads} | ${escapeCell(e.description)} |`),
  );
  if (meta.notes.length) out.push('', ...meta.notes.map((n) => `- ${escapeCell(n)}`));
  for (const w of report.workloads) {
    const rows = report.rows.filter((r) => r.workload === w.id);
    out.push('', `## ${escapeCell(workloadHeading(w))}`, '', `| ${COLUMNS.join(' | ')} |`, '| --- | --- | ---: | ---: | ---: | ---: | --- |');
    for (const r of rows) out.push(`| ${cells(r, rows).map(escapeCell).join(' | ')} |`);
  }
  out.push('');
  return out.join('\n');
}
