// The LeNet-5 the digit demo runs: weights trained by apps/train, shipped with the site.
//
// Writes (git-ignored, generated):
//   public/lenet.safetensors  the model's state dict (PyTorch's keys), with its provenance, its
//                             activation and its accuracy on the held-out digits in __metadata__
//   public/digits.json        three held-out digits of each class, for the demo's sample buttons
//
// The weights come from runs/lenet/checkpoint.safetensors at the repository root when it exists
// (`pnpm train` writes it); otherwise from a quick 2-epoch run of apps/train's CLI into
// .lenet-run/ (about 30 s on 2 cores). Both files are rebuilt only when that checkpoint changes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from 'torchlet';

const docs = fileURLToPath(new URL('..', import.meta.url));
const root = join(docs, '../..');
const weightsFile = join(docs, 'public/lenet.safetensors');
const digitsFile = join(docs, 'public/digits.json');
const QUICK_EPOCHS = 2;

/** apps/train's LeNet-5 (src/lenet.ts); loadStateDict below checks that the keys and shapes agree. */
function lenet5(activation) {
  const act = () => (activation === 'relu' ? new torch.nn.ReLU() : new torch.nn.Sigmoid());
  return new torch.nn.Sequential(
    new torch.nn.Conv2d(1, 6, 5, { padding: 2 }), act(), new torch.nn.AvgPool2d(2, { stride: 2 }),
    new torch.nn.Conv2d(6, 16, 5), act(), new torch.nn.AvgPool2d(2, { stride: 2 }),
    new torch.nn.Flatten(),
    new torch.nn.Linear(16 * 5 * 5, 120), act(),
    new torch.nn.Linear(120, 84), act(),
    new torch.nn.Linear(84, 10),
  );
}

function accuracy(model, dataset) {
  let correct = 0;
  torch.noGrad(() => {
    for (const [x, y] of new torch.data.DataLoader(dataset, { batchSize: 500 })) {
      const predicted = model.forward(x).argmax(1).toArray();
      const labels = y.toArray();
      labels.forEach((label, i) => {
        if (predicted[i] === label) correct++;
      });
    }
  });
  return correct / dataset.length;
}

function findCheckpoint() {
  const userRun = join(root, 'runs/lenet/checkpoint.safetensors');
  if (existsSync(userRun)) return { file: userRun, source: 'the run of `pnpm train` in runs/lenet' };
  const quick = join(docs, '.lenet-run/checkpoint.safetensors');
  if (!existsSync(quick)) {
    const train = join(dirname(createRequire(import.meta.url).resolve('@torchlet/train-app/package.json')), 'dist/cli.js');
    console.log(`lenet-weights: no runs/lenet checkpoint; training LeNet-5 for ${QUICK_EPOCHS} epochs with apps/train …`);
    const run = spawnSync(process.execPath, [train, '--epochs', String(QUICK_EPOCHS), '--out', dirname(quick), '--quiet'], { stdio: 'inherit' });
    if (run.status !== 0) throw new Error(`lenet-weights: apps/train exited with ${run.status ?? run.signal}`);
  }
  return { file: quick, source: 'a quick run made by the docs build' };
}

await torch.ready; // the WebAssembly kernels, where this Node.js has SIMD
const { file, source } = findCheckpoint();
// what the files were made from (and by which version of this script's output format)
const stamp = `v3 ${relative(root, file)}@${statSync(file).mtimeMs}`;
if (existsSync(weightsFile) && existsSync(digitsFile)) {
  const { metadata } = torch.io.deserializeWithMetadata(new Uint8Array(readFileSync(weightsFile)));
  if (metadata?.checkpoint === stamp) {
    console.log(`lenet-weights: public/lenet.safetensors is up to date (${source})`);
    process.exit(0);
  }
}

const checkpoint = torch.io.deserializeCheckpoint(new Uint8Array(readFileSync(file)));
const { test } = await torch.data.loadBundledDigits({ seed: 0 });

// The checkpoint does not say which activation it was trained with (--activation): the one that
// classifies the held-out digits better is it.
const candidates = ['relu', 'sigmoid'].map((activation) => {
  const model = lenet5(activation);
  model.loadStateDict(checkpoint.model);
  model.eval();
  return { activation, model, accuracy: accuracy(model, test) };
});
const best = candidates.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));

mkdirSync(dirname(weightsFile), { recursive: true });
writeFileSync(
  weightsFile,
  torch.io.serialize(best.model.stateDict(), {
    metadata: {
      checkpoint: stamp,
      source,
      epochs: String(checkpoint.epoch ?? 0),
      activation: best.activation,
      testAccuracy: best.accuracy.toFixed(4),
      testDigits: String(test.length),
    },
  }),
);

// three held-out digits of each class, as 28×28 bytes in base64
const samples = [];
const perClass = new Array(10).fill(0);
for (let i = 0; i < test.length && samples.length < 30; i++) {
  const [image, label] = test.get(i);
  const digit = label.item();
  if (perClass[digit] >= 3) continue;
  perClass[digit]++;
  // the pixels as the page will have them (bytes), and the class the model gives them here
  const bytes = Uint8Array.from(image.data.denseData(), (v) => Math.round(v * 255));
  const pixels = torch.tensor(Float32Array.from(bytes, (v) => v / 255)).reshape(1, 1, 28, 28);
  const predicted = torch.noGrad(() => best.model.forward(pixels).argmax(1).item());
  samples.push({ label: digit, index: i, predicted, pixels: Buffer.from(bytes).toString('base64') });
}
samples.sort((a, b) => a.label - b.label);
writeFileSync(digitsFile, `${JSON.stringify({ width: 28, height: 28, digits: samples })}\n`);

console.log(
  `lenet-weights: public/lenet.safetensors from ${source}: ${best.activation}, epoch ${checkpoint.epoch}, ` +
    `${(100 * best.accuracy).toFixed(2)}% on ${test.length} held-out digits (${candidates.map((c) => `${c.activation} ${(100 * c.accuracy).toFixed(1)}%`).join(', ')})`,
);
