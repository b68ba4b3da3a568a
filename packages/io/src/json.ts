/**
 * A strict JSON parser for untrusted headers: RFC 8259 grammar only (no comments, trailing commas,
 * NaN or single quotes), duplicate keys rejected, keys that could pollute a prototype rejected,
 * lone surrogates rejected (as serde_json, the reference implementation's parser, does), nesting
 * depth capped, objects built without a prototype. Nothing is evaluated. Internal.
 */
import { SafetensorsError } from './errors.js';

/** A parsed JSON value. Objects have a null prototype. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

/** A parsed JSON object (null prototype; {@link keysInOrder} gives its keys in document order). */
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * Keys that are refused wherever they appear: `__proto__`, `constructor`, `prototype` — the keys
 * of prototype-pollution gadgets — and the other names `Object.prototype` carries, which would
 * shadow its methods on an object copied from the result.
 */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  '__proto__', 'constructor', 'prototype',
  '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__',
  'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', 'toString', 'valueOf',
]);

/** True for keys no parsed or written object may have (see {@link FORBIDDEN_KEYS}). */
export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN_KEYS.has(key);
}

/** The keys of each parsed object in document order (`Object.keys` puts integer-like keys first). */
const KEY_ORDER = new WeakMap<JsonObject, string[]>();

/** The keys of a parsed object in the order the document lists them. */
export function keysInOrder(obj: JsonObject): string[] {
  return KEY_ORDER.get(obj) ?? Object.keys(obj);
}

/** The deepest nesting accepted (serde_json's default recursion limit is 128). */
const MAX_DEPTH = 128;

/** Shortens `s` for an error message. */
export function preview(s: string, max = 60): string {
  const json = JSON.stringify(s);
  return json.length <= max ? json : `${json.slice(0, max - 4)}…"`;
}

/**
 * Parses `text` as one JSON value. `what` names the text in errors (`deserialize: header`).
 * Throws {@link SafetensorsError} with the position of the first problem.
 */
export function parseJson(text: string, what: string): JsonValue {
  let pos = 0;
  const n = text.length;

  const fail = (msg: string, at = pos): never => {
    throw new SafetensorsError(`${what} is not valid JSON: ${msg} at position ${at}`);
  };

  const skipWs = (): void => {
    while (pos < n) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else break;
    }
  };

  const hex4 = (at: number): number => {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const c = text.charCodeAt(at + i);
      let d: number;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
      else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
      else return fail('bad \\u escape', at);
      v = v * 16 + d;
    }
    return v;
  };

  const parseString = (): string => {
    // at the opening quote
    const start = ++pos;
    let out = '';
    let runStart = start;
    while (true) {
      if (pos >= n) return fail('unterminated string', start - 1);
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        out += text.slice(runStart, pos);
        pos++;
        return out;
      }
      if (c < 0x20) return fail('control character in string');
      if (c !== 0x5c) {
        pos++;
        continue;
      }
      out += text.slice(runStart, pos);
      const e = text.charCodeAt(pos + 1);
      switch (e) {
        case 0x22: out += '"'; break;
        case 0x5c: out += '\\'; break;
        case 0x2f: out += '/'; break;
        case 0x62: out += '\b'; break;
        case 0x66: out += '\f'; break;
        case 0x6e: out += '\n'; break;
        case 0x72: out += '\r'; break;
        case 0x74: out += '\t'; break;
        case 0x75: {
          const u = hex4(pos + 2);
          if (u >= 0xdc00 && u <= 0xdfff) return fail('lone low surrogate in \\u escape');
          if (u >= 0xd800 && u <= 0xdbff) {
            if (text.charCodeAt(pos + 6) !== 0x5c || text.charCodeAt(pos + 7) !== 0x75) return fail('lone high surrogate in \\u escape');
            const lo = hex4(pos + 8);
            if (lo < 0xdc00 || lo > 0xdfff) return fail('lone high surrogate in \\u escape');
            out += String.fromCharCode(u, lo);
            pos += 6;
          } else {
            out += String.fromCharCode(u);
          }
          pos += 4;
          break;
        }
        default:
          return fail('bad escape in string');
      }
      pos += 2;
      runStart = pos;
    }
  };

  const digits = (): number => {
    const s = pos;
    while (pos < n) {
      const c = text.charCodeAt(pos);
      if (c < 0x30 || c > 0x39) break;
      pos++;
    }
    return pos - s;
  };

  const parseNumber = (): number => {
    const start = pos;
    if (text.charCodeAt(pos) === 0x2d) pos++;
    if (text.charCodeAt(pos) === 0x30) {
      pos++;
    } else if (digits() === 0) {
      return fail('bad number', start);
    }
    if (text.charCodeAt(pos) === 0x2e) {
      pos++;
      if (digits() === 0) return fail('bad number', start);
    }
    const e = text.charCodeAt(pos);
    if (e === 0x65 || e === 0x45) {
      pos++;
      const s = text.charCodeAt(pos);
      if (s === 0x2b || s === 0x2d) pos++;
      if (digits() === 0) return fail('bad number', start);
    }
    return Number(text.slice(start, pos));
  };

  const literal = (word: string, value: JsonValue): JsonValue => {
    if (text.startsWith(word, pos)) {
      pos += word.length;
      return value;
    }
    return fail('unexpected character');
  };

  const parseValue = (depth: number): JsonValue => {
    skipWs();
    if (pos >= n) return fail('unexpected end');
    const c = text.charCodeAt(pos);
    if (c === 0x7b) return parseObject(depth + 1);
    if (c === 0x5b) return parseArray(depth + 1);
    if (c === 0x22) return parseString();
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return parseNumber();
    if (c === 0x74) return literal('true', true);
    if (c === 0x66) return literal('false', false);
    if (c === 0x6e) return literal('null', null);
    return fail('unexpected character');
  };

  const parseArray = (depth: number): JsonValue[] => {
    if (depth > MAX_DEPTH) return fail(`nesting deeper than ${MAX_DEPTH}`);
    pos++;
    const out: JsonValue[] = [];
    skipWs();
    if (text.charCodeAt(pos) === 0x5d) {
      pos++;
      return out;
    }
    while (true) {
      out.push(parseValue(depth));
      skipWs();
      const c = text.charCodeAt(pos);
      if (c === 0x2c) pos++;
      else if (c === 0x5d) {
        pos++;
        return out;
      } else return fail(pos >= n ? 'unexpected end' : "expected ',' or ']'");
    }
  };

  const parseObject = (depth: number): JsonObject => {
    if (depth > MAX_DEPTH) return fail(`nesting deeper than ${MAX_DEPTH}`);
    pos++;
    const out = Object.create(null) as JsonObject;
    const keys: string[] = [];
    KEY_ORDER.set(out, keys);
    skipWs();
    if (text.charCodeAt(pos) === 0x7d) {
      pos++;
      return out;
    }
    while (true) {
      skipWs();
      if (text.charCodeAt(pos) !== 0x22) return fail(pos >= n ? 'unexpected end' : 'expected a string key');
      const keyAt = pos;
      const key = parseString();
      if (FORBIDDEN_KEYS.has(key)) {
        throw new SafetensorsError(`${what} has the forbidden key ${preview(key)} at position ${keyAt} (a prototype-pollution risk)`);
      }
      if (Object.hasOwn(out, key)) throw new SafetensorsError(`${what} has the key ${preview(key)} twice (again at position ${keyAt})`);
      skipWs();
      if (text.charCodeAt(pos) !== 0x3a) return fail(pos >= n ? 'unexpected end' : "expected ':'");
      pos++;
      out[key] = parseValue(depth);
      keys.push(key);
      skipWs();
      const c = text.charCodeAt(pos);
      if (c === 0x2c) pos++;
      else if (c === 0x7d) {
        pos++;
        return out;
      } else return fail(pos >= n ? 'unexpected end' : "expected ',' or '}'");
    }
  };

  const value = parseValue(0);
  skipWs();
  if (pos < n) fail('unexpected data after the value');
  return value;
}

/** True for a parsed JSON object (not null, not an array). */
export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when `s` holds no lone surrogate (so that it encodes to UTF-8 and back unchanged). */
export function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c >= 0xdc00) return false;
    const d = s.charCodeAt(i + 1);
    if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
    i++;
  }
  return true;
}
