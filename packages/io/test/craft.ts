/** Builders for hand-made (often hostile) safetensors files. */

/** A file: the 8-byte length (given, or the header's), the header text, then `data`. */
export function craft(header: string | object, data: Uint8Array | number = 0, length?: bigint): Uint8Array {
  const text = typeof header === 'string' ? header : JSON.stringify(header);
  const h = new TextEncoder().encode(text);
  const d = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + h.length + d.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(d, 8 + h.length);
  return out;
}

/** An entry `{dtype, shape, data_offsets}`. */
export function entry(dtype: string, shape: unknown[], begin: unknown, end: unknown): object {
  return { dtype, shape, data_offsets: [begin, end] };
}

/** Little-endian float32 bytes. */
export function f32(...values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

/** The index of the first differing byte (or the shorter length), -1 when equal. Faster than toEqual. */
export function diffAt(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
