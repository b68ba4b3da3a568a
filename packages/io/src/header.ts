/**
 * Reading and validating a safetensors header: everything is checked before any tensor storage
 * is allocated.
 */
import { SafetensorsError } from './errors.js';
import { dtypeName, isSafetensorsDType, itemSize, readDType, READABLE_DTYPES, type SafetensorsDType } from './dtypes.js';
import { isJsonObject, keysInOrder, parseJson, preview, type JsonValue } from './json.js';

/**
 * The largest header accepted by default: 100 MB, the reference implementation's limit.
 *
 * @example
 * ```ts
 * import { MAX_HEADER_BYTES } from '@torchlet/io';
 * MAX_HEADER_BYTES; // 100000000
 * ```
 */
export const MAX_HEADER_BYTES = 100_000_000;

/**
 * One tensor entry of a validated header.
 *
 * @example
 * ```ts
 * import type { TensorInfo } from '@torchlet/io';
 * const info: TensorInfo = { name: 'fc.bias', dtype: 'F32', shape: [10], dataOffsets: [0, 40] };
 * ```
 */
export interface TensorInfo {
  /** The key, exactly as stored (PyTorch's names: `features.0.weight`). */
  name: string;
  /** The dtype code. Always one torchlet reads (see {@link SafetensorsDType}). */
  dtype: SafetensorsDType;
  /** The shape (non-negative safe integers; `[]` for a scalar). */
  shape: number[];
  /** `[begin, end)` in bytes, relative to the start of the data section. */
  dataOffsets: [number, number];
}

/**
 * A validated header: the tensors in the order the header lists them, the metadata, and where
 * the data section starts.
 *
 * @example
 * ```ts
 * import { readHeader, serialize, type SafetensorsHeader } from '@torchlet/io';
 * import { tensor } from '@torchlet/autograd';
 * const header: SafetensorsHeader = readHeader(serialize({ b: tensor([1, 2]) }));
 * header.tensors[0]!.dataOffsets; // [0, 8]
 * ```
 */
export interface SafetensorsHeader {
  /** The tensor entries in header order. */
  tensors: TensorInfo[];
  /** The `__metadata__` string map (null-prototype object), or null when the file has none. */
  metadata: Record<string, string> | null;
  /** The byte offset of the data section in the file: 8 + the header length. */
  dataStart: number;
  /** The length of the data section in bytes (the rest of the file). */
  dataLength: number;
}

/**
 * Options of {@link readHeader} and {@link deserialize}.
 *
 * @example
 * ```ts
 * import type { ReadOptions } from '@torchlet/io';
 * const options: ReadOptions = { maxHeaderBytes: 1 << 20 };
 * ```
 */
export interface ReadOptions {
  /** The largest header length accepted, in bytes (default {@link MAX_HEADER_BYTES}). */
  maxHeaderBytes?: number;
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function formatShape(shape: readonly JsonValue[]): string {
  return `[${shape.map((d) => JSON.stringify(d)).join(', ')}]`;
}

/** The number of elements of a validated shape, or Infinity once it exceeds `limit`. */
function sizeUpTo(shape: readonly number[], limit: number): number {
  if (shape.includes(0)) return 0;
  let n = 1;
  for (const d of shape) {
    n *= d;
    if (n > limit) return Infinity;
  }
  return n;
}

/**
 * Reads and validates the header of the safetensors file in `bytes`, without touching the data:
 * the header length (bounded by the file and by `maxHeaderBytes`), the JSON (strict: no
 * duplicate or prototype-polluting keys), every entry's dtype (one torchlet reads), shape
 * (non-negative safe integers whose product × item size equals the entry's byte range) and
 * offsets (within the data section, not overlapping, and covering it with no gap, as the reference
 * implementation requires), and the metadata (a map of strings). `op` prefixes the messages.
 * Throws {@link SafetensorsError}.
 *
 * @example
 * ```ts
 * import { readHeader, serialize } from '@torchlet/io';
 * import { tensor } from '@torchlet/autograd';
 * const { tensors, metadata } = readHeader(serialize({ w: tensor([[1, 2], [3, 4]]) }));
 * tensors.map((t) => `${t.name} ${t.dtype} [${t.shape.join(', ')}]`); // ['w F32 [2, 2]']
 * metadata; // { format: 'pt' }
 * ```
 */
export function readHeader(bytes: Uint8Array, options: ReadOptions = {}): SafetensorsHeader {
  return parseHeader('readHeader', bytes, options);
}

/**
 * {@link readHeader} with `op` naming the caller in messages.
 * @internal
 */
export function parseHeader(op: string, bytes: Uint8Array, options: ReadOptions): SafetensorsHeader {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`${op}: expected a Uint8Array, got ${bytes === null ? 'null' : typeof bytes === 'object' ? (bytes as object).constructor.name : typeof bytes}`);
  }
  const maxHeader = options.maxHeaderBytes ?? MAX_HEADER_BYTES;
  if (!Number.isSafeInteger(maxHeader) || maxHeader < 2) {
    throw new RangeError(`${op}: maxHeaderBytes must be an integer ≥ 2, got ${String(maxHeader)}`);
  }
  const fail = (msg: string): never => {
    throw new SafetensorsError(`${op}: ${msg}`);
  };
  const size = bytes.length;
  if (size < 8) fail(`the file is ${size} bytes, too short for the 8-byte header length of a safetensors file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  // bounds first, in exact integer arithmetic; nothing is allocated before this passes
  if (hi !== 0 || lo > size - 8) {
    const n = view.getBigUint64(0, true);
    fail(`header length ${n} exceeds the file (${size} bytes, so at most ${size - 8}): truncated or not a safetensors file`);
  }
  const n = lo;
  if (n > maxHeader) fail(`header length ${n} exceeds the limit of ${maxHeader} bytes`);
  if (n < 2) fail(`header length ${n} is too short for a JSON object`);
  if (bytes[8] !== 0x7b) fail(`the header must start with '{', found byte 0x${bytes[8]!.toString(16).padStart(2, '0')}`);
  let text: string;
  try {
    text = decoder.decode(bytes.subarray(8, 8 + n));
  } catch {
    return fail('the header is not valid UTF-8');
  }
  const json = parseJson(text, `${op}: the header`);
  if (!isJsonObject(json)) return fail('the header must be a JSON object');

  const dataStart = 8 + n;
  const dataLength = size - dataStart;
  let metadata: Record<string, string> | null = null;
  const tensors: TensorInfo[] = [];
  for (const name of keysInOrder(json)) {
    const entry = json[name];
    if (name === '__metadata__') {
      if (entry === null) continue;
      if (!isJsonObject(entry)) fail(`__metadata__ must be an object of strings, got ${Array.isArray(entry) ? 'an array' : JSON.stringify(entry)}`);
      const meta = entry as Record<string, JsonValue>;
      for (const key of Object.keys(meta)) {
        const v = meta[key];
        if (typeof v !== 'string') fail(`__metadata__ values must be strings, but ${preview(key)} is ${Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v}`);
      }
      metadata = meta as Record<string, string>;
      continue;
    }
    const t = `tensor ${preview(name)}`;
    if (!isJsonObject(entry)) return fail(`${t} must be an object {dtype, shape, data_offsets}`);
    const { dtype, shape, data_offsets: offsets } = entry;
    if (typeof dtype !== 'string') return fail(`${t} has no dtype string`);
    if (!isSafetensorsDType(dtype)) return fail(`${t} has the unknown dtype ${preview(dtype)}`);
    if (readDType(dtype) === undefined) {
      return fail(`${t} has the unsupported dtype ${dtype} (${dtypeName(dtype)}); torchlet reads ${READABLE_DTYPES}`);
    }
    if (!Array.isArray(shape)) return fail(`${t} has no shape list`);
    for (const d of shape) {
      if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0 || Object.is(d, -0)) {
        return fail(`${t} has the shape ${formatShape(shape)}: dims must be non-negative integers`);
      }
    }
    const dims = shape as number[];
    if (!Array.isArray(offsets) || offsets.length !== 2) return fail(`${t} must have data_offsets [begin, end]`);
    const [begin, end] = offsets;
    for (const o of offsets) {
      if (typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0 || Object.is(o, -0)) {
        return fail(`${t} has data_offsets ${formatShape(offsets)}: offsets must be non-negative integers`);
      }
    }
    const b = begin as number;
    const e = end as number;
    if (e < b) fail(`${t} has data_offsets [${b}, ${e}]: end before begin`);
    if (e > dataLength) fail(`${t} has data_offsets [${b}, ${e}] beyond the data section (${dataLength} bytes)`);
    const item = itemSize(dtype);
    const count = sizeUpTo(dims, dataLength);
    if (count * item !== e - b) {
      const needs = count === Infinity ? `more than the ${dataLength} bytes of the data section` : `${count * item} bytes`;
      fail(`${t} has data_offsets [${b}, ${e}] but shape [${dims.join(', ')}] ${dtypeName(dtype)} needs ${needs}`);
    }
    tensors.push({ name, dtype, shape: dims, dataOffsets: [b, e] });
  }

  // the entries must tile the data section: sorted by offset, each starts where the last ended
  const sorted = tensors.slice().sort((x, y) => x.dataOffsets[0] - y.dataOffsets[0] || x.dataOffsets[1] - y.dataOffsets[1]);
  let at = 0;
  let prev: TensorInfo | undefined;
  for (const info of sorted) {
    const [b, e] = info.dataOffsets;
    if (b < at) {
      fail(`tensor ${preview(info.name)} has data_offsets [${b}, ${e}], overlapping tensor ${preview(prev!.name)} [${prev!.dataOffsets[0]}, ${prev!.dataOffsets[1]}]`);
    }
    if (b > at) {
      fail(`the data section has a gap: bytes [${at}, ${b}) belong to no tensor (before tensor ${preview(info.name)})`);
    }
    at = e;
    prev = info;
  }
  if (at !== dataLength) {
    fail(`the data section is ${dataLength} bytes but the tensors cover only [0, ${at}): ${dataLength - at} trailing bytes belong to no tensor`);
  }
  return { tensors, metadata, dataStart, dataLength };
}
