import { describe, expect, it } from 'vitest';
import { tensor } from '@torchlet/autograd';
import { arange, array, NDArray } from '@torchlet/ndarray';
import { deserialize, deserializeWithMetadata } from './deserialize.js';
import { readHeader } from './header.js';
import { serialize } from './serialize.js';

const headerText = (bytes: Uint8Array): string => new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))));

describe('serialize', () => {
  it('writes the safetensors layout: length, padded header, contiguous data in key order', () => {
    const bytes = serialize({ w: tensor([[1, 2]]), b: tensor([3]) });
    const text = headerText(bytes);
    expect(text.trimEnd()).toBe('{"w":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"__metadata__":{"format":"pt"}}');
    expect(text.length % 8).toBe(0);
    expect(bytes.length).toBe(8 + text.length + 12);
    expect([...new Float32Array(bytes.slice(8 + text.length).buffer)]).toEqual([1, 2, 3]);
  });

  it('round-trips every dtype, 0-d and empty tensors, bit for bit', () => {
    const state = {
      f32: tensor([[0.1, -0, Infinity], [NaN, -3.5e38, 1e-45]]),
      f64: tensor([Math.PI, -0, 5e-324, -Infinity], { dtype: 'float64' }),
      i32: tensor([-2147483648, 2147483647, 0], { dtype: 'int32' }),
      u8: tensor([0, 255, 128], { dtype: 'uint8' }),
      bool: tensor([[true], [false]]),
      scalar: tensor(7),
      empty: tensor(new Float32Array(0), { shape: [2, 0, 3] }),
    };
    const back = deserialize(serialize(state));
    expect(Object.keys(back)).toEqual(Object.keys(state));
    for (const [k, t] of Object.entries(state)) {
      expect(back[k]!.dtype, k).toBe(t.dtype);
      expect(back[k]!.shape, k).toEqual(t.shape);
      const a = back[k]!.data.denseData();
      const b = t.data.denseData();
      expect(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), k).toEqual(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    }
  });

  it('writes views (transposed, sliced, broadcast) row-major', () => {
    const base = arange(12).reshape(3, 4);
    const state = { t: base.transpose(0, 1), s: base.slice(1, 1, 3), e: array([1, 2]).expand(3, 2), o: new NDArray(Float32Array.of(9, 8, 7), 'float32', [2], [1], 1) };
    const back = deserialize(serialize(state));
    for (const [k, a] of Object.entries(state)) expect(back[k]!.toArray(), k).toEqual(a.toArray());
  });

  it('accepts NDArrays and tensors that require grad (values only)', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    w.mul(w).sum().backward();
    const back = deserialize(serialize({ w, a: array([5], { dtype: 'int32' }) }));
    expect(back.w!.requiresGrad).toBe(false);
    expect(back.w!.grad).toBe(null);
    expect(back.a!.toArray()).toEqual([5]);
  });

  it('keeps the order of a Map; plain objects follow Object.keys (integer-like keys first)', () => {
    const m = new Map([['z', tensor([1])], ['a', tensor([2])], ['1', tensor([3])]]);
    expect(Object.keys(deserialize(serialize(m)))).toEqual(['1', 'z', 'a']); // the result is an object: JS orders its keys
    expect(readHeader(serialize(m)).tensors.map((t) => t.name)).toEqual(['z', 'a', '1']);
    expect(readHeader(serialize({ z: tensor([1]), 1: tensor([2]) })).tensors.map((t) => t.name)).toEqual(['1', 'z']);
  });

  it('keeps PyTorch key names and any Unicode as they are', () => {
    const keys = ['features.0.weight', 'bn.running_mean', 'é ✓ 😀', '', 'a"b\\c\n'];
    const back = deserialize(serialize(Object.fromEntries(keys.map((k, i) => [k, tensor([i])]))));
    expect(Object.keys(back)).toEqual(keys);
  });

  it('writes metadata: format "pt" by default, merged with the given strings, or none', () => {
    expect(deserializeWithMetadata(serialize({ a: tensor([1]) })).metadata).toEqual({ format: 'pt' });
    expect(deserializeWithMetadata(serialize({ a: tensor([1]) }, { metadata: { epoch: '3', note: 'é' } })).metadata).toEqual({ format: 'pt', epoch: '3', note: 'é' });
    expect(deserializeWithMetadata(serialize({}, { metadata: { format: 'np' } })).metadata).toEqual({ format: 'np' });
    const none = serialize({ a: tensor([1]) }, { metadata: null });
    expect(headerText(none)).not.toContain('__metadata__');
    expect(deserializeWithMetadata(none).metadata).toBe(null);
  });

  it('normalises bool storage to 0/1', () => {
    const odd = new NDArray(Uint8Array.of(0, 2, 255), 'bool', [3]);
    const bytes = serialize({ m: odd });
    expect([...bytes.subarray(bytes.length - 3)]).toEqual([0, 1, 1]);
  });

  it('refuses to write a header that readers would refuse (over 100 MB)', () => {
    expect(() => serialize({}, { metadata: { big: 'x'.repeat(100_000_000) } })).toThrow('serialize: the metadata is over the 100000000-byte header limit of safetensors readers');
  });

  it('rejects bad input eagerly and clearly', () => {
    expect(() => serialize({ a: [1, 2] as unknown as NDArray })).toThrow('serialize: "a" must be a Tensor or NDArray, got Array');
    expect(() => serialize({ a: null as unknown as NDArray })).toThrow(/"a" must be a Tensor or NDArray, got null/);
    expect(() => serialize(null as unknown as Record<string, NDArray>)).toThrow(/the state dict must be an object/);
    expect(() => serialize(new Map([[1 as unknown as string, tensor([1])]]))).toThrow(/keys must be strings/);
    expect(() => serialize({ __metadata__: tensor([1]) })).toThrow(/"__metadata__" is reserved/);
    expect(() => serialize(JSON.parse('{"__proto__": 1}') as Record<string, NDArray>)).toThrow(/"__proto__" cannot be a state dict key/);
    expect(() => serialize({ constructor: tensor([1]) })).toThrow(/prototype-pollution/);
    expect(() => serialize({ '\ud800': tensor([1]) })).toThrow(/lone surrogate/);
    expect(() => serialize({}, { metadata: { a: 1 as unknown as string } })).toThrow('serialize: metadata values must be strings (safetensors stores only strings), but "a" is number');
    expect(() => serialize({}, { metadata: { a: '\udc00' } })).toThrow(/lone surrogate/);
    expect(() => serialize({}, { metadata: new Map() as unknown as Record<string, string> })).toThrow(/metadata must be an object of strings/);
  });
});
