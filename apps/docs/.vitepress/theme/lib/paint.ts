/** Small canvas helpers for the digit demo. */

/** Colour maps: grey ramp (low = black), or diverging (negative blue, 0 white, positive orange). */
export type ColorMap = 'gray' | 'diverging';

/**
 * Draws `values` (`width × height`, row-major) into `canvas` at one canvas pixel per value; CSS
 * scales it up (`image-rendering: pixelated`). Grey maps `[lo, hi]` to black..white (default: the
 * values' own range); diverging maps `[−m, m]` with `m` the largest magnitude.
 */
export function drawValues(canvas: HTMLCanvasElement, values: ArrayLike<number>, width: number, height: number, map: ColorMap = 'gray', range?: [number, number]): void {
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < width * height; i++) {
    const v = values[i] ?? 0;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (range) [lo, hi] = range;
  const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  const image = ctx.createImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const v = values[i] ?? 0;
    let rgb: [number, number, number];
    if (map === 'gray') {
      const c = Math.round((255 * (v - lo)) / (hi - lo || 1));
      rgb = [c, c, c];
    } else {
      const t = Math.min(1, Math.abs(v) / m);
      const [r, g, b] = v >= 0 ? [234, 120, 30] : [40, 110, 220];
      rgb = [255 + (r - 255) * t, 255 + (g - 255) * t, 255 + (b - 255) * t];
    }
    image.data.set([...rgb, 255], 4 * i);
  }
  ctx.putImageData(image, 0, 0);
}

/** The canvas's pixels as grey levels in `[0, 1]` (the red channel: white ink on black). */
export function readGray(canvas: HTMLCanvasElement): Float32Array {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return new Float32Array(canvas.width * canvas.height);
  const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return Float32Array.from({ length: canvas.width * canvas.height }, (_, i) => data[4 * i]! / 255);
}

/** Paints 28×28 values in `[0, 1]` over the whole of `canvas`, smoothed, as if drawn there. */
export function paintDigit(canvas: HTMLCanvasElement, pixels: Float32Array, size = 28): void {
  const small = document.createElement('canvas');
  drawValues(small, pixels, size, size, 'gray', [0, 1]);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.imageSmoothingEnabled = true;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
}
