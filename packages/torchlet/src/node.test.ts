import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as torch from './node.js';
import * as browser from './index.js';

describe('torchlet, the umbrella', () => {
  it('offers the library under PyTorch’s names', () => {
    expect(typeof torch.tensor).toBe('function');
    expect(typeof torch.manualSeed).toBe('function');
    expect(typeof torch.nn.Conv2d).toBe('function');
    expect(typeof torch.nn.functional.crossEntropy).toBe('function');
    expect(typeof torch.optim.SGD).toBe('function');
    expect(typeof torch.optim.lrScheduler.StepLR).toBe('function');
    expect(typeof torch.data.DataLoader).toBe('function');
    expect(typeof torch.io.save).toBe('function');
    expect(typeof torch.data.loadBundledDigits).toBe('function');
  });

  it('keeps the file helpers out of the browser entry', () => {
    expect('save' in browser.io).toBe(false);
    expect('loadMnist' in browser.data).toBe(false);
    expect(typeof browser.io.serialize).toBe('function');
  });

  it('trains a layer and saves it through the one import', async () => {
    torch.manualSeed(0);
    const net = new torch.nn.Sequential(new torch.nn.Conv2d(1, 2, 3, { padding: 1 }), new torch.nn.ReLU(), new torch.nn.Flatten(), new torch.nn.Linear(2 * 4 * 4, 3));
    const opt = new torch.optim.SGD(net.parameters(), { lr: 0.1 });
    const x = torch.randn([5, 1, 4, 4]);
    const y = torch.tensor([0, 1, 2, 0, 1], { dtype: 'int32' });
    const losses: number[] = [];
    for (let i = 0; i < 20; i++) {
      opt.zeroGrad();
      const loss = torch.nn.functional.crossEntropy(net.forward(x), y);
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    const dir = mkdtempSync(join(tmpdir(), 'torchlet-'));
    try {
      const file = join(dir, 'net.safetensors');
      await torch.io.save(net.stateDict(), file);
      const loaded = await torch.io.load(file);
      expect(Object.keys(loaded).sort()).toEqual(Object.keys(net.stateDict()).sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
