/**
 * A drawing to the 28×28 layout of MNIST, the way MNIST itself was made: the ink's bounding box
 * scaled (aspect kept) to fit a 20×20 box, then placed in the 28×28 field so that its centre of
 * mass sits at the centre. A LeNet trained on MNIST only knows digits laid out like that.
 */

/** MNIST's field and the box the digit is fitted into. */
export const SIZE = 28;
const BOX = 20;
/** Ink below this (on a 0..1 scale) does not count for the bounding box. */
const INK = 0.05;

/**
 * `gray` (row-major, `width × height`, 0 = background, 1 = ink) → 784 values in `[0, 1]`, or null
 * when there is no ink at all.
 */
export function toMnist(gray: ArrayLike<number>, width: number, height: number): Float32Array | null {
  let top = height;
  let bottom = -1;
  let left = width;
  let right = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if ((gray[y * width + x] ?? 0) > INK) {
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
  }
  if (bottom < 0) return null;
  const boxW = right - left + 1;
  const boxH = bottom - top + 1;
  const scale = BOX / Math.max(boxW, boxH);
  const w = Math.max(1, Math.round(boxW * scale));
  const h = Math.max(1, Math.round(boxH * scale));
  const small = resample(gray, width, left, top, boxW, boxH, w, h);

  // centre of mass of the fitted digit, then the shift that moves it to the field's centre
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = small[y * w + x]!;
      mass += v;
      cx += v * x;
      cy += v * y;
    }
  }
  const offX = clamp(Math.round(SIZE / 2 - 0.5 - cx / mass), 0, SIZE - w);
  const offY = clamp(Math.round(SIZE / 2 - 0.5 - cy / mass), 0, SIZE - h);
  const out = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) out[(y + offY) * SIZE + x + offX] = Math.min(1, small[y * w + x]!);
  }
  return out;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** Area-averages the `boxW × boxH` region at (`left`, `top`) of `gray` down (or up) to `w × h`. */
function resample(gray: ArrayLike<number>, width: number, left: number, top: number, boxW: number, boxH: number, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  const sx = boxW / w;
  const sy = boxH / h;
  for (let y = 0; y < h; y++) {
    const y0 = y * sy;
    const y1 = y0 + sy;
    for (let x = 0; x < w; x++) {
      const x0 = x * sx;
      const x1 = x0 + sx;
      let sum = 0;
      for (let yy = Math.floor(y0); yy < Math.ceil(y1); yy++) {
        const wy = Math.min(y1, yy + 1) - Math.max(y0, yy);
        for (let xx = Math.floor(x0); xx < Math.ceil(x1); xx++) {
          const wx = Math.min(x1, xx + 1) - Math.max(x0, xx);
          sum += wx * wy * (gray[(top + yy) * width + left + xx] ?? 0);
        }
      }
      out[y * w + x] = sum / (sx * sy);
    }
  }
  return out;
}

/** A digit of public/digits.json: its label, and 28×28 bytes in base64. */
export interface SampleDigit {
  label: number;
  /** Its index in the held-out set. */
  index: number;
  /** The class the model gave it in Node.js when the site was built (the browser must agree). */
  predicted: number;
  pixels: string;
}

/** The 784 values in `[0, 1]` of a sample digit. */
export function decodeDigit(digit: SampleDigit): Float32Array {
  const bytes = atob(digit.pixels);
  return Float32Array.from({ length: bytes.length }, (_, i) => bytes.charCodeAt(i) / 255);
}
