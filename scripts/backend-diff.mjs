#!/usr/bin/env node
// How far apart the backends' float32 results are: `node scripts/backend-diff.mjs [--steps 200]`
// (after `pnpm build`). Runs LeNet-5's kernels (conv2d forward and both gradients, GEMM, pooling)
// on the same inputs with jsBackend and with each wasm build (relaxed-SIMD, plain SIMD), and a
// short LeNet-5 + Adam training run per backend from the same seed, then prints the differences.
// The numbers quoted in docs/determinism.md come from this script.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const steps = Number(process.argv[process.argv.indexOf('--steps') + 1] ?? 200) || 200;
const load = (p) => import(pathToFileURL(join(root, p)).href);
const torch = await load('packages/torchlet/dist/node.js');
const nd = torch.ndarray;
const wasm = await load('packages/backend-wasm/dist/index.js');

const backends = [['js', nd.jsBackend]];
for (const build of ['relaxed-simd', 'simd']) {
  if (wasm.isBuildSupported(build)) backends.push([`wasm-${build}`, await wasm.createWasmBackend({ build })]);
  else console.log(`(wasm ${build}: not supported by this engine${build === 'relaxed-simd' ? '; Node 20 needs --experimental-wasm-relaxed-simd' : ''})`);
}

/** Max |a − b|, that relative to max |a|, the worst relative error of one element, and how many differ. */
function compare(a, b) {
  const x = a.denseData();
  const y = b.denseData();
  let maxAbs = 0;
  let scale = 0;
  let maxRel = 0;
  let differ = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i] - y[i]);
    if (d > 0) differ++;
    maxAbs = Math.max(maxAbs, d);
    scale = Math.max(scale, Math.abs(x[i]));
    if (Math.abs(x[i]) > 1e-3) maxRel = Math.max(maxRel, d / Math.abs(x[i]));
  }
  return { maxAbs, relToMax: maxAbs / scale, maxRel, differ, n: x.length };
}
const fmt = (c) =>
  `${String(c.differ).padStart(7)}/${String(c.n).padEnd(7)} max |Δ| ${c.maxAbs.toExponential(2)}  (${c.relToMax.toExponential(2)} of max |x|; worst element ${c.maxRel.toExponential(2)} relative)`;

// ------------------------------------------------------------------ kernels at LeNet-5's sizes
const g = new nd.Generator(0);
const r = (shape) => nd.randn(shape, { generator: g });
const x1 = r([32, 1, 28, 28]);
const w1 = r([6, 1, 5, 5]);
const x2 = r([32, 6, 14, 14]);
const w2 = r([16, 6, 5, 5]);
const go2 = r([32, 16, 10, 10]);
const a = r([32, 400]);
const w3 = r([120, 400]);
const kernels = {
  'conv2d 1→6 5×5 pad 2 (forward)': () => nd.conv2d(x1, w1, null, { padding: 2 }),
  'conv2d 6→16 5×5 (forward)': () => nd.conv2d(x2, w2),
  'conv2d 6→16 backward input': () => nd.conv2dBackwardInput(go2, w2, x2.shape),
  'conv2d 6→16 backward weight': () => nd.conv2dBackwardWeight(x2, go2, w2.shape),
  'linear 400→120 (GEMM)': () => nd.linear(a, w3),
  'avgPool2d 2×2': () => nd.avgPool2d(x2, 2),
  'maxPool2d 2×2': () => nd.maxPool2d(x2, 2),
};
console.log('kernels, float32, each wasm build against jsBackend (elements that differ / all):');
for (const [name, fn] of Object.entries(kernels)) {
  nd.setBackend(nd.jsBackend);
  const ref = fn();
  for (const [bn, b] of backends.slice(1)) {
    nd.setBackend(b);
    console.log(`  ${name.padEnd(32)} ${bn.padEnd(17)} ${fmt(compare(ref, fn()))}`);
  }
}

// ------------------------------------------------------------------ a short training run
function lenet() {
  const { nn } = torch;
  return new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.ReLU(), new nn.AvgPool2d(2, { stride: 2 }),
    new nn.Conv2d(6, 16, 5), new nn.ReLU(), new nn.AvgPool2d(2, { stride: 2 }),
    new nn.Flatten(), new nn.Linear(400, 120), new nn.ReLU(), new nn.Linear(120, 84), new nn.ReLU(), new nn.Linear(84, 10),
  );
}
const { train } = await torch.data.loadBundledDigits({ seed: 0 });
function run(backend) {
  nd.setBackend(backend);
  torch.manualSeed(0);
  const model = lenet();
  const opt = new torch.optim.Adam(model.parameters(), { lr: 0.002 });
  const losses = [];
  let step = 0;
  while (step < steps) {
    for (const [x, y] of new torch.data.DataLoader(train, { batchSize: 32, shuffle: true })) {
      opt.zeroGrad();
      const loss = torch.nn.functional.crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
      losses.push(loss.item());
      if (++step >= steps) break;
    }
  }
  return { losses, params: model.parameters().map((p) => p.data) };
}
console.log(`\nLeNet-5 + Adam (lr 0.002), batch 32, bundled digits, seed 0, ${steps} steps:`);
const base = run(nd.jsBackend);
for (const [bn, b] of backends.slice(1)) {
  const other = run(b);
  const first = other.losses.findIndex((l, i) => l !== base.losses[i]);
  let maxLoss = 0;
  for (let i = 0; i < steps; i++) maxLoss = Math.max(maxLoss, Math.abs(other.losses[i] - base.losses[i]) / Math.abs(base.losses[i]));
  let worst = 0;
  let worstRel = 0;
  other.params.forEach((p, i) => {
    const c = compare(base.params[i], p);
    worst = Math.max(worst, c.maxAbs);
    worstRel = Math.max(worstRel, c.relToMax);
  });
  console.log(
    `  ${bn.padEnd(17)} losses first differ at step ${first < 0 ? 'never' : first + 1}; max relative loss difference ${maxLoss.toExponential(2)}; ` +
      `final loss ${other.losses.at(-1).toFixed(5)} vs ${base.losses.at(-1).toFixed(5)} (js); weights max |Δ| ${worst.toExponential(2)} (${worstRel.toExponential(2)} of the layer's max |w|)`,
  );
}
