/**
 * The main job: LeNet-5 on real digits. Trains, evaluates on the held-out digits each epoch, and
 * writes the run folder: the checkpoint (resumable), metrics.csv, curves.svg, the first layer's
 * filters and the confusion matrix as PNG, and summary.json.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from 'torchlet';
import type { TrainOptions } from './args.js';
import { lenet5 } from './lenet.js';
import { Progress } from './progress.js';
import { curvesSvg, metricsCsv, type EpochMetrics } from './report/curves.js';
import { confusionPng, filterGridPng } from './report/images.js';

type Digits = torch.data.TensorDataset<[torch.Tensor, torch.Tensor]>;

/** What a run reports (also written as summary.json). */
export interface Summary {
  epochs: number;
  trainLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
  seconds: number;
}

/** Optional control of a run. */
export interface RunControl {
  /** Train on these instead of reading `options.data` or the bundled digits (tests use small sets). */
  digits?: { train: Digits; test: Digits };
  /** Stop after the epoch in progress (its checkpoint written), e.g. on Ctrl-C; `--resume` continues. */
  signal?: AbortSignal;
}

/** Where the run prints (the CLI passes process.stdout). */
export interface Output {
  isTTY?: boolean;
  write(text: string): unknown;
}

async function loadDigits(options: TrainOptions): Promise<{ train: Digits; test: Digits }> {
  if (options.data === null) return torch.data.loadBundledDigits({ seed: options.seed });
  if (!existsSync(options.data)) throw new Error(`--data: no such folder ${options.data}`);
  return { train: await torch.data.loadMnist(options.data, { train: true }), test: await torch.data.loadMnist(options.data, { train: false }) };
}

/** Accuracy and confusion matrix of `model` on `dataset`, in batches, without the tape. */
export function evaluate(model: torch.nn.Module, dataset: Digits, batchSize = 500): { accuracy: number; confusion: number[][] } {
  const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  let correct = 0;
  let total = 0;
  torch.noGrad(() => {
    for (const [x, y] of new torch.data.DataLoader(dataset, { batchSize })) {
      const predicted = model.forward(x).argmax(1).data.denseData();
      const labels = y.data.denseData();
      for (let i = 0; i < labels.length; i++) {
        confusion[labels[i]!]![predicted[i]!]!++;
        if (labels[i] === predicted[i]) correct++;
      }
      total += labels.length;
    }
  });
  return { accuracy: correct / total, confusion };
}

function makeOptimizer(model: torch.nn.Module, options: TrainOptions): torch.optim.Optimizer {
  return options.optimizer === 'adam'
    ? new torch.optim.Adam(model.parameters(), { lr: options.lr })
    : new torch.optim.SGD(model.parameters(), { lr: options.lr, momentum: 0.9 });
}

/** Trains LeNet-5 as `options` say and returns the summary. */
export async function trainLenet(options: TrainOptions, out: Output = process.stdout, run: RunControl = {}): Promise<Summary> {
  const { digits, signal } = run;
  const say = (text: string): void => {
    if (!options.quiet) out.write(`${text}\n`);
  };
  const started = performance.now();
  // the WebAssembly backend torchlet selects on load: wait for it, and give it every core
  await (await torch.ready)?.setNumThreads('auto');
  const { train, test } = digits ?? (await loadDigits(options));
  torch.manualSeed(options.seed);
  const model = lenet5(options.activation);
  const optimizer = makeOptimizer(model, options);
  // cosine annealing of the learning rate over every step of the run: a better optimum for free
  const stepsPerEpoch = Math.ceil(train.length / options.batchSize);
  const scheduler = new torch.optim.lrScheduler.CosineAnnealingLR(optimizer, options.epochs * stepsPerEpoch);
  const checkpointPath = join(options.out, 'checkpoint.safetensors');
  mkdirSync(options.out, { recursive: true });
  let history: EpochMetrics[] = [];
  let firstEpoch = 0;
  if (options.resume) {
    if (!existsSync(checkpointPath)) throw new Error(`--resume: no checkpoint at ${checkpointPath}`);
    const saved = await torch.io.loadCheckpoint<torch.optim.OptimizerStateDict, torch.optim.lrScheduler.LRSchedulerStateDict, { history: EpochMetrics[] }>(checkpointPath);
    model.loadStateDict(saved.model);
    if (saved.optimizer) optimizer.loadStateDict(saved.optimizer);
    if (saved.scheduler) scheduler.loadStateDict(saved.scheduler);
    if (saved.generator) torch.defaultGenerator().setState(saved.generator);
    firstEpoch = saved.epoch ?? 0;
    history = saved.extra?.history ?? [];
    say(`resumed from ${checkpointPath} after epoch ${firstEpoch}`);
  }
  say(`LeNet-5 (${options.activation}), ${options.optimizer} lr ${options.lr}, batch ${options.batchSize}: ${train.length} training and ${test.length} test digits`);
  say('epoch  train loss  train acc  test acc  seconds');
  for (let epoch = firstEpoch; epoch < options.epochs; epoch++) {
    const t0 = performance.now();
    model.train();
    const loader = new torch.data.DataLoader(train, { batchSize: options.batchSize, shuffle: true });
    const progress = new Progress(`epoch ${epoch + 1}/${options.epochs}`, out, options.quiet);
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    for (const [x, y] of loader) {
      optimizer.zeroGrad();
      const logits = model.forward(x);
      const loss = torch.nn.functional.crossEntropy(logits, y);
      loss.backward();
      optimizer.step();
      scheduler.step();
      const n = y.numel();
      lossSum += loss.item() * n;
      seen += n;
      const predicted = logits.argmax(1).data.denseData();
      const labels = y.data.denseData();
      for (let i = 0; i < n; i++) if (predicted[i] === labels[i]) correct++;
      progress.update({ done: seen, total: train.length, loss: lossSum / seen, seconds: (performance.now() - t0) / 1000 });
    }
    progress.end();
    model.eval();
    const { accuracy, confusion } = evaluate(model, test);
    const row: EpochMetrics = { epoch: epoch + 1, trainLoss: lossSum / seen, trainAccuracy: correct / seen, testAccuracy: accuracy, seconds: (performance.now() - t0) / 1000 };
    history.push(row);
    say(`${String(row.epoch).padStart(5)}  ${row.trainLoss.toFixed(4).padStart(10)}  ${(100 * row.trainAccuracy).toFixed(2).padStart(8)}%  ${(100 * row.testAccuracy).toFixed(2).padStart(7)}%  ${row.seconds.toFixed(1).padStart(7)}`);
    await torch.io.saveCheckpoint(checkpointPath, {
      model: model.stateDict(),
      optimizer: optimizer.stateDict(),
      scheduler: scheduler.stateDict(),
      epoch: epoch + 1,
      generator: torch.defaultGenerator().getState(),
      extra: { history },
    });
    writeFileSync(join(options.out, 'metrics.csv'), metricsCsv(history));
    writeFileSync(join(options.out, 'curves.svg'), curvesSvg(history));
    writeFileSync(join(options.out, 'confusion.png'), confusionPng(confusion));
    if (signal?.aborted && epoch + 1 < options.epochs) {
      say(`stopped after epoch ${epoch + 1}; continue with --resume`);
      break;
    }
  }
  const conv1 = model.stateDict()['0.weight']!;
  writeFileSync(join(options.out, 'filters.png'), filterGridPng(conv1.data.denseData(), conv1.shape[0]!, conv1.shape[3]!));
  const last = history.at(-1);
  const summary: Summary = {
    epochs: history.length,
    trainLoss: last?.trainLoss ?? NaN,
    trainAccuracy: last?.trainAccuracy ?? NaN,
    testAccuracy: last?.testAccuracy ?? evaluate(model, test).accuracy,
    seconds: (performance.now() - started) / 1000,
  };
  writeFileSync(join(options.out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  out.write(
    `test accuracy ${(100 * summary.testAccuracy).toFixed(2)}% on ${test.length} held-out digits after ${summary.epochs} epochs, ${summary.seconds.toFixed(1)} s; run folder ${options.out}\n`,
  );
  return summary;
}
