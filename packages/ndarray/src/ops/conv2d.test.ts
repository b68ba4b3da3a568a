import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { getBackend, setBackend, type Backend } from '../backend.js';
import { array, ones, zeros } from '../create.js';
import { jsBackend } from '../kernels/js-backend.js';
import { NDArray } from '../ndarray.js';
import { shapeSize } from '../shape.js';
import {
  conv2d,
  conv2dBackwardBias,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dBackwardWeightAndBias,
  resolveConv2d,
  type Conv2dOptions,
  type Conv2dPaddingMode,
  type Conv2dSize,
} from './conv2d.js';

const MODES: Conv2dPaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

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

function random(shape: readonly number[], seed: number): NDArray<'float64'> {
  const rand = rng(seed);
  const data = new Float64Array(shapeSize(shape));
  for (let i = 0; i < data.length; i++) data[i] = rand() * 2 - 1;
  return new NDArray(data, 'float64', shape);
}

const asPair = (v: Conv2dSize): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

/**
 * The definition of torch.nn.Conv2d's forward, deliberately naive: seven nested loops, one
 * output element at a time, padding resolved per tap from the mode's definition. Shares no code
 * with the implementation (no pad(), no convOutputSize(), no im2col).
 */
function naiveConv2d(input: NDArray, weight: NDArray, bias: NDArray | null, options: Conv2dOptions = {}): { shape: number[]; data: Float64Array } {
  const batched = input.ndim === 4;
  const x = batched ? input : input.reshape(1, ...input.shape);
  const [N, , H, W] = x.shape as [number, number, number, number];
  const [O, Cg, KH, KW] = weight.shape as [number, number, number, number];
  const G = options.groups ?? 1;
  const [SH, SW] = asPair(options.stride ?? 1);
  const [DH, DW] = asPair(options.dilation ?? 1);
  const mode = options.paddingMode ?? 'zeros';
  let top: number, bottom: number, left: number, right: number;
  const p = options.padding ?? 0;
  if (p === 'same') {
    top = Math.floor((DH * (KH - 1)) / 2);
    bottom = DH * (KH - 1) - top;
    left = Math.floor((DW * (KW - 1)) / 2);
    right = DW * (KW - 1) - left;
  } else if (p === 'valid') {
    top = bottom = left = right = 0;
  } else {
    [top, left] = asPair(p);
    bottom = top;
    right = left;
  }
  const OH = Math.floor((H + top + bottom - DH * (KH - 1) - 1) / SH) + 1;
  const OW = Math.floor((W + left + right - DW * (KW - 1) - 1) / SW) + 1;
  const Og = O / G;
  const sample = (n: number, c: number, y: number, xx: number): number => {
    const fix = (i: number, size: number): number => {
      if (i >= 0 && i < size) return i;
      if (mode === 'zeros') return -1;
      if (mode === 'replicate') return i < 0 ? 0 : size - 1;
      if (mode === 'circular') return i < 0 ? i + size : i - size;
      return i < 0 ? -i : 2 * (size - 1) - i;
    };
    const yy = fix(y, H);
    const xi = fix(xx, W);
    return yy < 0 || xi < 0 ? 0 : x.get(n, c, yy, xi);
  };
  const out = new Float64Array(N * O * OH * OW);
  let k = 0;
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let oy = 0; oy < OH; oy++)
        for (let ox = 0; ox < OW; ox++) {
          let s = bias ? bias.get(o) : 0;
          const g = Math.floor(o / Og);
          for (let c = 0; c < Cg; c++)
            for (let i = 0; i < KH; i++)
              for (let j = 0; j < KW; j++) {
                s += sample(n, g * Cg + c, oy * SH + i * DH - top, ox * SW + j * DW - left) * weight.get(o, c, i, j);
              }
          out[k++] = s;
        }
  return { shape: batched ? [N, O, OH, OW] : [O, OH, OW], data: out };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = ''): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!);
    if (!(err <= tol * (1 + Math.abs(expected[i]!)))) {
      expect.fail(`${what}: element ${i}: ${actual[i]} vs ${expected[i]} (tolerance ${tol})`);
    }
  }
}

function dot(a: NDArray, b: NDArray): number {
  const x = a.denseData();
  const y = b.denseData();
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
}

afterEach(() => {
  setBackend(jsBackend);
});

describe('conv2d vs the naive definition', () => {
  const kernels: [number, number][] = [
    [3, 3],
    [2, 3],
    [1, 1],
    [4, 2],
  ];
  const strides: Conv2dSize[] = [1, 2, [2, 1]];
  const dilations: Conv2dSize[] = [1, 2, [1, 2]];
  // [inChannels, outChannels, groups]: plain, grouped, depthwise with channel multiplier 2
  const channels: [number, number, number][] = [
    [3, 4, 1],
    [4, 6, 2],
    [4, 8, 4],
  ];
  const paddings: (Conv2dOptions['padding'] & {})[] = [0, 1, [1, 2], 'same', 'valid'];
  for (const paddingMode of MODES) {
    for (const padding of paddings) {
      it(`${paddingMode}, padding ${JSON.stringify(padding)}`, () => {
        let k = 0;
        for (const [kh, kw] of kernels)
          for (const stride of strides)
            for (const dilation of dilations)
              for (const [C, O, groups] of channels) {
                if (padding === 'same' && stride !== 1) continue;
                k++;
                const unbatched = k % 3 === 0;
                const input = random(unbatched ? [C, 7, 6] : [2, C, 7, 6], k);
                const weight = random([O, C / groups, kh, kw], k + 1000);
                const bias = k % 2 === 0 ? random([O], k + 2000) : null;
                const options: Conv2dOptions = { stride, padding, dilation, groups, paddingMode };
                const what = JSON.stringify({ k: [kh, kw], ...options, unbatched, bias: bias !== null });
                const got = conv2d(input, weight, bias, options);
                const ref = naiveConv2d(input, weight, bias, options);
                expect(got.shape, what).toEqual(ref.shape);
                expect(got.dtype).toBe('float64');
                expectClose(got.data, ref.data, 1e-12, what);
              }
      });
    }
  }

  it('float32 in, float32 out, to float32 precision', () => {
    for (const paddingMode of MODES) {
      const input = random([2, 4, 9, 8], 1).astype('float32');
      const weight = random([6, 2, 3, 2], 2).astype('float32');
      const bias = random([6], 3).astype('float32');
      const options: Conv2dOptions = { padding: [2, 1], stride: [1, 2], dilation: [2, 1], groups: 2, paddingMode };
      const got = conv2d(input, weight, bias, options);
      expect(got.dtype).toBe('float32');
      expectClose(got.data, naiveConv2d(input, weight, bias, options).data, 2e-6, paddingMode);
    }
  });

  it('reads non-contiguous operands', () => {
    const input = random([2, 3, 6, 5], 4).permute(0, 1, 3, 2); // [2, 3, 5, 6]
    const weight = random([4, 3, 2, 3], 5).permute(0, 1, 3, 2); // [4, 3, 3, 2]
    const bias = random([8], 6).slice(0, 0, 8, 2); // [4], stride 2
    expect(input.isContiguous() || weight.isContiguous() || bias.isContiguous()).toBe(false);
    for (const paddingMode of MODES) {
      const options: Conv2dOptions = { padding: 1, paddingMode };
      expectClose(conv2d(input, weight, bias, options).data, naiveConv2d(input, weight, bias, options).data, 1e-12, paddingMode);
    }
  });

  it('unbatched input gives the batched result without the batch dim', () => {
    const input = random([3, 5, 5], 7);
    const weight = random([2, 3, 3, 3], 8);
    const y = conv2d(input, weight, null, { padding: 'same', paddingMode: 'reflect' });
    expect(y.shape).toEqual([2, 5, 5]);
    const yb = conv2d(input.reshape(1, 3, 5, 5), weight, null, { padding: 'same', paddingMode: 'reflect' });
    expect(Array.from(y.data)).toEqual(Array.from(yb.data));
  });

  it("LeNet's first layer shapes", () => {
    const x = zeros([4, 1, 28, 28], { dtype: 'float64' });
    const w = zeros([6, 1, 5, 5], { dtype: 'float64' });
    expect(conv2d(x, w, null, { padding: 2 }).shape).toEqual([4, 6, 28, 28]);
    expect(conv2d(x, w).shape).toEqual([4, 6, 24, 24]);
    expect(conv2d(x, w, null, { stride: 2 }).shape).toEqual([4, 6, 12, 12]);
  });

  it('an empty batch gives an empty output', () => {
    const y = conv2d(zeros([0, 2, 5, 5]), zeros([3, 2, 3, 3]), ones([3]));
    expect(y.shape).toEqual([0, 3, 3, 3]);
  });

  it('the textbook edge detector as a 1-channel convolution', () => {
    const X = ones([1, 1, 6, 8]);
    for (let r = 0; r < 6; r++) for (let c = 2; c < 6; c++) X.set(0, 0, 0, r, c);
    const Y = conv2d(X, array([[[[1, -1]]]]));
    expect(Y.shape).toEqual([1, 1, 6, 7]);
    for (let r = 0; r < 6; r++) expect(Array.from(Y.data.subarray(r * 7, r * 7 + 7))).toEqual([0, 1, 0, 0, 0, -1, 0]);
  });

  it('random configurations (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          N: fc.integer({ min: 0, max: 2 }),
          unbatched: fc.boolean(),
          G: fc.integer({ min: 1, max: 3 }),
          Cg: fc.integer({ min: 1, max: 3 }),
          Og: fc.integer({ min: 1, max: 3 }),
          H: fc.integer({ min: 1, max: 8 }),
          W: fc.integer({ min: 1, max: 8 }),
          kh: fc.integer({ min: 1, max: 4 }),
          kw: fc.integer({ min: 1, max: 4 }),
          sh: fc.integer({ min: 1, max: 3 }),
          sw: fc.integer({ min: 1, max: 3 }),
          dh: fc.integer({ min: 1, max: 3 }),
          dw: fc.integer({ min: 1, max: 3 }),
          padding: fc.oneof(fc.constant<'same'>('same'), fc.constant<'valid'>('valid'), fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))),
          mode: fc.constantFrom(...MODES),
          bias: fc.boolean(),
          seed: fc.integer(),
        }),
        (c) => {
          const stride: [number, number] = c.padding === 'same' ? [1, 1] : [c.sh, c.sw];
          const [pt, pb, pl, pr] =
            c.padding === 'same'
              ? [Math.floor((c.dh * (c.kh - 1)) / 2), Math.ceil((c.dh * (c.kh - 1)) / 2), Math.floor((c.dw * (c.kw - 1)) / 2), Math.ceil((c.dw * (c.kw - 1)) / 2)]
              : c.padding === 'valid'
                ? [0, 0, 0, 0]
                : [c.padding[0], c.padding[0], c.padding[1], c.padding[1]];
          const fits = c.dh * (c.kh - 1) + 1 <= c.H + pt + pb && c.dw * (c.kw - 1) + 1 <= c.W + pl + pr;
          const modeOk =
            c.mode === 'reflect'
              ? Math.max(pt, pb) < c.H && Math.max(pl, pr) < c.W
              : c.mode === 'circular'
                ? Math.max(pt, pb) <= c.H && Math.max(pl, pr) <= c.W
                : true;
          const C = c.G * c.Cg;
          const O = c.G * c.Og;
          const input = random(c.unbatched ? [C, c.H, c.W] : [c.N, C, c.H, c.W], c.seed);
          const weight = random([O, c.Cg, c.kh, c.kw], c.seed + 1);
          const bias = c.bias ? random([O], c.seed + 2) : null;
          const options: Conv2dOptions = { stride, padding: c.padding, dilation: [c.dh, c.dw], groups: c.G, paddingMode: c.mode };
          if (!fits || !modeOk) {
            expect(() => conv2d(input, weight, bias, options)).toThrow(/conv2d: /);
            return;
          }
          const got = conv2d(input, weight, bias, options);
          const ref = naiveConv2d(input, weight, bias, options);
          expect(got.shape).toEqual(ref.shape);
          expectClose(got.data, ref.data, 1e-12);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** Configurations for the gradient tests: every mode, asymmetric 'same', strides, dilation, groups, unbatched. */
const GRAD_CASES: [string, number[], number[], Conv2dOptions][] = [
  ['plain', [2, 3, 6, 5], [4, 3, 3, 3], {}],
  ['padding 1 stride 2', [2, 2, 7, 6], [3, 2, 3, 3], { padding: 1, stride: 2 }],
  ["'same' even kernel", [1, 2, 5, 6], [2, 2, 4, 2], { padding: 'same' }],
  ["'same' dilated", [2, 2, 7, 7], [2, 2, 3, 2], { padding: 'same', dilation: [2, 3] }],
  ['groups 2, stride [2, 1], padding [1, 2]', [2, 4, 6, 5], [6, 2, 2, 3], { groups: 2, stride: [2, 1], padding: [1, 2] }],
  ['depthwise', [2, 3, 5, 5], [3, 1, 3, 3], { groups: 3, padding: 1 }],
  ['1x1', [2, 3, 4, 4], [5, 3, 1, 1], {}],
  ['unbatched', [3, 5, 4], [2, 3, 2, 2], { padding: 1 }],
  ['reflect', [2, 2, 5, 6], [3, 2, 3, 3], { padding: [2, 1], paddingMode: 'reflect' }],
  ['reflect same even', [1, 2, 5, 5], [2, 2, 4, 4], { padding: 'same', paddingMode: 'reflect' }],
  ['replicate stride 2 dilation 2', [2, 2, 7, 7], [2, 2, 3, 3], { padding: 2, stride: 2, dilation: 2, paddingMode: 'replicate' }],
  ['circular groups', [2, 4, 4, 5], [4, 2, 3, 2], { padding: [1, 2], groups: 2, paddingMode: 'circular' }],
  ['circular padding = size', [1, 1, 3, 3], [1, 1, 2, 2], { padding: 3, paddingMode: 'circular' }],
  ['unbatched replicate', [2, 4, 4], [3, 2, 3, 3], { padding: 1, paddingMode: 'replicate' }],
];

describe('conv2d backward ops', () => {
  it.each(GRAD_CASES)('adjoint identities: %s', (_name, xs, ws, options) => {
    const x = random(xs, 1);
    const w = random(ws, 2);
    const y = conv2d(x, w, null, options);
    const g = random(y.shape, 3);
    const gx = conv2dBackwardInput(g, w, xs, options);
    const gw = conv2dBackwardWeight(x, g, ws, options);
    expect(gx.shape).toEqual(xs);
    expect(gw.shape).toEqual(ws);
    const ref = dot(y, g);
    // <conv(x, w), g> = <x, backwardInput(g, w)> = <w, backwardWeight(x, g)>
    expect(Math.abs(dot(x, gx) - ref)).toBeLessThan(1e-11 * (1 + Math.abs(ref)));
    expect(Math.abs(dot(w, gw) - ref)).toBeLessThan(1e-11 * (1 + Math.abs(ref)));
  });

  it.each(GRAD_CASES)('finite differences: %s', (_name, xs, ws, options) => {
    const x = random(xs, 4);
    const w = random(ws, 5);
    const b = random([ws[0]!], 6);
    const g = random(conv2d(x, w, b, options).shape, 7);
    const loss = (xx: NDArray, ww: NDArray, bb: NDArray): number => dot(conv2d(xx, ww, bb, options), g);
    const gx = conv2dBackwardInput(g, w, xs, options);
    const gw = conv2dBackwardWeight(x, g, ws, options);
    const gb = conv2dBackwardBias(g);
    const eps = 1e-6;
    const check = (arr: NDArray<'float64'>, grad: NDArray, f: (a: NDArray) => number): void => {
      const step = Math.max(1, Math.floor(arr.size / 11));
      for (let i = 0; i < arr.size; i += step) {
        const plus = arr.clone();
        const minus = arr.clone();
        plus.data[i]! += eps;
        minus.data[i]! -= eps;
        const fd = (f(plus) - f(minus)) / (2 * eps);
        expect(Math.abs(grad.data[i]! - fd)).toBeLessThan(1e-7 * (1 + Math.abs(fd)));
      }
    };
    check(x, gx, (a) => loss(a, w, b));
    check(w, gw, (a) => loss(x, a, b));
    check(b, gb, (a) => loss(x, w, a));
  });

  it('float32 gradients agree with float64 ones to float32 precision', () => {
    for (const [name, xs, ws, options] of GRAD_CASES) {
      const x = random(xs, 8);
      const w = random(ws, 9);
      const g = random(conv2d(x, w, null, options).shape, 10);
      const [x32, w32, g32] = [x, w, g].map((a) => a.astype('float32')) as [NDArray<'float32'>, NDArray<'float32'>, NDArray<'float32'>];
      const [x64, w64, g64] = [x32, w32, g32].map((a) => a.astype('float64'));
      const gx = conv2dBackwardInput(g32, w32, xs, options);
      expect(gx.dtype).toBe('float32');
      expectClose(gx.data, conv2dBackwardInput(g64!, w64!, xs, options).data, 1e-5, name);
      const gw = conv2dBackwardWeight(x32, g32, ws, options);
      expect(gw.dtype).toBe('float32');
      expectClose(gw.data, conv2dBackwardWeight(x64!, g64!, ws, options).data, 1e-5, name);
    }
  });

  it.each(GRAD_CASES)('conv2dBackwardWeightAndBias is conv2dBackwardWeight and conv2dBackwardBias, bit for bit: %s', (_name, xs, ws, options) => {
    for (const dtype of ['float64', 'float32'] as const) {
      const x = random(xs, 11).astype(dtype);
      const w = random(ws, 12).astype(dtype);
      const g = random(conv2d(x, w, null, options).shape, 13).astype(dtype);
      const { gradWeight, gradBias } = conv2dBackwardWeightAndBias(x, g, ws, options);
      expect(gradWeight.dtype).toBe(dtype);
      expect(gradBias.shape).toEqual([ws[0]]);
      expect(gradWeight.toArray()).toEqual(conv2dBackwardWeight(x, g, ws, options).toArray());
      expect(gradBias.toArray()).toEqual(conv2dBackwardBias(g).toArray());
    }
  });

  it('conv2dBackwardWeightAndBias validates like conv2dBackwardWeight, naming itself', () => {
    const x = random([1, 2, 5, 5], 1);
    expect(() => conv2dBackwardWeightAndBias(x, random([1, 3, 4, 4], 3), [3, 2, 3, 3])).toThrow(
      /conv2dBackwardWeightAndBias: gradOut has shape \[1, 3, 4, 4\] but the convolution's output has shape \[1, 3, 3, 3\]/,
    );
    expect(() => conv2dBackwardWeightAndBias(x, ones([1, 3, 3, 3], { dtype: 'int32' }) as never, [3, 2, 3, 3])).toThrow(/conv2dBackwardWeightAndBias: .*int32/);
  });

  it('conv2dBackwardBias adds each plane in float64, in an order fixed by the shape, for every plane size mod 8', () => {
    for (let plane = 1; plane <= 17; plane++) {
      // integers: every order gives the exact sum
      const g = new NDArray(Float64Array.from({ length: 2 * 3 * plane }, (_, i) => (i % 7) - 3 + 1000 * (i % 3)), 'float64', [2, 3, 1, plane]);
      const gb = conv2dBackwardBias(g);
      for (let o = 0; o < 3; o++) {
        let s = 0;
        for (let n = 0; n < 2; n++) for (let k = 0; k < plane; k++) s += g.data[(n * 3 + o) * plane + k]!;
        expect(gb.get(o)).toBe(s);
      }
    }
    // ±2⁶⁰ absorb a 1 added to them; where they meet first decides whether the 1 survives
    const big = 2 ** 60;
    const sum = (...v: number[]) => conv2dBackwardBias(new NDArray(Float64Array.from(v), 'float64', [1, 1, v.length])).get(0);
    // elements 0 and 8 go to the same partial sum, where they cancel; the 1 is in partial 1
    expect(sum(big, 1, 0, 0, 0, 0, 0, 0, -big, 0, 0, 0, 0, 0, 0, 0)).toBe(1);
    // partials 0 and 4 are added first, before partial 1
    expect(sum(big, 1, 0, 0, -big, 0, 0, 0)).toBe(1);
    // the last n mod 8 elements come after the partials are combined (2⁶⁰ + 1 has lost the 1)
    expect(sum(big, 1, 0, 0, 0, 0, 0, 0, -big)).toBe(0);
  });

  it('conv2dBackwardBias sums over batch and space', () => {
    expect(conv2dBackwardBias(ones([2, 3, 4, 4])).toArray()).toEqual([32, 32, 32]);
    expect(conv2dBackwardBias(ones([3, 2, 5])).toArray()).toEqual([10, 10, 10]);
    const g = random([2, 3, 2, 2], 1);
    const gb = conv2dBackwardBias(g.permute(0, 1, 3, 2)); // same sums through a strided view
    for (let o = 0; o < 3; o++) {
      let s = 0;
      for (let n = 0; n < 2; n++) for (let k = 0; k < 4; k++) s += g.data[(n * 3 + o) * 4 + k]!;
      expect(gb.get(o)).toBeCloseTo(s, 14);
    }
    expect(() => conv2dBackwardBias(ones([3, 3]))).toThrow(/conv2dBackwardBias: expected a 3-D \(O, H, W\) or 4-D \(N, O, H, W\) gradOut, got shape \[3, 3\]/);
    expect(() => conv2dBackwardBias(ones([1, 3, 3], { dtype: 'int32' }))).toThrow(/conv2dBackwardBias: gradOut must be float32 or float64, got int32/);
  });

  it('reject a gradOut of the wrong shape, and invalid options like the forward', () => {
    const x = random([1, 2, 5, 5], 1);
    const w = random([3, 2, 3, 3], 2);
    expect(() => conv2dBackwardInput(random([1, 3, 4, 4], 3), w, x.shape)).toThrow(
      /conv2dBackwardInput: gradOut has shape \[1, 3, 4, 4\] but the convolution's output has shape \[1, 3, 3, 3\]/,
    );
    expect(() => conv2dBackwardWeight(x, random([1, 3, 4, 4], 3), w.shape)).toThrow(/conv2dBackwardWeight: gradOut has shape \[1, 3, 4, 4\]/);
    expect(() => conv2dBackwardInput(random([1, 3, 3, 3], 3), w, x.shape, { stride: 0 })).toThrow(/conv2dBackwardInput: stride must be positive/);
    expect(() => conv2dBackwardWeight(x, random([1, 3, 3, 3], 3), [3, 1, 3, 3])).toThrow(/conv2dBackwardWeight: input has 2 channels but weight expects 1/);
    expect(() => conv2dBackwardInput(random([1, 3, 3, 3], 3).astype('float32'), w, x.shape)).toThrow(/conv2dBackwardInput: weight is float64 but gradOut is float32/);
  });
});

describe('resolveConv2d', () => {
  it("resolves 'same' asymmetrically and records the explicit padding of non-zero modes", () => {
    const r = resolveConv2d([3, 8, 8], [4, 3, 4, 4], { padding: 'same' });
    expect(r.padding).toEqual({ top: 1, bottom: 2, left: 1, right: 2 });
    expect(r.batched).toBe(false);
    expect(r.outputShape).toEqual([4, 8, 8]);
    expect(r.modePadding).toBeNull();
    expect(r.geometry).toMatchObject({ batch: 1, inHeight: 8, padTop: 1, padLeft: 1, outHeight: 8, outWidth: 8 });

    const m = resolveConv2d([2, 3, 8, 8], [4, 3, 4, 4], { padding: 'same', paddingMode: 'circular' });
    expect(m.modePadding).toEqual([1, 2, 1, 2]);
    expect(m.paddedShape).toEqual([2, 3, 11, 11]);
    expect(m.geometry).toMatchObject({ inHeight: 11, inWidth: 11, padTop: 0, padLeft: 0, outHeight: 8, outWidth: 8 });

    // padding 0 in a non-zero mode pads nothing
    expect(resolveConv2d([1, 1, 3, 3], [1, 1, 3, 3], { paddingMode: 'reflect' }).modePadding).toBeNull();
  });

  it('fills the whole geometry', () => {
    const r = resolveConv2d([2, 4, 9, 7], [6, 2, 3, 2], { stride: [2, 1], padding: [1, 2], dilation: [1, 3], groups: 2 }, [6]);
    expect(r.geometry).toEqual({
      batch: 2,
      inChannels: 4,
      inHeight: 9,
      inWidth: 7,
      outChannels: 6,
      outHeight: 5,
      outWidth: 8,
      kernelHeight: 3,
      kernelWidth: 2,
      strideH: 2,
      strideW: 1,
      padTop: 1,
      padLeft: 2,
      dilationH: 1,
      dilationW: 3,
      groups: 2,
    });
    expect(r.outputShape).toEqual([2, 6, 5, 8]);
  });
});

describe('conv2d goes through the backend', () => {
  it('calls getBackend().conv2dForward / BackwardInput / BackwardWeight', () => {
    const calls: string[] = [];
    const spy: Backend = {
      ...jsBackend,
      name: 'spy',
      conv2dForward: (...args) => {
        calls.push('forward');
        jsBackend.conv2dForward(...args);
      },
      conv2dBackwardInput: (...args) => {
        calls.push('input');
        jsBackend.conv2dBackwardInput(...args);
      },
      conv2dBackwardWeight: (...args) => {
        calls.push('weight');
        jsBackend.conv2dBackwardWeight(...args);
      },
    };
    setBackend(spy);
    expect(getBackend()).toBe(spy);
    const x = random([1, 1, 4, 4], 1);
    const w = random([1, 1, 2, 2], 2);
    const y = conv2d(x, w);
    conv2dBackwardInput(y, w, x.shape);
    conv2dBackwardWeight(x, y, w.shape);
    expect(calls).toEqual(['forward', 'input', 'weight']);
  });
});

describe('conv2d errors', () => {
  const x = random([1, 3, 5, 5], 1);
  const w = random([8, 3, 3, 3], 2);
  const cases: [string, () => unknown, RegExp][] = [
    ['2-D input', () => conv2d(random([5, 5], 1), random([1, 1, 3, 3], 2)), /conv2d: expected a 3-D \(C, H, W\) or 4-D \(N, C, H, W\) input, got shape \[5, 5\]/],
    ['5-D input', () => conv2d(random([1, 1, 1, 5, 5], 1), random([1, 1, 3, 3], 2)), /got shape \[1, 1, 1, 5, 5\]/],
    ['3-D weight', () => conv2d(x, random([8, 3, 3], 2)), /conv2d: expected a 4-D weight \(outChannels, inChannels \/ groups, kH, kW\), got shape \[8, 3, 3\]/],
    ['channel mismatch', () => conv2d(x, random([8, 4, 3, 3], 2)), /^conv2d: input has 3 channels but weight expects 4 \(weight shape \[8, 4, 3, 3\], groups 1\)$/],
    ['channel mismatch with groups', () => conv2d(random([1, 4, 5, 5], 1), random([4, 1, 3, 3], 2), null, { groups: 2 }), /conv2d: input has 4 channels but weight expects 2 \(weight shape \[4, 1, 3, 3\], groups 2\)/],
    ['groups 0', () => conv2d(x, w, null, { groups: 0 }), /conv2d: groups must be a positive integer, got 0/],
    ['groups 1.5', () => conv2d(x, w, null, { groups: 1.5 }), /conv2d: groups must be a positive integer, got 1.5/],
    ['groups not dividing the input channels', () => conv2d(x, random([4, 1, 3, 3], 2), null, { groups: 2 }), /conv2d: groups 2 does not divide the 3 input channels \(input shape \[1, 3, 5, 5\]\)/],
    ['groups not dividing the output channels', () => conv2d(random([1, 4, 5, 5], 1), random([3, 2, 3, 3], 2), null, { groups: 2 }), /conv2d: groups 2 does not divide the 3 output channels \(weight shape \[3, 2, 3, 3\]\)/],
    ['stride 0', () => conv2d(x, w, null, { stride: 0 }), /conv2d: stride must be positive, got \[0, 0\]/],
    ['stride [1, -1]', () => conv2d(x, w, null, { stride: [1, -1] }), /conv2d: stride must be positive, got \[1, -1\]/],
    ['stride 1.5', () => conv2d(x, w, null, { stride: 1.5 }), /conv2d: stride must be an integer or a pair of integers, got 1.5/],
    ['stride triple', () => conv2d(x, w, null, { stride: [1, 1, 1] as unknown as [number, number] }), /conv2d: stride must be an integer or a pair of integers/],
    ['dilation 0', () => conv2d(x, w, null, { dilation: 0 }), /conv2d: dilation must be positive, got \[0, 0\]/],
    ['dilation 0.5', () => conv2d(x, w, null, { dilation: 0.5 }), /conv2d: dilation must be an integer or a pair/],
    ['negative padding', () => conv2d(x, w, null, { padding: -1 }), /conv2d: padding must be non-negative, got \[-1, -1\]/],
    ['negative padding pair', () => conv2d(x, w, null, { padding: [0, -2] }), /conv2d: padding must be non-negative, got \[0, -2\]/],
    ['unknown padding string', () => conv2d(x, w, null, { padding: 'full' as 'same' }), /conv2d: padding must be an integer, a pair, 'same' or 'valid', got "full"/],
    ["'same' with stride 2", () => conv2d(x, w, null, { padding: 'same', stride: 2 }), /conv2d: padding 'same' needs stride 1 .* got stride \[2, 2\]/],
    ["'same' with stride [1, 2]", () => conv2d(x, w, null, { padding: 'same', stride: [1, 2] }), /needs stride 1/],
    ['bias of the wrong length', () => conv2d(x, w, random([4], 3)), /conv2d: bias must have shape \[8\] \(one value per output channel\), got \[4\]/],
    ['2-D bias', () => conv2d(x, w, random([8, 1], 3)), /conv2d: bias must have shape \[8\].*got \[8, 1\]/],
    ['kernel larger than the padded input', () => conv2d(random([1, 1, 3, 3], 1), random([1, 1, 6, 6], 2), null, { padding: 1 }), /conv2d: the kernel of size 6x6 is larger than the padded input \(5x5\)/],
    ['dilated kernel larger than the input', () => conv2d(random([1, 1, 5, 5], 1), random([1, 1, 3, 3], 2), null, { dilation: 3 }), /conv2d: the kernel \(dilated to 7x7\) of size 3x3 is larger than the padded input \(5x5\)/],
    ['kernel wider only', () => conv2d(random([1, 1, 5, 2], 1), random([1, 1, 1, 3], 2)), /larger than the padded input \(5x2\)/],
    ['empty kernel', () => conv2d(x, random([8, 3, 0, 3], 2)), /conv2d: the kernel must not be empty/],
    ['reflect padding = input height', () => conv2d(random([1, 1, 3, 3], 1), random([1, 1, 3, 3], 2), null, { padding: 3, paddingMode: 'reflect' }), /conv2d: reflect padding \(3, 3\) must be smaller than the input height 3/],
    ['reflect padding = input width', () => conv2d(random([1, 1, 5, 2], 1), random([1, 1, 1, 1], 2), null, { padding: [1, 2], paddingMode: 'reflect' }), /reflect padding \(2, 2\) must be smaller than the input width 2/],
    ["reflect 'same' too large", () => conv2d(random([1, 1, 2, 2], 1), random([1, 1, 4, 1], 2), null, { padding: 'same', paddingMode: 'reflect' }), /reflect padding \(1, 2\) must be smaller than the input height 2/],
    ['circular padding > input', () => conv2d(random([1, 1, 3, 3], 1), random([1, 1, 3, 3], 2), null, { padding: 4, paddingMode: 'circular' }), /conv2d: circular padding \(4, 4\) must be at most the input height 3/],
    ['unknown paddingMode', () => conv2d(x, w, null, { paddingMode: 'mirror' as 'reflect' }), /conv2d: unknown paddingMode "mirror"; expected 'zeros', 'reflect', 'replicate' or 'circular'/],
    ['integer input', () => conv2d(ones([1, 3, 5, 5], { dtype: 'int32' }), ones([8, 3, 3, 3], { dtype: 'int32' })), /conv2d: input must be float32 or float64, got int32/],
    ['input and weight dtypes differ', () => conv2d(x.astype('float32') as unknown as NDArray<'float64'>, w), /conv2d: weight is float64 but input is float32; convert one with astype\(\)/],
    ['bias dtype differs', () => conv2d(x, w, ones([8]) as unknown as NDArray<'float64'>), /conv2d: bias is float32 but input is float64/],
    ['options not an object', () => conv2d(x, w, null, 3 as unknown as Conv2dOptions), /conv2d: options must be an object, got 3/],
  ];
  it.each(cases)('%s', (_name, fn, message) => {
    expect(fn).toThrow(message);
  });

  it('throws before any kernel runs', () => {
    const fail = (): never => {
      throw new Error('a kernel ran');
    };
    setBackend({ ...jsBackend, name: 'tripwire', conv2dForward: fail, conv2dBackwardInput: fail, conv2dBackwardWeight: fail });
    for (const [, fn, message] of cases) expect(fn).toThrow(message);
  });
});
