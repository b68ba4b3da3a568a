/**
 * Untrusted files: every malformed or hostile input is rejected with a SafetensorsError that says
 * what is wrong, before anything proportional to a claimed size is allocated.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deserialize, readHeader, SafetensorsError } from '../src/index.js';
import { craft, entry, f32 } from './craft.js';

const golden = new Uint8Array(readFileSync(new URL('../../../golden/lenet5.safetensors', import.meta.url)));

function rejects(bytes: Uint8Array, message: RegExp | string): void {
  let error: unknown;
  try {
    deserialize(bytes);
  } catch (e) {
    error = e;
  }
  expect(error, 'expected deserialize to throw').toBeInstanceOf(SafetensorsError);
  const text = (error as Error).message;
  expect(text.startsWith('deserialize: ')).toBe(true);
  if (typeof message === 'string') expect(text).toBe(message);
  else expect(text).toMatch(message);
}

describe('truncated files and header lengths', () => {
  it('rejects files shorter than the length field', () => {
    rejects(new Uint8Array(0), 'deserialize: the file is 0 bytes, too short for the 8-byte header length of a safetensors file');
    rejects(golden.subarray(0, 7), /the file is 7 bytes/);
  });

  it('rejects a golden file cut anywhere: in the header, or in the data', () => {
    rejects(golden.subarray(0, 8), /header length 736 exceeds the file \(8 bytes, so at most 0\)/);
    rejects(golden.subarray(0, 500), /header length 736 exceeds the file/);
    rejects(golden.subarray(0, 8 + 736), /tensor "0.weight" has data_offsets \[0, 600\] beyond the data section \(0 bytes\)/);
    rejects(golden.subarray(0, golden.length - 1), /tensor "11.bias" has data_offsets \[246784, 246824\] beyond the data section \(246823 bytes\)/);
  });

  it('rejects a header length larger than the file, however large', () => {
    rejects(craft('{}', 0, 3n), /header length 3 exceeds the file \(10 bytes, so at most 2\)/);
    rejects(craft('{}', 0, 2n ** 53n), /header length 9007199254740992 exceeds the file/);
    rejects(craft('{}', 0, 2n ** 64n - 1n), /header length 18446744073709551615 exceeds the file/);
    rejects(craft('{}', 0, 2n ** 32n + 2n), /header length 4294967298 exceeds the file/);
  });

  it('enforces the header size limit (default 100 MB, adjustable)', () => {
    const bytes = craft(`{${' '.repeat(100)}}`);
    expect(() => readHeader(bytes, { maxHeaderBytes: 64 })).toThrow(/readHeader: header length 102 exceeds the limit of 64 bytes/);
    expect(readHeader(bytes).tensors).toEqual([]);
    expect(() => readHeader(bytes, { maxHeaderBytes: -1 })).toThrow(RangeError);
  });

  it('rejects headers too short to be an object', () => {
    rejects(craft(''), 'deserialize: header length 0 is too short for a JSON object');
    rejects(craft('{'), /header length 1 is too short/);
  });
});

describe('the header JSON', () => {
  it('must be JSON', () => {
    rejects(craft('{"a": }'), /the header is not valid JSON: unexpected character at position 6/);
    rejects(craft("{'a': 1}"), /not valid JSON: expected a string key/);
    rejects(craft('{"a": 1,}'), /not valid JSON: expected a string key/);
    rejects(craft('{"a": NaN}'), /not valid JSON/);
    rejects(craft('{"a": 01}'), /not valid JSON/);
    rejects(craft('{"a": "\u0001"}'), /control character in string/);
    rejects(craft('{"a": "\\ud800"}'), /lone high surrogate/);
    rejects(craft('{"a": "\\x41"}'), /bad escape/);
    rejects(craft('{} {}'), /unexpected data after the value/);
    rejects(craft('{"a": 1'), /unexpected end/);
    rejects(craft('{"a": [1, 2'), /unexpected end/);
  });

  it('must be UTF-8', () => {
    const bad = craft('{"é": 1}');
    bad[10] = 0xff; // break the 2-byte sequence
    rejects(bad, 'deserialize: the header is not valid UTF-8');
  });

  it('must be an object, starting with "{"', () => {
    rejects(craft('[1, 2]'), "deserialize: the header must start with '{', found byte 0x5b");
    rejects(craft('null'), /must start with '\{'/);
    rejects(craft(' {}'), /must start with '\{', found byte 0x20/);
  });

  it('allows trailing spaces (the padding), and an empty object', () => {
    expect(deserialize(craft('{}      '))).toEqual({});
    expect(Object.getPrototypeOf(deserialize(craft('{}')))).toBe(null);
  });

  it('rejects prototype-polluting keys anywhere, and duplicate keys', () => {
    const t = entry('F32', [1], 0, 4);
    rejects(craft(`{"__proto__": ${JSON.stringify(t)}}`, f32(1)), /the header has the forbidden key "__proto__" at position 1 \(a prototype-pollution risk\)/);
    rejects(craft({ constructor: t }, f32(1)), /forbidden key "constructor"/);
    rejects(craft({ prototype: t }, f32(1)), /forbidden key "prototype"/);
    rejects(craft({ toString: t }, f32(1)), /forbidden key "toString"/);
    rejects(craft(`{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4], "__proto__": {"polluted": 1}}}`, f32(1)), /forbidden key "__proto__"/);
    rejects(craft(`{"__metadata__": {"__proto__": "x"}}`), /forbidden key "__proto__"/);
    rejects(craft(`{"a": ${JSON.stringify(t)}, "a": ${JSON.stringify(t)}}`, f32(1, 2)), /the header has the key "a" twice/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('caps the nesting depth (in fields that are otherwise ignored)', () => {
    const deep = `{"a": {"dtype": "F32", "shape": [], "data_offsets": [0, 4], "x": ${'['.repeat(200)}${']'.repeat(200)}}}`;
    rejects(craft(deep, f32(1)), /nesting deeper than 128/);
    const ok = `{"a": {"dtype": "F32", "shape": [], "data_offsets": [0, 4], "x": ${'['.repeat(100)}${']'.repeat(100)}}}`;
    expect(deserialize(craft(ok, f32(1))).a!.item()).toBe(1);
  });
});

describe('tensor entries', () => {
  it('rejects an unknown dtype and names the unsupported ones', () => {
    rejects(craft({ a: entry('F33', [1], 0, 4) }, 4), 'deserialize: tensor "a" has the unknown dtype "F33"');
    rejects(craft({ a: entry('toString', [1], 0, 4) }, 4), /unknown dtype "toString"/);
    rejects(craft({ a: entry('F16', [2], 0, 4) }, 4), 'deserialize: tensor "a" has the unsupported dtype F16 (float16); torchlet reads F32, F64, I32, U8, BOOL and I64 (read as int32)');
    rejects(craft({ a: entry('BF16', [2], 0, 4) }, 4), /unsupported dtype BF16 \(bfloat16\)/);
    rejects(craft({ a: entry('U32', [1], 0, 4) }, 4), /unsupported dtype U32/);
    rejects(craft({ a: { shape: [1], data_offsets: [0, 4] } }, 4), /tensor "a" has no dtype string/);
    rejects(craft({ a: [1] }, 4), /tensor "a" must be an object \{dtype, shape, data_offsets\}/);
  });

  it('rejects negative, fractional, huge or non-numeric dims', () => {
    rejects(craft({ a: entry('F32', [-1], 0, 4) }, 4), 'deserialize: tensor "a" has the shape [-1]: dims must be non-negative integers');
    rejects(craft({ a: entry('F32', [1.5], 0, 4) }, 4), /shape \[1.5\]: dims must be non-negative integers/);
    rejects(craft({ a: entry('F32', ['1'], 0, 4) }, 4), /shape \["1"\]/);
    rejects(craft({ a: entry('F32', [null], 0, 4) }, 4), /shape \[null\]/);
    rejects(craft('{"a": {"dtype": "F32", "shape": [-0], "data_offsets": [0, 0]}}'), /dims must be non-negative integers/);
    rejects(craft('{"a": {"dtype": "F32", "shape": [9007199254740993], "data_offsets": [0, 4]}}', 4), /dims must be non-negative integers/);
    rejects(craft({ a: { dtype: 'F32', shape: 4, data_offsets: [0, 4] } }, 4), /tensor "a" has no shape list/);
  });

  it('rejects malformed offsets', () => {
    rejects(craft({ a: { dtype: 'F32', shape: [1], data_offsets: [0] } }, 4), /must have data_offsets \[begin, end\]/);
    rejects(craft({ a: { dtype: 'F32', shape: [1] } }, 4), /must have data_offsets/);
    rejects(craft({ a: entry('F32', [1], -4, 0) }, 4), /offsets must be non-negative integers/);
    rejects(craft({ a: entry('F32', [1], 0, 4.5) }, 4), /offsets must be non-negative integers/);
    rejects(craft({ a: entry('F32', [0], 4, 0) }, 4), 'deserialize: tensor "a" has data_offsets [4, 0]: end before begin');
  });

  it('rejects offsets beyond the data section', () => {
    rejects(craft({ a: entry('F32', [2], 0, 8) }, 4), 'deserialize: tensor "a" has data_offsets [0, 8] beyond the data section (4 bytes)');
    rejects(craft({ a: entry('F32', [1], 2 ** 53 - 5, 2 ** 53 - 1) }, 4), /beyond the data section/);
  });

  it('rejects a shape that does not match the byte range', () => {
    rejects(craft({ 'fc.weight': entry('F32', [3, 4], 0, 40) }, 40), 'deserialize: tensor "fc.weight" has data_offsets [0, 40] but shape [3, 4] float32 needs 48 bytes');
    rejects(craft({ a: entry('F64', [], 0, 4) }, 4), /shape \[\] float64 needs 8 bytes/);
    rejects(craft({ a: entry('I64', [1], 0, 4) }, 4), /shape \[1\] int64 needs 8 bytes/);
    // a claimed size far beyond the file is rejected arithmetically, never allocated
    rejects(craft({ a: entry('F32', [2 ** 26, 2 ** 26, 2 ** 26], 0, 4) }, 4), /needs more than the 4 bytes of the data section/);
    rejects(craft({ a: entry('F32', [0, 2 ** 40], 0, 4) }, 4), /needs 0 bytes/);
  });

  it('rejects overlapping ranges, gaps and trailing bytes (the entries must tile the data)', () => {
    rejects(
      craft({ a: entry('F32', [2], 0, 8), b: entry('F32', [1], 4, 8) }, 8),
      'deserialize: tensor "b" has data_offsets [4, 8], overlapping tensor "a" [0, 8]',
    );
    rejects(craft({ a: entry('F32', [1], 0, 4), b: entry('F32', [1], 0, 4) }, 4), /tensor "b" has data_offsets \[0, 4\], overlapping tensor "a"/);
    rejects(
      craft({ a: entry('F32', [1], 0, 4), b: entry('F32', [1], 8, 12) }, 12),
      'deserialize: the data section has a gap: bytes [4, 8) belong to no tensor (before tensor "b")',
    );
    rejects(craft({ b: entry('F32', [1], 4, 8) }, 8), /gap: bytes \[0, 4\)/);
    rejects(craft({ a: entry('F32', [1], 0, 4) }, 6), 'deserialize: the data section is 6 bytes but the tensors cover only [0, 4): 2 trailing bytes belong to no tensor');
    rejects(craft({}, 1), /trailing bytes/);
  });

  it('accepts entries listed out of offset order, empty tensors anywhere, and ignores unknown fields', () => {
    const bytes = craft(
      { b: entry('F32', [1], 4, 8), e: entry('F32', [0, 3], 4, 4), a: { ...entry('F32', [1], 0, 4), note: { any: ['json'] } }, z: entry('U8', [0], 0, 0) },
      f32(1, 2),
    );
    const state = deserialize(bytes);
    expect(Object.keys(state)).toEqual(['b', 'e', 'a', 'z']);
    expect([state.a!.item(), state.b!.item(), state.e!.shape]).toEqual([1, 2, [0, 3]]);
  });
});

describe('__metadata__', () => {
  it('must be a map of strings (or null)', () => {
    rejects(craft({ __metadata__: { epoch: 3 } }), 'deserialize: __metadata__ values must be strings, but "epoch" is number');
    rejects(craft({ __metadata__: { a: ['x'] } }), /"a" is an array/);
    rejects(craft({ __metadata__: { a: { b: 'c' } } }), /"a" is object/);
    rejects(craft({ __metadata__: { a: null } }), /"a" is null/);
    rejects(craft({ __metadata__: 'pt' }), '__metadata__ must be an object of strings, got "pt"'.replace(/^/, 'deserialize: '));
    rejects(craft({ __metadata__: ['pt'] }), /__metadata__ must be an object of strings, got an array/);
    expect(readHeader(craft({ __metadata__: null })).metadata).toBe(null);
    const meta = readHeader(craft({ __metadata__: { format: 'pt', note: 'é ✓' } })).metadata!;
    expect(meta).toEqual({ format: 'pt', note: 'é ✓' });
    expect(Object.getPrototypeOf(meta)).toBe(null);
  });
});

describe('element data', () => {
  it('reads I64 as int32, and rejects values outside the int32 range', () => {
    const data = new Uint8Array(new BigInt64Array([0n, -1n, 2147483647n, -2147483648n]).buffer);
    const t = deserialize(craft({ num_batches_tracked: entry('I64', [4], 0, 32) }, data)).num_batches_tracked!;
    expect(t.dtype).toBe('int32');
    expect(t.toArray()).toEqual([0, -1, 2147483647, -2147483648]);
    for (const v of [2147483648n, -2147483649n, 2n ** 40n, -(2n ** 63n)]) {
      const bad = new Uint8Array(new BigInt64Array([7n, v]).buffer);
      rejects(craft({ n: entry('I64', [2], 0, 16) }, bad), `deserialize: int64 tensor "n" holds ${v} at element 1, outside the int32 range torchlet reads int64 into`);
    }
  });

  it('rejects BOOL bytes other than 0 and 1', () => {
    rejects(craft({ m: entry('BOOL', [3], 0, 3) }, new Uint8Array([1, 0, 2])), 'deserialize: bool tensor "m" holds the byte 2 at element 2 (expected 0 or 1)');
    expect(deserialize(craft({ m: entry('BOOL', [2], 0, 2) }, new Uint8Array([1, 0]))).m!.toArray()).toEqual([true, false]);
  });

  it('reads from a Uint8Array view at any byte offset (unaligned)', () => {
    const file = craft({ a: entry('F64', [2], 0, 16) }, new Uint8Array(Float64Array.of(0.1, -3).buffer));
    const host = new Uint8Array(file.length + 3);
    host.set(file, 3);
    expect(deserialize(host.subarray(3)).a!.toArray()).toEqual([0.1, -3]);
  });

  it('copies: the tensors do not alias the input bytes (Node Buffers included)', () => {
    for (const file of [craft({ a: entry('U8', [2], 0, 2), m: entry('BOOL', [1], 2, 3) }, new Uint8Array([5, 6, 1])), Buffer.from(craft({ a: entry('U8', [2], 0, 2), m: entry('BOOL', [1], 2, 3) }, new Uint8Array([5, 6, 1])))]) {
      const { a, m } = deserialize(file);
      file.fill(0);
      expect(a!.toArray()).toEqual([5, 6]);
      expect(m!.toArray()).toEqual([true]);
      expect(a!.data.data.constructor).toBe(Uint8Array);
    }
  });

  it('rejects input that is not a Uint8Array', () => {
    expect(() => deserialize([1, 2, 3] as unknown as Uint8Array)).toThrow(/deserialize: expected a Uint8Array, got Array/);
    expect(() => deserialize(null as unknown as Uint8Array)).toThrow(TypeError);
  });
});
