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
/** PyTorch's default `linewidth`: rows of numbers wrap, and suffixes move to a new line, past it. */
const LINEWIDTH = 80;

/**
 * Formats an array the way PyTorch's repr does: nested brackets, right-aligned numbers, `1.` for
 * whole floats, 4 decimals otherwise, scientific notation when magnitudes span more than 1000× or
 * leave [1e-4, 1e8), rows wrapped at 80 columns, `...` for big arrays, and `dtype=` when the dtype
 * is not float32 (nor bool, except for an empty array, as PyTorch omits `torch.bool`).
 */
export function formatArray(a: Formattable, options: FormatOptions): string {
  const { prefix, threshold = 1000 } = options;
  const values = a.denseData();
  const shape = a.shape;
  const indent = prefix.length;
  const suffixes: string[] = [];
  let body: string;
  if (values.length === 0) {
    body = '[]';
    if (shape.length !== 1) suffixes.push(`size=(${shape.join(', ')})`);
    if (a.dtype !== 'float32') suffixes.push(`dtype=${a.dtype}`);
  } else {
    if (a.dtype !== 'float32' && a.dtype !== 'bool') suffixes.push(`dtype=${a.dtype}`);
    const summarize = values.length > threshold;
    const { fmt, width } = makeFormatter(a.dtype, collectShown(values, shape, summarize));
    const cell = (v: number): string => fmt(v).padStart(width);
    const strides: number[] = [];
    let s = 1;
    for (let i = shape.length - 1; i >= 0; i--) {
      strides[i] = s;
      s *= shape[i]!;
    }
    const render = (dim: number, start: number): string => {
      const n = shape[dim]!;
      const idx = edgeIndices(n, summarize);
      if (dim === shape.length - 1) {
        // a row: PyTorch's _vector_str, `' ...'` for the elided middle, wrapped to the line width
        const items = idx.map((i) => (i < 0 ? ' ...' : cell(values[start + i * strides[dim]!]!)));
        const perLine = Math.max(1, Math.floor((LINEWIDTH - indent - dim) / (width + 2)));
        const lines: string[] = [];
        for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
        return `[${lines.join(`,\n${' '.repeat(indent + dim + 1)}`)}]`;
      }
      const parts = idx.map((i) => (i < 0 ? '...' : render(dim + 1, start + i * strides[dim]!)));
      const sep = `,${'\n'.repeat(shape.length - dim - 1)}${' '.repeat(indent + dim + 1)}`;
      return `[${parts.join(sep)}]`;
    };
    body = shape.length === 0 ? cell(values[0]!) : render(0, 0);
  }
  suffixes.push(...(options.extras ?? []));
  return addSuffixes(prefix + body, suffixes, indent);
}

/** PyTorch's `_add_suffixes`: `, suffix` on the last line, or on a new indented line past the line width. */
function addSuffixes(text: string, suffixes: readonly string[], indent: number): string {
  let out = text;
  let lastLineLen = text.length - text.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLen + suffix.length + 2 > LINEWIDTH) {
      out += `,\n${' '.repeat(indent)}${suffix}`;
      lastLineLen = indent + suffix.length;
    } else {
      out += `, ${suffix}`;
      lastLineLen += suffix.length + 2;
    }
  }
  return `${out})`;
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

/**
 * PyTorch's `_Formatter`: picks integer / fixed / scientific mode from the nonzero finite values
 * shown, and the column width from those values only (so `nan`, `inf` and `0.` do not widen it).
 */
function makeFormatter(dtype: DType, shown: readonly number[]): { fmt: (v: number) => string; width: number } {
  const widest = (vals: readonly number[], f: (v: number) => string): number => {
    let w = 1;
    for (const v of vals) w = Math.max(w, f(v).length);
    return w;
  };
  if (dtype === 'bool' || dtype === 'int32' || dtype === 'uint8') {
    const fmt = dtype === 'bool' ? (v: number): string => (v ? 'True' : 'False') : (v: number): string => String(v);
    return { fmt, width: widest(shown, fmt) };
  }
  const special = (v: number): string | null =>
    Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : null;
  const nonzero = shown.filter((v) => Number.isFinite(v) && v !== 0);
  let intMode = true;
  let sci = false;
  if (nonzero.length > 0) {
    let max = 0;
    let min = Infinity;
    for (const v of nonzero) {
      max = Math.max(max, Math.abs(v));
      min = Math.min(min, Math.abs(v));
    }
    intMode = nonzero.every((v) => Number.isInteger(v));
    sci = max / min > 1000 || max > 1e8 || (!intMode && min < 1e-4);
  }
  const fmt = (v: number): string =>
    special(v) ?? (sci ? pyFormat(v, 4, true) : intMode ? `${pyFormat(v, 0, false)}.` : pyFormat(v, 4, false));
  return { fmt, width: widest(nonzero, fmt) };
}

/**
 * Python's `'{:.Nf}'` / `'{:.Ne}'` of a finite number: like `toFixed` / `toExponential`, but exact
 * ties round half to even (JS rounds them away from zero), `-0` keeps its sign and the exponent has
 * at least two digits.
 */
function pyFormat(v: number, digits: number, sci: boolean): string {
  const x = Math.abs(v);
  let s = sci ? x.toExponential(digits) : x.toFixed(digits);
  if (isTie(x, digits, sci)) {
    const i = sci ? s.indexOf('e') - 1 : s.length - 1;
    const d = s.charCodeAt(i) - 48;
    // JS rounded the tie up; half-to-even wants the neighbour below when that digit is odd
    if (d % 2 === 1) s = `${s.slice(0, i)}${d - 1}${s.slice(i + 1)}`;
  }
  if (sci) s = s.replace(/e([+-])(\d)$/, 'e$10$2');
  return v < 0 || Object.is(v, -0) ? `-${s}` : s;
}

/** True when `x` (finite, ≥ 0) lies exactly halfway between two `digits`-decimal roundings. */
function isTie(x: number, digits: number, sci: boolean): boolean {
  if (x === 0) return false;
  // 2·x·10^j must be an odd integer, j = the decimals kept after the point
  const j = sci ? digits - Number(x.toExponential().split('e')[1]) : digits;
  if (j >= 0) {
    const y = x * 2 ** (j + 1); // exact; 5^j is odd, so this must itself be an odd integer
    return Number.isInteger(y) && y % 2 === 1;
  }
  const k = -j;
  if (k > 22) return false; // 10^k is no longer exact; such ties do not occur in float32 data
  const w = x / 2 ** (k - 1);
  const f = 5 ** k;
  return w % f === 0 && (w / f) % 2 === 1;
}
