/**
 * The `--quick` smoke run, in-process, on a subset of the workloads and every engine. Timings are
 * never asserted (the machine is shared): only that every row is well-formed, torchlet's rows are
 * correct, the peers loaded, and the JSON and markdown renderings hold the rows.
 */
import { describe, expect, it } from 'vitest';
import { jsonReport, markdownReport, textReport } from './report.js';
import { benchOptions, runBench, type Report } from './run.js';

const STATUSES = ['ok', 'mismatch', 'unsupported', 'skipped', 'error'];

describe('bench --quick', () => {
  let report: Report;

  it('measures a subset on every engine', async () => {
    report = await runBench(benchOptions(true, { filter: ['S0', 'S1', 'matmul-256', 'maxpool', 'lenet-step'], runs: 1, maxCallMs: 150 }));
    const engines = report.meta.engines.map((e) => e.name);
    expect(engines).toEqual(expect.arrayContaining(['torchlet-js', 'tfjs-cpu', 'tfjs-wasm', 'jax-js']));
    expect(report.workloads.map((w) => w.id)).toEqual(['S0', 'S1', 'matmul-256', 'maxpool', 'lenet-step']);
    for (const row of report.rows) {
      expect(Object.keys(row)).toEqual(expect.arrayContaining(['workload', 'direction', 'engine', 'threads', 'ms', 'gflops', 'note']));
      expect(STATUSES).toContain(row.status);
      expect(row.threads).toBeGreaterThanOrEqual(1);
      if (row.status === 'ok' || row.status === 'mismatch') {
        expect(row.ms).toBeGreaterThan(0);
        expect(row.maxRelErr).not.toBeNull();
      } else {
        expect(row.ms).toBeNull();
        expect(row.note).not.toBe('');
      }
      if (row.status === 'mismatch') expect(row.note).toContain('MISMATCH');
      if (row.engine.startsWith('torchlet')) expect(row.status).toBe('ok');
    }
    // every direction has a torchlet-js row, and S0 also the autograd API's
    const directions = new Set(report.rows.map((r) => `${r.workload}/${r.direction}`));
    expect(directions.size).toBe(3 + 3 + 1 + 2 + 1);
    for (const d of directions) expect(report.rows.some((r) => `${r.workload}/${r.direction}` === d && r.engine === 'torchlet-js')).toBe(true);
    expect(report.rows.some((r) => r.workload === 'S0' && r.engine === 'torchlet-js (autograd)')).toBe(true);
    expect(report.rows.some((r) => r.workload === 'S1' && r.engine === 'torchlet-js (autograd)')).toBe(false);
    // a kernel tfjs-backend-wasm lacks gives a row that says so
    const tfjsWasmWeight = report.rows.find((r) => r.workload === 'S1' && r.direction === 'backward-weight' && r.engine === 'tfjs-wasm')!;
    expect(tfjsWasmWeight.status).toBe('unsupported');
    expect(tfjsWasmWeight.note).toContain('Conv2DBackpropFilter');
    const gflops = report.rows.find((r) => r.workload === 'S1' && r.engine === 'torchlet-js' && r.direction === 'forward')!.gflops;
    expect(gflops).toBeGreaterThan(0);
  }, 120_000);

  it('renders JSON, text and markdown', () => {
    const parsed = JSON.parse(jsonReport(report)) as Report;
    expect(parsed.rows).toHaveLength(report.rows.length);
    expect(parsed.meta.node).toBe(process.version);
    const text = textReport(report);
    expect(text).toContain('machine:');
    expect(text).toContain('load average');
    const md = markdownReport(report);
    expect(md).toContain('# Performance');
    expect(md).toContain('## S1:');
    expect(md).toContain('| direction | engine | thr | time | GFLOP/s | torchlet/peer | note |');
    expect(md.split('\n').filter((l) => l.startsWith('| forward') || l.startsWith('| backward') || l.startsWith('| step')).length).toBe(report.rows.length);
  });
});
