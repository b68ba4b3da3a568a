/**
 * Interop with PyTorch: the golden LeNet-5 state dict written by PyTorch's safetensors, read,
 * written back byte for byte, and a torchlet-written file checked by an independent reader.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deserialize, deserializeWithMetadata, readHeader, serialize } from '../src/index.js';
import { diffAt } from './craft.js';
import { referenceRead } from './reference.js';

const golden = new Uint8Array(readFileSync(new URL('../../../golden/lenet5.safetensors', import.meta.url)));
const interop = JSON.parse(readFileSync(new URL('../../../golden/interop.json', import.meta.url), 'utf8')) as {
  cases: { op: string; state_dict: Record<string, number[]> }[];
};
const expected = interop.cases.find((c) => c.op === 'lenet5_forward')!.state_dict;

describe('golden lenet5.safetensors (written by PyTorch)', () => {
  it('deserializes to the keys and shapes of interop.json, in order, as float32', () => {
    const state = deserialize(golden);
    expect(Object.keys(state)).toEqual(Object.keys(expected));
    for (const [key, shape] of Object.entries(expected)) {
      expect(state[key]!.shape, key).toEqual(shape);
      expect(state[key]!.dtype).toBe('float32');
      expect(state[key]!.requiresGrad).toBe(false);
    }
    expect(deserializeWithMetadata(golden).metadata).toEqual({ format: 'pt' });
  });

  it('holds exactly the bytes of the file', () => {
    const ref = referenceRead(golden);
    const state = deserialize(golden);
    for (const [key, t] of ref.tensors) {
      const data = state[key]!.data.denseData() as Float32Array;
      expect(diffAt(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), t.bytes), key).toBe(-1);
    }
  });

  it('serialize ∘ deserialize reproduces the tensor bytes — and the whole file — byte for byte', () => {
    const again = serialize(deserialize(golden));
    const a = readHeader(golden);
    const b = readHeader(again);
    expect(diffAt(again.subarray(b.dataStart), golden.subarray(a.dataStart))).toBe(-1);
    expect(diffAt(again, golden)).toBe(-1); // same header text too: same key order, layout and metadata
  });

  it('a torchlet-written file passes the independent reader, with the header semantics of the golden file', () => {
    const state = deserialize(golden);
    const mine = referenceRead(serialize(state));
    const theirs = referenceRead(golden);
    expect(mine.header).toEqual(theirs.header);
    expect(Object.keys(mine.header)).toEqual(Object.keys(theirs.header));
    for (const [key, t] of theirs.tensors) {
      const m = mine.tensors.get(key)!;
      expect([m.dtype, m.shape]).toEqual([t.dtype, t.shape]);
      expect(diffAt(m.bytes, t.bytes), key).toBe(-1);
    }
    // the header is padded to a multiple of 8 so that the data section is aligned
    const n = Number(new DataView(serialize(state).buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
  });

  it('the independent reader also accepts files of every written dtype, with padding', async () => {
    const { tensor } = await import('@torchlet/autograd');
    const bytes = serialize({
      a: tensor([1.5, -2], { dtype: 'float64' }),
      b: tensor([[1, -2, 3]], { dtype: 'int32' }),
      c: tensor([255, 0, 7], { dtype: 'uint8' }),
      d: tensor([true, false]),
      e: tensor(3), // 0-d
      f: tensor(new Float32Array(0), { shape: [0, 4] }),
    });
    const ref = referenceRead(bytes);
    expect([...ref.tensors].map(([k, t]) => [k, t.dtype, t.shape])).toEqual([
      ['a', 'F64', [2]], ['b', 'I32', [1, 3]], ['c', 'U8', [3]], ['d', 'BOOL', [2]], ['e', 'F32', []], ['f', 'F32', [0, 4]],
    ]);
    expect([...ref.tensors.get('d')!.bytes]).toEqual([1, 0]);
    expect(new TextDecoder().decode(bytes.subarray(8)).includes(' ')).toBe(true); // padded with spaces
  });
});
