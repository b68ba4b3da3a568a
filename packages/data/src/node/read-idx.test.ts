import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idxBytes, tinyMnist } from '../../test/idx-fixtures.js';
import { DataLoader } from '../dataloader.js';
import { loadMnist, readIdx } from './read-idx.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'torchlet-data-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('readIdx', () => {
  it('reads plain and gzipped files (detected by magic number, not by name)', async () => {
    const bytes = idxBytes('int16', [2, 2], [1, -2, 300, -400]);
    const plain = await readIdx(write('plain.idx', bytes));
    expect(plain).toEqual({ dtype: 'int16', shape: [2, 2], data: Int16Array.of(1, -2, 300, -400) });
    expect(await readIdx(write('packed.gz', gzipSync(bytes)))).toEqual(plain);
    expect(await readIdx(write('packed-no-suffix', gzipSync(bytes)))).toEqual(plain);
    expect(await readIdx(pathToFileURL(join(dir, 'plain.idx')))).toEqual(plain);
  });

  it('names the file when its content is malformed, compressed or not', async () => {
    const truncated = idxBytes('uint8', [10], [1, 2, 3]);
    const p = write('truncated.idx', truncated);
    await expect(readIdx(p)).rejects.toThrow(`parseIdx: ${p} is truncated`);
    const q = write('truncated.idx.gz', gzipSync(truncated));
    await expect(readIdx(q)).rejects.toThrow(`parseIdx: ${q} is truncated`);
    const badMagic = write('bad.gz', gzipSync(new Uint8Array([1, 2, 3, 4, 5])));
    await expect(readIdx(badMagic)).rejects.toThrow(/not an IDX file: its magic number must start with 00 00, got 01 02 03 04/);
  });

  it('rejects corrupt and doubly compressed gzip, and bounds sizes before allocating', async () => {
    const gz = gzipSync(idxBytes('uint8', [1000], new Array<number>(1000).fill(7)));
    const corrupt = write('corrupt.gz', gz.subarray(0, 20));
    await expect(readIdx(corrupt)).rejects.toThrow(/readIdx: .*corrupt.gz starts with the gzip magic number 1f 8b but cannot be decompressed/);
    await expect(readIdx(write('twice.gz', gzipSync(gz)))).rejects.toThrow(/gzip-compressed twice/);
    // a "gzip bomb": a tiny file that decompresses to far more than allowed
    const bomb = write('bomb.gz', gzipSync(new Uint8Array(1 << 20)));
    await expect(readIdx(bomb, { maxBytes: 4096 })).rejects.toThrow(/bomb.gz decompresses to more than maxBytes \(4096 bytes\)/);
    await expect(readIdx(write('big.idx', idxBytes('uint8', [100], new Array<number>(100).fill(1))), { maxBytes: 50 })).rejects.toThrow(
      /big.idx is 108 bytes, more than maxBytes \(50\)/,
    );
    await expect(readIdx(join(dir, 'missing.idx'))).rejects.toThrow(/readIdx: cannot read .*missing.idx: ENOENT/);
    await expect(readIdx(dir)).rejects.toThrow(/not a regular file/);
    await expect(readIdx(3 as unknown as string)).rejects.toThrow(/readIdx: path must be a string or a URL, got number 3/);
    await expect(readIdx('x', { maxBytes: -1 })).rejects.toThrow(/maxBytes must be a positive integer/);
  });
});

describe('loadMnist', () => {
  it('loads the train and test files of a folder, plain or gzipped', async () => {
    const folder = join(dir, 'mnist');
    mkdirSync(folder);
    const train = tinyMnist(7);
    const test = tinyMnist(3, 4, 3);
    writeFileSync(join(folder, 'train-images-idx3-ubyte.gz'), gzipSync(train.images));
    writeFileSync(join(folder, 'train-labels-idx1-ubyte.gz'), gzipSync(train.labels));
    writeFileSync(join(folder, 't10k-images-idx3-ubyte'), test.images);
    writeFileSync(join(folder, 't10k-labels.idx1-ubyte'), test.labels);
    const ds = await loadMnist(folder);
    const [images, labels] = ds.tensors;
    expect(ds.length).toBe(7);
    expect(images.shape).toEqual([7, 1, 4, 3]);
    expect(images.dtype).toBe('float32');
    expect(Array.from(images.data.data)).toEqual(train.pixels.map((p) => Math.fround(p / 255)));
    expect(labels.dtype).toBe('int32');
    expect(labels.toArray()).toEqual(train.classes);
    const t = await loadMnist(pathToFileURL(folder), { train: false });
    expect(t.tensors[0].shape).toEqual([3, 1, 4, 3]);
    expect(t.tensors[1].toArray()).toEqual(test.classes);
    // straight into a DataLoader
    const [x, y] = [...new DataLoader(ds, { batchSize: 7 })][0]!;
    expect(x.shape).toEqual([7, 1, 4, 3]);
    expect(y.toArray()).toEqual(train.classes);
  });

  it('says which files it looked for, and rejects files that do not pair up', async () => {
    const folder = join(dir, 'partial');
    mkdirSync(folder);
    const { images } = tinyMnist(4);
    writeFileSync(join(folder, 'train-images-idx3-ubyte'), images);
    await expect(loadMnist(folder)).rejects.toThrow(
      /loadMnist: no training labels file in .*partial; looked for train-labels-idx1-ubyte, train-labels-idx1-ubyte.gz, train-labels.idx1-ubyte, train-labels.idx1-ubyte.gz/,
    );
    await expect(loadMnist(folder, { train: false })).rejects.toThrow(/no test images file/);
    writeFileSync(join(folder, 'train-labels-idx1-ubyte'), tinyMnist(5).labels);
    await expect(loadMnist(folder)).rejects.toThrow(/do not make an MNIST-style data set: mnistFromIdx: there are 4 images but 5 labels/);
    await expect(loadMnist(folder, { train: 'yes' as unknown as boolean })).rejects.toThrow(/train must be a boolean/);
  });
});
