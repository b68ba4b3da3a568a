/**
 * Atomic writes under failure: a write, fsync or rename that fails part-way leaves the previous
 * file intact and no temporary file behind. Failures are injected into node:fs/promises.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type * as fsp from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { tensor } from '@torchlet/autograd';
import { load, loadCheckpoint, save, saveCheckpoint } from '../src/node.js';
import { scratchDir } from './scratch.js';

type Fault = 'write' | 'sync' | 'close' | 'rename' | 'dirsync' | null;
const fault = vi.hoisted(() => ({ at: null as Fault, calls: [] as string[] }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof fsp>();
  const eio = (what: string): Error => Object.assign(new Error(`EIO: i/o error, ${what}`), { code: 'EIO' });
  return {
    ...actual,
    open: async (...args: Parameters<typeof actual.open>): Promise<FileHandle> => {
      const handle = await actual.open(...args);
      const isTemp = String(args[0]).endsWith('.tmp');
      fault.calls.push(`open ${isTemp ? 'tmp' : 'dir'}`);
      if (isTemp && fault.at === 'write') {
        // a torn write: half of the bytes reach the file, then the disk fails
        handle.writeFile = async (data: unknown): Promise<void> => {
          const bytes = data as Uint8Array;
          await handle.write(bytes.subarray(0, bytes.length >> 1));
          throw eio('write');
        };
      }
      if (isTemp && fault.at === 'sync') handle.sync = () => Promise.reject(eio('fsync'));
      if (isTemp && fault.at === 'close') {
        const close = handle.close.bind(handle);
        handle.close = async () => {
          await close();
          throw eio('close');
        };
      }
      if (!isTemp && fault.at === 'dirsync') handle.sync = () => Promise.reject(eio('fsync dir'));
      return handle;
    },
    rename: async (from: string, to: string): Promise<void> => {
      fault.calls.push('rename');
      if (fault.at === 'rename') throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
      return actual.rename(from, to);
    },
  };
});

const { dir, cleanup } = scratchDir();
afterAll(cleanup);
afterEach(() => {
  fault.at = null;
  fault.calls = [];
});

const previous = { w: tensor([1, 2, 3]) };
const next = { w: tensor(Array.from({ length: 1000 }, (_, i) => i)), b: tensor([9]) };

describe.each(['write', 'sync', 'close', 'rename'] as const)('a save failing at %s', (at) => {
  it('leaves the previous file intact and no temp file behind', async () => {
    const path = join(dir, `model-${at}.safetensors`);
    await save(previous, path);
    const before = readFileSync(path);
    fault.at = at;
    await expect(save(next, path)).rejects.toMatchObject({ code: at === 'rename' ? 'EXDEV' : 'EIO', message: expect.stringMatching(/^save: ".*model-.*": E/) as unknown });
    fault.at = null;
    expect(readFileSync(path).equals(before)).toBe(true);
    expect((await load(path)).w!.toArray()).toEqual([1, 2, 3]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('of a checkpoint behaves the same', async () => {
    const path = join(dir, `ckpt-${at}.safetensors`);
    await saveCheckpoint(path, { model: previous, epoch: 1 });
    fault.at = at;
    await expect(saveCheckpoint(path, { model: next, epoch: 2 })).rejects.toThrow(/^saveCheckpoint: /);
    fault.at = null;
    expect((await loadCheckpoint(path)).epoch).toBe(1);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('the atomic protocol', () => {
  it('writes a temp file, fsyncs, renames, then fsyncs the directory', async () => {
    const path = join(dir, 'protocol.safetensors');
    await save(previous, path);
    expect(fault.calls).toEqual(['open tmp', 'rename', 'open dir']);
  });

  it('a failing directory fsync (unsupported on some platforms) does not fail the save', async () => {
    const path = join(dir, 'dirsync.safetensors');
    fault.at = 'dirsync';
    await save(next, path);
    expect((await load(path)).b!.toArray()).toEqual([9]);
  });
});
