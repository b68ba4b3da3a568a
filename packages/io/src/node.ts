/**
 * @torchlet/io/node — safetensors files and checkpoints on disk, written atomically.
 *
 * @example
 * ```ts
 * import { load, save } from '@torchlet/io/node';
 * import { tensor } from '@torchlet/autograd';
 * await save({ 'fc.bias': tensor([0.5]) }, 'weights.safetensors');
 * (await load('weights.safetensors'))['fc.bias']!.toArray(); // [0.5]
 * ```
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Tensor } from '@torchlet/autograd';
import { readCheckpoint, writeCheckpoint, type Checkpoint, type LoadedCheckpoint, type PlainValue } from './checkpoint.js';
import { readContents, type SafetensorsContents } from './deserialize.js';
import type { ReadOptions } from './header.js';
import { writeSafetensors, type SerializeOptions, type StateDict } from './serialize.js';

function checkPath(op: string, path: unknown): string {
  if (typeof path !== 'string' || path.length === 0) {
    throw new TypeError(`${op}: expected a file path (non-empty string), got ${path === null ? 'null' : typeof path}`);
  }
  return path;
}

/** Puts the operation and path in front of an error's message, keeping its class and code. */
function annotate(op: string, path: string, e: unknown): unknown {
  if (e instanceof Error) {
    const rest = e.message.startsWith(`${op}: `) ? e.message.slice(op.length + 2) : e.message;
    e.message = `${op}: ${JSON.stringify(path)}: ${rest}`;
  }
  return e;
}

/**
 * Writes `bytes` to `path` atomically: into a new temporary file in the same directory, flushed
 * to disk (`fsync`), then renamed over `path`, and the directory flushed. A crash or error at
 * any point leaves either the previous file or the complete new one, never a torn file; on error
 * the temporary file is removed and the error rethrown. A symbolic link at `path` is replaced,
 * not followed. The new file gets the default mode (0o666 less the umask).
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from '@torchlet/io/node';
 * await writeFileAtomic('notes.bin', new Uint8Array([1, 2, 3]));
 * ```
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await writeAtomic('writeFileAtomic', path, bytes);
}

async function writeAtomic(op: string, path: string, bytes: Uint8Array): Promise<void> {
  checkPath(op, path);
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${op}: expected a Uint8Array`);
  const target = resolve(path);
  const dir = dirname(target);
  // hidden, unique, and short enough for NAME_MAX (255) whatever the target's name
  const tmp = join(dir, `.${basename(target).slice(0, 200)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw annotate(op, path, e);
  }
  // make the rename itself durable; directories cannot be opened or synced everywhere (Windows)
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // best effort
  }
}

/**
 * Writes a state dict to a safetensors file (see `serialize` in `@torchlet/io`), atomically (see
 * {@link writeFileAtomic}): an interrupted save leaves the previous file intact.
 *
 * @example
 * ```ts
 * import { save } from '@torchlet/io/node';
 * import { tensor } from '@torchlet/autograd';
 * await save({ 'fc.weight': tensor([[1, 2]]), 'fc.bias': tensor([0]) }, 'model.safetensors', { metadata: { epoch: '3' } });
 * ```
 */
export async function save(stateDict: StateDict, path: string, options: SerializeOptions = {}): Promise<void> {
  checkPath('save', path);
  await writeAtomic('save', path, writeSafetensors('save', stateDict, options));
}

/**
 * Reads a safetensors file — one PyTorch wrote, say — into tensors keyed by its names, with the
 * validation of untrusted input of `deserialize` in `@torchlet/io`. Errors name the path.
 *
 * @example
 * ```ts
 * import { load } from '@torchlet/io/node';
 * const state = await load('model.safetensors');
 * Object.keys(state); // ['fc.weight', 'fc.bias']
 * ```
 */
export async function load(path: string, options: ReadOptions = {}): Promise<Record<string, Tensor>> {
  return (await readFileContents('load', path, options)).tensors;
}

/**
 * Like {@link load}, and returns the file's `__metadata__` too.
 *
 * @example
 * ```ts
 * import { loadWithMetadata } from '@torchlet/io/node';
 * const { tensors, metadata } = await loadWithMetadata('model.safetensors');
 * metadata?.format; // 'pt'
 * ```
 */
export async function loadWithMetadata(path: string, options: ReadOptions = {}): Promise<SafetensorsContents> {
  return readFileContents('loadWithMetadata', path, options);
}

async function readFileContents(op: string, path: string, options: ReadOptions): Promise<SafetensorsContents> {
  checkPath(op, path);
  try {
    const bytes = await readFile(path);
    return readContents(op, bytes, options);
  } catch (e) {
    throw annotate(op, path, e);
  }
}

/**
 * Writes a training checkpoint — model state dict, optimizer and scheduler state, epoch,
 * generator state, extra data — to one safetensors file (see `serializeCheckpoint` in
 * `@torchlet/io`), atomically (see {@link writeFileAtomic}).
 *
 * @example
 * ```ts
 * import { saveCheckpoint } from '@torchlet/io/node';
 * import { tensor } from '@torchlet/autograd';
 * import { defaultGenerator } from '@torchlet/ndarray';
 * await saveCheckpoint('ckpt.safetensors', {
 *   model: { 'fc.weight': tensor([[1, 2]]) },
 *   optimizer: { state: {}, paramGroups: [{ lr: 0.1, params: [0] }] },
 *   epoch: 4,
 *   generator: defaultGenerator().getState(),
 * });
 * ```
 */
export async function saveCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  checkPath('saveCheckpoint', path);
  await writeAtomic('saveCheckpoint', path, writeCheckpoint('saveCheckpoint', checkpoint));
}

/**
 * Reads a checkpoint written by {@link saveCheckpoint}, validating it as untrusted input (see
 * `deserializeCheckpoint` in `@torchlet/io`). The type parameters name what was saved as
 * `optimizer`, `scheduler` and `extra` (unchecked, like `JSON.parse`'s result: the consumer
 * validates), e.g. `loadCheckpoint<OptimizerStateDict<SGDOptions>>(path)`.
 *
 * @example
 * ```ts
 * import { loadCheckpoint } from '@torchlet/io/node';
 * import { defaultGenerator } from '@torchlet/ndarray';
 * const { model, optimizer, epoch, generator } = await loadCheckpoint('ckpt.safetensors');
 * if (generator) defaultGenerator().setState(generator);
 * ```
 */
export async function loadCheckpoint<Optimizer = PlainValue, Scheduler = PlainValue, Extra = PlainValue>(
  path: string,
  options: ReadOptions = {},
): Promise<LoadedCheckpoint<Optimizer, Scheduler, Extra>> {
  const op = 'loadCheckpoint';
  checkPath(op, path);
  try {
    return readCheckpoint(op, await readFile(path), options) as LoadedCheckpoint<Optimizer, Scheduler, Extra>;
  } catch (e) {
    throw annotate(op, path, e);
  }
}

export type { Checkpoint, LoadedCheckpoint, PlainObject, PlainValue } from './checkpoint.js';
export type { SafetensorsContents } from './deserialize.js';
export type { ReadOptions } from './header.js';
export type { SerializeOptions, StateDict } from './serialize.js';
