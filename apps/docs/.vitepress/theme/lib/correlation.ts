/**
 * The arithmetic behind the cross-correlation stepper: the padded input (drawn with its ghost
 * cells), the window of each output element, its products and their sum — all from torchlet's own
 * `pad` and `conv2d`, so the page shows exactly what the library computes.
 */
import { array, conv2d, convOutputSize, pad, type Conv2dPaddingMode } from '@torchlet/ndarray';

/** A grid of numbers, row-major (an input image or a kernel). */
export type Grid = number[][];

/** The convolution's arguments that the stepper lets you change. */
export interface CorrelationSettings {
  /** Rows and columns added on each side. */
  padding: number;
  /** What the added cells hold (`conv2d`'s `paddingMode`). */
  mode: Conv2dPaddingMode;
  /** Step between windows. */
  stride: number;
  /** Step between kernel taps. */
  dilation: number;
}

/** Everything the stepper draws for one input, kernel and settings. */
export interface Correlation {
  /** The input with its padding (`pad`), `(H + 2p) × (W + 2p)`. */
  padded: Grid;
  /** Output height and width from the formula (may be ≤ 0 when the kernel does not fit). */
  outHeight: number;
  outWidth: number;
  /** `conv2d`'s output, `outHeight × outWidth`, or null when `error` is set. */
  output: Grid | null;
  /** What torchlet said when it refused the arguments. */
  error: string | null;
}

/** One tap of a window: the padded-input cell it reads, the kernel cell, and their product. */
export interface Term {
  row: number;
  col: number;
  x: number;
  k: number;
  product: number;
}

/** The window of one output element. */
export interface Window {
  /** The output element's row and column. */
  outRow: number;
  outCol: number;
  terms: Term[];
  sum: number;
}

/** `pad`'s name for each of `conv2d`'s padding modes. */
const PAD_MODE = { zeros: 'constant', reflect: 'reflect', replicate: 'replicate', circular: 'circular' } as const;

/** The output size along one dim: `floor((n + 2p − d·(k − 1) − 1) / s) + 1`. */
export function outputSize(n: number, k: number, s: CorrelationSettings): number {
  return convOutputSize(n, k, s.stride, s.padding, s.dilation);
}

/** Pads the input and runs `conv2d` on it; a refusal (kernel larger than the input…) becomes `error`. */
export function correlate(input: Grid, kernel: Grid, s: CorrelationSettings): Correlation {
  const h = input.length;
  const w = input[0]?.length ?? 0;
  const kh = kernel.length;
  const kw = kernel[0]?.length ?? 0;
  const outHeight = outputSize(h, kh, s);
  const outWidth = outputSize(w, kw, s);
  let padded: Grid = input.map((row) => [...row]);
  try {
    const p = s.padding;
    // as (C, H, W) with one channel: PyTorch's non-constant modes pad only the spatial dims
    padded = pad(array(input).reshape(1, h, w), [p, p, p, p], PAD_MODE[s.mode]).reshape(h + 2 * p, w + 2 * p).toArray() as Grid;
    const out = conv2d(array(input).reshape(1, 1, h, w), array(kernel).reshape(1, 1, kh, kw), null, {
      stride: s.stride,
      padding: s.padding,
      dilation: s.dilation,
      paddingMode: s.mode,
    });
    return { padded, outHeight, outWidth, output: out.reshape(outHeight, outWidth).toArray() as Grid, error: null };
  } catch (e) {
    return { padded, outHeight, outWidth, output: null, error: (e as Error).message };
  }
}

/** The window of output element number `index` (row-major), read from the padded input. */
export function windowAt(index: number, c: Correlation, kernel: Grid, s: CorrelationSettings): Window {
  const outRow = Math.floor(index / c.outWidth);
  const outCol = index % c.outWidth;
  const terms: Term[] = [];
  let sum = 0;
  kernel.forEach((kRow, i) =>
    kRow.forEach((k, j) => {
      const row = outRow * s.stride + i * s.dilation;
      const col = outCol * s.stride + j * s.dilation;
      const x = c.padded[row]?.[col] ?? NaN;
      terms.push({ row, col, x, k, product: x * k });
      sum += x * k;
    }),
  );
  return { outRow, outCol, terms, sum };
}

/** A number as the stepper prints it: at most 3 decimals, no trailing zeros, no `-0`. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const r = Math.round(v * 1000) / 1000;
  return Object.is(r, -0) ? '0' : String(r);
}

/** Parses what was typed into a cell; null when it is not a finite number. */
export function parseCell(text: string): number | null {
  const v = Number(text.trim().replace('−', '-'));
  return text.trim() !== '' && Number.isFinite(v) ? v : null;
}

/** A `rows × cols` grid keeping the values of `grid` that still fit, `fill` elsewhere. */
export function resize(grid: Grid, rows: number, cols: number, fill = 0): Grid {
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => grid[i]?.[j] ?? fill));
}
