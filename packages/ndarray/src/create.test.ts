import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arange, array, eye, full, fullLike, linspace, ones, onesLike, scalar, zeros, zerosLike } from './create.js';
import type { DType } from './dtype.js';
import type { NestedArray } from './ndarray.js';

describe('array from nested JS arrays', () => {
  it('infers the shape and defaults to float32 (bool for booleans)', () => {
    const a = array([[1, 2, 3], [4, 5, 6]]);
    expect(a.shape).toEqual([2, 3]);
    expect(a.dtype).toBe('float32');
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(a.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(array(0.1).get()).toBe(Math.fround(0.1));
    expect(array(0.1).shape).toEqual([]);
    const b = array([[true], [false]]);
    expect(b.dtype).toBe('bool');
    expect(b.toArray()).toEqual([[true], [false]]);
    expect(array(true).toArray()).toBe(true);
    expect(array([true, 2]).dtype).toBe('float32');
    expect(array([true, 2]).toArray()).toEqual([1, 2]);
  });

  it('handles empty dims', () => {
    expect(array([]).shape).toEqual([0]);
    expect(array([]).dtype).toBe('float32');
    expect(array([[], []]).shape).toEqual([2, 0]);
  });

  it('converts to the requested dtype', () => {
    expect(array([1, 2], { dtype: 'float64' }).data).toBeInstanceOf(Float64Array);
    expect(array([0.1], { dtype: 'float64' }).get(0)).toBe(0.1);
    expect(array([-5, 7], { dtype: 'int32' }).toArray()).toEqual([-5, 7]);
    expect(array([0, 255], { dtype: 'uint8' }).toArray()).toEqual([0, 255]);
    expect(array([0, 2, -1], { dtype: 'bool' }).toArray()).toEqual([false, true, true]);
    expect(array([true, false], { dtype: 'int32' }).toArray()).toEqual([1, 0]);
  });

  it('round-trips any rectangular nested array through toArray (property)', () => {
    const nestedArb = fc
      .array(fc.integer({ min: 0, max: 3 }), { minLength: 0, maxLength: 3 })
      .chain((shape) => {
        const n = shape.reduce((a, b) => a * b, 1);
        return fc.tuple(fc.constant(shape), fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: n, maxLength: n }));
      });
    fc.assert(
      fc.property(nestedArb, ([shape, flat]) => {
        const build = (dim: number, start: number): NestedArray => {
          if (dim === shape.length) return flat[start]!;
          const step = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
          return Array.from({ length: shape[dim]! }, (_, i) => build(dim + 1, start + i * step));
        };
        const data = build(0, 0);
        const a = array(data, { dtype: 'int32' });
        // an empty dim hides the shape of the dims after it
        const cut = shape.indexOf(0);
        expect(a.shape).toEqual(cut < 0 ? shape : shape.slice(0, cut + 1));
        expect(a.toArray()).toEqual(data);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects ragged input with the path of the bad row', () => {
    expect(() => array([[1, 2], [3]])).toThrow(RangeError);
    expect(() => array([[1, 2], [3]])).toThrow(/^array: ragged nested array: expected length 2 at \[1\], got 1$/);
    expect(() => array([[[1, 2], [3, 4]], [[5, 6], [7]]])).toThrow(/^array: ragged nested array: expected length 2 at \[1\]\[1\], got 1$/);
    expect(() => array([[1], []])).toThrow(/^array: ragged nested array: expected length 1 at \[1\], got 0$/);
    expect(() => array([[], [1]])).toThrow(/^array: ragged nested array: expected length 0 at \[1\], got 1$/);
    expect(() => array([[1, 2], 3])).toThrow(TypeError);
    expect(() => array([[1, 2], 3])).toThrow(/^array: ragged nested array: expected a list of length 2 at \[1\], got number$/);
    expect(() => array([1, [2]])).toThrow(/^array: expected a number at \[1\], got a nested array \(ragged input\)$/);
    expect(() => array([[1, 2], [3, [4]]])).toThrow(/^array: expected a number at \[1\]\[1\], got a nested array/);
  });

  it('rejects non-numbers naming the path', () => {
    expect(() => array(['a' as unknown as number])).toThrow(/^array: expected a number at \[0\], got string$/);
    expect(() => array([1, null as unknown as number])).toThrow(/^array: expected a number at \[1\], got object$/);
    expect(() => array(undefined as unknown as number)).toThrow(/^array: expected a number at \[\], got undefined$/);
  });

  it('rejects values an integer dtype cannot hold, instead of wrapping', () => {
    expect(() => array([2147483648], { dtype: 'int32' })).toThrow(RangeError);
    expect(() => array([2147483648], { dtype: 'int32' })).toThrow(
      /^array: value 2147483648 at flat index 0 is not representable as int32 \(integers in \[-2147483648, 2147483647\]\)$/,
    );
    expect(array([-2147483648, 2147483647], { dtype: 'int32' }).toArray()).toEqual([-2147483648, 2147483647]);
    expect(() => array([-2147483649], { dtype: 'int32' })).toThrow(/^array: value -2147483649/);
    expect(() => array([[0, 1], [2, 1.5]], { dtype: 'int32' })).toThrow(/^array: value 1\.5 at flat index 3 is not representable as int32/);
    expect(() => array([NaN], { dtype: 'int32' })).toThrow(/^array: value NaN/);
    expect(() => array([256], { dtype: 'uint8' })).toThrow(/^array: value 256 at flat index 0 is not representable as uint8 \(integers in \[0, 255\]\)$/);
    expect(() => array([-1], { dtype: 'uint8' })).toThrow(/^array: value -1 .* uint8/);
  });

  it('rejects unknown dtypes and a shape that does not match the data', () => {
    expect(() => array([1], { dtype: 'int64' as DType })).toThrow(/^array: unknown dtype "int64"/);
    expect(() => array([1], { dtype: 'toString' as DType })).toThrow(/^array: unknown dtype "toString"/);
    expect(() => array([[1, 2], [3, 4]], { shape: [3] })).toThrow(/^array: shape \[3\] does not match the data's \[2, 2\]$/);
    expect(array([[1, 2], [3, 4]], { shape: [2, 2] }).shape).toEqual([2, 2]);
  });
});

describe('array from a typed array', () => {
  it('keeps the typed array dtype, copies the data and takes a shape', () => {
    const src = new Float32Array([1, 2, 3, 4, 5, 6]);
    const a = array(src, { shape: [2, 3] });
    expect(a.dtype).toBe('float32');
    expect(a.shape).toEqual([2, 3]);
    expect(a.data).not.toBe(src);
    src[0] = 100;
    expect(a.get(0, 0)).toBe(1);
    expect(array(new Float64Array(2)).dtype).toBe('float64');
    expect(array(new Int32Array(2)).dtype).toBe('int32');
    expect(array(new Uint8Array(2)).dtype).toBe('uint8');
    expect(array(new Uint8Array(3)).shape).toEqual([3]);
    expect(array(new Float32Array([7]), { shape: [] }).toArray()).toBe(7);
  });

  it('converts to a requested dtype, checking integer ranges', () => {
    expect(array(new Float64Array([0.1]), { dtype: 'float32' }).get(0)).toBe(Math.fround(0.1));
    expect(array(new Float64Array([1, -2]), { dtype: 'int32' }).toArray()).toEqual([1, -2]);
    expect(array(new Uint8Array([0, 3]), { dtype: 'bool' }).toArray()).toEqual([false, true]);
    expect(array(new Float32Array([0, -0.5]), { dtype: 'bool' }).toArray()).toEqual([false, true]);
    expect(array(new Int32Array([255]), { dtype: 'uint8' }).toArray()).toEqual([255]);
    expect(() => array(new Float32Array([1.5]), { dtype: 'int32' })).toThrow(/^array: value 1\.5 at flat index 0 is not representable as int32/);
    expect(() => array(new Int32Array([1, 300]), { dtype: 'uint8' })).toThrow(/^array: value 300 at flat index 1/);
  });

  it('rejects a wrong shape, unknown dtypes and unsupported typed arrays', () => {
    expect(() => array(new Float32Array(3), { shape: [2, 2] })).toThrow(/^array: shape \[2, 2\] needs 4 elements, the typed array has 3$/);
    expect(() => array(new Float32Array(3), { shape: [-3] })).toThrow(/^array: shape must hold non-negative integers/);
    expect(() => array(new Float32Array(3), { dtype: 'half' as DType })).toThrow(/^array: unknown dtype "half"/);
    expect(() => array(new Int16Array(3) as unknown as Int32Array)).toThrow(/^array: unsupported typed array Int16Array/);
  });
});

describe('full / zeros / ones / scalar', () => {
  it('fill the shape with the value in the dtype', () => {
    expect(full([2, 2], 7).toArray()).toEqual([[7, 7], [7, 7]]);
    expect(full([2], 0.1).get(0)).toBe(Math.fround(0.1));
    expect(full([2], 2.5, { dtype: 'int32' }).toArray()).toEqual([2, 2]); // cast like torch.full
    expect(Number.isNaN(full([], NaN).item())).toBe(true);
    expect(Object.is(full([1], -0).get(0), -0)).toBe(true);
    expect(zeros([2, 3]).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(zeros([0]).size).toBe(0);
    expect(ones([2], { dtype: 'uint8' }).toArray()).toEqual([1, 1]);
    expect(ones([2], { dtype: 'bool' }).toArray()).toEqual([true, true]);
    expect(zeros([1], { dtype: 'float64' }).data).toBeInstanceOf(Float64Array);
    const s = scalar(3);
    expect(s.shape).toEqual([]);
    expect(s.dtype).toBe('float32');
    expect(s.item()).toBe(3);
    expect(scalar(3, { dtype: 'int32' }).dtype).toBe('int32');
  });

  it('reject bad shapes and dtypes naming the function', () => {
    expect(() => full([-1], 0)).toThrow(/^full: shape must hold non-negative integers, got \[-1\]$/);
    expect(() => zeros([2, 1.5])).toThrow(/^zeros: shape must hold non-negative integers/);
    expect(() => ones([-2])).toThrow(/^ones:/);
    expect(() => full([1], 0, { dtype: 'int8' as DType })).toThrow(/^full: unknown dtype "int8"/);
    expect(() => zeros([1], { dtype: 'int8' as DType })).toThrow(/^zeros: unknown dtype/);
    expect(() => ones([1], { dtype: 'int8' as DType })).toThrow(/^ones: unknown dtype/);
    expect(() => scalar(1, { dtype: 'int8' as DType })).toThrow(/^scalar: unknown dtype/);
    expect(() => zeros(5 as unknown as number[])).toThrow(/^zeros: shape must be an array/);
  });

  it('the *Like functions take the shape and, unless given, the dtype', () => {
    const i = array([[1, 2, 3]], { dtype: 'int32' });
    const z = zerosLike(i);
    expect(z.shape).toEqual([1, 3]);
    expect(z.dtype).toBe('int32');
    expect(z.data).not.toBe(i.data);
    expect(onesLike(i).toArray()).toEqual([[1, 1, 1]]);
    expect(fullLike(i, 4).toArray()).toEqual([[4, 4, 4]]);
    const f = zerosLike(i as never, { dtype: 'float64' });
    expect(f.dtype).toBe('float64');
    expect(onesLike(i.transpose(0, 1)).shape).toEqual([3, 1]);
    expect(() => fullLike(i, 1, { dtype: 'x' as never })).toThrow(/^fullLike: unknown dtype "x"/);
    expect(() => zerosLike(i, { dtype: 'x' as never })).toThrow(/^zerosLike: unknown dtype/);
    expect(() => onesLike(i, { dtype: 'x' as never })).toThrow(/^onesLike: unknown dtype/);
  });
});

describe('arange', () => {
  it('counts like torch.arange, int32 for integer arguments', () => {
    const a = arange(5);
    expect(a.dtype).toBe('int32');
    expect(a.toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(2, 5).toArray()).toEqual([2, 3, 4]);
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(arange(0).toArray()).toEqual([]);
    expect(arange(3, 3).toArray()).toEqual([]);
    const f = arange(1, 2.5, 0.5);
    expect(f.dtype).toBe('float32');
    expect(f.toArray()).toEqual([1, 1.5, 2]);
    expect(arange(0, 1, 0.1).size).toBe(10);
    expect(arange(3, undefined, 1, { dtype: 'float64' }).dtype).toBe('float64');
    expect(arange(0, 2, 0.5, { dtype: 'int32' }).toArray()).toEqual([0, 0, 1, 1]);
  });

  it('has ceil((end - start) / step) elements (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -50, max: 50 }), fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 7 }), (s, e, k) => {
        const step = s <= e ? k : -k;
        const a = arange(s, e, step);
        expect(a.size).toBe(Math.ceil((e - s) / step));
        expect(a.toArray()).toEqual(Array.from({ length: a.size }, (_, i) => s + i * step));
      }),
      { numRuns: 100 },
    );
  });

  it('rejects a zero or non-finite step, non-finite bounds and unreachable ends', () => {
    expect(() => arange(0, 5, 0)).toThrow(/^arange: expected finite start\/end and a non-zero step, got 0, 5, 0$/);
    expect(() => arange(NaN)).toThrow(/^arange:/);
    expect(() => arange(0, Infinity)).toThrow(/^arange:/);
    expect(() => arange(0, 5, -1)).toThrow(/^arange: end 5 is not reachable from start 0 with step -1$/);
    expect(() => arange(-3)).toThrow(/^arange: end -3 is not reachable/);
    expect(() => arange(3, undefined, 1, { dtype: 'int64' as DType })).toThrow(/^arange: unknown dtype/);
  });
});

describe('linspace', () => {
  it('gives evenly spaced values ending exactly at end', () => {
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const a = linspace(-1, 1, 4);
    expect(a.dtype).toBe('float32');
    const v = a.toArray() as number[];
    expect(v[0]).toBe(-1);
    expect(v[3]).toBe(1);
    expect(v[1]).toBeCloseTo(-1 / 3, 6);
    expect(v[2]).toBeCloseTo(1 / 3, 6);
    expect(linspace(0, 10, 5, { dtype: 'int32' }).toArray()).toEqual([0, 2, 5, 7, 10]);
    expect(linspace(0, 1, 3, { dtype: 'float64' }).dtype).toBe('float64');
  });

  it('one step gives start and zero steps give an empty array, as torch.linspace', () => {
    expect(linspace(3, 10, 1).toArray()).toEqual([3]);
    expect(linspace(3, 10, 0).toArray()).toEqual([]);
  });

  it('is symmetric: reversing the bounds reverses the values (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100, max: 100 }), fc.integer({ min: -100, max: 100 }), fc.integer({ min: 2, max: 20 }), (s, e, n) => {
        const a = linspace(s, e, n, { dtype: 'float64' }).toArray() as number[];
        const b = linspace(e, s, n, { dtype: 'float64' }).toArray() as number[];
        expect(a[0]).toBe(s);
        expect(a[n - 1]).toBe(e);
        for (let i = 0; i < n; i++) expect(a[i]).toBeCloseTo(b[n - 1 - i]!, 9);
        for (let i = 1; i < n; i++) expect(a[i]! - a[i - 1]!).toBeCloseTo((e - s) / (n - 1), 9);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects a bad step count and unknown dtypes', () => {
    expect(() => linspace(0, 1, -1)).toThrow(/^linspace: steps must be a non-negative integer, got -1$/);
    expect(() => linspace(0, 1, 2.5)).toThrow(/^linspace:/);
    expect(() => linspace(0, 1, 2, { dtype: 'x' as DType })).toThrow(/^linspace: unknown dtype/);
  });
});

describe('eye', () => {
  it('puts ones on the diagonal', () => {
    expect(eye(2).toArray()).toEqual([[1, 0], [0, 1]]);
    expect(eye(2, 3).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(eye(3, 2).toArray()).toEqual([[1, 0], [0, 1], [0, 0]]);
    expect(eye(0).shape).toEqual([0, 0]);
    expect(eye(2, 2, { dtype: 'int32' }).dtype).toBe('int32');
    expect(eye(2, 2, { dtype: 'bool' }).toArray()).toEqual([[true, false], [false, true]]);
  });

  it('rejects bad sizes naming eye', () => {
    expect(() => eye(-1)).toThrow(/^eye: shape must hold non-negative integers, got \[-1, -1\]$/);
    expect(() => eye(2, 1.5)).toThrow(/^eye:/);
    expect(() => eye(2, 2, { dtype: 'x' as DType })).toThrow(/^eye: unknown dtype/);
  });
});
