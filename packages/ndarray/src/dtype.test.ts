import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  allocate,
  allocateUninitialized,
  castScalar,
  checkDType,
  DTYPES,
  dtypeOfTypedArray,
  isDType,
  isFloatDType,
  promoteTypes,
  type DType,
} from './dtype.js';

describe('dtype names', () => {
  it('lists every dtype from the lowest to the highest', () => {
    expect(DTYPES).toEqual(['bool', 'uint8', 'int32', 'float32', 'float64']);
  });

  it('isDType accepts exactly the dtype names', () => {
    for (const d of DTYPES) expect(isDType(d)).toBe(true);
    for (const x of ['int64', 'float16', 'Float32', '', 'toString', 'constructor', 3, null, undefined, {}]) {
      expect(isDType(x)).toBe(false);
    }
  });

  it('isFloatDType is true for float32 and float64 only', () => {
    expect(DTYPES.filter(isFloatDType)).toEqual(['float32', 'float64']);
  });

  it('checkDType returns the dtype or throws naming the op', () => {
    expect(checkDType('zeros', 'int32')).toBe('int32');
    expect(() => checkDType('zeros', 'int64')).toThrow(TypeError);
    expect(() => checkDType('zeros', 'int64')).toThrow(/^zeros: unknown dtype "int64"; expected one of bool, uint8, int32, float32, float64$/);
    expect(() => checkDType('astype', undefined)).toThrow(/^astype: unknown dtype undefined/);
  });
});

describe('allocate', () => {
  it('gives zeroed storage of the right kind and length', () => {
    const kinds: Record<DType, unknown> = {
      float32: Float32Array,
      float64: Float64Array,
      int32: Int32Array,
      uint8: Uint8Array,
      bool: Uint8Array,
    };
    for (const d of DTYPES) {
      const a = allocate(d, 5);
      expect(a).toBeInstanceOf(kinds[d]);
      expect(a.length).toBe(5);
      expect([...a]).toEqual([0, 0, 0, 0, 0]);
    }
    expect(allocate('float32', 0).length).toBe(0);
  });
});

describe('allocateUninitialized', () => {
  const kinds: Record<DType, unknown> = { float32: Float32Array, float64: Float64Array, int32: Int32Array, uint8: Uint8Array, bool: Uint8Array };

  it('gives storage of the right kind and length, a buffer of its own for large blocks', () => {
    for (const d of DTYPES) {
      for (const n of [0, 3, 1023, 4096, 100_003]) {
        const a = allocateUninitialized(d, n);
        expect(a).toBeInstanceOf(kinds[d]);
        expect(a.length).toBe(n);
        expect(a.byteOffset).toBe(0);
        expect(a.buffer.byteLength).toBe(a.byteLength);
      }
    }
  });

  it('zeroes small blocks, and every block where Node\'s Buffer is missing', () => {
    expect([...allocateUninitialized('float64', 5)]).toEqual([0, 0, 0, 0, 0]);
    vi.stubGlobal('Buffer', undefined);
    try {
      const a = allocateUninitialized('float32', 1 << 16);
      expect(a.every((v) => v === 0)).toBe(true);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('dtypeOfTypedArray', () => {
  it('maps the stored typed arrays to their dtype', () => {
    expect(dtypeOfTypedArray('array', new Float32Array(1))).toBe('float32');
    expect(dtypeOfTypedArray('array', new Float64Array(1))).toBe('float64');
    expect(dtypeOfTypedArray('array', new Int32Array(1))).toBe('int32');
    expect(dtypeOfTypedArray('array', new Uint8Array(1))).toBe('uint8');
  });

  it('rejects other typed arrays, naming the op and the type', () => {
    expect(() => dtypeOfTypedArray('array', new Int16Array(1))).toThrow(/^array: unsupported typed array Int16Array/);
    expect(() => dtypeOfTypedArray('array', new Uint8ClampedArray(1))).toThrow(/^array: unsupported typed array Uint8ClampedArray/);
    expect(() => dtypeOfTypedArray('array', new DataView(new ArrayBuffer(4)))).toThrow(TypeError);
  });
});

describe('promoteTypes', () => {
  it('follows PyTorch for every pair', () => {
    // torch.promote_types, with int64 → int32
    const table: [DType, DType, DType][] = [
      ['bool', 'bool', 'bool'],
      ['bool', 'uint8', 'uint8'],
      ['bool', 'int32', 'int32'],
      ['bool', 'float32', 'float32'],
      ['uint8', 'int32', 'int32'],
      ['uint8', 'float32', 'float32'],
      ['int32', 'float32', 'float32'],
      ['int32', 'float64', 'float64'],
      ['float32', 'float64', 'float64'],
      ['uint8', 'uint8', 'uint8'],
    ];
    for (const [a, b, r] of table) {
      expect(promoteTypes(a, b)).toBe(r);
      expect(promoteTypes(b, a)).toBe(r);
    }
  });

  it('is commutative, associative and idempotent (property)', () => {
    const dt = fc.constantFrom(...DTYPES);
    fc.assert(
      fc.property(dt, dt, dt, (a, b, c) => {
        expect(promoteTypes(a, b)).toBe(promoteTypes(b, a));
        expect(promoteTypes(promoteTypes(a, b), c)).toBe(promoteTypes(a, promoteTypes(b, c)));
        expect(promoteTypes(a, a)).toBe(a);
        expect([a, b]).toContain(promoteTypes(a, b));
      }),
      { numRuns: 100 },
    );
  });
});

describe('castScalar', () => {
  it('rounds to float32 and keeps float64', () => {
    expect(castScalar(0.1, 'float32')).toBe(Math.fround(0.1));
    expect(castScalar(0.1, 'float64')).toBe(0.1);
    expect(castScalar(1e40, 'float32')).toBe(Infinity);
    expect(Number.isNaN(castScalar(NaN, 'float32'))).toBe(true);
  });

  it('truncates toward zero and wraps like a C cast for integers', () => {
    expect(castScalar(2.9, 'int32')).toBe(2);
    expect(castScalar(-2.9, 'int32')).toBe(-2);
    expect(castScalar(2 ** 31, 'int32')).toBe(-(2 ** 31));
    expect(castScalar(-1, 'uint8')).toBe(255);
    expect(castScalar(256, 'uint8')).toBe(0);
    expect(castScalar(3.7, 'uint8')).toBe(3);
  });

  it('gives 0/1 for bool (NaN is true, as bool(nan) in PyTorch)', () => {
    expect(castScalar(0, 'bool')).toBe(0);
    expect(castScalar(-0, 'bool')).toBe(0);
    expect(castScalar(-3, 'bool')).toBe(1);
    expect(castScalar(0.5, 'bool')).toBe(1);
    expect(castScalar(NaN, 'bool')).toBe(1);
  });

  it('agrees with storing into the typed array (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e12, max: 1e12, noNaN: true }), (v) => {
        expect(castScalar(v, 'float32')).toBe(Float32Array.of(v)[0]);
        expect(castScalar(v, 'float64')).toBe(Float64Array.of(v)[0]);
        expect(castScalar(v, 'int32')).toBe(Int32Array.of(v)[0]);
        expect(castScalar(v, 'uint8')).toBe(Uint8Array.of(v)[0]);
      }),
      { numRuns: 200 },
    );
  });
});
