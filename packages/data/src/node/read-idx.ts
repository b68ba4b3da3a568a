/**
 * Reading IDX files from disk (Node only): {@link readIdx} and {@link loadMnist}.
 *
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzip } from 'node:zlib';
import type { Tensor } from '@torchlet/autograd';
import type { TensorDataset } from '../dataset.js';
import { isGzip, mnistFromIdx, parseIdx, type IdxArray } from '../idx.js';
import { describe } from '../util.js';

/** `zlib.gunzip` as a promise. */
function gunzipAsync(bytes: Uint8Array, maxOutputLength: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    gunzip(bytes, { maxOutputLength }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/** 2 GiB: the default bound on a file's size, compressed and decompressed. */
const DEFAULT_MAX_BYTES = 2 ** 31;

/**
 * Options of {@link readIdx}.
 *
 * @example
 * ```ts
 * const options: ReadIdxOptions = { maxBytes: 100 * 2 ** 20 }; // refuse files over 100 MiB
 * ```
 */
export interface ReadIdxOptions {
  /**
   * The largest file, and the largest decompressed content of a gzip file, accepted (default
   * 2 GiB). It bounds what a hostile or corrupt file (a "gzip bomb") can make the reader allocate.
   */
  maxBytes?: number | undefined;
}

function checkMaxBytes(op: string, maxBytes: unknown): number {
  if (maxBytes === undefined) return DEFAULT_MAX_BYTES;
  if (typeof maxBytes !== 'number' || !Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new RangeError(`${op}: maxBytes must be a positive integer, got ${describe(maxBytes)}`);
  }
  return maxBytes;
}

function pathName(path: string | URL): string {
  return path instanceof URL ? fileURLToPath(path) : path;
}

/** The error's message, or its string form. */
function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Reads an IDX file — plain, or gzip-compressed (recognised by its magic number `1f 8b`, not by
 * its name) — and parses it with {@link parseIdx}, which validates the header and the data length.
 * The file's size is checked before it is read, and decompression stops at `maxBytes`.
 *
 * @param path - the file (a path or a `file:` URL)
 * @param options - `maxBytes` (default 2 GiB)
 * @returns the dtype, the shape and the elements
 * @example
 * ```ts
 * import { readIdx } from '@torchlet/data/node';
 * const labels = await readIdx('data/train-labels-idx1-ubyte.gz');
 * labels.shape; // [60000]
 * ```
 */
export async function readIdx(path: string | URL, options: ReadIdxOptions = {}): Promise<IdxArray> {
  const op = 'readIdx';
  if (typeof path !== 'string' && !(path instanceof URL)) throw new TypeError(`${op}: path must be a string or a URL, got ${describe(path)}`);
  const maxBytes = checkMaxBytes(op, options.maxBytes);
  const name = pathName(path);
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new Error('not a regular file');
    size = st.size;
  } catch (e) {
    throw new Error(`${op}: cannot read ${name}: ${messageOf(e)}`, { cause: e });
  }
  if (size > maxBytes) throw new RangeError(`${op}: ${name} is ${size} bytes, more than maxBytes (${maxBytes})`);
  let bytes: Uint8Array = await readFile(path);
  if (isGzip(bytes)) {
    try {
      bytes = await gunzipAsync(bytes, maxBytes);
    } catch (e) {
      const tooBig = e instanceof RangeError || (e as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE';
      throw new RangeError(
        tooBig
          ? `${op}: ${name} decompresses to more than maxBytes (${maxBytes} bytes)`
          : `${op}: ${name} starts with the gzip magic number 1f 8b but cannot be decompressed: ${messageOf(e)}`,
        { cause: e },
      );
    }
    if (isGzip(bytes)) throw new RangeError(`${op}: ${name} is gzip-compressed twice; expected one layer of gzip around an IDX file`);
  }
  return parseIdx(bytes, name);
}

/**
 * Options of {@link loadMnist}.
 *
 * @example
 * ```ts
 * const options: LoadMnistOptions = { train: false }; // the 10,000 test images
 * ```
 */
export interface LoadMnistOptions extends ReadIdxOptions {
  /** Read the training files (`train-*`, default) or the test files (`t10k-*`). */
  train?: boolean | undefined;
}

/** The file names tried for one of the four MNIST files, in order. */
function candidates(prefix: string, kind: 'images' | 'labels'): string[] {
  const idx = kind === 'images' ? 'idx3' : 'idx1';
  const dash = `${prefix}-${kind}-${idx}-ubyte`;
  const dot = `${prefix}-${kind}.${idx}-ubyte`; // some mirrors spell it this way
  return [dash, `${dash}.gz`, dot, `${dot}.gz`];
}

async function findFile(op: string, dir: string, names: readonly string[], what: string): Promise<string> {
  for (const file of names) {
    const path = join(dir, file);
    try {
      if ((await stat(path)).isFile()) return path;
    } catch {
      // not there: try the next name
    }
  }
  throw new Error(`${op}: no ${what} file in ${dir}; looked for ${names.join(', ')}`);
}

/**
 * Loads MNIST — or any data set in its IDX layout, such as Fashion-MNIST or KMNIST — from a
 * folder holding the standard file names: `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
 * `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, each possibly gzipped with a `.gz` suffix
 * (the spelling `train-images.idx3-ubyte` is accepted too). Images become a float32 tensor
 * `(N, 1, H, W)` scaled to `[0, 1]`, labels an int32 tensor `(N)` (see {@link mnistFromIdx}).
 * Nothing is downloaded.
 *
 * @param dir - the folder (a path or a `file:` URL)
 * @param options - `train` (default true: the training files), `maxBytes` (per file, default 2 GiB)
 * @returns a dataset of `[image, label]` samples; its `tensors` are the images and the labels
 * @example
 * ```ts
 * import { loadMnist } from '@torchlet/data/node';
 * const train = await loadMnist('data/mnist');
 * const test = await loadMnist('data/mnist', { train: false });
 * const [images, labels] = train.tensors; // (60000, 1, 28, 28) float32, (60000) int32
 * ```
 */
export async function loadMnist(dir: string | URL, options: LoadMnistOptions = {}): Promise<TensorDataset<[images: Tensor, labels: Tensor]>> {
  const op = 'loadMnist';
  if (typeof dir !== 'string' && !(dir instanceof URL)) throw new TypeError(`${op}: dir must be a string or a URL, got ${describe(dir)}`);
  const { train = true } = options;
  if (typeof train !== 'boolean') throw new TypeError(`${op}: train must be a boolean, got ${describe(train)}`);
  const maxBytes = checkMaxBytes(op, options.maxBytes);
  const folder = pathName(dir);
  const prefix = train ? 'train' : 't10k';
  const split = train ? 'training' : 'test';
  const imagesPath = await findFile(op, folder, candidates(prefix, 'images'), `${split} images`);
  const labelsPath = await findFile(op, folder, candidates(prefix, 'labels'), `${split} labels`);
  const images = await readIdx(imagesPath, { maxBytes });
  const labels = await readIdx(labelsPath, { maxBytes });
  try {
    return mnistFromIdx(images, labels);
  } catch (e) {
    throw new RangeError(`${op}: ${imagesPath} and ${labelsPath} do not make an MNIST-style data set: ${messageOf(e)}`, { cause: e });
  }
}
