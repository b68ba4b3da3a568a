/**
 * The safetensors dtype codes and how they map to torchlet's dtypes.
 */
import type { DType } from '@torchlet/ndarray';

/**
 * A dtype code of the safetensors format. torchlet reads `F32`, `F64`, `I32`, `U8`, `BOOL` and
 * `I64` (converted to int32), and writes the first five; the others are recognised so that the
 * error can say "unsupported" rather than "unknown".
 *
 * @example
 * ```ts
 * import type { SafetensorsDType } from '@torchlet/io';
 * const code: SafetensorsDType = 'F32';
 * ```
 */
export type SafetensorsDType =
  | 'BOOL' | 'U8' | 'I8' | 'I16' | 'U16' | 'F16' | 'BF16' | 'I32' | 'U32' | 'F32' | 'F64' | 'I64' | 'U64'
  | 'F8_E4M3' | 'F8_E5M2' | 'F8_E8M0' | 'F4' | 'F6_E2M3' | 'F6_E3M2' | 'C64';

/**
 * Bytes per element of each code (sub-byte formats have none: torchlet rejects them before their
 * size matters).
 */
const ITEM_SIZE: Readonly<Record<SafetensorsDType, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E4M3: 1, F8_E5M2: 1, F8_E8M0: 1, F4: 0.5, F6_E2M3: 0.75, F6_E3M2: 0.75,
  I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4,
  F64: 8, I64: 8, U64: 8, C64: 8,
};

/** The codes torchlet reads, and the torchlet dtype each becomes. */
const READ_AS: Readonly<Partial<Record<SafetensorsDType, DType>>> = {
  F32: 'float32', F64: 'float64', I32: 'int32', U8: 'uint8', BOOL: 'bool', I64: 'int32',
};

/** The code torchlet writes for each of its dtypes. */
const WRITE_AS: Readonly<Record<DType, SafetensorsDType>> = {
  float32: 'F32', float64: 'F64', int32: 'I32', uint8: 'U8', bool: 'BOOL',
};

/** Lower-case names for messages (`float32`, `int64`, …). */
const NAME: Readonly<Record<SafetensorsDType, string>> = {
  BOOL: 'bool', U8: 'uint8', I8: 'int8', I16: 'int16', U16: 'uint16', F16: 'float16', BF16: 'bfloat16',
  I32: 'int32', U32: 'uint32', F32: 'float32', F64: 'float64', I64: 'int64', U64: 'uint64',
  F8_E4M3: 'float8_e4m3fn', F8_E5M2: 'float8_e5m2', F8_E8M0: 'float8_e8m0fnu', F4: 'float4_e2m1fn_x2',
  F6_E2M3: 'float6_e2m3', F6_E3M2: 'float6_e3m2', C64: 'complex64',
};

/** True when `x` is a safetensors dtype code (known to the format, not necessarily readable). */
export function isSafetensorsDType(x: string): x is SafetensorsDType {
  return Object.hasOwn(ITEM_SIZE, x);
}

/** Bytes per element of `code`. */
export function itemSize(code: SafetensorsDType): number {
  return ITEM_SIZE[code];
}

/** The torchlet dtype `code` is read as, or undefined when torchlet cannot read it. */
export function readDType(code: SafetensorsDType): DType | undefined {
  return READ_AS[code];
}

/** The code torchlet writes `dtype` as. */
export function writeDType(dtype: DType): SafetensorsDType {
  return WRITE_AS[dtype];
}

/** `float32`, `int64`, … for messages. */
export function dtypeName(code: SafetensorsDType): string {
  return NAME[code];
}

/** The codes torchlet reads, for messages. */
export const READABLE_DTYPES = 'F32, F64, I32, U8, BOOL and I64 (read as int32)';
