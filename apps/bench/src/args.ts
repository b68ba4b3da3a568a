/** Command-line options of `torchlet-bench`, parsed and validated (bad input exits 2 with the usage). */
import { benchOptions, type BenchOptions } from './run.js';
import { WORKLOADS } from './workloads.js';

export const USAGE = `usage: torchlet-bench [options]
  --quick            smoke run: 2 samples, 0.3 s budget per call (most cases run on a smaller batch, scaled)
  --filter A,B       only workloads whose id contains A or B, or of kind A or B
                     ids: ${WORKLOADS.map((w) => w.id).join(' ')}
                     kinds: conv matmul pool lenet epoch
  --engines A,B      only engines whose name contains A or B (torchlet-js, torchlet-wasm, tfjs-cpu, tfjs-wasm, jax-js)
  --threads 1,2      thread counts of torchlet-wasm (default 1,2)
  --runs N           timed samples per row (default 7, --quick 2)
  --max-call-ms MS   a call estimated longer runs on a smaller batch, scaled (default 10000, --quick 300)
  --json FILE        write the report as JSON (rows: workload, direction, engine, threads, ms, gflops, note, …)
  --markdown FILE    write the report as markdown (docs/performance.md)
  --from FILE        measure nothing: render the JSON report FILE (with --markdown, --json or to the console)
  --help             this text`;

/** A parsed command line. */
export interface CliArgs {
  help: boolean;
  options: BenchOptions;
  json: string | null;
  markdown: string | null;
  from: string | null;
}

/** Thrown for bad arguments (exit 2 with the usage). */
export class UsageError extends Error {}

function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got ${JSON.stringify(text)}`);
  return n;
}

/** Parses `argv` (without node and the script). */
export function parseArgs(argv: readonly string[]): CliArgs {
  const quick = argv.includes('--quick');
  const overrides: Partial<BenchOptions> = {};
  const out: CliArgs = { help: false, options: benchOptions(quick), json: null, markdown: null, from: null };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    const list = (): string[] => value().split(',').map((s) => s.trim()).filter(Boolean);
    switch (flag) {
      case '--quick':
        break;
      case '--help':
      case '-h':
        out.help = true;
        break;
      case '--filter':
        overrides.filter = list();
        break;
      case '--engines':
        overrides.engines = list();
        break;
      case '--threads':
        overrides.threads = list().map((t) => positiveInt(flag, t));
        break;
      case '--runs':
        overrides.runs = positiveInt(flag, value());
        break;
      case '--max-call-ms':
        overrides.maxCallMs = positiveInt(flag, value());
        break;
      case '--json':
        out.json = value();
        break;
      case '--markdown':
        out.markdown = value();
        break;
      case '--from':
        out.from = value();
        break;
      default:
        throw new UsageError(`unknown option ${JSON.stringify(flag)}`);
    }
  }
  out.options = benchOptions(quick, overrides);
  return out;
}
