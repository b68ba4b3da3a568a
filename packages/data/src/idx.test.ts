import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { idxBytes, tinyMnist } from '../test/idx-fixtures.js';
import { isGzip, mnistFromIdx, parseIdx, type IdxArray, type IdxDType } from './idx.js';

describe('parseIdx', () => {
  it('reads every dtype, big-endian', () => {
    const cases: [IdxDType, number[], ArrayLike<number>][] = [
      ['uint8', [0, 1, 255, 128, 7, 42], Uint8Array],
      ['int8', [-128, -1, 0, 1, 127, 5], Int8Array],
      ['int16', [-32768, -2, 0, 258, 32767, 1000], Int16Array],
      ['int32', [-2147483648, -1, 0, 65536, 2147483647, 123456789], Int32Array],
      ['float32', [-1.5, 0, 0.25, 3.5, 1e10, -0], Float32Array],
      ['float64', [Math.PI, -Math.E, 1e-300, 0, 1e300, 0.1], Float64Array],
    ] as unknown as [IdxDType, number[], ArrayLike<number>][];
    for (const [dtype, values, Kind] of cases) {
      const parsed = parseIdx(idxBytes(dtype, [2, 3], values));
      expect(parsed.dtype).toBe(dtype);
      expect(parsed.shape).toEqual([2, 3]);
      expect(parsed.data).toBeInstanceOf(Kind as unknown as typeof Uint8Array);
      expect(Array.from(parsed.data)).toEqual(values);
    }
  });

  it('reads the documented example, 1-d and empty files, and copies out of Buffers', () => {
    const bytes = new Uint8Array([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]);
    expect(parseIdx(bytes)).toEqual({ dtype: 'uint8', shape: [2, 3], data: Uint8Array.of(1, 2, 3, 4, 5, 6) });
    expect(parseIdx(idxBytes('int32', [3], [1, 2, 3])).shape).toEqual([3]);
    const empty = parseIdx(idxBytes('float32', [0, 28, 28], []));
    expect(empty.shape).toEqual([0, 28, 28]);
    expect(empty.data.length).toBe(0);
    const buf = Buffer.from(idxBytes('uint8', [2], [9, 8]));
    const parsed = parseIdx(buf);
    buf[buf.length - 1] = 0;
    expect(Array.from(parsed.data)).toEqual([9, 8]);
  });

  it('rejects a bad magic number, an unknown type code and a bad dimension count', () => {
    const good = idxBytes('uint8', [2], [1, 2]);
    const bad = (patch: (b: Uint8Array) => void): Uint8Array => {
      const b = good.slice();
      patch(b);
      return b;
    };
    expect(() => parseIdx(bad((b) => (b[0] = 1)))).toThrow(/parseIdx: input is not an IDX file: its magic number must start with 00 00, got 01 00 08 01/);
    expect(() => parseIdx(bad((b) => (b[1] = 0x08)))).toThrow(/not an IDX file/);
    expect(() => parseIdx(bad((b) => (b[2] = 0x0a)))).toThrow(/unknown IDX type code 0x0a .*expected 08 \(uint8\)/);
    expect(() => parseIdx(bad((b) => (b[2] = 0x07)))).toThrow(/unknown IDX type code 0x07/);
    expect(() => parseIdx(bad((b) => (b[3] = 0)))).toThrow(/declares 0 dims; expected 1 to 16/);
    expect(() => parseIdx(bad((b) => (b[3] = 200)))).toThrow(/declares 200 dims/);
    expect(() => parseIdx(new Uint8Array([0, 0, 8]))).toThrow(/3 bytes long, too short for the 4-byte IDX magic number/);
    expect(() => parseIdx(new Uint8Array(0), 'x.idx')).toThrow(/parseIdx: x.idx is 0 bytes long/);
    expect(() => parseIdx([0, 0, 8, 1] as unknown as Uint8Array)).toThrow(/expected the file's bytes as a Uint8Array, got an array of length 4/);
  });

  it('rejects truncated and over-long files, naming both lengths', () => {
    const good = idxBytes('int16', [2, 2], [1, 2, 3, 4]);
    expect(() => parseIdx(good.subarray(0, good.length - 1))).toThrow(
      /parseIdx: input is truncated: its header declares shape \[2, 2\] of int16 \(8 data bytes\), but 7 data bytes follow the 12-byte header/,
    );
    const long = new Uint8Array(good.length + 3);
    long.set(good);
    expect(() => parseIdx(long)).toThrow(/has trailing bytes: .*\(8 data bytes\), but 11 data bytes follow/);
    // the header itself cut short
    expect(() => parseIdx(good.subarray(0, 9))).toThrow(/is truncated: 2 dims need a 12-byte header, but the file has only 9 bytes/);
  });

  it('rejects huge declared dims without allocating', () => {
    // 4 × 2^32-1 float64 elements declared, 8 bytes present
    const hostile = idxBytes('float64', [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], []);
    const withData = new Uint8Array(hostile.length + 8);
    withData.set(hostile);
    expect(() => parseIdx(withData)).toThrow(/is truncated: its header declares shape \[4294967295, 4294967295, 4294967295, 4294967295\] of float64/);
    // a zero dim after huge ones declares no data: an empty array, not a huge allocation
    const zero = parseIdx(idxBytes('int32', [0xffffffff, 0xffffffff, 0], []));
    expect(zero.data.length).toBe(0);
    expect(() => parseIdx(idxBytes('uint8', [60000, 28, 28], [1, 2, 3]))).toThrow(/declares shape \[60000, 28, 28\] of uint8 \(47040000 data bytes\), but 3 data bytes/);
  });

  it('recognises gzip bytes and says how to decompress them', () => {
    const gz = new Uint8Array(gzipSync(idxBytes('uint8', [1], [5])));
    expect(isGzip(gz)).toBe(true);
    expect(isGzip(idxBytes('uint8', [1], [5]))).toBe(false);
    expect(() => parseIdx(gz, 'a.gz')).toThrow(/parseIdx: a.gz is gzip-compressed \(it starts with 1f 8b\); decompress it first/);
  });
});

describe('mnistFromIdx', () => {
  it('scales uint8 images to [0, 1] float32 (N, 1, H, W) and labels to int32', () => {
    const { images, labels, pixels, classes } = tinyMnist(5);
    const ds = mnistFromIdx(parseIdx(images), parseIdx(labels));
    const [x, y] = ds.tensors;
    expect(ds.length).toBe(5);
    expect(x.shape).toEqual([5, 1, 4, 3]);
    expect(x.dtype).toBe('float32');
    expect(Array.from(x.data.data)).toEqual(pixels.map((p) => Math.fround(p / 255)));
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual(classes);
    const withWhite = mnistFromIdx(parseIdx(idxBytes('uint8', [1, 1, 2], [0, 255])), parseIdx(idxBytes('int32', [1], [3])));
    expect(withWhite.tensors[0].toArray()).toEqual([[[[0, 1]]]]);
  });

  it('rejects files that do not pair up as MNIST', () => {
    const { images, labels } = tinyMnist(3);
    const im = parseIdx(images);
    const lb = parseIdx(labels);
    expect(() => mnistFromIdx(lb, lb)).toThrow(/mnistFromIdx: images must be uint8 with 3 dims \(N, H, W\), got uint8 with shape \[3\]/);
    expect(() => mnistFromIdx(im, im)).toThrow(/labels must be integers with 1 dim \(N\), got uint8 with shape \[3, 4, 3\]/);
    expect(() => mnistFromIdx(im, parseIdx(idxBytes('float32', [3], [0, 1, 2])))).toThrow(/labels must be integers/);
    expect(() => mnistFromIdx(im, parseIdx(idxBytes('uint8', [2], [0, 1])))).toThrow(/there are 3 images but 2 labels/);
    expect(() => mnistFromIdx(null as unknown as IdxArray, lb)).toThrow(/images must be a parsed IDX file/);
  });
});
