/**
 * Internal helpers: argument checks and error-message wording shared by the modules.
 *
 * @module
 */
import { Generator } from '@torchlet/ndarray';
import type { Dataset } from './dataset.js';

/** Describes a value for an error message: its type, or its constructor's name. */
export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (typeof x === 'object') return `a ${(x as { constructor?: { name?: string } }).constructor?.name ?? 'Object'}`;
  if (typeof x === 'number' || typeof x === 'boolean') return `${typeof x} ${String(x)}`;
  if (typeof x === 'string') return `string ${JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x)}`;
  return typeof x;
}

/**
 * Checks that `index` is an integer in `[-length, length)` and returns it in `[0, length)`
 * (negative indices count from the end, like Python's).
 */
export function normalizeIndex(op: string, index: unknown, length: number): number {
  if (typeof index !== 'number' || !Number.isInteger(index)) {
    throw new TypeError(`${op}: index must be an integer, got ${describe(index)}`);
  }
  if (index < -length || index >= length) {
    throw new RangeError(`${op}: index ${index} is out of range for a dataset of length ${length}`);
  }
  return index < 0 ? index + length : index;
}

/** Checks that `dataset` looks like a {@link Dataset} and returns its length. */
export function checkDataset(op: string, dataset: unknown): number {
  if (dataset === null || typeof dataset !== 'object' || typeof (dataset as Dataset<unknown>).get !== 'function') {
    throw new TypeError(`${op}: expected a dataset (an object with length and get(i)), got ${describe(dataset)}`);
  }
  const n = (dataset as Dataset<unknown>).length;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new TypeError(`${op}: the dataset's length must be a non-negative integer, got ${describe(n)}`);
  }
  return n;
}

/** Checks an optional `generator` option. */
export function checkGenerator(op: string, generator: unknown): Generator | undefined {
  if (generator === undefined) return undefined;
  if (!(generator instanceof Generator)) throw new TypeError(`${op}: generator must be a Generator, got ${describe(generator)}`);
  return generator;
}

/** `Array.isArray` without its type predicate (which widens a `readonly T[]` to `any[]`). */
export function isArray(x: unknown): boolean {
  return Array.isArray(x);
}
