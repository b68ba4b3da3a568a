/**
 * Map-style datasets, as `torch.utils.data`: the {@link Dataset} interface, {@link TensorDataset}
 * (rows of tensors that share their first dim), {@link Subset} and {@link randomSplit}.
 *
 * @module
 */
import { Tensor } from '@torchlet/autograd';
import { randperm, type Generator } from '@torchlet/ndarray';
import { checkDataset, checkGenerator, describe, isArray, normalizeIndex } from './util.js';

/**
 * A map-style dataset: `length` samples, read by index with `get(i)` for `0 ≤ i < length`
 * (PyTorch's `Dataset` with `__len__` and `__getitem__`). Any object of this shape works with
 * {@link DataLoader}, {@link Subset} and {@link randomSplit}.
 *
 * @typeParam T - the type of one sample, e.g. `[Tensor, Tensor]` for an (input, target) pair
 * @example
 * ```ts
 * const squares: Dataset<[number, number]> = { length: 10, get: (i) => [i, i * i] };
 * const loader = new DataLoader(squares, { batchSize: 4 }); // batches of two int32 tensors
 * ```
 */
export interface Dataset<T> {
  /** The number of samples. */
  readonly length: number;
  /** The sample at `index`, an integer in `[0, length)`. */
  get(index: number): T;
}

/**
 * A dataset of tensors that share their first dim (PyTorch's `TensorDataset`): sample `i` is the
 * tuple of the `i`-th slices `[t0[i], t1[i], …]` — views, not copies. The tensors are kept by
 * reference. A {@link DataLoader} with the default collate reads batches of a `TensorDataset`
 * (or of a {@link Subset} of one) by gathering rows of the storage directly, one copy per tensor.
 *
 * @typeParam T - the tuple of tensor types, e.g. `[Tensor, Tensor]`
 * @example
 * ```ts
 * const X = tensor([[0, 1], [2, 3], [4, 5]]);
 * const y = tensor([0, 1, 1], { dtype: 'int32' });
 * const ds = new TensorDataset(X, y);
 * ds.length;                // 3
 * const [x1, y1] = ds.get(1); // tensor([2, 3]), tensor(1, dtype=int32)
 * ```
 */
export class TensorDataset<T extends Tensor[] = Tensor[]> implements Dataset<T> {
  /** The tensors, as given. */
  readonly tensors: Readonly<T>;
  /** The shared size of the first dim. */
  readonly length: number;

  /**
   * @param tensors - one or more tensors with at least one dim and the same size of dim 0
   */
  constructor(...tensors: T) {
    const op = 'TensorDataset';
    if (tensors.length === 0) throw new TypeError(`${op}: expected at least one tensor, got none`);
    tensors.forEach((t: unknown, k) => {
      if (!(t instanceof Tensor)) throw new TypeError(`${op}: argument ${k} must be a Tensor, got ${describe(t)}`);
      if (t.ndim === 0) throw new RangeError(`${op}: tensor ${k} is 0-d; every tensor needs a first (sample) dim`);
    });
    const n = tensors[0]!.shape[0]!;
    tensors.forEach((t, k) => {
      if (t.shape[0] !== n) {
        throw new RangeError(
          `${op}: size mismatch between tensors: tensor 0 has ${n} samples (shape ${JSON.stringify(tensors[0]!.shape)}) ` +
            `but tensor ${k} has ${t.shape[0]} (shape ${JSON.stringify(t.shape)})`,
        );
      }
    });
    this.tensors = Object.freeze(tensors.slice()) as Readonly<T>;
    this.length = n;
  }

  /**
   * The tuple of `i`-th slices of the tensors (views sharing their storage). Negative indices
   * count from the end.
   *
   * @example
   * ```ts
   * const [x, y] = new TensorDataset(tensor([[1, 2], [3, 4]]), tensor([5, 6])).get(-1);
   * x.toArray(); // [3, 4]
   * ```
   */
  get(index: number): T {
    const i = normalizeIndex('TensorDataset.get', index, this.length);
    return this.tensors.map((t) => t.narrow(0, i, 1).squeeze(0)) as T;
  }
}

/**
 * The samples of `dataset` at `indices`, in that order (PyTorch's `Subset`). Indices are checked
 * against the dataset's length when the subset is made; negative ones count from the end.
 *
 * @typeParam T - the sample type of the underlying dataset
 * @example
 * ```ts
 * const ds = new TensorDataset(tensor([10, 11, 12, 13]));
 * const evens = new Subset(ds, [0, 2]);
 * evens.length;            // 2
 * evens.get(1)[0].item();  // 12
 * ```
 */
export class Subset<T> implements Dataset<T> {
  /** The underlying dataset. */
  readonly dataset: Dataset<T>;
  /** The indices into {@link Subset.dataset}, each in `[0, dataset.length)`. */
  readonly indices: readonly number[];

  /**
   * @param dataset - the dataset to take samples from
   * @param indices - integer indices into `dataset` (an array or a typed array such as `randperm(n).data`)
   */
  constructor(dataset: Dataset<T>, indices: ArrayLike<number>) {
    const op = 'Subset';
    const n = checkDataset(op, dataset);
    if (indices === null || typeof indices !== 'object' || typeof indices.length !== 'number') {
      throw new TypeError(`${op}: indices must be an array of integers, got ${describe(indices)}`);
    }
    const out = new Array<number>(indices.length);
    for (let k = 0; k < indices.length; k++) {
      const v = indices[k];
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${op}: indices[${k}] must be an integer, got ${describe(v)}`);
      if (v < -n || v >= n) throw new RangeError(`${op}: indices[${k}] = ${v} is out of range for a dataset of length ${n}`);
      out[k] = v < 0 ? v + n : v;
    }
    this.dataset = dataset;
    this.indices = Object.freeze(out);
  }

  /** The number of indices. */
  get length(): number {
    return this.indices.length;
  }

  /**
   * The sample `dataset.get(indices[index])`; negative indices count from the end.
   *
   * @example
   * ```ts
   * new Subset({ length: 5, get: (i) => i * 10 }, [4, 1]).get(0); // 40
   * ```
   */
  get(index: number): T {
    return this.dataset.get(this.indices[normalizeIndex('Subset.get', index, this.indices.length)]!);
  }
}

/**
 * Options of {@link randomSplit}.
 *
 * @example
 * ```ts
 * const options: RandomSplitOptions = { generator: new Generator(42) };
 * ```
 */
export interface RandomSplitOptions {
  /** The generator of the permutation; the ndarray default generator when omitted. */
  generator?: Generator | undefined;
}

/**
 * Splits `dataset` into non-overlapping random {@link Subset}s (PyTorch 1.13's `random_split`).
 * `lengths` are either integer counts summing to `dataset.length`, or fractions in `[0, 1]`
 * summing to 1: each split then gets `⌊length · fraction⌋` samples and the remainder is dealt
 * one by one to the splits in order, round-robin. The samples are a prefix-by-prefix cut of one
 * `randperm(length)` drawn from `generator` (default: the ndarray default generator), so the
 * split is reproducible with a seeded generator.
 *
 * @param dataset - the dataset to split
 * @param lengths - counts summing to `dataset.length`, or fractions summing to 1
 * @param options - `generator`
 * @returns one subset per entry of `lengths` (a tuple when `lengths` is a literal tuple)
 * @example
 * ```ts
 * const ds = new TensorDataset(tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
 * const [train, val] = randomSplit(ds, [0.8, 0.2], { generator: new Generator(42) });
 * train.length; // 8
 * const [a, b, c] = randomSplit(ds, [5, 3, 2]);
 * ```
 */
export function randomSplit<T, const L extends readonly number[]>(
  dataset: Dataset<T>,
  lengths: L,
  options: RandomSplitOptions = {},
): { -readonly [K in keyof L]: Subset<T> } {
  const op = 'randomSplit';
  const n = checkDataset(op, dataset);
  if (!isArray(lengths) || lengths.length === 0) {
    throw new TypeError(`${op}: lengths must be a non-empty array of counts or fractions, got ${describe(lengths)}`);
  }
  lengths.forEach((v: unknown, k) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new RangeError(`${op}: lengths[${k}] must be a non-negative number, got ${describe(v)}`);
    }
  });
  let total = lengths.reduce((s, v) => s + v, 0);
  let counts: number[] = lengths.slice();
  // PyTorch: math.isclose(sum, 1) (relative tolerance 1e-9) and sum <= 1 means fractions
  if (Math.abs(total - 1) <= 1e-9 && total <= 1) {
    lengths.forEach((v, k) => {
      if (v > 1) throw new RangeError(`${op}: fraction at index ${k} is not between 0 and 1, got ${v}`);
    });
    counts = lengths.map((f) => Math.floor(n * f));
    const remainder = n - counts.reduce((s, v) => s + v, 0);
    for (let i = 0; i < remainder; i++) counts[i % counts.length]! += 1;
    total = n;
  }
  counts.forEach((v, k) => {
    if (!Number.isInteger(v)) {
      throw new RangeError(
        `${op}: lengths must be integer counts summing to the dataset's length ${n} or fractions summing to 1; ` +
          `lengths[${k}] = ${v} is not an integer and the lengths sum to ${total}`,
      );
    }
  });
  const sum = counts.reduce((s, v) => s + v, 0);
  if (sum !== n) {
    throw new RangeError(`${op}: the lengths ${JSON.stringify(lengths)} sum to ${sum}, but the dataset has ${n} samples`);
  }
  const generator = checkGenerator(op, options.generator);
  const perm = randperm(n, { generator }).data;
  const out: Subset<T>[] = [];
  let offset = 0;
  for (const len of counts) {
    out.push(new Subset(dataset, perm.subarray(offset, offset + len)));
    offset += len;
  }
  return out as { -readonly [K in keyof L]: Subset<T> };
}
