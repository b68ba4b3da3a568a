/**
 * Tensors → safetensors bytes.
 */
import { NDArray, type DType } from '@torchlet/ndarray';
import { Tensor } from '@torchlet/autograd';
import { writeDType } from './dtypes.js';
import { isForbiddenKey, isWellFormed, preview } from './json.js';
import { LITTLE_ENDIAN } from './deserialize.js';
import { MAX_HEADER_BYTES } from './header.js';

/**
 * A state dict to write: tensors (or bare arrays) by key. A `Map` fixes the order explicitly; a
 * plain object is written in `Object.keys` order (insertion order, except that integer-like keys
 * such as `"0"` come first, as JavaScript orders them).
 *
 * @example
 * ```ts
 * import type { StateDict } from '@torchlet/io';
 * import { tensor } from '@torchlet/autograd';
 * const state: StateDict = { 'conv.weight': tensor([[[[1, -1]]]]), 'conv.bias': tensor([0]) };
 * ```
 */
export type StateDict = Readonly<Record<string, Tensor | NDArray>> | ReadonlyMap<string, Tensor | NDArray>;

/**
 * Options of {@link serialize}.
 *
 * @example
 * ```ts
 * import type { SerializeOptions } from '@torchlet/io';
 * const options: SerializeOptions = { metadata: { epoch: '12' } };
 * ```
 */
export interface SerializeOptions {
  /**
   * Strings to store in the header's `__metadata__`. `{ format: 'pt' }` is always included (as
   * PyTorch's tools write and expect; a `format` given here overrides it). `null` writes no
   * `__metadata__` at all.
   */
  metadata?: Readonly<Record<string, string>> | null;
}

const encoder = new TextEncoder();

/** The entries of a state dict, validated: string keys, tensors or arrays. */
export function stateDictEntries(op: string, stateDict: StateDict): [string, NDArray][] {
  if (typeof stateDict !== 'object' || stateDict === null) {
    throw new TypeError(`${op}: the state dict must be an object (or Map) of tensors, got ${stateDict === null ? 'null' : typeof stateDict}`);
  }
  const raw: [unknown, unknown][] = stateDict instanceof Map ? [...(stateDict as ReadonlyMap<unknown, unknown>)] : Object.entries(stateDict);
  return raw.map(([key, value]): [string, NDArray] => {
    if (typeof key !== 'string') throw new TypeError(`${op}: state dict keys must be strings, got ${typeof key}`);
    checkKey(op, key, 'state dict key');
    if (value instanceof Tensor) return [key, value.data];
    if (value instanceof NDArray) return [key, value as NDArray];
    const got = value === null ? 'null' : typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
    throw new TypeError(`${op}: ${preview(key)} must be a Tensor or NDArray, got ${got}`);
  });
}

/** Throws unless `key` can be written and read back (well-formed, not forbidden or reserved). */
export function checkKey(op: string, key: string, what: string): void {
  if (key === '__metadata__') throw new RangeError(`${op}: "__metadata__" is reserved by the safetensors format and cannot be a ${what}`);
  if (isForbiddenKey(key)) throw new RangeError(`${op}: ${preview(key)} cannot be a ${what} (a prototype-pollution risk; readers reject it)`);
  if (!isWellFormed(key)) throw new RangeError(`${op}: the ${what} ${preview(key)} has a lone surrogate and cannot be encoded as UTF-8`);
}

/** The little-endian bytes of `a`'s elements in row-major order. */
function elementBytes(a: NDArray): Uint8Array {
  let dense = a.denseData();
  if (a.dtype === 'bool' && dense.some((v) => v > 1)) dense = Uint8Array.from(dense, (v) => (v !== 0 ? 1 : 0));
  const bytes = new Uint8Array(dense.buffer, dense.byteOffset, dense.byteLength);
  if (LITTLE_ENDIAN || dense.BYTES_PER_ELEMENT === 1) return bytes;
  const out = bytes.slice();
  const w = dense.BYTES_PER_ELEMENT;
  for (let i = 0; i < out.length; i += w) out.subarray(i, i + w).reverse();
  return out;
}

/** Bytes per element of each torchlet dtype. */
const WIDTH: Readonly<Record<DType, number>> = { float32: 4, float64: 8, int32: 4, uint8: 1, bool: 1 };

/**
 * Writes tensors in the safetensors format, as PyTorch's `safetensors.torch.save_file` reads
 * them: an 8-byte little-endian header length, a JSON header
 * `{key: {"dtype", "shape", "data_offsets"}, …, "__metadata__": {"format": "pt", …}}` padded with
 * spaces to a multiple of 8, then each tensor's little-endian bytes, contiguous, in key order,
 * with no gaps. Keys are written as given (use PyTorch's names to interoperate). float32,
 * float64, int32, uint8 and bool become F32, F64, I32, U8 and BOOL; views are written
 * row-major, and a tensor's gradient and graph are not saved. Note: torchlet stores
 * `num_batches_tracked` as int32 (I32) where PyTorch uses int64; PyTorch's `load_state_dict`
 * converts it on copy.
 *
 * @example
 * ```ts
 * import { serialize } from '@torchlet/io';
 * import { tensor } from '@torchlet/autograd';
 * const bytes = serialize({ 'fc.weight': tensor([[1, 2, 3]]), 'fc.bias': tensor([0]) });
 * bytes.length % 8; // 0: 8 + header (a multiple of 8) + 16 bytes of data
 * ```
 */
export function serialize(stateDict: StateDict, options: SerializeOptions = {}): Uint8Array {
  return writeSafetensors('serialize', stateDict, options);
}

/**
 * {@link serialize} with `op` naming the caller in messages.
 * @internal
 */
export function writeSafetensors(op: string, stateDict: StateDict, options: SerializeOptions): Uint8Array {
  const entries = stateDictEntries(op, stateDict);
  let metadata: Record<string, string> | null = null;
  if (options.metadata !== null) {
    const given = options.metadata ?? {};
    if (typeof given !== 'object' || given instanceof Map || Array.isArray(given)) {
      throw new TypeError(`${op}: metadata must be an object of strings (or null)`);
    }
    metadata = { format: 'pt' };
    let chars = 0;
    for (const [k, v] of Object.entries(given)) {
      checkKey(op, k, 'metadata key');
      if (typeof v !== 'string') throw new TypeError(`${op}: metadata values must be strings (safetensors stores only strings), but ${preview(k)} is ${typeof v}`);
      chars += k.length + v.length; // a lower bound of the UTF-8 bytes: fail before encoding a huge string
      if (chars > MAX_HEADER_BYTES) throw new RangeError(`${op}: the metadata is over the ${MAX_HEADER_BYTES}-byte header limit of safetensors readers`);
      if (!isWellFormed(v)) throw new RangeError(`${op}: metadata ${preview(k)} has a lone surrogate and cannot be encoded as UTF-8`);
      metadata[k] = v;
    }
  }

  const parts: string[] = [];
  let offset = 0;
  const sizes: number[] = [];
  for (const [key, a] of entries) {
    const nbytes = a.size * WIDTH[a.dtype];
    sizes.push(nbytes);
    parts.push(`${JSON.stringify(key)}:{"dtype":"${writeDType(a.dtype)}","shape":[${a.shape.join(',')}],"data_offsets":[${offset},${offset + nbytes}]}`);
    offset += nbytes;
  }
  if (metadata !== null) parts.push(`"__metadata__":${JSON.stringify(metadata)}`);
  const header = encoder.encode(`{${parts.join(',')}}`);
  const padded = Math.ceil(header.length / 8) * 8;
  if (padded > MAX_HEADER_BYTES) {
    throw new RangeError(`${op}: the header would be ${padded} bytes, over the ${MAX_HEADER_BYTES}-byte limit of safetensors readers (too many tensors or too much metadata)`);
  }
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(header, 8);
  out.fill(0x20, 8 + header.length, 8 + padded);
  let at = 8 + padded;
  entries.forEach(([, a], i) => {
    if (sizes[i]! > 0) out.set(elementBytes(a), at);
    at += sizes[i]!;
  });
  return out;
}
