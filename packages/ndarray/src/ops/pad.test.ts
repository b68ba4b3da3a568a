import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { array } from '../create.js';
import type { DType } from '../dtype.js';
import { NDArray } from '../ndarray.js';
import { shapeSize } from '../shape.js';
import { pad, padBackward, type PadMode } from './pad.js';

const MODES: PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function random(shape: number[], seed: number, dtype: 'float32' | 'float64' = 'float64'): NDArray {
  const rand = rng(seed);
  const n = shapeSize(shape);
  const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = rand() * 2 - 1;
  return new NDArray(data, dtype, shape);
}

/** The definition, one output element at a time, independent of pad.ts's index maps. */
function naivePad(x: NDArray, padding: readonly number[], mode: PadMode, value = 0): { shape: number[]; data: number[] } {
  const nd = x.ndim;
  const before = new Array<number>(nd).fill(0);
  const after = new Array<number>(nd).fill(0);
  for (let p = 0; p < padding.length / 2; p++) {
    before[nd - 1 - p] = padding[2 * p]!;
    after[nd - 1 - p] = padding[2 * p + 1]!;
  }
  const shape = x.shape.map((s, d) => s + before[d]! + after[d]!);
  const data: number[] = [];
  const idx = new Array<number>(nd).fill(0);
  const total = shapeSize(shape);
  for (let flat = 0; flat < total; flat++) {
    let rem = flat;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d] = rem % shape[d]!;
      rem = Math.floor(rem / shape[d]!);
    }
    const src: number[] = [];
    let isConst = false;
    for (let d = 0; d < nd; d++) {
      const size = x.shape[d]!;
      let i = idx[d]! - before[d]!;
      if (i < 0 || i >= size) {
        if (mode === 'constant') isConst = true;
        else if (mode === 'replicate') i = Math.min(Math.max(i, 0), size - 1);
        else if (mode === 'circular') i = i < 0 ? i + size : i - size;
        else i = i < 0 ? -i : 2 * size - 2 - i; // reflect about the edge element
      }
      src.push(i);
    }
    data.push(isConst ? value : x.get(...src));
  }
  return { shape, data };
}

function flat(a: NDArray): number[] {
  return Array.from(a.denseData());
}

function dot(a: NDArray, b: NDArray): number {
  const x = a.denseData();
  const y = b.denseData();
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
}

describe('pad: worked examples', () => {
  const x = array([[[1, 2, 3]]]);
  it.each([
    ['constant', [0, 0, 1, 2, 3, 0, 0]],
    ['reflect', [3, 2, 1, 2, 3, 2, 1]],
    ['replicate', [1, 1, 1, 2, 3, 3, 3]],
    ['circular', [2, 3, 1, 2, 3, 1, 2]],
  ] as const)('%s', (mode, expected) => {
    const y = pad(x, [2, 2], mode);
    expect(y.shape).toEqual([1, 1, 7]);
    expect(flat(y)).toEqual(expected);
  });

  it("ReflectionPad2d(2) on arange(9) (PyTorch's documentation example)", () => {
    const t = array([0, 1, 2, 3, 4, 5, 6, 7, 8]).reshape(1, 1, 3, 3);
    expect(pad(t, [2, 2, 2, 2], 'reflect').toArray()).toEqual([
      [
        [
          [8, 7, 6, 7, 8, 7, 6],
          [5, 4, 3, 4, 5, 4, 3],
          [2, 1, 0, 1, 2, 1, 0],
          [5, 4, 3, 4, 5, 4, 3],
          [8, 7, 6, 7, 8, 7, 6],
          [5, 4, 3, 4, 5, 4, 3],
          [2, 1, 0, 1, 2, 1, 0],
        ],
      ],
    ]);
  });

  it('constant: pairs run from the last dim backwards, with a fill value', () => {
    const y = pad(array([[1, 2, 3]]), [0, 1, 1, 0], 'constant', 9);
    expect(y.toArray()).toEqual([
      [9, 9, 9, 9],
      [1, 2, 3, 9],
    ]);
  });

  it('constant: negative padding crops, and mixes with positive padding', () => {
    const x2 = array([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    expect(pad(x2, [-1, 0]).toArray()).toEqual([
      [2, 3, 4],
      [6, 7, 8],
    ]);
    expect(pad(x2, [-1, 2, 0, -1]).toArray()).toEqual([[2, 3, 4, 0, 0]]);
    expect(pad(x2, [-2, -2]).shape).toEqual([2, 0]);
  });

  it('constant: pads leading dims too, on any dtype, casting the value', () => {
    const xi = array([[1, 2]], { dtype: 'int32' });
    const y = pad(xi, [0, 0, 0, 0], 'constant', 5);
    expect(y.dtype).toBe('int32');
    expect(flat(y)).toEqual([1, 2]);
    const z = pad(xi, [1, 0, 0, 1], 'constant', 2.7);
    expect(z.toArray()).toEqual([
      [2, 1, 2],
      [2, 2, 2],
    ]);
    const b = pad(array([true, false]), [1, 1], 'constant', 1);
    expect(b.dtype).toBe('bool');
    expect(b.toArray()).toEqual([true, true, false, true]);
    const s = pad(array([1, 2, 3], { dtype: 'uint8' }).reshape(1, 3), [1, 1], 'replicate');
    expect(s.toArray()).toEqual([[1, 1, 2, 3, 3]]);
  });

  it('always returns a new array', () => {
    const x2 = array([[1, 2]]);
    const y = pad(x2, [0, 0]);
    expect(y.data).not.toBe(x2.data);
    y.set(7, 0, 0);
    expect(x2.get(0, 0)).toBe(1);
  });

  it('0-d input with no padding', () => {
    expect(pad(array(3), []).item()).toBe(3);
  });
});

describe('pad vs the naive definition', () => {
  const cases: [number[], number[]][] = [
    [[2, 5], [2, 3]],
    [[3, 1, 4], [3, 2]],
    [[3, 4, 5], [1, 2, 3, 0]],
    [[2, 3, 4, 5], [3, 4, 2, 1]],
    [[2, 2, 3, 3], [0, 0, 2, 2]],
    [[1, 2, 3, 3], [1, 1, 1, 1]],
    [[2, 2, 2, 3, 3], [1, 2, 1, 0, 2, 1]],
    [[2, 3, 1, 2], [1, 0, 0, 0]],
  ];
  for (const mode of MODES) {
    for (const [shape, padding] of cases) {
      it(`${mode} ${JSON.stringify(shape)} by ${JSON.stringify(padding)}`, () => {
        // the modes' limits: reflect needs padding < size, circular ≤ size
        const limits = padding.every((p, k) => {
          const size = shape[shape.length - 1 - Math.floor(k / 2)]!;
          return mode === 'reflect' ? p < size : mode === 'circular' ? p <= size : true;
        });
        const x = random(shape, shape.length * 31 + padding.length);
        if (!limits) {
          expect(() => pad(x, padding, mode)).toThrow(/pad: /);
          return;
        }
        const y = pad(x, padding, mode, 0.5);
        const ref = naivePad(x, padding, mode, 0.5);
        expect(y.shape).toEqual(ref.shape);
        expect(flat(y)).toEqual(ref.data);
        // a non-contiguous view of the same values gives the same result
        const view = x.transpose(0, x.ndim - 1).contiguous().transpose(0, x.ndim - 1);
        expect(view.isContiguous()).toBe(false);
        expect(flat(pad(view, padding, mode, 0.5))).toEqual(ref.data);
        // float32 in, float32 out, same values
        const x32 = x.astype('float32');
        const y32 = pad(x32, padding, mode, 0.5);
        expect(y32.dtype).toBe('float32');
        expect(flat(y32)).toEqual(naivePad(x32, padding, mode, 0.5).data);
      });
    }
  }

  it('constant padding and cropping on random n-d shapes (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 8 }),
        fc.integer(),
        (shape, raw, seed) => {
          const padding = raw.slice(0, Math.min(raw.length, 2 * shape.length) & ~1);
          const x = random(shape, seed);
          let ok = true;
          for (let p = 0; p < padding.length / 2; p++) {
            const size = shape[shape.length - 1 - p]!;
            if (size + Math.min(padding[2 * p]!, 0) + Math.min(padding[2 * p + 1]!, 0) < 0) ok = false;
          }
          if (!ok) {
            expect(() => pad(x, padding)).toThrow(/crops more than/);
            return;
          }
          const ref = naivePad(x, padding, 'constant', -2);
          const y = pad(x, padding, 'constant', -2);
          expect(y.shape).toEqual(ref.shape);
          expect(flat(y)).toEqual(ref.data);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('every mode on random shapes (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MODES),
        fc.integer({ min: 1, max: 2 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 4, maxLength: 4 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 4, maxLength: 4 }),
        fc.integer(),
        (mode, pairs, batched, dims, rawPad, seed) => {
          const shape = dims.slice(0, pairs + (batched ? 2 : 1));
          const padding = rawPad.slice(0, 2 * pairs).map((p, k) => {
            const size = shape[shape.length - 1 - Math.floor(k / 2)]!;
            return mode === 'reflect' ? Math.min(p, size - 1) : mode === 'circular' ? Math.min(p, size) : p;
          });
          const x = random(shape, seed);
          const ref = naivePad(x, padding, mode, 3);
          const y = pad(x, padding, mode, 3);
          expect(y.shape).toEqual(ref.shape);
          expect(flat(y)).toEqual(ref.data);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('padBackward', () => {
  it('is the adjoint of pad: <pad(x), y> = <x, padBackward(y)>', () => {
    const cases: [number[], number[]][] = [
      [[2, 3, 4, 5], [3, 1, 2, 3]],
      [[3, 4, 5], [4, 4]],
      [[2, 3, 3], [0, 2, 2, 0]],
      [[2, 2, 2, 2, 3], [2, 2, 1, 1, 0, 1]],
    ];
    for (const mode of MODES) {
      for (const [shape, padding] of cases) {
        const x = random(shape, 11);
        const y0 = pad(x, padding, mode);
        const y = random([...y0.shape], 12);
        const gx = padBackward(y, shape, padding, mode);
        expect(gx.shape).toEqual(shape);
        expect(dot(gx, x)).toBeCloseTo(dot(y0, y), 12);
      }
    }
    // constant mode with cropping: cropped elements get no gradient
    const x = random([3, 4], 5);
    const padding = [-1, 2, 1, -1];
    const y = random([...pad(x, padding).shape], 6);
    const gx = padBackward(y, [3, 4], padding);
    expect(dot(gx, x)).toBeCloseTo(dot(pad(x, padding), y), 12);
    expect([0, 1, 2].map((r) => gx.get(r, 0))).toEqual([0, 0, 0]);
    expect([0, 1, 2, 3].map((c) => gx.get(2, c))).toEqual([0, 0, 0, 0]);
  });

  it('counts how often each element was copied', () => {
    const ones = (shape: number[]): NDArray => new NDArray(new Float64Array(shapeSize(shape)).fill(1), 'float64', shape);
    expect(flat(padBackward(ones([1, 1, 5]), [1, 1, 3], [2, 0], 'replicate'))).toEqual([3, 1, 1]);
    expect(flat(padBackward(ones([1, 7]), [1, 3], [2, 2], 'reflect'))).toEqual([2, 3, 2]);
    expect(flat(padBackward(ones([1, 7]), [1, 3], [2, 2], 'circular'))).toEqual([2, 3, 2]);
    expect(flat(padBackward(ones([1, 7]), [1, 3], [2, 2], 'constant'))).toEqual([1, 1, 1]);
  });

  it('reads a non-contiguous gradient and keeps its dtype', () => {
    const g = random([1, 5, 4], 9, 'float32').transpose(1, 2); // [1, 4, 5], strided
    const gx = padBackward(g, [1, 2, 3], [1, 1, 1, 1], 'replicate');
    expect(gx.dtype).toBe('float32');
    const ref = padBackward(g.contiguous(), [1, 2, 3], [1, 1, 1, 1], 'replicate');
    expect(flat(gx)).toEqual(flat(ref));
  });

  it('rejects a gradient of the wrong shape or dtype', () => {
    expect(() => padBackward(random([1, 5], 1), [1, 3], [1, 2])).toThrow(
      /padBackward: gradOut has shape \[1, 5\] but padding input shape \[1, 3\] by \[1, 2\] gives \[1, 6\]/,
    );
    expect(() => padBackward(array([[1, 2, 3, 4, 5]], { dtype: 'int32' }), [1, 3], [1, 1])).toThrow(
      /padBackward: gradOut must be float32 or float64, got int32/,
    );
    expect(() => padBackward(random([5], 1), [3], [1, 1], 'reflect')).toThrow(/padBackward: reflect padding of the last 1 dim needs a 2-D or 3-D input, got shape \[3\]/);
  });
});

describe('pad errors', () => {
  const x = random([1, 2, 3, 3], 1);
  const cases: [string, () => unknown, RegExp][] = [
    ['odd padding length', () => pad(x, [1, 1, 1]), /pad: padding must have an even length .* got 3 values/],
    ['more pairs than dims', () => pad(random([3], 1), [1, 1, 1, 1]), /pad: padding has 2 pairs but the input has only 1 dims \(shape \[3\]\)/],
    ['non-integer padding', () => pad(x, [1.5, 1]), /pad: padding must be a list of integers/],
    ['unknown mode', () => pad(x, [1, 1], 'wrap' as PadMode), /pad: unknown mode "wrap"/],
    ['reflect padding = size', () => pad(x, [3, 0, 0, 0], 'reflect'), /pad: reflect padding \(3, 0\) must be smaller than dim 3 \(size 3\)/],
    ['reflect on height', () => pad(x, [0, 0, 1, 3], 'reflect'), /must be smaller than dim 2 \(size 3\)/],
    ['circular more than once', () => pad(x, [4, 0, 0, 0], 'circular'), /pad: circular padding \(4, 0\) must be at most dim 3 \(size 3\)/],
    ['reflect 2 pairs on 2-D', () => pad(random([3, 3], 1), [1, 1, 1, 1], 'reflect'), /pad: reflect padding of the last 2 dims needs a 3-D or 4-D input, got shape \[3, 3\]/],
    ['replicate 1 pair on 4-D', () => pad(x, [1, 1], 'replicate'), /needs a 2-D or 3-D input, got shape \[1, 2, 3, 3\]/],
    ['replicate with no padding pairs', () => pad(x, [], 'replicate'), /pads the last 1, 2 or 3 dims/],
    ['negative padding in reflect', () => pad(x, [-1, 1, 0, 0], 'reflect'), /negative padding \(cropping\) is only supported in constant mode/],
    ['cropping too much', () => pad(x, [-2, -2]), /pad: padding \(-2, -2\) crops more than dim 3 \(size 3\)/],
    ['replicate of an empty dim', () => pad(random([1, 0], 1), [1, 1], 'replicate'), /needs a non-empty dim/],
    ['non-number value', () => pad(x, [1, 1], 'constant', '1' as unknown as number), /pad: value must be a number/],
  ];
  it.each(cases)('%s', (_name, fn, message) => {
    expect(fn).toThrow(message);
  });

  it('throws on any dtype', () => {
    const xi = array([[1, 2]], { dtype: 'int32' as DType });
    expect(() => pad(xi, [3, 0], 'reflect')).toThrow(/pad: reflect padding of the last 1 dim needs a 2-D or 3-D input|must be smaller/);
  });
});
