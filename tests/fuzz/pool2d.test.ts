/**
 * Max and average pooling, forward and backward, every backend, against reference.ts: random
 * kernel/stride/padding/dilation, ceil mode, countIncludePad, divisorOverride, batched/unbatched,
 * ties and NaNs (max pooling's index rule). Invalid combinations must throw, naming the op.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { Tensor, avgPool2d as tavgPool2d, maxPool2d as tmaxPool2d } from '@torchlet/autograd';
import { NDArray, avgPool2d, avgPool2dBackward, maxPool2dBackward, maxPool2dWithIndices, type Pool2dSize } from '@torchlet/ndarray';
import { BACKENDS, check, expectClose, expectRejects, LAYOUTS, make, reportSkippedBackends, viewOf, withBackend } from './harness.js';
import { avgPoolBackwardRef, avgPoolRef, maxPoolBackwardRef, maxPoolRef, poolOutSize, type AvgSpec, type PoolSpec } from './reference.js';

const size = fc.oneof(fc.integer({ min: 1, max: 4 }), fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })));
const CORRUPTIONS = [null, 'kernel', 'fractionalKernel', 'stride', 'padding', 'dilation', 'divisor', 'fractionalDivisor', 'emptyPlane', 'rank'] as const;

const caseArb = fc.record({
  N: fc.integer({ min: 0, max: 2 }),
  unbatched: fc.boolean(),
  C: fc.integer({ min: 1, max: 3 }),
  H: fc.integer({ min: 1, max: 8 }),
  W: fc.integer({ min: 1, max: 8 }),
  kernel: size,
  stride: fc.oneof(fc.constant(null), fc.constant(undefined), fc.integer({ min: 1, max: 3 }), fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }))),
  padding: fc.oneof(fc.integer({ min: 0, max: 2 }), fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }))),
  dilation: fc.oneof(
    { weight: 3, arbitrary: fc.constant(1) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })) },
  ),
  ceilMode: fc.boolean(),
  /** most cases keep the padding within floor(kernel / 2), as PyTorch requires */
  fitPadding: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  countIncludePad: fc.boolean(),
  divisorOverride: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.integer({ min: -3, max: 5 }).filter((d) => d !== 0) }),
  dtype: fc.constantFrom('float32' as const, 'float64' as const),
  ties: fc.boolean(),
  nans: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }),
  corrupt: fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...CORRUPTIONS.slice(1)) }),
  layout: fc.constantFrom(...LAYOUTS),
  seed: fc.integer(),
});
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

const pairOf = (v: number | readonly [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

interface Built {
  xShape: number[];
  kernel: Pool2dSize;
  stride: Pool2dSize | null | undefined;
  padding: Pool2dSize;
  dilation: Pool2dSize;
  divisorOverride: number | null;
  /** PyTorch's verdict for max pooling and for average pooling (which has no dilation): a spec, or why invalid. */
  max: PoolSpec | string;
  avg: AvgSpec | string;
}

function build(c: Case): Built {
  let kernel: Pool2dSize = c.kernel;
  let stride: Pool2dSize | null | undefined = c.stride;
  const k0 = pairOf(c.kernel);
  const p0 = pairOf(c.padding);
  let padding: Pool2dSize = c.fitPadding ? [Math.min(p0[0], k0[0] >> 1), Math.min(p0[1], k0[1] >> 1)] : c.padding;
  let dilation: Pool2dSize = c.dilation;
  let divisorOverride = c.divisorOverride;
  let H = c.H;
  switch (c.corrupt) {
    case 'kernel':
      kernel = [0, pairOf(c.kernel)[1]];
      break;
    case 'stride':
      stride = [pairOf(c.stride ?? 1)[0], 0];
      break;
    case 'padding':
      padding = -1;
      break;
    case 'dilation':
      dilation = 0;
      break;
    case 'divisor':
      divisorOverride = 0;
      break;
    case 'emptyPlane':
      H = 0;
      break;
    case 'fractionalKernel':
      kernel = [pairOf(c.kernel)[0], 2.5];
      break;
    case 'fractionalDivisor':
      divisorOverride = 1.5;
      break;
    default:
      break;
  }
  const xShape = c.corrupt === 'rank' ? [c.C, H, c.W].slice(1) : c.unbatched ? [c.C, H, c.W] : [c.N, c.C, H, c.W];
  const k = pairOf(kernel);
  const s = stride === null || stride === undefined ? k : pairOf(stride);
  const p = pairOf(padding);
  const d = pairOf(dilation);
  const verdict = (dil: [number, number]): PoolSpec | string => {
    if (!k.every(Number.isInteger)) return 'kernel not an integer';
    if (xShape.length < 3) return 'not 3-D or 4-D';
    if (k[0] < 1 || k[1] < 1) return 'kernel < 1';
    if (s[0] < 1 || s[1] < 1) return 'stride < 1';
    if (dil[0] < 1 || dil[1] < 1) return 'dilation < 1';
    if (p[0] < 0 || p[1] < 0) return 'negative padding';
    if (p[0] > Math.floor(k[0] / 2) || p[1] > Math.floor(k[1] / 2)) return 'padding > kernel / 2';
    if (H < 1 || c.W < 1) return 'empty plane';
    const oh = poolOutSize(H, k[0], s[0], p[0], dil[0], c.ceilMode);
    const ow = poolOutSize(c.W, k[1], s[1], p[1], dil[1], c.ceilMode);
    if (oh < 1 || ow < 1) return 'empty output';
    return { kernel: k, stride: s, pad: p, dilation: dil, ceilMode: c.ceilMode };
  };
  const max = verdict(d);
  const avgBase = verdict([1, 1]);
  const avg: AvgSpec | string =
    typeof avgBase === 'string' ? avgBase : divisorOverride !== null && (divisorOverride === 0 || !Number.isInteger(divisorOverride)) ? 'bad divisorOverride' : { ...avgBase, countIncludePad: c.countIncludePad, divisorOverride };
  return { xShape, kernel, stride, padding, dilation, divisorOverride, max, avg };
}

/** The input, with `c.nans` NaNs at seeded positions. */
function input(c: Case, shape: number[]) {
  const ref = make(shape, c.seed, c.dtype, c.ties).ref;
  const n = ref.data.length;
  for (let i = 0; i < c.nans && n > 0; i++) ref.data[Math.abs((c.seed * 31 + i * 7919) % n)] = NaN;
  return { ref, nd: viewOf(ref, c.dtype, c.layout) };
}

describe.each(BACKENDS)('pool2d fuzz on $name', ({ name, backend }) => {
  it('maxPool2d (values, indices) and maxPool2dBackward match the reference; invalid calls throw', () => {
    check(`maxpool/${name}`, 150, caseArb, (c) => {
      const b = build(c);
      const x = input(c, b.xShape);
      const options = { stride: b.stride, padding: b.padding, dilation: b.dilation, ceilMode: c.ceilMode };
      return withBackend(backend, () => {
        if (typeof b.max === 'string') {
          expectRejects('maxPool2dWithIndices', () => maxPool2dWithIndices(x.nd, b.kernel, options));
          const g = make([1, 1, 1, 1], c.seed, c.dtype).nd;
          expectRejects('maxPool2dBackward', () => maxPool2dBackward(g, new NDArray(new Int32Array(1), 'int32', [1, 1, 1, 1]), b.xShape, b.kernel, options));
          return 'invalid';
        }
        const want = maxPoolRef(x.ref, b.max);
        const { out, indices } = maxPool2dWithIndices(x.nd, b.kernel, options);
        expectClose('maxPool2d', out, want.out, c.dtype, true);
        const got = indices.denseData();
        for (let i = 0; i < want.indices.length; i++) {
          if (got[i] !== want.indices[i]) throw new Error(`maxPool2d: index ${i} is ${got[i]}, expected ${want.indices[i]}`);
        }
        const gOut = make(want.out.shape, c.seed + 1, c.dtype);
        expectClose('maxPool2dBackward', maxPool2dBackward(gOut.nd, indices, b.xShape, b.kernel, options), maxPoolBackwardRef(gOut.ref, want.indices, b.xShape), c.dtype);
        // indices outside the plane must be rejected
        if (want.indices.length > 0) {
          const bad = new Int32Array(want.indices);
          bad[0] = b.xShape.at(-1)! * b.xShape.at(-2)!;
          expectRejects('maxPool2dBackward', () => maxPool2dBackward(gOut.nd, new NDArray(bad, 'int32', want.out.shape), b.xShape, b.kernel, options));
        }
        return 'valid';
      });
    });
  });

  it('avgPool2d and avgPool2dBackward match the reference; invalid calls throw', () => {
    check(`avgpool/${name}`, 150, caseArb, (c) => {
      const b = build(c);
      const x = input({ ...c, nans: 0 }, b.xShape);
      const options = { stride: b.stride, padding: b.padding, ceilMode: c.ceilMode, countIncludePad: c.countIncludePad, divisorOverride: b.divisorOverride };
      return withBackend(backend, () => {
        if (typeof b.avg === 'string') {
          expectRejects('avgPool2d', () => avgPool2d(x.nd, b.kernel, options));
          expectRejects('avgPool2dBackward', () => avgPool2dBackward(make([1, 1, 1, 1], c.seed, c.dtype).nd, b.xShape, b.kernel, options));
          return 'invalid';
        }
        const want = avgPoolRef(x.ref, b.avg);
        expectClose('avgPool2d', avgPool2d(x.nd, b.kernel, options), want, c.dtype);
        const gOut = make(want.shape, c.seed + 1, c.dtype);
        expectClose('avgPool2dBackward', avgPool2dBackward(gOut.nd, b.xShape, b.kernel, options), avgPoolBackwardRef(gOut.ref, b.xShape, b.avg), c.dtype);
        return 'valid';
      });
    });
  });
});

describe.each(BACKENDS)('pool2d autograd fuzz on $name', ({ name, backend }) => {
  it('autograd maxPool2d / avgPool2d send the reference gradients to the input', () => {
    check(`pool-autograd/${name}`, 60, caseArb, (c) => {
      const b = build({ ...c, corrupt: null, nans: 0 });
      const x = input({ ...c, nans: 0 }, b.xShape);
      const X = new Tensor(x.nd, { requiresGrad: true });
      return withBackend(backend, () => {
        if (c.seed % 2 === 0) {
          if (typeof b.max === 'string') return 'invalid (skipped)';
          const y = tmaxPool2d(X, b.kernel, { stride: b.stride, padding: b.padding, dilation: b.dilation, ceilMode: c.ceilMode });
          const g = make(y.shape, c.seed + 1, c.dtype);
          y.backward(new Tensor(g.nd));
          expectClose('maxPool2d input.grad', X.grad!.data, maxPoolBackwardRef(g.ref, maxPoolRef(x.ref, b.max).indices, b.xShape), c.dtype);
          return 'valid max';
        }
        if (typeof b.avg === 'string') return 'invalid (skipped)';
        const options = { stride: b.stride, padding: b.padding, ceilMode: c.ceilMode, countIncludePad: c.countIncludePad, divisorOverride: b.divisorOverride };
        const y = tavgPool2d(X, b.kernel, options);
        const g = make(y.shape, c.seed + 1, c.dtype);
        y.backward(new Tensor(g.nd));
        expectClose('avgPool2d input.grad', X.grad!.data, avgPoolBackwardRef(g.ref, b.xShape, b.avg), c.dtype);
        return 'valid avg';
      });
    });
  });
});

describe('pool2d fuzz: backends', () => {
  it(`runs on ${BACKENDS.map((b) => b.name).join(', ')}`, () => {});
  reportSkippedBackends();
});
