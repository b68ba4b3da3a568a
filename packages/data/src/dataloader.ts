/**
 * {@link DataLoader}: batches of a dataset, optionally shuffled by a seeded generator.
 *
 * @module
 */
import { isGradEnabled, Tensor } from '@torchlet/autograd';
import { allocate, copyStrided, defaultGenerator, Generator, NDArray, randperm } from '@torchlet/ndarray';
import { defaultCollate, type Collated } from './collate.js';
import { Subset, TensorDataset, type Dataset } from './dataset.js';
import { checkDataset, checkGenerator, describe } from './util.js';

/**
 * Options of {@link DataLoader}.
 *
 * @typeParam T - the sample type
 * @typeParam B - the batch type (what `collate` returns)
 * @example
 * ```ts
 * const options: DataLoaderOptions<[Tensor, Tensor]> = { batchSize: 64, shuffle: true, dropLast: true };
 * ```
 */
export interface DataLoaderOptions<T, B = Collated<T>> {
  /** Samples per batch, a positive integer (default 1). */
  batchSize?: number | undefined;
  /** Draw a new random order of the samples at the start of every epoch (default false). */
  shuffle?: boolean | undefined;
  /** Drop the last batch when it is shorter than `batchSize` (default false). */
  dropLast?: boolean | undefined;
  /** Turns the list of samples of one batch into a batch (default {@link defaultCollate}). */
  collate?: ((samples: T[]) => B) | undefined;
  /**
   * The generator of the shuffles. When given, each epoch draws its permutation from it, so the
   * loader's order depends only on this generator. When omitted, each epoch seeds a fresh generator
   * from the ndarray default generator (so `manualSeed` makes the run reproducible).
   */
  generator?: Generator | undefined;
}

/** 2³²: a derived seed is `hi · 2³² + lo` with a 21-bit `hi`, so below 2⁵³. */
const TWO_32 = 4294967296;

/**
 * Iterates over batches of a dataset, like PyTorch's `DataLoader` (single process): `length` is
 * the number of batches, `⌈n / batchSize⌉`, or `⌊n / batchSize⌋` with `dropLast`. Each batch is
 * `collate(samples)`; the default collate stacks tensors along a new first dim (see
 * {@link defaultCollate}).
 *
 * With `shuffle`, every iteration (epoch) visits the samples in a new random order, a
 * `randperm(n)` drawn when the epoch's first batch is requested. The permutation comes from `generator` when one is
 * given (its state advances every epoch, so epochs differ and the whole sequence is reproducible
 * from its seed); otherwise, like PyTorch's `RandomSampler`, each epoch draws a 53-bit seed from
 * the ndarray default generator and shuffles with a fresh `Generator(seed)`, so `manualSeed(s)`
 * before training fixes every epoch's order.
 *
 * Batches of a {@link TensorDataset} — or of a {@link Subset} of one, such as a
 * {@link randomSplit} part — with the default collate are read by gathering the selected rows of
 * each tensor's storage in one copy, without making per-sample views. The result is the same as
 * collating the samples one by one.
 *
 * @typeParam T - the sample type
 * @typeParam B - the batch type
 * @example
 * ```ts
 * const ds = new TensorDataset(tensor(randn([100, 3])), tensor(randint(0, 2, [100])));
 * const loader = new DataLoader(ds, { batchSize: 32, shuffle: true, generator: new Generator(0) });
 * loader.length; // 4 (the last batch has 4 samples)
 * for (const [x, y] of loader) {
 *   x.shape; // [32, 3], then [4, 3] at the end
 * }
 * ```
 */
export class DataLoader<T, B = Collated<T>> implements Iterable<B> {
  /** The dataset batches are read from. */
  readonly dataset: Dataset<T>;
  /** Samples per batch. */
  readonly batchSize: number;
  /** Whether each epoch visits the samples in a new random order. */
  readonly shuffle: boolean;
  /** Whether a short last batch is dropped. */
  readonly dropLast: boolean;
  /** The generator of the shuffles, or undefined when each epoch derives one from the default generator. */
  readonly generator: Generator | undefined;
  private readonly collateFn: (samples: T[]) => B;
  private readonly usesDefaultCollate: boolean;

  /**
   * @param dataset - any {@link Dataset}
   * @param options - `batchSize` (1), `shuffle` (false), `dropLast` (false), `collate`, `generator`
   */
  constructor(dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    const op = 'DataLoader';
    checkDataset(op, dataset);
    if (options === null || typeof options !== 'object') throw new TypeError(`${op}: options must be an object, got ${describe(options)}`);
    const { batchSize = 1, shuffle = false, dropLast = false, collate } = options;
    if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`${op}: batchSize must be a positive integer, got ${describe(batchSize)}`);
    }
    if (typeof shuffle !== 'boolean') throw new TypeError(`${op}: shuffle must be a boolean, got ${describe(shuffle)}`);
    if (typeof dropLast !== 'boolean') throw new TypeError(`${op}: dropLast must be a boolean, got ${describe(dropLast)}`);
    if (collate !== undefined && typeof collate !== 'function') {
      throw new TypeError(`${op}: collate must be a function (samples) => batch, got ${describe(collate)}`);
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = checkGenerator(op, options.generator);
    const fn = collate ?? (defaultCollate as unknown as (samples: T[]) => B);
    this.collateFn = fn;
    this.usesDefaultCollate = fn === (defaultCollate as unknown);
  }

  /**
   * The number of batches per epoch.
   *
   * @example
   * ```ts
   * new DataLoader(new TensorDataset(zeros([10, 2])), { batchSize: 4 }).length;                  // 3
   * new DataLoader(new TensorDataset(zeros([10, 2])), { batchSize: 4, dropLast: true }).length;  // 2
   * ```
   */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /**
   * The sample order of one new epoch: null for `0…n−1`, or a fresh permutation when shuffling
   * (which advances the generator).
   */
  private epochOrder(n: number): Int32Array | null {
    if (!this.shuffle) return null;
    let g = this.generator;
    if (g === undefined) {
      const d = defaultGenerator();
      const hi = d.nextUint32() >>> 11; // 21 bits
      const lo = d.nextUint32();
      g = new Generator(hi * TWO_32 + lo);
    }
    return randperm(n, { generator: g }).data;
  }

  /**
   * Iterates over the batches of one epoch. The order (and, when shuffling, the permutation) is
   * fixed when the first batch is requested.
   *
   * @example
   * ```ts
   * const loader = new DataLoader(new TensorDataset(tensor([1, 2, 3])), { batchSize: 2 });
   * for (const [x] of loader) console.log(x.toArray()); // [1, 2], then [3]
   * const batches = [...loader]; // another epoch
   * ```
   */
  *[Symbol.iterator](): Iterator<B> {
    const n = checkDataset('DataLoader', this.dataset);
    const order = this.epochOrder(n);
    const fast = this.usesDefaultCollate ? gatherSource(this.dataset) : null;
    const numBatches = this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
    for (let b = 0; b < numBatches; b++) {
      const start = b * this.batchSize;
      const end = Math.min(start + this.batchSize, n);
      const indices = new Int32Array(end - start);
      for (let k = 0; k < indices.length; k++) indices[k] = order ? order[start + k]! : start + k;
      if (fast && !(isGradEnabled() && fast.tensors.some((t) => t.requiresGrad))) {
        if (fast.map) for (let k = 0; k < indices.length; k++) indices[k] = fast.map[indices[k]!]!;
        yield fast.tensors.map((t) => new Tensor(gatherRows(t.data, indices))) as B;
      } else {
        const samples = new Array<T>(indices.length);
        for (let k = 0; k < indices.length; k++) samples[k] = this.dataset.get(indices[k]!);
        yield this.collateFn(samples);
      }
    }
  }
}

/** A TensorDataset reached through zero or more Subsets, with the composed index map. */
interface GatherSource {
  tensors: readonly Tensor[];
  /** Maps a loader index to a row of the tensors; null for the identity. */
  map: Int32Array | null;
}

/**
 * The fast path's source, when `dataset` is exactly a TensorDataset or a chain of Subsets of one
 * (subclasses may override `get`, so they take the general path).
 */
function gatherSource(dataset: Dataset<unknown>): GatherSource | null {
  const chain: Subset<unknown>[] = [];
  let ds = dataset;
  while (Object.getPrototypeOf(ds) === Subset.prototype) {
    chain.push(ds as Subset<unknown>);
    ds = (ds as Subset<unknown>).dataset;
  }
  if (Object.getPrototypeOf(ds) !== TensorDataset.prototype) return null;
  const tensors = (ds as TensorDataset).tensors;
  if (chain.length === 0) return { tensors, map: null };
  // compose the subsets' indices from the outermost inwards
  const map = Int32Array.from(chain[0]!.indices);
  for (let c = 1; c < chain.length; c++) {
    const inner = chain[c]!.indices;
    for (let k = 0; k < map.length; k++) map[k] = inner[map[k]!]!;
  }
  return { tensors, map };
}

/** Rows `indices` of `a` (along dim 0) stacked into fresh contiguous storage. */
export function gatherRows(a: NDArray, indices: Int32Array): NDArray {
  const rowShape = a.shape.slice(1);
  let rowSize = 1;
  for (const d of rowShape) rowSize *= d;
  const out = allocate(a.dtype, indices.length * rowSize);
  const src = a.data;
  // a contiguous array's rows are `rowSize` apart (its dim-0 stride may be anything when size 1)
  if (a.isContiguous()) {
    if (rowSize === 1) {
      for (let k = 0; k < indices.length; k++) out[k] = src[a.offset + indices[k]!]!;
    } else if (rowSize < 32) {
      for (let k = 0; k < indices.length; k++) {
        const s = a.offset + indices[k]! * rowSize;
        const o = k * rowSize;
        for (let j = 0; j < rowSize; j++) out[o + j] = src[s + j]!;
      }
    } else {
      for (let k = 0; k < indices.length; k++) {
        const s = a.offset + indices[k]! * rowSize;
        out.set(src.subarray(s, s + rowSize), k * rowSize);
      }
    }
  } else {
    const stride0 = a.strides[0]!;
    const rowStrides = a.strides.slice(1);
    for (let k = 0; k < indices.length; k++) copyStrided(src, a.offset + indices[k]! * stride0, rowShape, rowStrides, out, k * rowSize);
  }
  return new NDArray(out, a.dtype, [indices.length, ...rowShape]);
}
