/**
 * `torchlet-bench` (`pnpm bench` from the repository root): measures torchlet against TensorFlow.js
 * and jax-js, prints a table per workload, and optionally writes the JSON rows (`--json`) and
 * docs/performance.md (`--markdown`). `--from FILE` renders a saved JSON report without measuring.
 * Exits 1 when a torchlet engine's output did not match the reference or one of its rows failed
 * (a peer's mismatch or failure is only reported in its row).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { footerLine, headerLines, isTorchlet, jsonReport, markdownReport, textReport, textTable, workloadHeading } from './report.js';
import { parseArgs, USAGE, UsageError, type CliArgs } from './args.js';
import { runBench, type Report } from './run.js';
import { flopsOf } from './workloads.js';

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
}

async function main(argv: readonly string[]): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`torchlet-bench: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  let report: Report;
  if (args.from !== null) {
    report = JSON.parse(readFileSync(args.from, 'utf8')) as Report;
    console.log(textReport(report));
  } else {
    console.log('loading engines…');
    report = await runBench({
      ...args.options,
      onStart: (meta) => console.log(headerLines(meta).join('\n')),
      onWorkload: (w, rows) => console.log(`\n${workloadHeading({ id: w.id, title: w.title, kind: w.kind, flops: flopsOf(w) })}\n${textTable(rows)}`),
    });
    console.log(`\n${footerLine(report.meta)}`);
  }
  if (args.json !== null) write(args.json, jsonReport(report));
  if (args.markdown !== null) write(args.markdown, markdownReport(report));
  // a peer's wrong kernel is reported in its row; torchlet's own failures fail the run
  const bad = report.rows.filter((r) => isTorchlet(r) && (r.status === 'mismatch' || r.status === 'error'));
  if (bad.length) {
    console.error(`\n${bad.length} torchlet row(s) failed: ${bad.map((r) => `${r.workload} ${r.direction} ${r.engine} (${r.status}: ${r.note})`).join(', ')}`);
    return 1;
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
