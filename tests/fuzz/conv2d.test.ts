/**
 * conv2d and its three backward ops, every backend, against reference.ts: random shapes, stride,
 * padding (integers, pairs, 'same', 'valid', negative), dilation, groups, padding modes, bias,
 * batched/unbatched, float32/float64. Invalid combinations (decided by our own reading of
 * PyTorch's rules, not the library's) must throw an error naming the op, never return.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { Tensor, conv2d as tconv2d } from '@torchlet/autograd';
import { conv2d, conv2dBackwardBias, conv2dBackwardInput, conv2dBackwardWeight, type Backend, type Conv2dOptions } from '@torchlet/ndarray';
import { BACKENDS, check, expectClose, expectRejects, LAYOUTS, make, reportSkippedBackends, withBackend } from './harness.js';
import {
  conv2dBackwardBiasRef,
  conv2dBackwardInputRef,
  conv2dBackwardWeightRef,
  conv2dRef,
  convOutSize,
  type ConvSpec,
  type Mode,
} from './reference.js';

type Padding = number | [number, number] | 'same' | 'valid';

/** What can be made wrong on purpose (null: nothing, the call may still be invalid by itself). */
const CORRUPTIONS = [
  null,
  'weightChannels',
  'outputGroups',
  'stride',
  'fractionalStride',
  'dilation',
  'kernel',
  'groups',
  'fractionalGroups',
  'bias',
  'paddingString',
  'negativePadding',
  'paddingMode',
  'dtypeMix',
] as const;

const paddingArb: fc.Arbitrary<Padding> = fc.oneof(
  fc.constant('same' as const),
  fc.constant('valid' as const),
  fc.integer({ min: 0, max: 3 }),
  fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })),
);

/** Size limits of a generated convolution. */
interface Limits {
  G: number;
  Cg: number;
  Og: number;
  HW: number;
  kh: number;
  kw: number;
}
const SMALL: Limits = { G: 3, Cg: 3, Og: 2, HW: 8, kh: 4, kw: 3 };
/**
 * Larger shapes, so that the im2col matrix crosses the GEMM kernels' blocking (K = Cg·kH·kW past
 * KC = 256, output positions past the MC/NC panel sizes) and the wasm kernels' edge tiles.
 */
const LARGE: Limits = { G: 2, Cg: 12, Og: 8, HW: 20, kh: 5, kw: 5 };

const caseArbOf = (l: Limits) =>
  fc.record({
    N: fc.integer({ min: 0, max: 2 }),
    unbatched: fc.boolean(),
    G: fc.integer({ min: 1, max: l.G }),
    Cg: fc.integer({ min: 1, max: l.Cg }),
    Og: fc.integer({ min: 1, max: l.Og }),
    H: fc.integer({ min: 1, max: l.HW }),
    W: fc.integer({ min: 1, max: l.HW }),
    kh: fc.integer({ min: 1, max: l.kh }),
    kw: fc.integer({ min: 1, max: l.kw }),
    stride: fc.oneof(
      { weight: 2, arbitrary: fc.constant(1) },
      { weight: 2, arbitrary: fc.integer({ min: 1, max: 3 }) },
      { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })) },
    ),
    dilation: fc.oneof(
      { weight: 3, arbitrary: fc.constant(1) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) },
      { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 })) },
    ),
    padding: paddingArb,
    mode: fc.constantFrom<Mode>('zeros', 'reflect', 'replicate', 'circular'),
    bias: fc.boolean(),
    dtype: fc.constantFrom('float32' as const, 'float64' as const),
    corrupt: fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...CORRUPTIONS.slice(1)) }),
    layout: fc.constantFrom(...LAYOUTS),
    wLayout: fc.constantFrom(...LAYOUTS),
    seed: fc.integer(),
  });
/**
 * Rows of up to 40 with 1 or 16 output channels per group: the wasm kernels' special paths (two
 * output rows at a time for one channel, where an odd last row once went wrong at 15×15, 19×19, …;
 * the output channels in the vector lanes for 16).
 */
const WIDE: Limits = { G: 2, Cg: 2, Og: 2, HW: 40, kh: 5, kw: 5 };
const caseArb = caseArbOf(SMALL);
const largeArb = caseArbOf(LARGE).map((c) => ({ ...c, corrupt: null, N: Math.max(c.N, 1) }));
const wideArb = caseArbOf(WIDE).map((c) => ({ ...c, corrupt: null, N: Math.max(c.N, 1), Og: c.Og === 1 ? 1 : 16 }));

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

const pairOf = (v: number | readonly [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

interface Built {
  xShape: number[];
  wShape: number[];
  biasShape: number[] | null;
  options: Conv2dOptions;
  /** The reference's verdict: the resolved spec, or why the call is invalid. */
  spec: ConvSpec | string;
}

/** Builds the call and decides, from PyTorch's documented rules, whether it is valid. */
function build(c: Case): Built {
  const C = c.G * c.Cg;
  let O = c.G * c.Og;
  let wc = c.Cg;
  let groups = c.G;
  const stride = pairOf(c.stride);
  const dilation = pairOf(c.dilation);
  let sh = stride[0];
  const sw = stride[1];
  const dh = dilation[0];
  let dw = dilation[1];
  let kh = c.kh;
  let biasLen = O;
  switch (c.corrupt) {
    case 'weightChannels':
      wc += 1;
      break;
    case 'outputGroups':
      if (groups > 1) O += 1;
      else wc += 1;
      biasLen = O;
      break;
    case 'stride':
      sh = 0;
      break;
    case 'dilation':
      dw = -1;
      break;
    case 'kernel':
      kh = 0;
      break;
    case 'groups':
      groups = 0;
      break;
    case 'fractionalStride':
      sh = 1.5;
      break;
    case 'fractionalGroups':
      groups = 1.5;
      break;
    case 'bias':
      biasLen = O + 1;
      break;
    default:
      break;
  }
  const xShape = c.unbatched ? [C, c.H, c.W] : [c.N, C, c.H, c.W];
  const wShape = [O, wc, kh, c.kw];
  // deliberately ill-typed values, as JavaScript callers can pass them
  const padding = c.corrupt === 'paddingString' ? ('full' as 'same') : c.corrupt === 'negativePadding' ? -1 : c.padding;
  const paddingMode = c.corrupt === 'paddingMode' ? ('mirror' as Mode) : c.mode;
  const options: Conv2dOptions = { stride: [sh, sw], dilation: [dh, dw], groups, padding, paddingMode };
  const biasShape = c.bias || c.corrupt === 'bias' ? [biasLen] : null;
  const built = { xShape, wShape, biasShape, options };

  const invalid = (why: string): Built => ({ ...built, spec: why });
  if (!Number.isInteger(groups) || !Number.isInteger(sh)) return invalid('not an integer');
  if (c.corrupt === 'paddingString' || c.corrupt === 'negativePadding' || c.corrupt === 'paddingMode') return invalid(c.corrupt);
  if (c.corrupt === 'dtypeMix') return invalid('dtype mismatch');
  if (groups < 1) return invalid('groups < 1');
  if (sh < 1 || sw < 1) return invalid('stride < 1');
  if (dh < 1 || dw < 1) return invalid('dilation < 1');
  if (kh < 1 || c.kw < 1) return invalid('empty kernel');
  if (C % groups !== 0 || O % groups !== 0) return invalid('groups does not divide the channels');
  if (C !== wc * groups) return invalid('channel mismatch');
  if (biasShape && biasShape[0] !== O) return invalid('bias length');
  let pad: [number, number, number, number];
  if (c.padding === 'same') {
    if (sh !== 1 || sw !== 1) return invalid("'same' with stride > 1");
    const th = dh * (kh - 1);
    const tw = dw * (c.kw - 1);
    pad = [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
  } else if (c.padding === 'valid') {
    pad = [0, 0, 0, 0];
  } else {
    const [ph, pw] = pairOf(c.padding);
    pad = [ph, ph, pw, pw];
  }
  if (dh * (kh - 1) + 1 > c.H + pad[0] + pad[1] || dw * (c.kw - 1) + 1 > c.W + pad[2] + pad[3]) return invalid('kernel larger than the padded input');
  const fits = (a: number, b: number, n: number): boolean => {
    if (a === 0 && b === 0) return true;
    if (c.mode === 'reflect') return a < n && b < n;
    if (c.mode === 'circular') return a <= n && b <= n;
    return true;
  };
  if (!fits(pad[0], pad[1], c.H) || !fits(pad[2], pad[3], c.W)) return invalid(`${c.mode} padding too large`);
  return { ...built, spec: { stride: [sh, sw], dilation: [dh, dw], groups, pad, mode: c.mode } };
}

/** The reference works on 4-D arrays: an unbatched shape gets a batch of 1. */
const as4d = (shape: readonly number[]): number[] => (shape.length === 3 ? [1, ...shape] : [...shape]);
const drop = <T extends { shape: number[] }>(r: T, unbatched: boolean): T => (unbatched ? { ...r, shape: r.shape.slice(1) } : r);

/** The forward and the three backward ops against the reference, or the rejections of an invalid call. */
function checkCase(c: Case, backend: Backend): string {
  const b = build(c);
  const x = make(b.xShape, c.seed, c.dtype, false, c.layout);
  const wDtype = c.corrupt === 'dtypeMix' ? (c.dtype === 'float32' ? 'float64' : 'float32') : c.dtype;
  const w = make(b.wShape, c.seed + 1, wDtype, false, c.wLayout);
  const bias = b.biasShape ? make(b.biasShape, c.seed + 2, c.dtype) : null;
  return withBackend(backend, () => {
    if (typeof b.spec === 'string') {
      expectRejects('conv2d', () => conv2d(x.nd, w.nd, bias?.nd ?? null, b.options));
      if (b.spec === 'bias length') return 'invalid'; // the backward ops take no bias
      const g = make([1, 1, 1, 1], c.seed, c.dtype).nd;
      expectRejects('conv2dBackwardInput', () => conv2dBackwardInput(g, w.nd, b.xShape, b.options));
      // (the weight gradient does not read the weight: a dtype mismatch there is not its error)
      if (b.spec !== 'dtype mismatch') expectRejects('conv2dBackwardWeight', () => conv2dBackwardWeight(x.nd, g, b.wShape, b.options));
      return 'invalid';
    }
    const spec = b.spec;
    const x4 = { data: x.ref.data, shape: as4d(b.xShape) };
    const want = drop(conv2dRef(x4, w.ref, bias?.ref ?? null, spec), c.unbatched);
    expectClose('conv2d', conv2d(x.nd, w.nd, bias?.nd ?? null, b.options), want, c.dtype);

    const gOut = make(want.shape, c.seed + 3, c.dtype);
    const g4 = { data: gOut.ref.data, shape: as4d(want.shape) };
    expectClose('conv2dBackwardInput', conv2dBackwardInput(gOut.nd, w.nd, b.xShape, b.options), drop(conv2dBackwardInputRef(g4, w.ref, x4.shape, spec), c.unbatched), c.dtype);
    expectClose('conv2dBackwardWeight', conv2dBackwardWeight(x.nd, gOut.nd, b.wShape, b.options), conv2dBackwardWeightRef(x4, g4, b.wShape, spec), c.dtype);
    expectClose('conv2dBackwardBias', conv2dBackwardBias(gOut.nd), conv2dBackwardBiasRef(g4), c.dtype);

    // a gradOut of the wrong shape must be rejected by both backward ops
    const bad = make([...want.shape.slice(0, -1), want.shape.at(-1)! + 1], c.seed, c.dtype).nd;
    expectRejects('conv2dBackwardInput', () => conv2dBackwardInput(bad, w.nd, b.xShape, b.options));
    expectRejects('conv2dBackwardWeight', () => conv2dBackwardWeight(x.nd, bad, b.wShape, b.options));
    return `valid ${c.mode}`;
  });
}

describe.each(BACKENDS)('conv2d fuzz on $name', ({ name, backend }) => {
  it('forward, backward input/weight/bias match the naive reference; invalid calls throw', () => {
    check(`conv2d/${name}`, 120, caseArb, (c) => checkCase(c, backend));
  });

  it('larger shapes (the GEMM blocking edges) match the reference too', () => {
    check(`conv2d-large/${name}`, 6, largeArb, (c) => checkCase(c, backend), 0.1);
  });

  it('wide rows with 1 or 16 output channels per group match the reference too', () => {
    check(`conv2d-wide/${name}`, 12, wideArb, (c) => checkCase(c, backend), 0.1);
  });

  it('autograd conv2d sends the reference gradients to input, weight and bias', () => {
    check(`conv2d-autograd/${name}`, 40, caseArb, (c) => {
      const b = build({ ...c, corrupt: null });
      if (typeof b.spec === 'string') return 'invalid (skipped)';
      const spec = b.spec;
      const x = make(b.xShape, c.seed, c.dtype);
      const w = make(b.wShape, c.seed + 1, c.dtype);
      const bias = b.biasShape ? make(b.biasShape, c.seed + 2, c.dtype) : null;
      const X = new Tensor(x.nd, { requiresGrad: true });
      const Wt = new Tensor(w.nd, { requiresGrad: true });
      const B = bias ? new Tensor(bias.nd, { requiresGrad: true }) : null;
      return withBackend(backend, () => {
        const y = tconv2d(X, Wt, B, b.options);
        const g = make(y.shape, c.seed + 3, c.dtype);
        y.backward(new Tensor(g.nd));
        const x4 = { data: x.ref.data, shape: as4d(b.xShape) };
        const g4 = { data: g.ref.data, shape: as4d(y.shape) };
        expectClose('input.grad', X.grad!.data, drop(conv2dBackwardInputRef(g4, w.ref, x4.shape, spec), c.unbatched), c.dtype);
        expectClose('weight.grad', Wt.grad!.data, conv2dBackwardWeightRef(x4, g4, b.wShape, spec), c.dtype);
        if (B) expectClose('bias.grad', B.grad!.data, conv2dBackwardBiasRef(g4), c.dtype);
        return `valid ${c.mode}`;
      });
    });
  });

  it("'same' keeps the spatial size whenever it is valid", () => {
    check(`conv2d-same/${name}`, 40, caseArb, (c) => {
      const b = build({ ...c, padding: 'same', stride: 1, corrupt: null });
      if (typeof b.spec === 'string') return 'invalid (skipped)';
      const x = make(b.xShape, c.seed, c.dtype);
      const w = make(b.wShape, c.seed + 1, c.dtype);
      const out = withBackend(backend, () => conv2d(x.nd, w.nd, null, b.options));
      const [H, W] = b.xShape.slice(-2) as [number, number];
      if (out.shape.at(-2) !== H || out.shape.at(-1) !== W) throw new Error(`'same' gave [${out.shape.join(', ')}] for input [${b.xShape.join(', ')}]`);
      if (convOutSize(H, b.spec.pad[0], b.spec.pad[1], b.wShape[2]!, 1, b.spec.dilation[0]) !== H) throw new Error('reference disagrees');
    });
  });
});

describe('conv2d fuzz: backends', () => {
  it(`runs on ${BACKENDS.map((b) => b.name).join(', ')}`, () => {});
  reportSkippedBackends();
});
