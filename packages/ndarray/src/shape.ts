/** Shape arithmetic shared by every op: sizes, strides, broadcasting, dim normalisation. */

/** `Array.isArray` without its type predicate, which widens readonly number[] to any[]. */
function isList(x: unknown): boolean {
  return Array.isArray(x);
}

/** Formats a shape the way errors print it: `[2, 3, 4]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** The number of elements of a shape (1 for `[]`). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C-order) strides of a shape, in elements. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** True when both shapes have the same length and sizes. */
export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throws unless `shape` is a list of non-negative integers. */
export function checkShape(op: string, shape: readonly number[]): number[] {
  if (!isList(shape)) throw new TypeError(`${op}: shape must be an array of integers, got ${String(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`${op}: shape must hold non-negative integers, got ${formatShape(shape)}`);
    }
  }
  return [...shape];
}

/**
 * Normalises a possibly negative dim against `ndim` (−1 is the last dim), as PyTorch does.
 * A 0-d array accepts dims −1 and 0, like PyTorch.
 */
export function normalizeDim(op: string, dim: number, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new RangeError(`${op}: dim ${dim} is out of range for an array with ${ndim} dims (expected ${-n}..${n - 1})`);
  }
  return dim < 0 ? dim + n : dim;
}

/** Normalises a list of dims and rejects repeats. */
export function normalizeDims(op: string, dims: readonly number[], ndim: number): number[] {
  const out = dims.map((d) => normalizeDim(op, d, ndim));
  if (new Set(out).size !== out.length) throw new RangeError(`${op}: dim ${formatShape([...dims])} has a repeated dim`);
  return out;
}

/**
 * The shape two shapes broadcast to (NumPy rules: aligned from the right, a size-1 or missing
 * dim stretches). Throws naming the op and both shapes when they are incompatible.
 */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together (dim ${i - n}: ${da} vs ${db})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides that read an array of `shape`/`strides` as if it had `target` shape: broadcast dims get
 * stride 0. The caller has checked that `shape` broadcasts to `target`.
 */
export function broadcastStrides(shape: readonly number[], strides: readonly number[], target: readonly number[]): number[] {
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[lead + i] = shape[i] === 1 ? 0 : strides[i]!;
  return out;
}

/** Turns an `int | [int, int]` argument into a pair, validating that both are integers. */
export function pair(op: string, name: string, v: number | readonly number[]): [number, number] {
  const p: readonly number[] = typeof v === 'number' ? [v, v] : v;
  if (!isList(p) || p.length !== 2 || !p.every((x) => Number.isInteger(x))) {
    throw new TypeError(`${op}: ${name} must be an integer or a pair of integers, got ${JSON.stringify(v)}`);
  }
  return [p[0]!, p[1]!];
}
