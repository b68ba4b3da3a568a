import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tensor } from '@torchlet/autograd';
import { Generator } from '@torchlet/ndarray';
import { deserialize, SafetensorsError, serialize } from '../src/index.js';
import { load, loadCheckpoint, loadWithMetadata, save, saveCheckpoint, writeFileAtomic } from '../src/node.js';
import { diffAt } from './craft.js';
import { scratchDir } from './scratch.js';

const { dir, cleanup } = scratchDir();
afterAll(cleanup);

describe('save / load', () => {
  it('round-trips a state dict through a file, with metadata', async () => {
    const path = join(dir, 'model.safetensors');
    const state = { 'fc.weight': tensor([[1, 2], [3, 4]]), 'fc.bias': tensor([0.5, -0.5]) };
    await save(state, path, { metadata: { epoch: '3' } });
    expect(diffAt(new Uint8Array(readFileSync(path)), serialize(state, { metadata: { epoch: '3' } }))).toBe(-1);
    const back = await load(path);
    expect(back['fc.weight']!.toArray()).toEqual([[1, 2], [3, 4]]);
    expect((await loadWithMetadata(path)).metadata).toEqual({ format: 'pt', epoch: '3' });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('loads the golden PyTorch file', async () => {
    const state = await load(new URL('../../../golden/lenet5.safetensors', import.meta.url).pathname);
    expect(state['7.weight']!.shape).toEqual([120, 400]);
  });

  it('replaces an existing file atomically (no temp file left)', async () => {
    const path = join(dir, 'replace.safetensors');
    await save({ a: tensor([1]) }, path);
    await save({ b: tensor([2, 3]) }, path);
    expect(Object.keys(await load(path))).toEqual(['b']);
    expect(readdirSync(dir).filter((f) => f.includes('replace.safetensors'))).toEqual(['replace.safetensors']);
  });

  it('ignores a temp file left by a crashed save; the file stays the previous one', async () => {
    const path = join(dir, 'crashed.safetensors');
    await save({ a: tensor([1]) }, path);
    writeFileSync(join(dir, '.crashed.safetensors.0123456789ab.tmp'), serialize({ a: tensor([1]) }).subarray(0, 20)); // a torn write
    expect((await load(path)).a!.toArray()).toEqual([1]);
  });

  it('names the path in errors, keeping the error class and code', async () => {
    const missing = join(dir, 'missing.safetensors');
    await expect(load(missing)).rejects.toMatchObject({ code: 'ENOENT', message: expect.stringMatching(/^load: ".*missing.safetensors": ENOENT/) as unknown });
    const bad = join(dir, 'bad.safetensors');
    writeFileSync(bad, new Uint8Array(5));
    await expect(load(bad)).rejects.toThrow(SafetensorsError);
    await expect(load(bad)).rejects.toThrow(/^load: ".*bad.safetensors": the file is 5 bytes/);
    await expect(save({ a: tensor([1]) }, join(dir, 'no', 'such', 'dir.safetensors'))).rejects.toMatchObject({ code: 'ENOENT', message: expect.stringMatching(/^save: ".*dir.safetensors": ENOENT/) as unknown });
    await expect(save({ a: tensor([1]) }, dir)).rejects.toThrow(/^save: /); // a directory is in the way
    await expect(load('')).rejects.toThrow(/load: expected a file path/);
    await expect(save({ a: [1] as never }, join(dir, 'x.safetensors'))).rejects.toThrow(/save: "a" must be a Tensor or NDArray/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp') && !f.startsWith('.crashed'))).toEqual([]);
  });

  it('writeFileAtomic writes bytes', async () => {
    const path = join(dir, 'raw.bin');
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    await expect(writeFileAtomic(path, 'abc' as never)).rejects.toThrow(/writeFileAtomic: expected a Uint8Array/);
  });
});

describe('saveCheckpoint / loadCheckpoint', () => {
  it('round-trips model, optimizer, epoch and generator state; training resumes identically', async () => {
    const path = join(dir, 'ckpt.safetensors');
    const g = new Generator(7);
    g.nextUint32();
    const buffers = Float32Array.from({ length: 40 }, (_, i) => i / 7);
    await saveCheckpoint(path, {
      model: { 'conv.weight': tensor([[[[1, -1]]]]) },
      optimizer: { state: { 0: { step: 2, momentumBuffer: buffers } }, paramGroups: [{ lr: 0.1, momentum: 0.9, params: [0] }] },
      scheduler: { lastEpoch: 2 },
      epoch: 2,
      generator: g.getState(),
    });
    const c = await loadCheckpoint(path);
    expect(c.model['conv.weight']!.toArray()).toEqual([[[[1, -1]]]]);
    expect(c.optimizer).toEqual({ state: { 0: { step: 2, momentumBuffer: buffers } }, paramGroups: [{ lr: 0.1, momentum: 0.9, params: [0] }] });
    expect(c.scheduler).toEqual({ lastEpoch: 2 });
    expect(c.epoch).toBe(2);
    const resumed = new Generator().setState(c.generator!);
    for (let i = 0; i < 5; i++) expect(resumed.nextFloat64()).toBe(g.nextFloat64());
    // the file is an ordinary safetensors file
    expect(Object.keys(deserialize(new Uint8Array(readFileSync(path))))).toEqual(['model.conv.weight', 'optimizer.state.0.momentumBuffer']);
  });

  it('names the path in errors', async () => {
    const path = join(dir, 'plain.safetensors');
    await save({ w: tensor([1]) }, path);
    await expect(loadCheckpoint(path)).rejects.toThrow(/^loadCheckpoint: ".*plain.safetensors": not a torchlet checkpoint/);
    await expect(saveCheckpoint(join(dir, 'c.safetensors'), { model: {}, epoch: 0.5 })).rejects.toThrow(/^saveCheckpoint: epoch must be a safe integer/);
  });
});
