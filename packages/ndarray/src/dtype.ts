/**
 * The element types an {@link NDArray} can hold, and the typed arrays that store them.
 *
 * `bool` is stored as a `Uint8Array` of 0/1. Class indices (targets of a classification loss)
 * use `int32`, as PyTorch's `int64` indices are never larger than 2³¹ in practice.
 */
export type DType = 'float32' | 'float64' | 'int32' | 'uint8' | 'bool';

/** The floating-point dtypes: the only ones that convolution, pooling and softmax accept. */
export type FloatDType = 'float32' | 'float64';

/** The storage type of each dtype. */
export interface DTypeArrayMap {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  uint8: Uint8Array;
  bool: Uint8Array;
}

/** Any storage an NDArray may have. */
export type TypedArray = DTypeArrayMap[DType];

/** Every dtype, from the lowest to the highest in the promotion order. */
export const DTYPES: readonly DType[] = ['bool', 'uint8', 'int32', 'float32', 'float64'];

const RANK: Record<DType, number> = { bool: 0, uint8: 1, int32: 2, float32: 3, float64: 4 };

/** True when `x` names a dtype. */
export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && Object.hasOwn(RANK, x); // not `in`: 'toString' is no dtype
}

/** True for `float32` and `float64`. */
export function isFloatDType(dtype: DType): dtype is FloatDType {
  return dtype === 'float32' || dtype === 'float64';
}

/** Throws unless `dtype` names a dtype; `op` names the caller in the message. */
export function checkDType(op: string, dtype: unknown): DType {
  if (!isDType(dtype)) {
    throw new TypeError(`${op}: unknown dtype ${JSON.stringify(dtype)}; expected one of ${DTYPES.join(', ')}`);
  }
  return dtype;
}

/** The typed array that stores each dtype. */
const STORAGE = { float32: Float32Array, float64: Float64Array, int32: Int32Array, uint8: Uint8Array, bool: Uint8Array } as const;

/** Allocates zeroed storage for `n` elements of `dtype`. */
export function allocate<D extends DType>(dtype: D, n: number): DTypeArrayMap[D] {
  return new STORAGE[dtype](n) as DTypeArrayMap[D];
}

/**
 * From this many bytes on, {@link allocateUninitialized} skips the zeroing where it can. Below it,
 * V8 allocates small arrays faster itself.
 */
const UNINITIALIZED_MIN_BYTES = 4096;

/** The part of Node's `Buffer` that {@link allocateUninitialized} uses (looked up on `globalThis`). */
interface NodeBuffer {
  allocUnsafeSlow?(bytes: number): Uint8Array<ArrayBuffer>;
}

/**
 * Storage for `n` elements of `dtype` that the caller writes in full before anything reads it (a
 * kernel's output: see the backend contract). On Node, a block of at least 4 KiB comes from
 * `Buffer.allocUnsafeSlow` and is not zeroed. Every op's output is a new array, and zeroing one
 * that a kernel then overwrites is a second pass over memory. Measured on the test machine, a
 * 4.8 MB output: 0.41 ms to allocate and fill, against 0.18 ms. Elsewhere (browsers), and for
 * small blocks, the storage is zeroed as by {@link allocate}. Never hand out such storage before
 * every element is written: its old contents are whatever the memory held.
 * @example
 * ```ts
 * const out = allocateUninitialized('float32', 1 << 20);
 * for (let i = 0; i < out.length; i++) out[i] = i; // every element written before use
 * ```
 */
export function allocateUninitialized<D extends DType>(dtype: D, n: number): DTypeArrayMap[D] {
  const Storage = STORAGE[dtype];
  const bytes = n * Storage.BYTES_PER_ELEMENT;
  const buffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;
  if (bytes >= UNINITIALIZED_MIN_BYTES && typeof buffer?.allocUnsafeSlow === 'function') {
    const block = buffer.allocUnsafeSlow(bytes);
    if (block.byteLength === bytes && block.byteOffset % Storage.BYTES_PER_ELEMENT === 0) {
      return new Storage(block.buffer, block.byteOffset, n) as DTypeArrayMap[D];
    }
  }
  return new Storage(n) as DTypeArrayMap[D];
}

/**
 * The dtype a typed array stores natively (`Uint8Array` reads as `uint8`). Throws for typed arrays
 * torchlet does not store (e.g. `Int16Array`), naming the op.
 */
export function dtypeOfTypedArray(op: string, data: ArrayBufferView): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint8Array) return 'uint8';
  throw new TypeError(
    `${op}: unsupported typed array ${data.constructor.name}; expected Float32Array, Float64Array, Int32Array or Uint8Array`,
  );
}

/**
 * The dtype of the result of a binary op between `a` and `b`, as PyTorch promotes:
 * bool < uint8 < int32 < float32 < float64.
 */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * Converts a JS number to what storing it in `dtype` gives: float32 rounds, integers truncate
 * toward zero and wrap like C casts (as PyTorch's `.to(dtype)` does), bool is 0/1.
 */
export function castScalar(value: number, dtype: DType): number {
  switch (dtype) {
    case 'float32':
      return Math.fround(value);
    case 'float64':
      return value;
    case 'int32':
      return value | 0;
    case 'uint8':
      return value & 0xff;
    case 'bool':
      return value !== 0 ? 1 : 0;
  }
}
