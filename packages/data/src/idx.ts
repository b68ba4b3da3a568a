/**
 * The IDX file format of MNIST (Y. LeCun, C. Cortes, C. J. C. Burges, "The MNIST database of
 * handwritten digits"), also used by Fashion-MNIST, KMNIST and EMNIST:
 *
 * ```text
 * offset 0   2 bytes  0x00 0x00
 * offset 2   1 byte   type code: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
 * offset 3   1 byte   number of dims, d
 * offset 4   4·d      the size of each dim, big-endian uint32
 * then       the elements in row-major order, big-endian, nothing after them
 * ```
 *
 * {@link parseIdx} reads such bytes (already decompressed; the Node entry's `readIdx` also
 * gunzips), and {@link mnistFromIdx} turns an images file and a labels file into a dataset.
 * Nothing here touches the file system, so it runs in browsers as well.
 *
 * @module
 */
import { Tensor } from '@torchlet/autograd';
import { NDArray } from '@torchlet/ndarray';
import { TensorDataset } from './dataset.js';
import { describe } from './util.js';

/**
 * The element types an IDX file can declare.
 *
 * @example
 * ```ts
 * const dtype: IdxDType = parseIdx(bytes).dtype; // 'uint8' for MNIST
 * ```
 */
export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/**
 * The typed array that holds each {@link IdxDType}.
 *
 * @example
 * ```ts
 * const pixels: IdxDataMap['uint8'] = new Uint8Array(784);
 * ```
 */
export interface IdxDataMap {
  uint8: Uint8Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  float32: Float32Array;
  float64: Float64Array;
}

/**
 * A parsed IDX file: the element type, the shape, and the elements in row-major order (converted
 * to the platform's byte order), discriminated on `dtype`.
 *
 * @example
 * ```ts
 * const idx: IdxArray = parseIdx(bytes);
 * if (idx.dtype === 'uint8') idx.data; // a Uint8Array
 * ```
 */
export type IdxArray = { [K in IdxDType]: { dtype: K; shape: number[]; data: IdxDataMap[K] } }[IdxDType];

/** Type codes (byte 2 of the magic number) and their element types and sizes. */
const TYPE_CODES: Readonly<Record<number, readonly [IdxDType, number]>> = {
  0x08: ['uint8', 1],
  0x09: ['int8', 1],
  0x0b: ['int16', 2],
  0x0c: ['int32', 4],
  0x0d: ['float32', 4],
  0x0e: ['float64', 8],
};

/**
 * The most dims {@link parseIdx} accepts. The format allows 255; real files have 1 to 4, and a
 * bound turns a garbage header into a clear error.
 *
 * @example
 * ```ts
 * parseIdx(bytes).shape.length <= IDX_MAX_DIMS; // always true
 * ```
 */
export const IDX_MAX_DIMS = 16;

/**
 * True when `bytes` start with the gzip magic number `1f 8b`.
 *
 * @example
 * ```ts
 * isGzip(new Uint8Array([0x1f, 0x8b, 8, 0])); // true
 * ```
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function hex(bytes: Uint8Array, n: number): string {
  return Array.from(bytes.subarray(0, n), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * Parses the bytes of an IDX file (uncompressed). Everything is validated before anything is
 * allocated: the magic number (two zero bytes, a known type code, 1 to {@link IDX_MAX_DIMS} dims),
 * the header length, and the data length the dims declare against the bytes actually there — a
 * truncated file, one with trailing bytes, or one whose dims declare more data than it holds (a
 * hostile header cannot make it allocate more than the input's size) is rejected with an error
 * that names both numbers. gzip-compressed bytes are recognised and rejected with a hint (the
 * Node entry's `readIdx` decompresses them; in a browser use `DecompressionStream('gzip')`).
 *
 * @param bytes - the file's contents
 * @param name - what to call the input in error messages (default `'input'`), e.g. a file path
 * @returns the dtype, the shape and the elements (a fresh typed array; `bytes` is not kept)
 * @example
 * ```ts
 * // a 2×3 uint8 file
 * const bytes = new Uint8Array([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]);
 * const { dtype, shape, data } = parseIdx(bytes); // 'uint8', [2, 3], Uint8Array [1, 2, 3, 4, 5, 6]
 * ```
 */
export function parseIdx(bytes: Uint8Array, name = 'input'): IdxArray {
  const op = 'parseIdx';
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${op}: expected the file's bytes as a Uint8Array, got ${describe(bytes)}`);
  if (isGzip(bytes)) {
    throw new TypeError(
      `${op}: ${name} is gzip-compressed (it starts with 1f 8b); decompress it first ` +
        `(readIdx from '@torchlet/data/node' does, or DecompressionStream('gzip') in a browser)`,
    );
  }
  if (bytes.length < 4) throw new RangeError(`${op}: ${name} is ${bytes.length} bytes long, too short for the 4-byte IDX magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new RangeError(`${op}: ${name} is not an IDX file: its magic number must start with 00 00, got ${hex(bytes, 4)}`);
  }
  const code = bytes[2]!;
  const type = TYPE_CODES[code];
  if (type === undefined) {
    throw new RangeError(
      `${op}: ${name} has an unknown IDX type code 0x${code.toString(16).padStart(2, '0')} (magic ${hex(bytes, 4)}); ` +
        'expected 08 (uint8), 09 (int8), 0b (int16), 0c (int32), 0d (float32) or 0e (float64)',
    );
  }
  const [dtype, itemSize] = type;
  const ndim = bytes[3]!;
  if (ndim < 1 || ndim > IDX_MAX_DIMS) {
    throw new RangeError(`${op}: ${name} declares ${ndim} dims; expected 1 to ${IDX_MAX_DIMS}`);
  }
  const headerSize = 4 + 4 * ndim;
  if (bytes.length < headerSize) {
    throw new RangeError(
      `${op}: ${name} is truncated: ${ndim} dims need a ${headerSize}-byte header, but the file has only ${bytes.length} bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let d = 0; d < ndim; d++) shape.push(view.getUint32(4 + 4 * d, false));
  // at most 16 factors below 2^32: the product is finite; it is exact whenever it could match the
  // input's length (below 2^53), and a zero dim makes it exactly 0
  const count = shape.reduce((p, s) => p * s, 1);
  const declaredBytes = count * itemSize;
  const available = bytes.length - headerSize;
  if (declaredBytes !== available) {
    const what = declaredBytes > available ? 'is truncated' : 'has trailing bytes';
    throw new RangeError(
      `${op}: ${name} ${what}: its header declares shape [${shape.join(', ')}] of ${dtype} (${declaredBytes} data bytes), ` +
        `but ${available} data bytes follow the ${headerSize}-byte header`,
    );
  }
  return { dtype, shape, data: decode(dtype, bytes, headerSize, count) } as IdxArray;
}

/** Reads `count` big-endian elements of `dtype` starting at byte `offset`. */
function decode(dtype: IdxDType, bytes: Uint8Array, offset: number, count: number): IdxDataMap[IdxDType] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    // Uint8Array's own slice (a copy): Node's Buffer overrides slice() to return a view
    case 'uint8':
      return Uint8Array.prototype.slice.call(bytes, offset, offset + count);
    case 'int8':
      return new Int8Array(Uint8Array.prototype.slice.call(bytes, offset, offset + count).buffer);
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0, o = offset; i < count; i++, o += 2) out[i] = view.getInt16(o, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0, o = offset; i < count; i++, o += 4) out[i] = view.getInt32(o, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0, o = offset; i < count; i++, o += 4) out[i] = view.getFloat32(o, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0, o = offset; i < count; i++, o += 8) out[i] = view.getFloat64(o, false);
      return out;
    }
  }
}

/** `k / 255` as float32 for every byte value. */
let scaleTable: Float32Array | null = null;

/**
 * Builds an MNIST-style dataset from a parsed images file and labels file: images
 * `(N, H, W)` uint8 become a float32 tensor `(N, 1, H, W)` scaled to `[0, 1]` (pixel / 255), and
 * labels `(N)` of an integer dtype become an int32 tensor. Works for MNIST, Fashion-MNIST, KMNIST
 * and any data in that layout; the sizes `H`, `W` are taken from the file.
 *
 * @param images - a parsed `*-images-idx3-ubyte` file: uint8, 3 dims
 * @param labels - a parsed `*-labels-idx1-ubyte` file: uint8/int8/int16/int32, 1 dim, as many as images
 * @returns a dataset whose samples are `[image (1, H, W), label ()]`
 * @example
 * ```ts
 * const ds = mnistFromIdx(parseIdx(imageBytes), parseIdx(labelBytes));
 * const [images, labels] = ds.tensors; // (N, 1, 28, 28) float32, (N) int32
 * ```
 */
export function mnistFromIdx(images: IdxArray, labels: IdxArray): TensorDataset<[images: Tensor, labels: Tensor]> {
  const op = 'mnistFromIdx';
  if (images === null || typeof images !== 'object' || !Array.isArray(images.shape)) {
    throw new TypeError(`${op}: images must be a parsed IDX file ({ dtype, shape, data }), got ${describe(images)}`);
  }
  if (labels === null || typeof labels !== 'object' || !Array.isArray(labels.shape)) {
    throw new TypeError(`${op}: labels must be a parsed IDX file ({ dtype, shape, data }), got ${describe(labels)}`);
  }
  if (images.dtype !== 'uint8' || images.shape.length !== 3) {
    throw new RangeError(`${op}: images must be uint8 with 3 dims (N, H, W), got ${images.dtype} with shape [${images.shape.join(', ')}]`);
  }
  if (labels.dtype === 'float32' || labels.dtype === 'float64' || labels.shape.length !== 1) {
    throw new RangeError(
      `${op}: labels must be integers with 1 dim (N), got ${labels.dtype} with shape [${labels.shape.join(', ')}]`,
    );
  }
  const [n, h, w] = images.shape as [number, number, number];
  if (labels.shape[0] !== n) throw new RangeError(`${op}: there are ${n} images but ${labels.shape[0]} labels`);
  if (scaleTable === null) {
    scaleTable = new Float32Array(256);
    for (let k = 0; k < 256; k++) scaleTable[k] = k / 255;
  }
  const table = scaleTable;
  const src = images.data;
  const pixels = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) pixels[i] = table[src[i]!]!;
  const imageTensor = new Tensor(new NDArray(pixels, 'float32', [n, 1, h, w]));
  const labelTensor = new Tensor(new NDArray(Int32Array.from(labels.data), 'int32', [n]));
  return new TensorDataset(imageTensor, labelTensor);
}
