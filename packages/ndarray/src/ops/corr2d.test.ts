import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { array, ones } from '../create.js';
import { NDArray } from '../ndarray.js';
import { shapeSize } from '../shape.js';
import { conv2d } from './conv2d.js';
import { corr2d, corr2dBackward } from './corr2d.js';

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

function random(shape: number[], seed: number): NDArray<'float64'> {
  const rand = rng(seed);
  const data = new Float64Array(shapeSize(shape));
  for (let i = 0; i < data.length; i++) data[i] = rand() * 2 - 1;
  return new NDArray(data, 'float64', shape);
}

/** The D2L book's `corr2d`, transcribed. */
function bookCorr2d(X: NDArray, K: NDArray): number[][] {
  const [h, w] = K.shape as [number, number];
  const Y: number[][] = [];
  for (let i = 0; i < X.shape[0]! - h + 1; i++) {
    Y.push([]);
    for (let j = 0; j < X.shape[1]! - w + 1; j++) {
      let s = 0;
      for (let a = 0; a < h; a++) for (let b = 0; b < w; b++) s += X.get(i + a, j + b) * K.get(a, b);
      Y[i]!.push(s);
    }
  }
  return Y;
}

/** The 6×8 image of D2L §6.2.3: ones, with a black band in columns 2..5. */
function edgeImage(): NDArray {
  const X = ones([6, 8]);
  for (let r = 0; r < 6; r++) for (let c = 2; c < 6; c++) X.set(0, r, c);
  return X;
}

describe('corr2d: the textbook examples', () => {
  it('[[0,1,2],[3,4,5],[6,7,8]] ⋆ [[0,1],[2,3]] = [[19,25],[37,43]]', () => {
    const Y = corr2d(array([[0, 1, 2], [3, 4, 5], [6, 7, 8]]), array([[0, 1], [2, 3]]));
    expect(Y.dtype).toBe('float32');
    expect(Y.shape).toEqual([2, 2]);
    expect(Y.toArray()).toEqual([
      [19, 25],
      [37, 43],
    ]);
  });

  it('the edge detector [[1, -1]] finds the vertical edges of the 6×8 image', () => {
    const Y = corr2d(edgeImage(), array([[1, -1]]));
    expect(Y.shape).toEqual([6, 7]);
    for (let r = 0; r < 6; r++) expect((Y.toArray() as number[][])[r]).toEqual([0, 1, 0, 0, 0, -1, 0]);
  });

  it('and sees nothing in the transposed image (a strided view)', () => {
    const Xt = edgeImage().transpose(0, 1);
    expect(Xt.isContiguous()).toBe(false);
    const Y = corr2d(Xt, array([[1, -1]]));
    expect(Y.shape).toEqual([8, 5]);
    expect(Array.from(Y.data).every((v) => v === 0)).toBe(true);
  });

  it('the 5×5 ramp 1..25 with the 3×3 kernel [[1, 0, -1]]×3 gives −6 everywhere', () => {
    const X = array(Array.from({ length: 25 }, (_, i) => i + 1)).reshape(5, 5);
    const K = array([
      [1, 0, -1],
      [1, 0, -1],
      [1, 0, -1],
    ]);
    const Y = corr2d(X, K);
    expect(Y.shape).toEqual([3, 3]);
    expect(Array.from(Y.data)).toEqual(new Array<number>(9).fill(-6));
    // its transpose detects the vertical ramp: each row step is +5, three columns, two rows apart
    expect(Array.from(corr2d(X, K.transpose(0, 1)).data)).toEqual(new Array<number>(9).fill(-30));
  });
});

describe('corr2d: properties', () => {
  it('agrees with the book loop and with conv2d on (1, 1, H, W)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer(),
        (H, W, h, w, seed) => {
          fc.pre(h <= H && w <= W);
          const X = random([H, W], seed);
          const K = random([h, w], seed + 1);
          const Y = corr2d(X, K);
          expect(Y.dtype).toBe('float64');
          const book = bookCorr2d(X, K).flat();
          const got = Array.from(Y.data);
          got.forEach((v, i) => expect(v).toBeCloseTo(book[i]!, 12));
          const viaConv = conv2d(X.reshape(1, 1, H, W), K.reshape(1, 1, h, w));
          expect(viaConv.shape).toEqual([1, 1, H - h + 1, W - w + 1]);
          Array.from(viaConv.data).forEach((v, i) => expect(v).toBeCloseTo(got[i]!, 12));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('accumulates float32 products in float64 (rounds once)', () => {
    const X = array([[1e8, 1, -1e8]]);
    const K = array([[1, 1, 1]]);
    // float32 accumulation would lose the 1 next to 1e8
    expect(corr2d(X, K).item()).toBe(1);
  });
});

describe('corr2dBackward', () => {
  it('matches finite differences in float64', () => {
    const X = random([5, 6], 1);
    const K = random([2, 3], 2);
    const G = random([4, 4], 3);
    const { gradX, gradK } = corr2dBackward(X, K, G);
    expect(gradX.shape).toEqual([5, 6]);
    expect(gradK.shape).toEqual([2, 3]);
    const loss = (x: NDArray, k: NDArray): number => {
      const y = corr2d(x, k).data;
      let s = 0;
      for (let i = 0; i < y.length; i++) s += y[i]! * G.data[i]!;
      return s;
    };
    const eps = 1e-6;
    for (const [arr, grad] of [
      [X, gradX],
      [K, gradK],
    ] as const) {
      for (let i = 0; i < arr.size; i++) {
        const plus = arr.clone();
        const minus = arr.clone();
        plus.data[i]! += eps;
        minus.data[i]! -= eps;
        const fd = arr === X ? (loss(plus, K) - loss(minus, K)) / (2 * eps) : (loss(X, plus) - loss(X, minus)) / (2 * eps);
        expect(grad.data[i]).toBeCloseTo(fd, 7);
      }
    }
  });

  it('gradK = corr2d(X, gradOut), and the adjoint identity holds', () => {
    const X = random([7, 5], 4);
    const K = random([3, 2], 5);
    const G = random([5, 4], 6);
    const { gradX, gradK } = corr2dBackward(X, K, G);
    Array.from(corr2d(X, G).data).forEach((v, i) => expect(gradK.data[i]).toBeCloseTo(v, 12));
    let lhs = 0;
    const Y = corr2d(X, K).data;
    for (let i = 0; i < Y.length; i++) lhs += Y[i]! * G.data[i]!;
    let rhs = 0;
    for (let i = 0; i < X.size; i++) rhs += X.data[i]! * gradX.data[i]!;
    expect(rhs).toBeCloseTo(lhs, 12);
  });

  it('the textbook example with gradOut = ones', () => {
    const { gradX, gradK } = corr2dBackward(array([[0, 1, 2], [3, 4, 5], [6, 7, 8]]), array([[0, 1], [2, 3]]), ones([2, 2]));
    expect(gradK.toArray()).toEqual([
      [8, 12],
      [20, 24],
    ]);
    expect(gradX.toArray()).toEqual([
      [0, 1, 1],
      [2, 6, 4],
      [2, 5, 3],
    ]);
  });

  it('reads strided views', () => {
    const X = random([6, 5], 7);
    const K = random([2, 2], 8);
    const G = random([5, 4], 9);
    const a = corr2dBackward(X.transpose(0, 1), K.transpose(0, 1), G.transpose(0, 1));
    const b = corr2dBackward(X.transpose(0, 1).contiguous(), K.transpose(0, 1).contiguous(), G.transpose(0, 1).contiguous());
    expect(Array.from(a.gradX.data)).toEqual(Array.from(b.gradX.data));
    expect(Array.from(a.gradK.data)).toEqual(Array.from(b.gradK.data));
  });

  it('rejects a gradient of the wrong shape or dtype', () => {
    const X = random([3, 3], 1);
    const K = random([2, 2], 2);
    expect(() => corr2dBackward(X, K, random([3, 3], 3))).toThrow(
      /corr2dBackward: gradOut has shape \[3, 3\] but the output of corr2d has shape \[2, 2\]/,
    );
    expect(() => corr2dBackward(X, K, ones([2, 2]) as unknown as NDArray<'float64'>)).toThrow(/corr2dBackward: gradOut is float32 but X is float64/);
    expect(() => corr2dBackward(X, random([4, 1], 1), ones([2, 2]) as unknown as NDArray<'float64'>)).toThrow(/corr2dBackward: kernel \[4, 1\] is larger/);
  });
});

describe('corr2d errors', () => {
  it.each([
    ['kernel taller than the input', () => corr2d(ones([3, 3]), ones([4, 2])), /corr2d: kernel \[4, 2\] is larger than the input \[3, 3\]/],
    ['kernel wider than the input', () => corr2d(ones([3, 3]), ones([1, 4])), /corr2d: kernel \[1, 4\] is larger than the input \[3, 3\]/],
    ['X not 2-D', () => corr2d(ones([1, 3, 3]), ones([2, 2])), /corr2d: X must be 2-D \(H, W\), got shape \[1, 3, 3\]/],
    ['K not 2-D', () => corr2d(ones([3, 3]), ones([2])), /corr2d: K must be 2-D \(h, w\), got shape \[2\]/],
    ['empty kernel', () => corr2d(ones([3, 3]), ones([0, 2])), /corr2d: K must not be empty/],
    ['integer dtype', () => corr2d(ones([3, 3], { dtype: 'int32' }), ones([2, 2], { dtype: 'int32' })), /corr2d: X and K must be float32 or float64, got int32 and int32/],
    ['mixed dtypes', () => corr2d(ones([3, 3]), ones([2, 2], { dtype: 'float64' }) as unknown as NDArray<'float32'>), /corr2d: X is float32 but K is float64/],
  ] as const)('%s', (_name, fn, message) => {
    expect(fn).toThrow(message);
  });
});
