/** Argument validation shared by the layers: eager, with messages that name the layer. */
import { Tensor } from '@torchlet/autograd';
import type { FloatDType } from '@torchlet/ndarray';
import { shapeText } from '../repr.js';

/**
 * An integer meaning both spatial dims, or an `[h, w]` pair (PyTorch's `_size_2_t`).
 * @example
 * ```ts
 * const k: Size2 = [3, 5]; // new Conv2d(1, 1, k) has a 3×5 kernel
 * ```
 */
export type Size2 = number | readonly [number, number];

/**
 * Validates an integer ≥ `min` (internal).
 * @example
 * ```ts
 * checkInt('Linear', 'inFeatures', 400, 0); // 400
 * ```
 */
export function checkInt(op: string, name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${op}: ${name} must be an integer, got ${String(v)}`);
  if (v < min) throw new RangeError(`${op}: ${name} must be ${min === 1 ? 'positive' : `>= ${min}`}, got ${v}`);
  return v;
}

/**
 * Validates an `int | [int, int]` whose entries are ≥ `min`, returning the pair (internal).
 * @example
 * ```ts
 * intPair('Conv2d', 'stride', 2, 1); // [2, 2]
 * ```
 */
export function intPair(op: string, name: string, v: unknown, min: number): [number, number] {
  const p: unknown = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2 || !p.every((x) => typeof x === 'number' && Number.isInteger(x))) {
    throw new TypeError(`${op}: ${name} must be an integer or a pair of integers, got ${JSON.stringify(v)}`);
  }
  const pair = p as [number, number];
  if (pair[0] < min || pair[1] < min) {
    throw new RangeError(`${op}: ${name} must be ${min === 1 ? 'positive' : `>= ${min}`}, got ${shapeText(pair)}`);
  }
  return [pair[0], pair[1]];
}

/**
 * Validates a finite number (internal).
 * @example
 * ```ts
 * checkNumber('LeakyReLU', 'negativeSlope', 0.01); // 0.01
 * ```
 */
export function checkNumber(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${op}: ${name} must be a finite number, got ${String(v)}`);
  return v;
}

/**
 * Validates a boolean option (internal).
 * @example
 * ```ts
 * checkBool('Linear', 'bias', true); // true
 * ```
 */
export function checkBool(op: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${op}: ${name} must be a boolean, got ${String(v)}`);
  return v;
}

/**
 * Validates the `dtype` option of a layer with parameters (internal).
 * @example
 * ```ts
 * checkFloatDType('Conv2d', 'float64'); // 'float64'
 * ```
 */
export function checkFloatDType(op: string, v: unknown): FloatDType {
  if (v !== 'float32' && v !== 'float64') throw new TypeError(`${op}: dtype must be 'float32' or 'float64', got ${String(v)}`);
  return v;
}

/**
 * Throws unless `x` is a Tensor (internal).
 * @example
 * ```ts
 * checkTensor('ReLU()', 'the input', x); // x, typed as a Tensor
 * ```
 */
export function checkTensor(label: string, name: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) {
    throw new TypeError(`${label}: expected ${name} to be a Tensor, got ${x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x}`);
  }
  return x;
}

/**
 * Throws a clear error when the input's dtype differs from the layer's parameters' (internal).
 * @example
 * ```ts
 * checkSameDType('Linear(in_features=2, out_features=1)', x, layer.weight);
 * ```
 */
export function checkSameDType(label: string, x: Tensor, param: Tensor | null): void {
  if (param && x.dtype !== param.dtype) {
    throw new TypeError(
      `${label}: input is ${x.dtype} but the layer's parameters are ${param.dtype}; convert the input or call .to('${x.dtype}') on the layer`,
    );
  }
}

/**
 * Runs `fn`, prefixing any error it throws with the layer's label (same error class, `cause`
 * kept; internal).
 * @example
 * ```ts
 * withLabel('MaxPool2d(kernel_size=3, …)', () => maxPool2d(x, 3)); // errors start with the label
 * ```
 */
export function withLabel<T>(label: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Error && !e.message.startsWith(label)) {
      const Ctor = e instanceof RangeError ? RangeError : e instanceof TypeError ? TypeError : Error;
      throw new Ctor(`${label}: ${e.message}`, { cause: e });
    }
    throw e;
  }
}
