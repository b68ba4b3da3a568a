/**
 * Test helpers (not part of the package's entries): IDX files built in memory.
 *
 * @module
 */
import type { IdxDType } from '../src/idx.js';

/** Type codes of the IDX format. */
export const IDX_CODES: Readonly<Record<IdxDType, number>> = { uint8: 0x08, int8: 0x09, int16: 0x0b, int32: 0x0c, float32: 0x0d, float64: 0x0e };

const SIZES: Readonly<Record<IdxDType, number>> = { uint8: 1, int8: 1, int16: 2, int32: 4, float32: 4, float64: 8 };

/** The bytes of an IDX file of `dtype` and `shape` holding `values` (big-endian), as the format says. */
export function idxBytes(dtype: IdxDType, shape: readonly number[], values: readonly number[]): Uint8Array {
  const header = 4 + 4 * shape.length;
  const size = SIZES[dtype];
  const out = new Uint8Array(header + values.length * size);
  const view = new DataView(out.buffer);
  out[2] = IDX_CODES[dtype];
  out[3] = shape.length;
  shape.forEach((d, k) => view.setUint32(4 + 4 * k, d, false));
  values.forEach((v, k) => {
    const o = header + k * size;
    if (dtype === 'uint8') view.setUint8(o, v);
    else if (dtype === 'int8') view.setInt8(o, v);
    else if (dtype === 'int16') view.setInt16(o, v, false);
    else if (dtype === 'int32') view.setInt32(o, v, false);
    else if (dtype === 'float32') view.setFloat32(o, v, false);
    else view.setFloat64(o, v, false);
  });
  return out;
}

/** `n` small MNIST-style images (h×w) and labels: pixel (i, r, c) = (i·7 + r·w + c) mod 256, label i mod 10. */
export function tinyMnist(n: number, h = 4, w = 3): { images: Uint8Array; labels: Uint8Array; pixels: number[]; classes: number[] } {
  const pixels = Array.from({ length: n * h * w }, (_, k) => (Math.floor(k / (h * w)) * 7 + (k % (h * w))) % 256);
  const classes = Array.from({ length: n }, (_, i) => i % 10);
  return { images: idxBytes('uint8', [n, h, w], pixels), labels: idxBytes('uint8', [n], classes), pixels, classes };
}
