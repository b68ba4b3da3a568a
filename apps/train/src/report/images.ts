/** The run's pictures: the first layer's filters as a grid, and the confusion matrix. */
import { encodePng } from './png.js';

/**
 * The filters `(outChannels, 1, k, k)` side by side, each scaled to its own min..max and blown up
 * `scale`× so a 5×5 filter is visible, with a 1-pixel gap.
 */
export function filterGridPng(weights: ArrayLike<number>, count: number, k: number, scale = 12): Uint8Array {
  const cell = k * scale;
  const width = count * (cell + 1) - 1;
  const pixels = new Uint8Array(width * cell).fill(255);
  for (let f = 0; f < count; f++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < k * k; i++) {
      const v = weights[f * k * k + i]!;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const span = hi - lo || 1;
    for (let y = 0; y < cell; y++) {
      for (let x = 0; x < cell; x++) {
        const v = weights[f * k * k + Math.floor(y / scale) * k + Math.floor(x / scale)]!;
        pixels[y * width + f * (cell + 1) + x] = Math.round((255 * (v - lo)) / span);
      }
    }
  }
  return encodePng(width, cell, pixels, 1);
}

/** A `classes × classes` confusion matrix (rows: true label, columns: prediction), white to blue. */
export function confusionPng(matrix: readonly (readonly number[])[], scale = 24): Uint8Array {
  const n = matrix.length;
  const size = n * scale;
  const pixels = new Uint8Array(size * size * 3);
  for (let r = 0; r < n; r++) {
    const rowTotal = matrix[r]!.reduce((a, b) => a + b, 0) || 1;
    for (let c = 0; c < n; c++) {
      const t = matrix[r]![c]! / rowTotal; // share of the true class
      const rgb = [Math.round(255 * (1 - t)), Math.round(255 * (1 - 0.6 * t)), 255];
      for (let y = 0; y < scale; y++) {
        for (let x = 0; x < scale; x++) {
          const o = ((r * scale + y) * size + c * scale + x) * 3;
          pixels[o] = rgb[0]!;
          pixels[o + 1] = rgb[1]!;
          pixels[o + 2] = rgb[2]!;
        }
      }
    }
  }
  return encodePng(size, size, pixels, 3);
}
