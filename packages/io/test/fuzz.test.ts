/**
 * Property tests: any byte string is either read consistently or rejected with a
 * SafetensorsError — never another exception, never a hang, never a huge allocation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tensor } from '@torchlet/autograd';
import { deserialize, readHeader, SafetensorsError, serialize } from '../src/index.js';
import { craft } from './craft.js';
import { referenceRead } from './reference.js';

/** Reads `bytes`; on success checks the result against the independent reader and a re-write. */
function readOrReject(bytes: Uint8Array): 'ok' | 'rejected' {
  const t0 = performance.now();
  let state: ReturnType<typeof deserialize>;
  try {
    state = deserialize(bytes);
  } catch (e) {
    if (!(e instanceof SafetensorsError)) throw e; // any other exception is a bug
    expect(e.message).toMatch(/^deserialize: ./);
    expect(performance.now() - t0).toBeLessThan(250);
    return 'rejected';
  }
  // accepted: the reference reader agrees on every tensor, and a re-write reads back the same
  const ref = referenceRead(bytes);
  const header = readHeader(bytes);
  expect(Object.keys(state).sort()).toEqual(header.tensors.map((t) => t.name).sort());
  for (const info of header.tensors) {
    expect(ref.tensors.get(info.name)?.shape).toEqual(info.shape);
    expect(state[info.name]!.shape).toEqual(info.shape);
  }
  const again = deserialize(serialize(state));
  for (const [k, t] of Object.entries(state)) expect(again[k]!.toArray()).toEqual(t.toArray());
  return 'ok';
}

describe('fuzzing the reader', () => {
  it('random byte strings', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => void readOrReject(bytes)), { numRuns: 400 });
  });

  it('random bytes behind a plausible header length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 200 }), fc.nat(16), (body, slack) => {
        const bytes = new Uint8Array(8 + body.length);
        bytes.set(body, 8);
        bytes[8] = 0x7b; // '{'
        new DataView(bytes.buffer).setBigUint64(0, BigInt(Math.max(0, body.length - slack)), true);
        readOrReject(bytes);
      }),
      { numRuns: 300 },
    );
  });

  const valid = serialize({
    'conv.weight': tensor([[[[1, -1]]]]),
    'bn.num_batches_tracked': tensor(3, { dtype: 'int32' }),
    mask: tensor([true, false, true]),
    x: tensor([0.25], { dtype: 'float64' }),
  });

  it('a valid file with random bytes overwritten', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (edits) => {
        const bytes = valid.slice();
        for (const [at, v] of edits) bytes[at] = v;
        if (readOrReject(bytes) === 'ok') accepted++;
      }),
      { numRuns: 400 },
    );
    expect(accepted).toBeGreaterThan(0); // edits in the data (or harmless ones) keep it valid
  });

  it('a valid file truncated or extended', () => {
    fc.assert(
      fc.property(fc.nat(valid.length + 16), (n) => {
        const bytes = new Uint8Array(n);
        bytes.set(valid.subarray(0, n));
        expect(readOrReject(bytes)).toBe(n === valid.length ? 'ok' : 'rejected');
      }),
      { numRuns: 200 },
    );
  });

  const dtype = fc.constantFrom('F32', 'F64', 'I32', 'I64', 'U8', 'BOOL', 'F16', 'X', '');
  const dim = fc.oneof(fc.nat(4), fc.constantFrom(-1, 0.5, 2 ** 53, 2 ** 31, '2', null));
  const offset = fc.oneof(fc.nat(64), fc.constantFrom(-1, 1.5, 2 ** 53, 2 ** 60, '0'));
  const header = fc.dictionary(
    fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__metadata__', '__proto__', 'constructor', 'a.b')),
    fc.oneof(
      fc.record({ dtype, shape: fc.array(dim, { maxLength: 4 }), data_offsets: fc.array(offset, { minLength: 2, maxLength: 2 }) }),
      fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 })),
      fc.jsonValue({ maxDepth: 3 }),
    ),
    { maxKeys: 4 },
  );

  it('random structured headers (with hostile keys, dtypes, dims and offsets)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 64 }), (h, data) => {
        // fc.dictionary may hold "__proto__" as an own key; JSON.stringify writes it out
        const bytes = craft(JSON.stringify(h), data.map((b) => b & 1));
        if (readOrReject(bytes) === 'ok') accepted++;
      }),
      { numRuns: 400 },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
