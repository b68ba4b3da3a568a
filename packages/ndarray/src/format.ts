import type { DType, DTypeArrayMap } from './dtype.js';

/** What {@link formatArray} needs of an array: its dense values, shape and dtype. */
export interface Formattable {
  readonly shape: readonly number[];
  readonly dtype: DType;
  denseData(): DTypeArrayMap[DType];
}

/** Options of {@link formatArray}. */
export interface FormatOptions {
  /** Text before the values, e.g. `'tensor('` (its length sets the indent of later rows). */
  prefix: string;
  /** Extra `key=value` items printed after the values, e.g. `['grad_fn=<AddBackward0>']`. */
  extras?: readonly string[];
  /** Arrays with more elements than this are elided to 3 items per edge (PyTorch: 1000). */
  threshold?: number;
}

const EDGE = 3;

/**
 * Formats an array the way PyTorch's repr does: nested brackets, right-aligned numbers, `1.` for
 * whole floats, 4 decimals otherwise, scientific notation when magnitudes span more than 1000× or
 * leave [1e-4, 1e8), `...` for big arrays, and `dtype=` when the dtype is not the default float32.
 */
export function formatArray(a: Formattable, options: FormatOptions): string {
  const { prefix, threshold = 1000 } = options;
  const values = a.denseData();
  const shape = a.shape;
  const summarize = values.length > threshold;
  const shown = collectShown(values, shape, summarize);
  const fmt = makeFormatter(a.dtype, shown);
  const width = Math.max(1, ...shown.map((v) => fmt(v).length));
  const indent = prefix.length;

  const strides: number[] = [];
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  const render = (dim: number, start: number): string => {
    if (dim === shape.length) return fmt(values[start]!).padStart(width);
    const n = shape[dim]!;
    const idx = edgeIndices(n, summarize);
    const parts = idx.map((i) => (i < 0 ? '...' : render(dim + 1, start + i * strides[dim]!)));
    if (dim === shape.length - 1) return `[${parts.join(', ')}]`;
    const sep = `,${'\n'.repeat(shape.length - dim - 1)}${' '.repeat(indent + dim + 1)}`;
    return `[${parts.join(sep)}]`;
  };
  let body = shape.length === 0 ? fmt(values[0]!) : render(0, 0);
  if (values.length === 0) body = '[]';
  const extras: string[] = [];
  if (values.length === 0 && shape.length > 1) extras.push(`size=(${shape.join(', ')})`);
  if (a.dtype !== 'float32') extras.push(`dtype=${a.dtype}`);
  extras.push(...(options.extras ?? []));
  return `${prefix}${body}${extras.length ? `, ${extras.join(', ')}` : ''})`;
}

function edgeIndices(n: number, summarize: boolean): number[] {
  if (!summarize || n <= 2 * EDGE) return Array.from({ length: n }, (_, i) => i);
  return [0, 1, 2, -1, n - 3, n - 2, n - 1];
}

function collectShown(values: ArrayLike<number>, shape: readonly number[], summarize: boolean): number[] {
  if (!summarize) return Array.from(values);
  const out: number[] = [];
  const walk = (dim: number, start: number, stride: number): void => {
    if (dim === shape.length) {
      out.push(values[start]!);
      return;
    }
    const inner = stride / shape[dim]!;
    for (const i of edgeIndices(shape[dim]!, true)) if (i >= 0) walk(dim + 1, start + i * inner, inner);
  };
  walk(0, 0, values.length);
  return out;
}

function makeFormatter(dtype: DType, shown: readonly number[]): (v: number) => string {
  if (dtype === 'bool') return (v) => (v ? 'True' : 'False');
  if (dtype === 'int32' || dtype === 'uint8') return (v) => String(v);
  const finite = shown.filter((v) => Number.isFinite(v));
  const nonzero = finite.map(Math.abs).filter((v) => v !== 0);
  const special = (v: number): string | null =>
    Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : null;
  if (finite.every((v) => Number.isInteger(v))) {
    const max = Math.max(0, ...nonzero);
    if (max > 1e8) return (v) => special(v) ?? v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
    return (v) => special(v) ?? `${v.toFixed(0)}.`;
  }
  const max = Math.max(...nonzero);
  const min = Math.min(...nonzero);
  if (max / min > 1000 || max > 1e8 || min < 1e-4) {
    return (v) => special(v) ?? v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return (v) => special(v) ?? v.toFixed(4);
}
