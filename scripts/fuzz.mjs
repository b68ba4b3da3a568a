#!/usr/bin/env node
// `pnpm fuzz [--runs N] [--seed S] [--backend js|wasm|wasm-simd|wasm-relaxed-simd] [vitest filters…]`:
// the property-based fuzz suite (tests/fuzz) with N runs per property (default 1000; the expensive
// large-shape properties run N/10) from seed S (default: random), printed first so that any run
// can be replayed. Without this script, `pnpm test` runs the same properties in their CI profile:
// a fixed seed and a few dozen to a few hundred runs each.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
let runs = 1000;
let seed = Math.floor(Math.random() * 2 ** 31);
let backend = null;
const rest = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const value = () => {
    const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
    if (v === undefined) throw new Error(`fuzz: ${a} needs a value`);
    return v;
  };
  if (a === '--help' || a === '-h') {
    console.log('usage: pnpm fuzz [--runs N] [--seed S] [--backend js|wasm|wasm-simd|wasm-relaxed-simd] [vitest file filters]');
    process.exit(0);
  } else if (a.startsWith('--runs')) runs = Number(value());
  else if (a.startsWith('--seed')) seed = Number(value());
  else if (a.startsWith('--backend')) backend = value();
  else if (a !== '--') rest.push(a);
}
if (!Number.isInteger(runs) || runs < 1) throw new Error(`fuzz: --runs must be a positive integer, got ${runs}`);
if (!Number.isInteger(seed)) throw new Error(`fuzz: --seed must be an integer, got ${seed}`);

console.log(`fuzz: ${runs} runs per property, seed ${seed}${backend ? `, backend ${backend}` : ''} (replay: pnpm fuzz --runs ${runs} --seed ${seed})`);
const t0 = performance.now();
const r = spawnSync('pnpm', ['exec', 'vitest', 'run', '--project', 'fuzz', ...rest], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: String(runs), FUZZ_SEED: String(seed), ...(backend ? { FUZZ_BACKENDS: backend } : {}) },
});
console.log(`fuzz: ${r.status === 0 ? 'passed' : 'FAILED'} in ${((performance.now() - t0) / 1000).toFixed(1)} s; seed ${seed}, ${runs} runs per property`);
process.exit(r.status ?? 1);
