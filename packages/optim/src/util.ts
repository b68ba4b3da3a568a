/**
 * Shared helpers: hyper-parameter validation (eager, naming the class and the bad value) and
 * the in-place access to a parameter's values that every update rule uses.
 */
import { Tensor } from '@torchlet/autograd';
import { formatShape, isFloatDType, type FloatDType } from '@torchlet/ndarray';

/**
 * The storage of a parameter's per-element optimizer state (momentum buffers, moment estimates):
 * one value per element of the parameter, row-major, in the parameter's dtype.
 *
 * @example
 * ```ts
 * import type { FloatArray } from '@torchlet/optim';
 * const buf: FloatArray = new Float32Array(4);
 * ```
 */
export type FloatArray = Float32Array | Float64Array;

/** Rounds a double to the precision of `dtype` (float32: `Math.fround`; float64: unchanged). */
export type Round = (x: number) => number;

const identity: Round = (x) => x;

/**
 * The rounding of one arithmetic result in `dtype`: PyTorch computes each tensor op of an update
 * in the parameter's dtype, so the kernels round after every op, in PyTorch's order. A
 * multiply-add (`add(x, alpha=α)`, `addcmul`) is rounded once, as PyTorch's CPU kernels are
 * compiled with fused multiply-adds: the float64 result of `a + α·b` (exact product) rounded to
 * float32 equals the fused one except in vanishingly rare double-rounding ties. With this the
 * float32 trajectories of the reference suite are bit-identical to PyTorch 1.13's.
 */
export function roundingOf(dtype: FloatDType): Round {
  return dtype === 'float32' ? Math.fround : identity;
}

/** A short, readable rendering of a value for error messages. */
export function show(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (value === null || value === undefined || typeof value === 'boolean') return String(value);
  if (value instanceof Tensor) return `Tensor of shape ${formatShape(value.shape)}`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}

/** Throws unless `value` is a finite or infinite (not NaN) number; returns it. */
export function checkNumber(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${owner}: ${name} must be a number, got ${show(value)}`);
  }
  return value;
}

/** Throws unless `value` is a number ≥ 0 (PyTorch's `if not 0.0 <= value: raise ValueError`). */
export function checkNonNegative(owner: string, name: string, value: unknown, what = name): number {
  const v = checkNumber(owner, name, value);
  if (!(v >= 0)) throw new RangeError(`${owner}: invalid ${what} ${show(v)} (${name} must be >= 0)`);
  return v;
}

/** Throws unless `value` is a number in `[0, 1)`. */
export function checkUnitInterval(owner: string, name: string, value: unknown): number {
  const v = checkNumber(owner, name, value);
  if (!(v >= 0 && v < 1)) throw new RangeError(`${owner}: invalid ${name} ${show(v)} (must be in [0, 1))`);
  return v;
}

/** Throws unless `value` is a boolean. */
export function checkBoolean(owner: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${owner}: ${name} must be a boolean, got ${show(value)}`);
  return value;
}

/** Throws unless `value` is an integer ≥ `min`. */
export function checkInteger(owner: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${owner}: ${name} must be an integer, got ${show(value)}`);
  }
  if (value < min) throw new RangeError(`${owner}: ${name} must be >= ${min}, got ${show(value)}`);
  return value;
}

/** Throws on keys of `options` that are not in `known` (a misspelt option must not pass silently). */
export function checkKnownKeys(owner: string, options: object, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${owner}: options must be an object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(`${owner}: unknown option ${key} (known: ${known.join(', ')})`);
  }
}

/** Drops the keys whose value is `undefined` (so that they do not override defaults). */
export function defined<T extends object>(options: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** A dense buffer of `n` elements of `dtype`, filled with `value`. */
export function filled(dtype: FloatDType, n: number, value: number): FloatArray {
  const out = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  if (value !== 0) out.fill(value);
  return out;
}

/** The parameter's dtype, checked to be a float dtype. */
export function paramDType(op: string, param: Tensor): FloatDType {
  const dtype = param.dtype;
  if (!isFloatDType(dtype)) throw new TypeError(`${op}: only float32/float64 parameters can be optimized, got ${dtype}`);
  return dtype;
}

/** Throws unless a state buffer fits the parameter (same dtype, one element per parameter element). */
export function checkBuffer(op: string, name: string, param: Tensor, buf: FloatArray | null): void {
  if (buf === null) return;
  const want = param.dtype === 'float32' ? Float32Array : Float64Array;
  if (!(buf instanceof want) || buf.length !== param.numel()) {
    throw new RangeError(
      `${op}: state ${name} must be a ${want.name} of ${param.numel()} elements for a ${param.dtype} parameter of shape ${formatShape(param.shape)}, got ${show(buf)} of ${buf.length}`,
    );
  }
}

/**
 * Runs `kernel` on the parameter's values as a dense row-major array and the gradient's values
 * (read-only), in place, then bumps the parameter's version counter (the update is an in-place
 * op). A non-contiguous parameter is updated through a copy that is written back.
 */
export function updateParam(
  op: string,
  param: Tensor,
  grad: Tensor,
  kernel: (p: FloatArray, g: ArrayLike<number>, round: Round) => void,
): void {
  const dtype = paramDType(op, param);
  const gshape = grad.shape;
  const pshape = param.shape;
  if (gshape.length !== pshape.length || gshape.some((d, i) => d !== pshape[i])) {
    throw new RangeError(`${op}: the gradient has shape ${formatShape(gshape)} but the parameter has shape ${formatShape(pshape)}`);
  }
  if (!isFloatDType(grad.dtype)) throw new TypeError(`${op}: the gradient must be float32/float64, got ${grad.dtype}`);
  const data = param.data;
  const g = grad.data.denseData();
  if (data.isContiguous()) {
    kernel(data.denseData() as FloatArray, g, roundingOf(dtype));
  } else {
    const copy = data.clone();
    kernel(copy.data as unknown as FloatArray, g, roundingOf(dtype));
    data.copy_(copy);
  }
  param.bumpVersion();
}
