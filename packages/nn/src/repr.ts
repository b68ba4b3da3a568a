/**
 * Python-style formatting of layer arguments, so that `toString()` prints what PyTorch's
 * `print(model)` prints: `1e-05` for floats, `(5, 5)` for tuples, `True`/`False`, `None`.
 */

/**
 * A float the way Python's `repr(float)` writes it: the shortest round-trip digits, `1.0` for
 * whole numbers, and scientific notation (`1e-05`, `1.5e+16`) below 1e-4 or from 1e16 on.
 * @example
 * ```ts
 * pyFloat(0.1);  // '0.1'
 * pyFloat(1);    // '1.0'
 * pyFloat(1e-5); // '1e-05'
 * ```
 */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const s = String(x);
  return s.includes('.') ? s : `${s}.0`;
}

/**
 * Python's `repr` of a value used in an `extra_repr`: integers as integers, arrays as tuples,
 * booleans as `True`/`False`, null as `None`, strings bare (as `str.format` prints them).
 * @example
 * ```ts
 * pyValue([5, 5]); // '(5, 5)'
 * pyValue(true);   // 'True'
 * pyValue(null);   // 'None'
 * ```
 */
export function pyValue(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFloat(v);
  if (Array.isArray(v)) {
    const items = (v as readonly unknown[]).map(pyValue);
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * A shape as torchlet's error messages write it: `[2, 3, 32, 32]`.
 * @example
 * ```ts
 * shapeText([2, 3]); // '[2, 3]'
 * ```
 */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
