import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SafetensorsError } from './errors.js';
import { isWellFormed, parseJson } from './json.js';

/** Plain objects from parseJson's null-prototype ones, for comparison with JSON.parse. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

const ours = (text: string): unknown => plain(parseJson(text, 'test'));

describe('parseJson', () => {
  it('parses what JSON.parse parses, identically', () => {
    for (const text of ['0', '-0', '1e3', '-1.5E-2', '"a\\u00e9\\ud83d\\ude00\\n\\/"', '[]', '{}', ' [1, [true, false, null], {"a": {"b": []}}] ', '"é✓😀"']) {
      expect(ours(text), text).toEqual(JSON.parse(text));
    }
    expect(Object.is(parseJson('-0', 't'), -0)).toBe(true);
  });

  it('agrees with JSON.parse on random JSON documents', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 2), (v, indent) => {
        const text = JSON.stringify(v, null, indent);
        let expected: unknown;
        try {
          expected = ours(text);
        } catch (e) {
          // only our extra strictness may refuse a document JSON.parse takes
          expect(e).toBeInstanceOf(SafetensorsError);
          expect((e as Error).message).toMatch(/forbidden key|twice|surrogate/);
          return;
        }
        expect(expected).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('rejects what JSON.parse rejects (random near-JSON strings), always with a SafetensorsError', () => {
    const piece = fc.constantFrom('{', '}', '[', ']', ',', ':', '"a"', '"', '1', '-', '.', 'e', '0', 'true', 'nul', ' ', '\\', 'x', '\n');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const text = parts.join('');
        let theirs: unknown;
        let theyThrew = false;
        try {
          theirs = JSON.parse(text);
        } catch {
          theyThrew = true;
        }
        try {
          const mine = ours(text);
          expect(theyThrew).toBe(false);
          expect(mine).toEqual(theirs);
        } catch (e) {
          expect(e).toBeInstanceOf(SafetensorsError);
          if (!theyThrew) expect((e as Error).message).toMatch(/twice/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses duplicate keys, forbidden keys, lone surrogates, deep nesting, non-JSON', () => {
    expect(() => parseJson('{"a": 1, "a": 2}', 'header')).toThrow('header has the key "a" twice (again at position 9)');
    expect(() => parseJson('{"__proto__": 1}', 'header')).toThrow('header has the forbidden key "__proto__" at position 1 (a prototype-pollution risk)');
    expect(() => parseJson('{"hasOwnProperty": 1}', 'h')).toThrow(/forbidden key/);
    expect(() => parseJson('"\\udc00"', 'h')).toThrow(/lone low surrogate/);
    expect(() => parseJson('"\\ud800\\u0041"', 'h')).toThrow(/lone high surrogate/);
    expect(() => parseJson('"\\u12g4"', 'h')).toThrow(/bad \\u escape/);
    expect(() => parseJson('[1] x', 'h')).toThrow(/unexpected data after the value at position 4/);
    expect(() => parseJson('', 'h')).toThrow(/unexpected end/);
    expect(() => parseJson('tru', 'h')).toThrow(/unexpected character/);
    expect(() => parseJson('1.', 'h')).toThrow(/bad number/);
    expect(() => parseJson('1e', 'h')).toThrow(/bad number/);
    expect(() => parseJson('"\t"', 'h')).toThrow(/control character/);
    expect(() => parseJson('['.repeat(129) + ']'.repeat(129), 'h')).toThrow(/nesting deeper than 128/);
    expect(parseJson('['.repeat(128) + ']'.repeat(128), 'h')).toHaveLength(1);
    expect(() => parseJson('['.repeat(1_000_000), 'h')).toThrow(SafetensorsError); // no stack overflow
  });

  it('builds objects without a prototype', () => {
    const v = parseJson('{"a": {"b": 1}}', 'h') as Record<string, Record<string, number>>;
    expect(Object.getPrototypeOf(v)).toBe(null);
    expect(Object.getPrototypeOf(v.a)).toBe(null);
  });
});

describe('isWellFormed', () => {
  it('finds lone surrogates', () => {
    expect(isWellFormed('a😀é')).toBe(true);
    expect(isWellFormed('\ud800')).toBe(false);
    expect(isWellFormed('\udc00a')).toBe(false);
    expect(isWellFormed('a\ud800b')).toBe(false);
  });
});
