/**
 * `pnpm conformance [DIR…] [--filter PATTERN] [--json FILE] [--backend NAME]`: runs the
 * PyTorch reference suite against torchlet's public API and exits 1 on any failure.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWasmBackend } from '@torchlet/backend-wasm';
import { jsBackend, setBackend, type Backend } from '@torchlet/ndarray';
import { failureLines, suiteSummaries, totalLine } from './report.js';
import { runSuites } from './run.js';
import { loadSuites } from './suite.js';

const USAGE = 'usage: torchlet-conformance [DIR…] [--filter PATTERN] [--json FILE] [--backend js|wasm]';
const BACKENDS: Record<string, () => Promise<Backend>> = {
  js: () => Promise.resolve(jsBackend),
  wasm: () => createWasmBackend(),
};
const here = dirname(fileURLToPath(import.meta.url));
/** The suite copy committed in the repository. */
const DEFAULT_DIR = resolve(here, '../../../golden');

interface Options {
  dirs: string[];
  filter?: string;
  json?: string;
  backend: string;
}

function parse(argv: readonly string[]): Options {
  const o: Options = { dirs: [], backend: 'js' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--filter') o.filter = value();
    else if (a === '--json') o.json = value();
    else if (a === '--backend') o.backend = value();
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else o.dirs.push(a);
  }
  return o;
}

async function main(argv: readonly string[]): Promise<number> {
  let options: Options;
  try {
    options = parse(argv);
    const make = BACKENDS[options.backend];
    if (!make) throw new Error(`unknown backend ${options.backend} (known: ${Object.keys(BACKENDS).join(', ')})`);
    setBackend(await make());
  } catch (e) {
    console.error(`torchlet-conformance: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const suites = (options.dirs.length ? options.dirs : [DEFAULT_DIR]).flatMap((d) => loadSuites(resolve(d)));
  const results = runSuites(suites, options.filter ? { filter: options.filter } : {});
  for (const line of failureLines(results)) console.log(line);
  for (const line of suiteSummaries(results)) console.log(line);
  if (options.json) {
    mkdirSync(dirname(resolve(options.json)), { recursive: true });
    writeFileSync(options.json, `${JSON.stringify({ backend: options.backend, results }, null, 1)}\n`);
  }
  console.log(totalLine(results));
  return results.some((r) => r.status === 'failed') || results.length === 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
