import { describe, expect, it } from 'vitest';
import { Tensor, tensor } from '@torchlet/autograd';
import { Generator, NDArray, array } from '@torchlet/ndarray';
import { CHECKPOINT_METADATA_KEY, deserializeCheckpoint, serializeCheckpoint } from './checkpoint.js';
import { deserialize, deserializeWithMetadata } from './deserialize.js';
import { SafetensorsError } from './errors.js';
import { readHeader } from './header.js';
import { serialize } from './serialize.js';
import { referenceRead } from '../test/reference.js';

const model = { 'fc.weight': tensor([[1, 2], [3, 4]]), 'fc.bias': tensor([0.5, -0.5]), 'bn.num_batches_tracked': tensor(7, { dtype: 'int32' }) };
const long = Array.from({ length: 20 }, (_, i) => Math.fround(i / 3));

/** An optimizer state dict shaped like @torchlet/optim's Adam.stateDict(). */
const adamState = {
  state: { 0: { step: 3, expAvg: long, expAvgSq: long.map((x) => x * x), maxExpAvgSq: null }, 1: { step: 3, expAvg: [0.25, -1], expAvgSq: [0, 1] } },
  paramGroups: [{ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, params: [0, 1], initialLr: 1e-3 }],
};

describe('checkpoint round trip', () => {
  it('restores model, optimizer, scheduler, epoch, generator and extra', () => {
    const g = new Generator(1234);
    g.nextFloat64();
    const bytes = serializeCheckpoint({
      model,
      optimizer: adamState,
      scheduler: { lastEpoch: 4, baseLrs: [0.1], best: Infinity, mode: 'min', verbose: false },
      epoch: 4,
      generator: g.getState(),
      extra: { note: 'é ✓', history: [1.5, 1.25] },
    });
    const c = deserializeCheckpoint(bytes);
    expect(Object.keys(c.model)).toEqual(Object.keys(model));
    for (const [k, t] of Object.entries(model)) {
      expect(c.model[k]!.toArray()).toEqual(t.toArray());
      expect(c.model[k]!.dtype).toBe(t.dtype);
    }
    expect(c.optimizer).toEqual(adamState);
    const typed = deserializeCheckpoint<typeof adamState>(bytes); // the type parameter names what was saved
    expect(typed.optimizer!.paramGroups[0]!.betas).toEqual([0.9, 0.999]);
    expect(c.scheduler).toEqual({ lastEpoch: 4, baseLrs: [0.1], best: Infinity, mode: 'min', verbose: false });
    expect(c.epoch).toBe(4);
    expect(c.extra).toEqual({ note: 'é ✓', history: [1.5, 1.25] });
    expect(c.generator).toBeInstanceOf(Uint32Array);
    const resumed = new Generator().setState(c.generator!);
    expect([resumed.nextFloat64(), resumed.nextUint32()]).toEqual([g.nextFloat64(), g.nextUint32()]);
  });

  it('omits the parts that were not saved', () => {
    const c = deserializeCheckpoint(serializeCheckpoint({ model: {} }));
    expect(c).toEqual({ model: {} });
    expect(Object.keys(c)).toEqual(['model']);
  });

  it('is a plain safetensors file: model.… tensors, big arrays as optimizer.… tensors, JSON in the metadata', () => {
    const bytes = serializeCheckpoint({ model, optimizer: adamState, epoch: 2 });
    const names = readHeader(bytes).tensors.map((t) => `${t.name} ${t.dtype}`);
    expect(names).toEqual([
      'model.fc.weight F32', 'model.fc.bias F32', 'model.bn.num_batches_tracked I32',
      'optimizer.state.0.expAvg F32', 'optimizer.state.0.expAvgSq F64', // squares of float32 values are not all float32
    ]);
    expect(deserialize(bytes)['optimizer.state.0.expAvg']!.toArray()).toEqual(long);
    const { metadata } = deserializeWithMetadata(bytes);
    expect(metadata!.format).toBe('pt');
    const json = JSON.parse(metadata![CHECKPOINT_METADATA_KEY]!) as { version: number; epoch: number; optimizer: { state: { 0: { expAvg: unknown } } } };
    expect(json.version).toBe(1);
    expect(json.epoch).toBe(2);
    expect(json.optimizer.state[0].expAvg).toEqual({ $t: 'array', key: 'optimizer.state.0.expAvg' });
    expect(() => referenceRead(bytes)).not.toThrow();
  });

  it('keeps typed arrays, tensors, arrays and special numbers as what they were', () => {
    const w = tensor([[1, 2]], { requiresGrad: true });
    const state = {
      f32: Float32Array.of(1.5, NaN), f64: Float64Array.of(0.1), i32: Int32Array.of(-5), u8: Uint8Array.of(255),
      u32: Uint32Array.of(0xffffffff, 0), i8: Int8Array.of(-128), i16: Int16Array.of(-3), u16: Uint16Array.of(65535), clamped: Uint8ClampedArray.of(9),
      t: w, nd: array([[true, false]]), ints: array([1, 2], { dtype: 'int32' }),
      special: [NaN, Infinity, -Infinity, -0, 0, 1e308, 5e-324],
      longMixed: [...long, 0.1],
      nested: [[1, [2, [3]]], { a: [] }, []],
      tagLike: { $t: 'tensor', key: 'model.x' },
      empty: new Float32Array(0),
      view: Float32Array.of(1, 2, 3, 4).subarray(1, 3),
      buffer: Buffer.from([1, 2]),
      skipped: undefined,
    };
    const c = deserializeCheckpoint(serializeCheckpoint({ model: {}, extra: state }));
    const x = c.extra as Record<string, unknown>;
    for (const k of ['f32', 'f64', 'i32', 'u8', 'u32', 'i8', 'i16', 'u16', 'clamped', 'empty'] as const) {
      expect(x[k], k).toBeInstanceOf(state[k].constructor);
      expect(x[k], k).toEqual(state[k]);
    }
    expect(x.t).toBeInstanceOf(Tensor);
    expect((x.t as Tensor).requiresGrad).toBe(true);
    expect((x.t as Tensor).toArray()).toEqual([[1, 2]]);
    expect(x.nd).toBeInstanceOf(NDArray);
    expect((x.nd as NDArray).dtype).toBe('bool');
    expect((x.ints as NDArray).toArray()).toEqual([1, 2]);
    expect(x.special).toEqual(state.special);
    expect(Object.is((x.special as number[])[3], -0)).toBe(true);
    expect(x.longMixed).toEqual(state.longMixed);
    expect(x.nested).toEqual(state.nested);
    expect(x.tagLike).toEqual({ $t: 'tensor', key: 'model.x' });
    expect(x.view).toEqual(Float32Array.of(2, 3));
    expect(x.buffer).toEqual(Uint8Array.of(1, 2)); // a Buffer is stored as the Uint8Array it is
    expect(Object.getPrototypeOf(x.buffer)).toBe(Uint8Array.prototype);
    expect('skipped' in x).toBe(false);
  });

  it('stores a whole section that is a typed array, and de-duplicates colliding tensor names', () => {
    const c = deserializeCheckpoint(serializeCheckpoint({ model: {}, extra: Float32Array.of(1, 2) }));
    expect(c.extra).toEqual(Float32Array.of(1, 2));
    const bytes = serializeCheckpoint({ model: {}, extra: { 'a.b': Float32Array.of(1), a: { b: Float32Array.of(2) } } });
    expect(readHeader(bytes).tensors.map((t) => t.name)).toEqual(['extra.a.b', 'extra.a.b~1']);
    expect(deserializeCheckpoint(bytes).extra).toEqual({ 'a.b': Float32Array.of(1), a: { b: Float32Array.of(2) } });
  });

  it('returns a copy: later changes to the saved state do not leak in', () => {
    const buf = Float32Array.of(1, 2);
    const bytes = serializeCheckpoint({ model: {}, optimizer: { buf } });
    buf[0] = 99;
    expect((deserializeCheckpoint(bytes).optimizer as { buf: Float32Array }).buf[0]).toBe(1);
  });
});

describe('serializeCheckpoint rejects what it cannot store', () => {
  const save = (extra: unknown): Uint8Array => serializeCheckpoint({ model: {}, extra });
  it('non-plain data, cycles, undefined in arrays, forbidden keys, deep nesting', () => {
    expect(() => save({ m: new Map() })).toThrow('serializeCheckpoint: extra.m is a Map; checkpoints store plain data (numbers, strings, booleans, null, arrays, plain objects, typed arrays, tensors)');
    expect(() => save({ d: new Date(0) })).toThrow(/extra.d is a Date/);
    expect(() => save({ f: () => 1 })).toThrow(/extra.f is a function/);
    expect(() => save({ b: 1n })).toThrow(/extra.b is a bigint/);
    expect(() => save({ s: Symbol('x') })).toThrow(/extra.s is a symbol/);
    expect(() => save({ a: new BigInt64Array(1) })).toThrow(/extra.a is a BigInt64Array, which checkpoints do not store/);
    expect(() => save({ v: new DataView(new ArrayBuffer(1)) })).toThrow(/DataView/);
    const cyclic: Record<string, unknown> = { a: { b: [] } };
    ((cyclic.a as { b: unknown[] }).b).push(cyclic);
    expect(() => save(cyclic)).toThrow('serializeCheckpoint: extra.a.b.0 refers back to an enclosing object (a cycle)');
    const shared = { x: 1 };
    expect(deserializeCheckpoint(save({ p: shared, q: shared })).extra).toEqual({ p: { x: 1 }, q: { x: 1 } }); // shared, not cyclic
    expect(() => save([1, undefined])).toThrow('serializeCheckpoint: extra.1 is undefined (arrays in checkpoints hold plain data)');
    expect(() => save(JSON.parse('{"__proto__": {"x": 1}}'))).toThrow(/"__proto__" cannot be a key/);
    expect(() => save({ constructor: 1 })).toThrow(/prototype-pollution/);
    expect(() => save({ s: 'a\ud800' })).toThrow(/extra.s has a lone surrogate/);
    let deep: unknown = 1;
    for (let i = 0; i < 120; i++) deep = [deep];
    expect(() => save(deep)).toThrow(/nested more than 100 levels deep/);
  });

  it('bad checkpoint fields', () => {
    expect(() => serializeCheckpoint(null as never)).toThrow(/expected \{ model, optimizer\?/);
    expect(() => serializeCheckpoint({} as never)).toThrow('serializeCheckpoint: the checkpoint needs a model state dict');
    expect(() => serializeCheckpoint({ model: {}, epochs: 3 } as never)).toThrow(/unknown checkpoint field "epochs" \(put your own data under extra\)/);
    expect(() => serializeCheckpoint({ model: {}, epoch: 1.5 })).toThrow(/epoch must be a safe integer, got number 1.5/);
    expect(() => serializeCheckpoint({ model: {}, generator: [1, -1] })).toThrow('serializeCheckpoint: generator state word 1 must be a uint32, got -1');
    expect(() => serializeCheckpoint({ model: {}, generator: 'abc' as never })).toThrow(/generator must be a Uint32Array/);
    expect(() => serializeCheckpoint({ model: {}, optimizer: 3 as never })).toThrow(/optimizer must be an object \(its state dict\), got number/);
    expect(() => serializeCheckpoint({ model: { w: [1] as never } })).toThrow(/"w" must be a Tensor or NDArray/);
  });
});

describe('deserializeCheckpoint on hostile files', () => {
  const withMeta = (json: string, tensors: Record<string, NDArray> = {}): Uint8Array =>
    serialize(tensors, { metadata: { [CHECKPOINT_METADATA_KEY]: json } });
  const rejects = (bytes: Uint8Array, message: RegExp): void => {
    expect(() => deserializeCheckpoint(bytes)).toThrow(SafetensorsError);
    expect(() => deserializeCheckpoint(bytes)).toThrow(message);
  };
  const f32 = array([1, 2]);

  it('rejects a plain state dict, bad JSON, unknown versions and fields', () => {
    rejects(serialize({ w: f32 }), /deserializeCheckpoint: not a torchlet checkpoint: no "torchlet.checkpoint" entry in __metadata__ \(use deserialize\(\) or load\(\) for a plain state dict\)/);
    rejects(withMeta('{"version": 1'), /the checkpoint metadata is not valid JSON: unexpected end/);
    rejects(withMeta('[1]'), /the checkpoint metadata must be a JSON object/);
    rejects(withMeta('{"version": 2}'), /unsupported checkpoint version 2 \(this torchlet reads version 1\)/);
    rejects(withMeta('{"version": 1, "eval": "x"}'), /unknown field "eval"/);
    rejects(withMeta('{"version": 1, "extra": {"__proto__": {"polluted": true}}}'), /forbidden key "__proto__"/);
    rejects(withMeta('{"version": 1, "extra": {"constructor": {"prototype": 1}}}'), /forbidden key "constructor"/);
    rejects(withMeta('{"version": 1, "epoch": "3"}'), /the epoch must be a safe integer/);
    rejects(withMeta('{"version": 1, "generator": [1, -2]}'), /generator state must be a list of uint32 words/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects bad entries and tensor references', () => {
    rejects(withMeta('{"version": 1, "extra": {"$t": "eval"}}'), /deserializeCheckpoint: extra has the unknown entry type "\\"eval\\""/);
    rejects(withMeta('{"version": 1, "extra": {"$t": "number", "v": "1e999"}}'), /extra is an invalid number entry/);
    rejects(withMeta('{"version": 1, "extra": {"$t": "number", "v": "NaN", "x": 1}}'), /extra has the unexpected field "x" in a "number" entry/);
    rejects(withMeta('{"version": 1, "extra": {"$t": "words", "type": "Uint8Array", "v": [300]}}'), /unknown typed array "Uint8Array"/);
    rejects(withMeta('{"version": 1, "extra": {"$t": "words", "type": "Uint16Array", "v": [70000]}}'), /extra holds 70000 at 0, outside the range of Uint16Array/);
    rejects(withMeta('{"version": 1, "extra": {"$t": "words", "type": "Int8Array", "v": [0.5]}}'), /non-integer 0.5/);
    rejects(withMeta('{"version": 1, "extra": {"$t": "typed", "type": "Function", "key": "extra"}}'), /unknown typed array "Function"/);
    rejects(withMeta('{"version": 1, "extra": {"$t": "array", "key": "extra.x"}}'), /extra refers to the tensor "extra.x", which the file does not hold/);
    rejects(withMeta('{"version": 1, "extra": [{"$t": "array", "key": "extra.x"}, {"$t": "array", "key": "extra.x"}]}', { 'extra.x': f32 }), /extra.1 refers to the tensor "extra.x", already used/);
    rejects(withMeta('{"version": 1, "extra": {"$t": "array", "key": "model.w"}}', { 'model.w': f32 }), /refers to tensor "model.w" outside extra/);
    rejects(withMeta('{"version": 1, "optimizer": {"$t": "array", "key": "extra.x"}}', { 'extra.x': f32 }), /outside optimizer/);
    rejects(withMeta('{"version": 1, "extra": {"$t": "typed", "type": "Int32Array", "key": "extra.x"}}', { 'extra.x': f32 }), /expects a 1-D int32 tensor but "extra.x" is F32 \[2\]/);
    rejects(withMeta('{"version": 1, "extra": {"$t": "array", "key": "extra.x"}}', { 'extra.x': array([[1]]) }), /expects a 1-D F32 or F64 tensor/);
    rejects(withMeta('{"version": 1, "extra": {"$t": "tensor", "key": "extra.x", "requiresGrad": true}}', { 'extra.x': array([1], { dtype: 'int32' }) }), /invalid requiresGrad true/);
    rejects(withMeta('{"version": 1}', { 'extra.x': f32 }), /the tensor "extra.x" is neither under model. nor referenced by the checkpoint's state/);
  });

  it('validates the safetensors layer first', () => {
    expect(() => deserializeCheckpoint(new Uint8Array(3))).toThrow(/deserializeCheckpoint: the file is 3 bytes/);
  });
});
