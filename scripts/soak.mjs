#!/usr/bin/env node
// Memory soak: `pnpm soak [--steps 20000] [--every 250] [--warmup N] [--max-slope 64]
//                         [--data bundled|random] [--backend auto|js|wasm] [--csv FILE] [--leak]`
//
// Trains apps/train's LeNet-5 (its lenet5(), compiled from the source) with Adam (lr 0.002),
// batch 32, on the bundled MNIST digits (or random images), for --steps steps, on the backend
// `torchlet` selects when it loads (wasm where WebAssembly SIMD works; --backend forces one).
// Every --every steps it forces a full GC (node --expose-gc) and samples the V8 heap (split into
// JIT code and the rest), the memory outside it that holds the tensors' typed arrays (external),
// and the RSS. After the warm-up (default: the first half, at most 5000 steps) it fits a
// least-squares line through the samples and fails when the live objects — heapUsed minus the
// code space, plus external — grow faster than --max-slope bytes/step. A real leak (one tensor, closure or tape node kept per step)
// is hundreds of bytes per step or more and never stops; V8's optimizing compiler adds code and
// deoptimization data for the first few thousand steps, then levels off: an over-threshold slope
// that the code's own growth could explain (at most 3× the JIT code's slope) is reported as
// INCONCLUSIVE (exit code 3), not as a leak.
// Exit codes: 0 pass, 1 leak, 2 usage, 3 inconclusive. `--leak` keeps every step's (detached) loss
// tensor alive, a leak of a few hundred bytes per step, to check that the soak catches one.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import v8 from 'node:v8';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

// ------------------------------------------------------------------ arguments
const opts = { steps: 20000, every: 250, warmup: null, maxSlope: 64, data: 'bundled', backend: 'auto', csv: null, seed: 0, leak: false };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--') continue;
  if (a === '--help' || a === '-h') {
    const lines = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1);
    console.log(lines.slice(0, lines.findIndex((l) => !l.startsWith('//'))).join('\n').replace(/^\/\/ ?/gm, ''));
    process.exit(0);
  }
  const [key, inline] = a.split('=');
  const v = inline ?? argv[++i];
  const num = () => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`soak: ${key} needs a non-negative number, got ${v}`);
    return n;
  };
  switch (key) {
    case '--steps': opts.steps = num(); break;
    case '--every': opts.every = num(); break;
    case '--warmup': opts.warmup = num(); break;
    case '--max-slope': opts.maxSlope = num(); break;
    case '--seed': opts.seed = num(); break;
    case '--data': opts.data = v; break;
    case '--backend': opts.backend = v; break;
    case '--csv': opts.csv = v; break;
    case '--leak': opts.leak = true; i -= inline === undefined ? 1 : 0; break;
    default: throw new Error(`soak: unknown option ${a} (see --help)`);
  }
}
if (typeof globalThis.gc !== 'function') {
  console.error('soak: run node with --expose-gc (pnpm soak does)');
  process.exit(2);
}
if (!['bundled', 'random'].includes(opts.data)) throw new Error(`soak: --data must be bundled or random, got ${opts.data}`);
if (!['auto', 'js', 'wasm'].includes(opts.backend)) throw new Error(`soak: --backend must be auto, js or wasm, got ${opts.backend}`);
opts.every = Math.max(1, Math.floor(opts.every));
const warmup = opts.warmup ?? Math.min(5000, Math.floor(opts.steps / 2));

// ------------------------------------------------------------------ the library and apps/train's model
const dist = (p) => pathToFileURL(join(root, p)).href;
let torch;
try {
  torch = await import(dist('packages/torchlet/dist/node.js'));
} catch (e) {
  console.error(`soak: cannot load packages/torchlet/dist (build first: pnpm turbo run build --filter=torchlet...): ${e.message}`);
  process.exit(2);
}
/** apps/train/src/lenet.ts compiled with the TypeScript compiler, its `torchlet` import pointed at the build. */
async function loadLenet5() {
  const ts = require('typescript');
  const source = readFileSync(join(root, 'apps/train/src/lenet.ts'), 'utf8');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const dir = mkdtempSync(join(tmpdir(), 'torchlet-soak-'));
  const file = join(dir, 'lenet.mjs');
  writeFileSync(file, js.replace(/from ['"]torchlet['"]/g, `from '${dist('packages/torchlet/dist/node.js')}'`));
  try {
    return (await import(pathToFileURL(file).href)).lenet5;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const lenet5 = await loadLenet5();

// `torchlet` installs the wasm backend when it loads (where WebAssembly SIMD works): 'auto' keeps
// that choice (what apps/train gets), js/wasm force one
if (opts.backend === 'js') torch.setBackend(torch.jsBackend);
else if (opts.backend === 'wasm' && torch.getBackend().name !== 'wasm') {
  const wasm = await import(dist('packages/backend-wasm/dist/index.js'));
  await wasm.initWasmBackend();
}
const backendName = torch.getBackend().name;
if (opts.backend !== 'auto' && backendName !== opts.backend) throw new Error(`soak: asked for the ${opts.backend} backend, got ${backendName}`);

// ------------------------------------------------------------------ data
torch.manualSeed(opts.seed);
let train;
if (opts.data === 'bundled') {
  ({ train } = await torch.data.loadBundledDigits({ seed: opts.seed }));
} else {
  const n = 2048;
  train = new torch.data.TensorDataset(torch.rand([n, 1, 28, 28]), torch.randint(0, 10, [n]));
}

// ------------------------------------------------------------------ training with sampling
const model = lenet5('relu');
const optimizer = new torch.optim.Adam(model.parameters(), { lr: 0.002 });
const samples = []; // { step, heapUsed, code, external, rss, loss }
const leaked = [];
const mb = (b) => (b / 2 ** 20).toFixed(2).padStart(8);
/** Bytes of JIT code: the code spaces of the V8 heap. */
const codeBytes = () =>
  v8
    .getHeapSpaceStatistics()
    .filter((s) => s.space_name.startsWith('code'))
    .reduce((n, s) => n + s.space_used_size, 0);
function sample(step, loss) {
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  const s = { step, heapUsed: m.heapUsed, code: codeBytes(), external: m.external, rss: m.rss, loss };
  samples.push(s);
  console.log(
    `${String(step).padStart(7)} ${mb(s.heapUsed - s.code)} ${mb(s.code)} ${mb(s.external)} ${mb(s.rss)}  ${Number.isFinite(loss) ? loss.toFixed(4) : '   -  '}`,
  );
}

console.log(
  `soak: LeNet-5 (apps/train lenet5, relu) + Adam lr 0.002, batch 32, ${opts.data} digits (${train.length}), backend ${backendName}${opts.backend === 'auto' ? ' (torchlet\'s choice)' : ''}, ` +
    `${opts.steps} steps, a sample every ${opts.every} steps after a full GC, warm-up ${warmup} steps, max slope ${opts.maxSlope} B/step`,
);
console.log('   step objs(MiB) code(MiB)  ext(MiB)  rss(MiB)  loss (mean since the last sample; heap = objs + code)');
const t0 = performance.now();
let step = 0;
let lossSum = 0;
let lossN = 0;
sample(0, NaN);
model.train();
outer: for (;;) {
  const loader = new torch.data.DataLoader(train, { batchSize: 32, shuffle: true, dropLast: true });
  for (const [x, y] of loader) {
    optimizer.zeroGrad();
    const loss = torch.nn.functional.crossEntropy(model.forward(x), y);
    loss.backward();
    optimizer.step();
    lossSum += loss.item();
    if (opts.leak) leaked.push(loss.detach()); // --leak: a small, realistic leak, to see the soak catch it
    lossN++;
    step++;
    if (step % opts.every === 0 || step === opts.steps) {
      sample(step, lossSum / lossN);
      lossSum = 0;
      lossN = 0;
    }
    if (step >= opts.steps) break outer;
  }
}
const seconds = (performance.now() - t0) / 1000;

// ------------------------------------------------------------------ the fit
/** Least squares y = a + b·x; b with its standard error. */
function fit(points) {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
  }
  const b = sxy / sxx;
  const a = my - b * mx;
  const res = points.reduce((s, [x, y]) => s + (y - a - b * x) ** 2, 0);
  const se = n > 2 ? Math.sqrt(res / (n - 2) / sxx) : NaN;
  return { slope: b, se };
}
const after = samples.filter((s) => s.step >= warmup);
if (after.length < 3) {
  console.error(`soak: only ${after.length} samples after the warm-up; use more --steps or a smaller --every`);
  process.exit(2);
}
const line = (key) => fit(after.map((s) => [s.step, typeof key === 'function' ? key(s) : s[key]]));
const live = (s) => s.heapUsed - s.code + s.external;
const total = line(live);
const heap = line((s) => s.heapUsed - s.code);
const code = line('code');
const ext = line('external');
const rss = line('rss');
const first = after[0];
const last = after.at(-1);
const f = (r) => `${r.slope >= 0 ? '+' : ''}${r.slope.toFixed(1)} B/step (± ${r.se.toFixed(1)})`;
console.log(`soak: ${step} steps in ${seconds.toFixed(1)} s (${(step / seconds).toFixed(1)} steps/s)`);
console.log(`soak: fit over steps ${first.step}..${last.step} (${after.length} samples):`);
console.log(`  live objects (heap − code + external)  ${f(total)}   ${mb(live(first)).trim()} → ${mb(live(last)).trim()} MiB`);
console.log(`  heap objects                          ${f(heap)}`);
console.log(`  external (typed arrays)               ${f(ext)}`);
console.log(`  JIT code (informational)              ${f(code)}`);
console.log(`  rss (informational)                   ${f(rss)}   ${mb(first.rss).trim()} → ${mb(last.rss).trim()} MiB (the allocator keeps freed pages)`);
if (opts.csv) {
  writeFileSync(opts.csv, `step,heapUsed,code,external,rss,loss\n${samples.map((s) => `${s.step},${s.heapUsed},${s.code},${s.external},${s.rss},${s.loss}`).join('\n')}\n`);
  console.log(`soak: samples written to ${opts.csv}`);
}
if (total.slope > opts.maxSlope && total.slope <= 3 * code.slope) {
  // the optimizing compiler is still adding code, and with it deoptimization data and feedback on
  // the heap (about as many bytes again as the code, measured with heap snapshots): the growth may
  // be V8's warm-up rather than a leak
  console.log(
    `soak: INCONCLUSIVE — live objects grow by ${total.slope.toFixed(1)} B/step, but V8 is still compiling ` +
      `(JIT code +${code.slope.toFixed(1)} B/step): run more --steps (or a longer --warmup) for a verdict`,
  );
  process.exit(3);
}
if (total.slope > opts.maxSlope) {
  console.log(`soak: FAIL — live objects grow by ${total.slope.toFixed(1)} B/step, above the ${opts.maxSlope} B/step threshold (a leak?)`);
  process.exit(1);
}
console.log(`soak: PASS — live objects grow by ${total.slope.toFixed(1)} B/step, within ${opts.maxSlope} B/step`);
