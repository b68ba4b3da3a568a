// GFLOP/s of the wasm kernels vs the pure-TypeScript jsBackend (runs the built dist/).
//   node --experimental-wasm-relaxed-simd scripts/bench.mjs [--seconds 1] [--no-js] [--only gemm|s1|s2] [--threads N]
// (--threads N adds the best build on N threads; the default thread count is 1)
// Each measurement repeats the call until `--seconds` have passed (at least 2 calls after 1 warm-up)
// and reports the best time. The load average is printed before and after: the machine is shared.
import { loadavg } from 'node:os';
import { jsBackend } from '@torchlet/ndarray';
import { createWasmBackend, isBuildSupported } from '../dist/index.js';

const args = process.argv.slice(2);
const seconds = Number(args[args.indexOf('--seconds') + 1] ?? 1) || 1;
const withJs = !args.includes('--no-js');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const threads = args.includes('--threads') ? Number(args[args.indexOf('--threads') + 1]) : 1;

function rand(n, seed) {
  const a = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    a[i] = ((s >>> 0) / 4294967296) - 0.5;
  }
  return a;
}

function time(fn) {
  fn(); // warm-up
  let best = Infinity;
  let calls = 0;
  const start = performance.now();
  while (calls < 2 || performance.now() - start < seconds * 1000) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
    calls++;
  }
  return { ms: best, calls };
}

function convCase(name, N, C, O, H, W, k, pad) {
  const OH = H + 2 * pad - k + 1;
  const OW = W + 2 * pad - k + 1;
  const g = { batch: N, inChannels: C, inHeight: H, inWidth: W, outChannels: O, outHeight: OH, outWidth: OW,
    kernelHeight: k, kernelWidth: k, strideH: 1, strideW: 1, padTop: pad, padLeft: pad, dilationH: 1, dilationW: 1, groups: 1 };
  const x = rand(N * C * H * W, 1);
  const w = rand(O * C * k * k, 2);
  const b = rand(O, 3);
  const y = new Float32Array(N * O * OH * OW);
  const dy = rand(y.length, 4);
  const dx = new Float32Array(x.length);
  const dw = new Float32Array(w.length);
  const flop = 2 * N * O * OH * OW * C * k * k;
  return [
    { name: `${name} conv2d forward`, flop, run: (be) => be.conv2dForward(g, x, w, b, y) },
    { name: `${name} conv2d backward-input`, flop, run: (be) => be.conv2dBackwardInput(g, dy, w, dx) },
    { name: `${name} conv2d backward-weight`, flop, run: (be) => be.conv2dBackwardWeight(g, x, dy, dw) },
  ];
}

const n = 512;
const A = rand(n * n, 5);
const B = rand(n * n, 6);
const Cm = new Float32Array(n * n);
const cases = [];
if (!only || only === 'gemm') cases.push({ name: 'gemm 512³', flop: 2 * n ** 3, run: (be) => be.gemm(false, false, n, n, n, 1, A, 0, n, B, 0, n, 0, Cm, 0, n) });
if (!only || only === 's1') cases.push(...convCase('N=8 64→64 56×56 3×3 p1', 8, 64, 64, 56, 56, 3, 1));
if (!only || only === 's2') cases.push(...convCase('N=64 1→6 28×28 5×5 p2', 64, 1, 6, 28, 28, 5, 2));

const backends = [];
if (withJs) backends.push(jsBackend);
backends.push(await createWasmBackend({ build: 'simd' }));
if (isBuildSupported('relaxed-simd')) backends.push(await createWasmBackend({ build: 'relaxed-simd' }));
else console.log('(relaxed SIMD not supported here: run node with --experimental-wasm-relaxed-simd on Node 20)');
if (threads > 1) backends.push(await createWasmBackend({ numThreads: threads }));

const label = (be) => (be.name === 'wasm' ? `wasm/${be.build}${be.numThreads > 1 ? ` ×${be.numThreads} threads` : ''}` : be.name);
console.log(`node ${process.version}, load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`| case | ${backends.map(label).join(' | ')} |`);
console.log(`| --- | ${backends.map(() => '---:').join(' | ')} |`);
for (const c of cases) {
  const cells = backends.map((be) => {
    const { ms } = time(() => c.run(be));
    return `${(c.flop / ms / 1e6).toFixed(2)} GFLOP/s (${ms.toFixed(1)} ms)`;
  });
  console.log(`| ${c.name} | ${cells.join(' | ')} |`);
}
console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
