/**
 * safetensors bytes → tensors.
 */
import { NDArray, type DType, type TypedArray } from '@torchlet/ndarray';
import { Tensor } from '@torchlet/autograd';
import { SafetensorsError } from './errors.js';
import { parseHeader, type ReadOptions, type SafetensorsHeader, type TensorInfo } from './header.js';
import { preview } from './json.js';

/** True on little-endian hosts (all current ones); big-endian hosts byte-swap. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A fresh copy of `bytes[start, end)` in an aligned buffer, in host byte order for elements of
 * `width` bytes. (Not `bytes.slice`: on a Node `Buffer` that is a view, not a copy.)
 */
function copyLE(bytes: Uint8Array, start: number, end: number, width: number): ArrayBuffer {
  const out = new Uint8Array(end - start);
  out.set(bytes.subarray(start, end));
  if (!LITTLE_ENDIAN && width > 1) {
    for (let i = 0; i < out.length; i += width) out.subarray(i, i + width).reverse();
  }
  return out.buffer;
}

/**
 * Materialises the data of one validated entry as torchlet storage: a copy, never a view of
 * `bytes`. I64 is narrowed to int32 (an element outside the int32 range throws); BOOL must hold
 * 0 or 1. `op` prefixes the messages.
 * @internal
 */
export function readTensorData(bytes: Uint8Array, header: SafetensorsHeader, info: TensorInfo, op: string): { data: TypedArray; dtype: DType } {
  const start = header.dataStart + info.dataOffsets[0];
  const end = header.dataStart + info.dataOffsets[1];
  switch (info.dtype) {
    case 'F32':
      return { data: new Float32Array(copyLE(bytes, start, end, 4)), dtype: 'float32' };
    case 'F64':
      return { data: new Float64Array(copyLE(bytes, start, end, 8)), dtype: 'float64' };
    case 'I32':
      return { data: new Int32Array(copyLE(bytes, start, end, 4)), dtype: 'int32' };
    case 'U8':
      return { data: new Uint8Array(copyLE(bytes, start, end, 1)), dtype: 'uint8' };
    case 'BOOL': {
      const data = new Uint8Array(copyLE(bytes, start, end, 1));
      for (let i = 0; i < data.length; i++) {
        if (data[i]! > 1) throw new SafetensorsError(`${op}: bool tensor ${preview(info.name)} holds the byte ${data[i]} at element ${i} (expected 0 or 1)`);
      }
      return { data, dtype: 'bool' };
    }
    case 'I64': {
      const count = (end - start) / 8;
      const out = new Int32Array(count);
      const view = new DataView(bytes.buffer, bytes.byteOffset + start, end - start);
      for (let i = 0; i < count; i++) {
        const lo = view.getUint32(8 * i, true);
        const hi = view.getInt32(8 * i + 4, true);
        // in int32 range iff the high word is the sign extension of the low word
        if (hi !== (lo >= 0x80000000 ? -1 : 0)) {
          throw new SafetensorsError(
            `${op}: int64 tensor ${preview(info.name)} holds ${view.getBigInt64(8 * i, true)} at element ${i}, outside the int32 range torchlet reads int64 into`,
          );
        }
        out[i] = lo | 0;
      }
      return { data: out, dtype: 'int32' };
    }
    default:
      // readHeader only lets readable dtypes through
      throw new SafetensorsError(`${op}: tensor ${preview(info.name)} has the unsupported dtype ${info.dtype}`);
  }
}

/**
 * A safetensors file read into tensors, with its metadata.
 *
 * @example
 * ```ts
 * import { deserializeWithMetadata, serialize, type SafetensorsContents } from '@torchlet/io';
 * import { tensor } from '@torchlet/autograd';
 * const file: SafetensorsContents = deserializeWithMetadata(serialize({ b: tensor([1]) }, { metadata: { step: '10' } }));
 * file.metadata; // { format: 'pt', step: '10' }
 * ```
 */
export interface SafetensorsContents {
  /** The tensors by key (null-prototype object, in header order). */
  tensors: Record<string, Tensor>;
  /** The `__metadata__` string map, or null when the file has none. */
  metadata: Record<string, string> | null;
}

/**
 * Like {@link deserialize}, and returns the file's `__metadata__` too.
 *
 * @example
 * ```ts
 * import { deserializeWithMetadata, serialize } from '@torchlet/io';
 * import { tensor } from '@torchlet/autograd';
 * const bytes = serialize({ w: tensor([1, 2]) }, { metadata: { epoch: '3' } });
 * const { tensors, metadata } = deserializeWithMetadata(bytes);
 * tensors.w!.toArray(); // [1, 2]
 * metadata!.epoch;      // '3'
 * ```
 */
export function deserializeWithMetadata(bytes: Uint8Array, options: ReadOptions = {}): SafetensorsContents {
  return readContents('deserializeWithMetadata', bytes, options);
}

/**
 * {@link deserializeWithMetadata} with `op` naming the caller in messages.
 * @internal
 */
export function readContents(op: string, bytes: Uint8Array, options: ReadOptions): SafetensorsContents {
  const header = parseHeader(op, bytes, options);
  const tensors = Object.create(null) as Record<string, Tensor>;
  for (const info of header.tensors) {
    const { data, dtype } = readTensorData(bytes, header, info, op);
    tensors[info.name] = new Tensor(new NDArray(data, dtype, info.shape));
  }
  return { tensors, metadata: header.metadata };
}

/**
 * Reads a safetensors file (e.g. one written by PyTorch's `safetensors.torch.save_file`) into
 * tensors, keyed by the names in the file — PyTorch's state-dict keys, kept as they are. F32,
 * F64, I32, U8 and BOOL map to float32, float64, int32, uint8 and bool; I64 (PyTorch's
 * `num_batches_tracked`, class indices) is read as int32 and throws if a value does not fit;
 * F16/BF16 and the other dtypes throw "unsupported dtype". The file is untrusted input: every
 * length, offset, shape and key is validated before anything is allocated (see
 * {@link readHeader}), and the result is a null-prototype object with the keys in file order
 * (except that JavaScript lists integer-like keys such as `"0"` first; {@link readHeader} gives the
 * exact order). The tensors own copies of the data and do not require grad.
 *
 * @example
 * ```ts
 * import { deserialize, serialize } from '@torchlet/io';
 * import { tensor } from '@torchlet/autograd';
 * const state = deserialize(serialize({ 'fc.weight': tensor([[1, 2], [3, 4]]), 'fc.bias': tensor([0.5, -0.5]) }));
 * Object.keys(state);         // ['fc.weight', 'fc.bias']
 * state['fc.bias']!.toArray(); // [0.5, -0.5]
 * ```
 */
export function deserialize(bytes: Uint8Array, options: ReadOptions = {}): Record<string, Tensor> {
  return readContents('deserialize', bytes, options).tensors;
}
