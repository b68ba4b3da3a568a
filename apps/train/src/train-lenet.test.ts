import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from 'torchlet';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainOptions } from './args.js';
import { trainLenet } from './train-lenet.js';

const root = mkdtempSync(join(tmpdir(), 'torchlet-train-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** 96 small random "digits": enough to exercise every step of a run in well under a second. */
function tinyDigits() {
  const g = new torch.Generator(5);
  const make = (n: number) =>
    new torch.data.TensorDataset(torch.rand([n, 1, 28, 28], { generator: g }), torch.randint(0, 10, [n], { generator: g }));
  return { train: make(96), test: make(32) };
}

const base = (out: string, epochs: number, resume = false): TrainOptions => ({
  epochs, batchSize: 32, lr: 0.002, optimizer: 'adam', activation: 'relu', seed: 3, out, resume, data: null, quiet: true,
});
const sink = { write: () => true };

describe('trainLenet', () => {
  it('writes the run folder', async () => {
    const out = join(root, 'plain');
    const summary = await trainLenet(base(out, 2), sink, { digits: tinyDigits() });
    expect(summary.epochs).toBe(2);
    const json = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Record<string, number>;
    expect(Object.keys(json).sort()).toEqual(['epochs', 'seconds', 'testAccuracy', 'trainAccuracy', 'trainLoss']);
    expect(json.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(json.testAccuracy).toBeLessThanOrEqual(1);
    expect(readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n')).toHaveLength(3);
    expect(readFileSync(join(out, 'curves.svg'), 'utf8')).toMatch(/^<svg[^>]*>.*<polyline/s);
    for (const png of ['filters.png', 'confusion.png']) expect([...readFileSync(join(out, png)).subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
  });

  it('resumed from a mid-run checkpoint, ends with the same weights as an uninterrupted run', async () => {
    const straight = join(root, 'straight');
    const resumed = join(root, 'resumed');
    await trainLenet(base(straight, 3), sink, { digits: tinyDigits() });
    // interrupted after its first epoch (as Ctrl-C does), then resumed
    await trainLenet(base(resumed, 3), sink, { digits: tinyDigits(), signal: AbortSignal.abort() });
    expect((await torch.io.loadCheckpoint(join(resumed, 'checkpoint.safetensors'))).epoch).toBe(1);
    await trainLenet(base(resumed, 3, true), sink, { digits: tinyDigits() });
    const a = await torch.io.loadCheckpoint(join(straight, 'checkpoint.safetensors'));
    const b = await torch.io.loadCheckpoint(join(resumed, 'checkpoint.safetensors'));
    expect(b.epoch).toBe(3);
    for (const key of Object.keys(a.model)) expect([...b.model[key]!.data.denseData()], key).toEqual([...a.model[key]!.data.denseData()]);
  });

  it('refuses to resume without a checkpoint', async () => {
    await expect(trainLenet(base(join(root, 'none'), 1, true), sink, { digits: tinyDigits() })).rejects.toThrow(/--resume: no checkpoint at/);
  });
});
