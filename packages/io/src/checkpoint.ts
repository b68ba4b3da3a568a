/**
 * Training checkpoints in one safetensors file: the model's tensors under `model.…`, the
 * optimizer's and scheduler's plain state as JSON in the metadata, with their big arrays moved to
 * tensors under `optimizer.…` / `scheduler.…` / `extra.…`.
 */
import { NDArray, isFloatDType, type DType } from '@torchlet/ndarray';
import { Tensor } from '@torchlet/autograd';
import { SafetensorsError } from './errors.js';
import { parseHeader, type ReadOptions, type TensorInfo } from './header.js';
import { readTensorData } from './deserialize.js';
import { isJsonObject, isWellFormed, parseJson, preview, type JsonObject, type JsonValue } from './json.js';
import { checkKey, stateDictEntries, writeSafetensors, type StateDict } from './serialize.js';

/**
 * A value of plain training state as {@link deserializeCheckpoint} gives it back: JSON values
 * (`NaN`, `±Infinity` and `-0` included), typed arrays, tensors and arrays. A typed array, tensor
 * or `NDArray` comes back as the same kind; a `number[]` as a `number[]`.
 *
 * @example
 * ```ts
 * import type { PlainValue } from '@torchlet/io';
 * const state: PlainValue = { step: 3, betas: [0.9, 0.999], expAvg: new Float32Array(4) };
 * ```
 */
export type PlainValue =
  | null | boolean | number | string
  | PlainValue[]
  | PlainObject
  | Float32Array | Float64Array | Int32Array | Uint8Array
  | Uint32Array | Int8Array | Int16Array | Uint16Array | Uint8ClampedArray
  | Tensor | NDArray;

/**
 * A plain object of {@link PlainValue}s.
 *
 * @example
 * ```ts
 * import type { PlainObject } from '@torchlet/io';
 * const scheduler: PlainObject = { lastEpoch: 4, baseLrs: [0.1] };
 * ```
 */
export interface PlainObject {
  [key: string]: PlainValue;
}

/**
 * What {@link serializeCheckpoint} and `saveCheckpoint` store. `optimizer`, `scheduler` and
 * `extra` are plain data — numbers (`NaN`/`±Infinity`/`-0` kept), strings, booleans, `null`,
 * arrays, plain objects, typed arrays, tensors — e.g. `optimizer.stateDict()` from
 * `@torchlet/optim`; anything else (a `Map`, a class instance, a function, a cycle) throws.
 * Properties set to `undefined` are skipped, as JSON does.
 *
 * @example
 * ```ts
 * import type { Checkpoint } from '@torchlet/io';
 * import { tensor } from '@torchlet/autograd';
 * import { Generator } from '@torchlet/ndarray';
 * const checkpoint: Checkpoint = {
 *   model: { 'fc.weight': tensor([[1, 2]]) },
 *   optimizer: { state: {}, paramGroups: [{ lr: 0.1, params: [0] }] },
 *   epoch: 3,
 *   generator: new Generator(0).getState(),
 * };
 * ```
 */
export interface Checkpoint {
  /** The model's state dict (tensors stored under `model.<key>`). */
  model: StateDict;
  /** The optimizer's state dict (plain data). */
  optimizer?: object;
  /** The learning-rate scheduler's state (plain data). */
  scheduler?: object;
  /** The epoch (a safe integer), e.g. the number of epochs completed. */
  epoch?: number;
  /** A random generator's state, from `Generator.getState()` (uint32 words). */
  generator?: Uint32Array | readonly number[];
  /** Anything else to keep (plain data). */
  extra?: unknown;
}

/**
 * A checkpoint read back by {@link deserializeCheckpoint} and `loadCheckpoint`: the parts that
 * were saved, and no others. The type parameters name what you saved as `optimizer`, `scheduler`
 * and `extra` (default {@link PlainValue}); like `JSON.parse`'s result they are not checked at
 * run time beyond being plain data — the consumer (`optimizer.loadStateDict`, say) validates.
 *
 * @example
 * ```ts
 * import { deserializeCheckpoint, serializeCheckpoint, type LoadedCheckpoint } from '@torchlet/io';
 * import { tensor } from '@torchlet/autograd';
 * const loaded: LoadedCheckpoint = deserializeCheckpoint(serializeCheckpoint({ model: { w: tensor([1]) }, epoch: 2 }));
 * loaded.epoch; // 2
 * // with the optimizer's state-dict type, e.g. OptimizerStateDict from @torchlet/optim:
 * type SavedSGD = { state: Record<string, Record<string, number | number[]>>; paramGroups: { lr: number; params: number[] }[] };
 * const typed: LoadedCheckpoint<SavedSGD> = deserializeCheckpoint<SavedSGD>(serializeCheckpoint({ model: {} }));
 * ```
 */
export interface LoadedCheckpoint<Optimizer = PlainValue, Scheduler = PlainValue, Extra = PlainValue> {
  /** The model's tensors by their original keys (null-prototype object). */
  model: Record<string, Tensor>;
  /** The optimizer's state, as saved. */
  optimizer?: Optimizer;
  /** The scheduler's state, as saved. */
  scheduler?: Scheduler;
  /** The epoch. */
  epoch?: number;
  /** The generator state words. */
  generator?: Uint32Array;
  /** The extra data, as saved. */
  extra?: Extra;
}

/**
 * The `__metadata__` key under which a checkpoint keeps its JSON.
 *
 * @example
 * ```ts
 * import { CHECKPOINT_METADATA_KEY, readHeader, serializeCheckpoint } from '@torchlet/io';
 * import { tensor } from '@torchlet/autograd';
 * const { metadata } = readHeader(serializeCheckpoint({ model: { w: tensor([1]) }, epoch: 1 }));
 * JSON.parse(metadata![CHECKPOINT_METADATA_KEY]!); // { version: 1, epoch: 1 }
 * ```
 */
export const CHECKPOINT_METADATA_KEY = 'torchlet.checkpoint';

const CHECKPOINT_VERSION = 1;
/** Arrays of numbers at least this long are stored as tensors rather than JSON. */
const ARRAY_TENSOR_MIN = 16;
/** The deepest plain state accepted when writing (the reader caps JSON nesting at 128). */
const MAX_PLAIN_DEPTH = 100;

/** Typed arrays stored as tensors: the class name and the dtype. */
const TENSOR_TYPED: Readonly<Record<string, DType>> = {
  Float32Array: 'float32', Float64Array: 'float64', Int32Array: 'int32', Uint8Array: 'uint8',
};
/** Typed arrays with no safetensors dtype torchlet reads: stored in the JSON. */
const WORD_TYPED = {
  Uint32Array, Int8Array, Int16Array, Uint16Array, Uint8ClampedArray,
} as const;
type WordTypedName = keyof typeof WORD_TYPED;

/** The numbers JSON cannot hold, by their tag. */
const SPECIAL_NUMBERS: ReadonlyMap<string, number> = new Map([['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity], ['-0', -0]]);

/** A JSON-ready value (finite numbers, no `-0`). */
type Encoded = null | boolean | number | string | Encoded[] | { [key: string]: Encoded };

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === null ? 'object' : ((proto as { constructor?: { name?: string } }).constructor?.name ?? 'object');
}

/** The standard typed-array class `v` is an instance of (a Node `Buffer` is a Uint8Array). */
function typedArrayName(v: ArrayBufferView): string | undefined {
  const classes = [Float32Array, Float64Array, Int32Array, Uint8Array, Uint32Array, Int8Array, Int16Array, Uint16Array, Uint8ClampedArray];
  return classes.find((c) => v instanceof c)?.name;
}

function isPlainObject(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function encodeNumber(v: number): Encoded {
  if (Number.isNaN(v)) return { $t: 'number', v: 'NaN' };
  if (v === Infinity) return { $t: 'number', v: 'Infinity' };
  if (v === -Infinity) return { $t: 'number', v: '-Infinity' };
  if (Object.is(v, -0)) return { $t: 'number', v: '-0' };
  return v;
}

/** Turns plain state into JSON-ready data, moving arrays into `tensors`. */
class PlainEncoder {
  readonly tensors = new Map<string, NDArray>();
  private readonly stack = new Set<object>();

  constructor(private readonly op: string) {}

  /** A tensor key for `path` not used yet. */
  private tensorKey(path: readonly string[]): string {
    const base = path.join('.');
    let key = base;
    for (let i = 1; this.tensors.has(key); i++) key = `${base}~${i}`;
    return key;
  }

  private where(path: readonly string[]): string {
    return path.join('.');
  }

  encode(v: unknown, path: string[]): Encoded {
    const at = (): string => this.where(path);
    if (path.length > MAX_PLAIN_DEPTH) throw new RangeError(`${this.op}: ${at()} is nested more than ${MAX_PLAIN_DEPTH} levels deep`);
    if (v === null || typeof v === 'boolean') return v;
    if (typeof v === 'number') return encodeNumber(v);
    if (typeof v === 'string') {
      if (!isWellFormed(v)) throw new RangeError(`${this.op}: the string at ${at()} has a lone surrogate and cannot be encoded as UTF-8`);
      return v;
    }
    if (typeof v !== 'object') {
      throw new TypeError(`${this.op}: ${at()} is ${v === undefined ? 'undefined' : `a ${typeof v}`}; checkpoints store plain data (numbers, strings, booleans, null, arrays, plain objects, typed arrays, tensors)`);
    }
    if (v instanceof Tensor || v instanceof NDArray) {
      const a: NDArray = v instanceof Tensor ? v.data : (v as NDArray);
      const key = this.tensorKey(path);
      this.tensors.set(key, a);
      return v instanceof Tensor ? { $t: 'tensor', key, requiresGrad: v.requiresGrad } : { $t: 'ndarray', key };
    }
    if (ArrayBuffer.isView(v)) {
      const name = typedArrayName(v) ?? kindOf(v);
      const dtype = Object.hasOwn(TENSOR_TYPED, name) ? TENSOR_TYPED[name] : undefined;
      if (dtype !== undefined) {
        const data = v as Float32Array | Float64Array | Int32Array | Uint8Array;
        const key = this.tensorKey(path);
        this.tensors.set(key, new NDArray(data, dtype, [data.length]));
        return { $t: 'typed', type: name, key };
      }
      if (Object.hasOwn(WORD_TYPED, name)) return { $t: 'words', type: name, v: Array.from(v as Uint32Array) };
      throw new TypeError(`${this.op}: ${at()} is a ${name}, which checkpoints do not store (use Float32Array, Float64Array, Int32Array, Uint8Array, Uint32Array, Int8Array, Int16Array, Uint16Array or Uint8ClampedArray)`);
    }
    if (this.stack.has(v)) throw new TypeError(`${this.op}: ${at()} refers back to an enclosing object (a cycle)`);
    this.stack.add(v);
    try {
      if (Array.isArray(v)) {
        const items: unknown[] = v;
        if (items.length >= ARRAY_TENSOR_MIN && items.every((x) => typeof x === 'number')) {
          const nums = items;
          const f32 = nums.every((x) => Object.is(Math.fround(x), x) || Number.isNaN(x));
          const key = this.tensorKey(path);
          this.tensors.set(key, f32 ? new NDArray(Float32Array.from(nums), 'float32', [nums.length]) : new NDArray(Float64Array.from(nums), 'float64', [nums.length]));
          return { $t: 'array', key };
        }
        return items.map((x, i) => {
          if (x === undefined) throw new TypeError(`${this.op}: ${this.where([...path, String(i)])} is undefined (arrays in checkpoints hold plain data)`);
          return this.encode(x, [...path, String(i)]);
        });
      }
      if (!isPlainObject(v)) {
        throw new TypeError(`${this.op}: ${at()} is a ${kindOf(v)}; checkpoints store plain data (numbers, strings, booleans, null, arrays, plain objects, typed arrays, tensors)`);
      }
      const out: { [key: string]: Encoded } = {};
      for (const [k, x] of Object.entries(v)) {
        if (x === undefined) continue;
        checkKey(this.op, k, `key (at ${at()})`);
        out[k] = this.encode(x, [...path, k]);
      }
      return Object.hasOwn(out, '$t') ? { $t: 'object', v: out } : out;
    } finally {
      this.stack.delete(v);
    }
  }
}

/**
 * Writes a training checkpoint as one safetensors file (bytes): the model's tensors under
 * `model.<key>`; the optimizer, scheduler and extra state as JSON in the `__metadata__` entry
 * {@link CHECKPOINT_METADATA_KEY}, with their typed arrays, tensors and numeric arrays of 16 or
 * more elements stored as tensors under `optimizer.…`, `scheduler.…`, `extra.…` (e.g.
 * `optimizer.state.0.expAvg`); the epoch and generator state in the JSON too. Any safetensors
 * reader (PyTorch's included) can read the tensors. See `saveCheckpoint` in `@torchlet/io/node`
 * to write it to a file atomically.
 *
 * @example
 * ```ts
 * import { deserializeCheckpoint, serializeCheckpoint } from '@torchlet/io';
 * import { tensor } from '@torchlet/autograd';
 * const bytes = serializeCheckpoint({
 *   model: { 'fc.weight': tensor([[0.5, -0.5]]) },
 *   optimizer: { state: { 0: { step: 2, momentumBuffer: new Float32Array([0.1, 0.2]) } }, paramGroups: [{ lr: 0.1, params: [0] }] },
 *   epoch: 7,
 * });
 * deserializeCheckpoint(bytes).epoch; // 7
 * ```
 */
export function serializeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  return writeCheckpoint('serializeCheckpoint', checkpoint);
}

/**
 * {@link serializeCheckpoint} with `op` naming the caller in messages.
 * @internal
 */
export function writeCheckpoint(op: string, checkpoint: Checkpoint): Uint8Array {
  if (typeof checkpoint !== 'object' || checkpoint === null) {
    throw new TypeError(`${op}: expected { model, optimizer?, scheduler?, epoch?, generator?, extra? }, got ${kindOf(checkpoint)}`);
  }
  const known = new Set(['model', 'optimizer', 'scheduler', 'epoch', 'generator', 'extra']);
  for (const k of Object.keys(checkpoint)) {
    if (!known.has(k)) throw new TypeError(`${op}: unknown checkpoint field ${preview(k)} (put your own data under extra)`);
  }
  if (checkpoint.model === undefined) throw new TypeError(`${op}: the checkpoint needs a model state dict`);
  const tensors = new Map<string, NDArray>();
  for (const [key, a] of stateDictEntries(op, checkpoint.model)) tensors.set(`model.${key}`, a);

  const json: { [key: string]: Encoded } = { version: CHECKPOINT_VERSION };
  const { epoch, generator } = checkpoint;
  if (epoch !== undefined) {
    if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch)) throw new TypeError(`${op}: epoch must be a safe integer, got ${kindOf(epoch)} ${String(epoch)}`);
    json.epoch = epoch;
  }
  if (generator !== undefined) {
    if (!(generator instanceof Uint32Array) && !Array.isArray(generator)) {
      throw new TypeError(`${op}: generator must be a Uint32Array from Generator.getState(), got ${kindOf(generator)}`);
    }
    const words = Array.from(generator as ArrayLike<unknown>);
    words.forEach((w, i) => {
      if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > 0xffffffff) {
        throw new RangeError(`${op}: generator state word ${i} must be a uint32, got ${String(w)}`);
      }
    });
    json.generator = words as number[];
  }
  for (const section of ['optimizer', 'scheduler', 'extra'] as const) {
    const value: unknown = checkpoint[section];
    if (value === undefined) continue;
    if (section !== 'extra' && (typeof value !== 'object' || value === null)) {
      throw new TypeError(`${op}: ${section} must be an object (its state dict), got ${kindOf(value)}`);
    }
    const encoder = new PlainEncoder(op);
    json[section] = encoder.encode(value, [section]);
    for (const [key, a] of encoder.tensors) tensors.set(key, a);
  }
  return writeSafetensors(op, tensors, { metadata: { [CHECKPOINT_METADATA_KEY]: JSON.stringify(json) } });
}

/** Rebuilds plain state from its JSON, taking tensors from the file. */
class PlainDecoder {
  constructor(
    private readonly op: string,
    private readonly section: string,
    private readonly take: (key: string, where: string) => { info: TensorInfo; data: ArrayBufferView; dtype: DType },
  ) {}

  private fail(where: string, msg: string): never {
    throw new SafetensorsError(`${this.op}: ${where} ${msg}`);
  }

  private tagKey(tag: JsonObject, where: string): string {
    const key = tag.key;
    if (typeof key !== 'string') return this.fail(where, 'is a tensor reference without a key');
    if (key !== this.section && !key.startsWith(`${this.section}.`)) this.fail(where, `refers to tensor ${preview(key)} outside ${this.section}.…`);
    return key;
  }

  private checkFields(tag: JsonObject, where: string, fields: readonly string[]): void {
    for (const k of Object.keys(tag)) {
      if (k !== '$t' && !fields.includes(k)) this.fail(where, `has the unexpected field ${preview(k)} in a ${JSON.stringify(tag.$t)} entry`);
    }
  }

  decode(v: JsonValue, where: string, tagged = true): PlainValue {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x, i) => this.decode(x, `${where}.${i}`));
    if (tagged && Object.hasOwn(v, '$t')) return this.decodeTag(v, where);
    const out: PlainObject = {};
    // keys were checked by the parser: no __proto__ & co., so assignment is safe
    for (const k of Object.keys(v)) out[k] = this.decode(v[k]!, `${where}.${k}`);
    return out;
  }

  private decodeTag(tag: JsonObject, where: string): PlainValue {
    switch (tag.$t) {
      case 'number': {
        this.checkFields(tag, where, ['v']);
        const n = typeof tag.v === 'string' ? SPECIAL_NUMBERS.get(tag.v) : undefined;
        if (n === undefined) return this.fail(where, `is an invalid number entry ${preview(JSON.stringify(tag.v))}`);
        return n;
      }
      case 'object': {
        this.checkFields(tag, where, ['v']);
        if (!isJsonObject(tag.v)) return this.fail(where, 'is an object entry without an object');
        return this.decode(tag.v, where, false);
      }
      case 'words': {
        this.checkFields(tag, where, ['type', 'v']);
        const type = typeof tag.type === 'string' ? tag.type : JSON.stringify(tag.type);
        if (!Object.hasOwn(WORD_TYPED, type)) return this.fail(where, `has the unknown typed array ${preview(type)}`);
        const ctor = WORD_TYPED[type as WordTypedName];
        const words = tag.v;
        if (!Array.isArray(words)) return this.fail(where, 'is a typed array entry without values');
        const out = new ctor(words.length);
        words.forEach((w, i) => {
          if (typeof w !== 'number' || !Number.isInteger(w)) return this.fail(where, `holds the non-integer ${JSON.stringify(w)} at ${i}`);
          out[i] = w;
          if (out[i] !== w) this.fail(where, `holds ${w} at ${i}, outside the range of ${type}`);
        });
        return out;
      }
      case 'typed': {
        this.checkFields(tag, where, ['type', 'key']);
        const type = typeof tag.type === 'string' ? tag.type : JSON.stringify(tag.type);
        const dtype = TENSOR_TYPED[type];
        if (dtype === undefined || !Object.hasOwn(TENSOR_TYPED, type)) return this.fail(where, `has the unknown typed array ${preview(type)}`);
        const t = this.take(this.tagKey(tag, where), where);
        if (t.dtype !== dtype || t.info.dtype === 'BOOL' || t.info.dtype === 'I64' || t.info.shape.length !== 1) {
          this.fail(where, `expects a 1-D ${dtype} tensor but ${preview(t.info.name)} is ${t.info.dtype} [${t.info.shape.join(', ')}]`);
        }
        return t.data as Float32Array | Float64Array | Int32Array | Uint8Array;
      }
      case 'array': {
        this.checkFields(tag, where, ['key']);
        const t = this.take(this.tagKey(tag, where), where);
        if ((t.info.dtype !== 'F32' && t.info.dtype !== 'F64') || t.info.shape.length !== 1) {
          this.fail(where, `expects a 1-D F32 or F64 tensor but ${preview(t.info.name)} is ${t.info.dtype} [${t.info.shape.join(', ')}]`);
        }
        return Array.from(t.data as Float32Array | Float64Array);
      }
      case 'tensor':
      case 'ndarray': {
        this.checkFields(tag, where, tag.$t === 'tensor' ? ['key', 'requiresGrad'] : ['key']);
        const t = this.take(this.tagKey(tag, where), where);
        const a = new NDArray(t.data as Float32Array, t.dtype, t.info.shape);
        if (tag.$t === 'ndarray') return a;
        const requiresGrad = tag.requiresGrad ?? false;
        if (typeof requiresGrad !== 'boolean' || (requiresGrad && !isFloatDType(t.dtype))) return this.fail(where, `has an invalid requiresGrad ${JSON.stringify(requiresGrad)}`);
        return new Tensor(a, { requiresGrad });
      }
      default:
        return this.fail(where, `has the unknown entry type ${preview(JSON.stringify(tag.$t))}`);
    }
  }
}

/**
 * Reads a checkpoint written by {@link serializeCheckpoint} (or `saveCheckpoint`) back, with the
 * same validation of untrusted bytes as {@link deserialize}, plus the checkpoint's own structure:
 * its JSON (strict, no prototype-polluting keys) and its tensor references, each of which must
 * name a tensor of the right section, dtype and rank, used once; a tensor neither under
 * `model.` nor referenced is an error. Throws {@link SafetensorsError}. The type parameters
 * describe what was saved (see {@link LoadedCheckpoint}).
 *
 * @example
 * ```ts
 * import { deserializeCheckpoint, serializeCheckpoint } from '@torchlet/io';
 * import { tensor } from '@torchlet/autograd';
 * import { Generator } from '@torchlet/ndarray';
 * const g = new Generator(42);
 * const bytes = serializeCheckpoint({ model: { w: tensor([1, 2]) }, generator: g.getState(), epoch: 5 });
 * const { model, generator, epoch } = deserializeCheckpoint(bytes);
 * model.w!.toArray(); // [1, 2]
 * new Generator().setState(generator!).nextUint32() === g.nextUint32(); // true
 * ```
 */
export function deserializeCheckpoint<Optimizer = PlainValue, Scheduler = PlainValue, Extra = PlainValue>(
  bytes: Uint8Array,
  options: ReadOptions = {},
): LoadedCheckpoint<Optimizer, Scheduler, Extra> {
  return readCheckpoint('deserializeCheckpoint', bytes, options) as LoadedCheckpoint<Optimizer, Scheduler, Extra>;
}

/**
 * {@link deserializeCheckpoint} with `op` naming the caller in messages.
 * @internal
 */
export function readCheckpoint(op: string, bytes: Uint8Array, options: ReadOptions): LoadedCheckpoint {
  const header = parseHeader(op, bytes, options);
  const fail = (msg: string): never => {
    throw new SafetensorsError(`${op}: ${msg}`);
  };
  const text = header.metadata?.[CHECKPOINT_METADATA_KEY];
  if (text === undefined) {
    return fail(`not a torchlet checkpoint: no ${JSON.stringify(CHECKPOINT_METADATA_KEY)} entry in __metadata__ (use deserialize() or load() for a plain state dict)`);
  }
  const json = parseJson(text, `${op}: the checkpoint metadata`);
  if (!isJsonObject(json)) return fail('the checkpoint metadata must be a JSON object');
  for (const k of Object.keys(json)) {
    if (!['version', 'epoch', 'generator', 'optimizer', 'scheduler', 'extra'].includes(k)) fail(`the checkpoint metadata has the unknown field ${preview(k)}`);
  }
  if (json.version !== CHECKPOINT_VERSION) {
    fail(`unsupported checkpoint version ${JSON.stringify(json.version)} (this torchlet reads version ${CHECKPOINT_VERSION})`);
  }

  const byName = new Map<string, TensorInfo>();
  for (const info of header.tensors) byName.set(info.name, info);
  const used = new Set<string>();
  const take = (key: string, where: string): { info: TensorInfo; data: ArrayBufferView; dtype: DType } => {
    const info = byName.get(key);
    if (info === undefined) return fail(`${where} refers to the tensor ${preview(key)}, which the file does not hold`);
    if (used.has(key)) fail(`${where} refers to the tensor ${preview(key)}, already used`);
    used.add(key);
    return { info, ...readTensorData(bytes, header, info, op) };
  };

  const model = Object.create(null) as Record<string, Tensor>;
  const out: LoadedCheckpoint = { model };
  for (const info of header.tensors) {
    if (!info.name.startsWith('model.')) continue;
    const { data, dtype } = readTensorData(bytes, header, info, op);
    model[info.name.slice(6)] = new Tensor(new NDArray(data, dtype, info.shape));
    used.add(info.name);
  }
  if (json.epoch !== undefined) {
    if (typeof json.epoch !== 'number' || !Number.isSafeInteger(json.epoch)) fail(`the epoch must be a safe integer, got ${preview(JSON.stringify(json.epoch))}`);
    out.epoch = json.epoch as number;
  }
  if (json.generator !== undefined) {
    const words = json.generator;
    if (!Array.isArray(words) || !words.every((w) => typeof w === 'number' && Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) {
      fail('the generator state must be a list of uint32 words');
    }
    out.generator = Uint32Array.from(words as number[]);
  }
  for (const section of ['optimizer', 'scheduler', 'extra'] as const) {
    const v = json[section];
    if (v === undefined) continue;
    out[section] = new PlainDecoder(op, section, take).decode(v, section);
  }
  for (const info of header.tensors) {
    if (!used.has(info.name)) fail(`the tensor ${preview(info.name)} is neither under model. nor referenced by the checkpoint's state`);
  }
  return out;
}
