/**
 * The gradcheck registry: one or more finite-difference checks (float64) for every differentiable
 * op exported by the package, and second-order checks where they are cheap. The first test
 * enumerates the exports, so that adding an op without a gradcheck case fails here.
 */
import * as nd from '@torchlet/ndarray';
import { describe, expect, it } from 'vitest';
import * as ag from './index.js';
import {
  cat,
  convTranspose2d,
  stack,
  abs,
  adaptiveAvgPool2d,
  add,
  add_,
  amax,
  amin,
  avgPool2d,
  clamp,
  clamp_,
  clone,
  contiguous,
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  copy_,
  corr2d,
  div,
  div_,
  erf,
  exp,
  expand,
  expandTo,
  fill_,
  flatten,
  gradcheck,
  gradgradcheck,
  linear,
  log,
  logSoftmax,
  logsumexp,
  matmul,
  maximum,
  maxPool2d,
  mean,
  minimum,
  mul,
  mul_,
  narrow,
  neg,
  pad,
  padBackward,
  permute,
  pow,
  relu,
  reshape,
  sigmoid,
  slice,
  softmax,
  sqrt,
  square,
  squeeze,
  std,
  sub,
  sub_,
  sum,
  sumTo,
  tanh,
  tensor,
  transpose,
  unsqueeze,
  variance,
  view,
  where,
  Tensor,
  type Conv2dOptions,
  type GradcheckOptions,
} from './index.js';
import { fromOp } from './tensor.js';

// ------------------------------------------------------------------ deterministic inputs

/** mulberry32: a tiny seeded generator, so every case sees the same numbers on every run. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let seed = 1;

interface RandOptions {
  /** Values in [lo, hi] (default [−1, 1]). */
  lo?: number;
  hi?: number;
  /** |value| in [0.2, 1.2] with a random sign: keeps kinks (abs, relu) and poles away. */
  awayFromZero?: boolean;
  requiresGrad?: boolean;
}

/** A fresh float64 leaf (requires grad unless told otherwise). */
function r(shape: readonly number[], options: RandOptions = {}): Tensor {
  const next = generator(seed++ * 7919);
  const n = shape.reduce((p, s) => p * s, 1);
  const lo = options.lo ?? -1;
  const hi = options.hi ?? 1;
  const values = Float64Array.from({ length: n }, () => {
    const u = next();
    if (options.awayFromZero) return (next() < 0.5 ? -1 : 1) * (0.2 + u);
    return lo + (hi - lo) * u;
  });
  return tensor(values, { shape, requiresGrad: options.requiresGrad ?? true });
}

/** Distinct values (a shuffled grid with spacing 0.1, times ±1): no ties within 1e-6 for max/min ops. */
function distinct(shape: readonly number[], requiresGrad = true): Tensor {
  const next = generator(seed++ * 104729);
  const n = shape.reduce((p, s) => p * s, 1);
  const values = Array.from({ length: n }, (_, i) => (i - n / 2) * 0.1 + 0.013);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
  return tensor(Float64Array.from(values), { shape, requiresGrad });
}

/** A constant (no gradient) float64 tensor. */
const c = (shape: readonly number[], options: RandOptions = {}): Tensor => r(shape, { ...options, requiresGrad: false });

const positive = (shape: readonly number[]): Tensor => r(shape, { lo: 0.5, hi: 2 });
const nonzero = (shape: readonly number[]): Tensor => r(shape, { awayFromZero: true });

// ------------------------------------------------------------------ the registry

type Fn = (...t: Tensor[]) => Tensor;

interface Case {
  label: string;
  fn: Fn;
  /** Builds fresh inputs (float64 leaves; those that require grad are checked). */
  inputs: () => Tensor[];
  /** Also run gradgradcheck (default true). */
  gradgrad?: boolean;
  options?: GradcheckOptions;
}

const cases = (...list: Case[]): Case[] => list;

function convCase(label: string, input: number[], weight: number[], bias: boolean, options: Conv2dOptions): Case {
  return {
    label,
    fn: (...t) => conv2d(t[0]!, t[1]!, t[2] ?? null, options),
    inputs: () => [r(input), r(weight), ...(bias ? [r([weight[0]!])] : [])],
  };
}

/** The output shape of conv2d for these shapes and options (computed by the forward). */
function convOutShape(input: number[], weight: number[], options: Conv2dOptions): readonly number[] {
  return nd.conv2d(nd.zeros(input, { dtype: 'float64' }), nd.zeros(weight, { dtype: 'float64' }), null, options).shape;
}

const cond = tensor([
  [true, false, true],
  [false, false, true],
]);

/**
 * Keys are the exported names of the differentiable ops; each lists its gradcheck cases.
 */
const REGISTRY: Record<string, Case[]> = {
  // ---------------------------------------------------------------- element-wise, binary
  add: cases(
    { label: 'same shape', fn: (a, b) => add(a, b), inputs: () => [r([2, 3]), r([2, 3])] },
    { label: 'broadcast [2,3] + [3]', fn: (a, b) => add(a, b), inputs: () => [r([2, 3]), r([3])] },
    { label: 'broadcast [2,1,3] + [4,1]', fn: (a, b) => add(a, b), inputs: () => [r([2, 1, 3]), r([4, 1])] },
    { label: '0-d + [2,3]', fn: (a, b) => add(a, b), inputs: () => [r([]), r([2, 3])] },
    { label: 'tensor + number', fn: (a) => add(a, 1.5), inputs: () => [r([2, 3])] },
    { label: 'number + tensor', fn: (a) => add(-2, a), inputs: () => [r([3])] },
    { label: 'only the second operand requires grad', fn: (a, b) => add(a, b), inputs: () => [c([2, 3]), r([1, 3])] },
  ),
  sub: cases(
    { label: 'same shape', fn: (a, b) => sub(a, b), inputs: () => [r([2, 3]), r([2, 3])] },
    { label: 'broadcast [3,1] − [1,4]', fn: (a, b) => sub(a, b), inputs: () => [r([3, 1]), r([1, 4])] },
    { label: 'tensor − number', fn: (a) => sub(a, 0.5), inputs: () => [r([2, 2])] },
    { label: 'number − tensor', fn: (a) => sub(0.5, a), inputs: () => [r([2, 2])] },
  ),
  mul: cases(
    { label: 'same shape', fn: (a, b) => mul(a, b), inputs: () => [r([2, 3]), r([2, 3])] },
    { label: 'broadcast [2,3] · [2,1]', fn: (a, b) => mul(a, b), inputs: () => [r([2, 3]), r([2, 1])] },
    { label: 'tensor · number', fn: (a) => mul(a, 3), inputs: () => [r([4])] },
    { label: 'number · tensor', fn: (a) => mul(-0.5, a), inputs: () => [r([2, 2])] },
    { label: 'fan-out x · x', fn: (a) => mul(a, a), inputs: () => [r([5])] },
  ),
  div: cases(
    { label: 'same shape', fn: (a, b) => div(a, b), inputs: () => [r([2, 3]), nonzero([2, 3])] },
    { label: 'broadcast [2,3] / [3]', fn: (a, b) => div(a, b), inputs: () => [r([2, 3]), nonzero([3])] },
    { label: 'tensor / number', fn: (a) => div(a, 4), inputs: () => [r([3])] },
    { label: 'number / tensor', fn: (a) => div(2, a), inputs: () => [nonzero([2, 2])] },
  ),
  pow: cases(
    { label: 'x ** 3', fn: (a) => pow(a, 3), inputs: () => [r([2, 3])] },
    { label: 'x ** 0.5 (positive base)', fn: (a) => pow(a, 0.5), inputs: () => [positive([4])] },
    { label: 'x ** 0', fn: (a) => pow(a, 0), inputs: () => [r([3])] },
    { label: 'x ** −2', fn: (a) => pow(a, -2), inputs: () => [nonzero([3])] },
    { label: 'tensor ** tensor, broadcast', fn: (a, b) => pow(a, b), inputs: () => [positive([2, 3]), r([3])] },
    { label: 'number ** tensor', fn: (b) => pow(1.7, b), inputs: () => [r([2, 2])] },
    {
      label: 'composite: div, abs, pow, sigmoid, tanh, broadcasting',
      fn: (a, b) => a.div(b).add(a.abs().add(0.5).pow(b)).mul(a.sigmoid()).sub(a.tanh()),
      inputs: () => [nonzero([3, 4]), nonzero([4])],
    },
  ),
  maximum: cases(
    { label: 'same shape', fn: (a, b) => maximum(a, b), inputs: () => [distinct([2, 3]), r([2, 3], { lo: -0.07, hi: 0.07 })] },
    { label: 'broadcast [2,3] vs [3]', fn: (a, b) => maximum(a, b), inputs: () => [distinct([2, 3]), tensor([0.021, -0.13, 0.041], { dtype: 'float64', requiresGrad: true })] },
    { label: 'with a number', fn: (a) => maximum(a, 0.05), inputs: () => [distinct([2, 4])] },
  ),
  minimum: cases(
    { label: 'same shape', fn: (a, b) => minimum(a, b), inputs: () => [distinct([2, 3]), r([2, 3], { lo: -0.07, hi: 0.07 })] },
    { label: 'broadcast [2,3] vs [2,1]', fn: (a, b) => minimum(a, b), inputs: () => [distinct([2, 3]), tensor([[0.021], [-0.031]], { dtype: 'float64', requiresGrad: true })] },
    { label: 'number first', fn: (a) => minimum(-0.05, a), inputs: () => [distinct([5])] },
  ),
  where: cases(
    { label: 'both sides', fn: (a, b) => where(cond, a, b), inputs: () => [r([2, 3]), r([2, 3])] },
    { label: 'broadcast operands', fn: (a, b) => where(cond, a, b), inputs: () => [r([3]), r([2, 1])] },
    { label: 'number on one side', fn: (a) => where(cond, 0.5, a), inputs: () => [r([2, 3])] },
  ),
  // ---------------------------------------------------------------- element-wise, unary
  neg: cases({ label: '[2,3]', fn: (a) => neg(a), inputs: () => [r([2, 3])] }),
  exp: cases({ label: '[2,3]', fn: (a) => exp(a), inputs: () => [r([2, 3])] }, { label: '0-d', fn: (a) => exp(a), inputs: () => [r([])] }),
  log: cases({ label: 'positive [2,3]', fn: (a) => log(a), inputs: () => [positive([2, 3])] }),
  sqrt: cases({ label: 'positive [2,3]', fn: (a) => sqrt(a), inputs: () => [positive([2, 3])] }),
  square: cases({ label: '[2,3]', fn: (a) => square(a), inputs: () => [r([2, 3])] }),
  abs: cases({ label: 'away from 0', fn: (a) => abs(a), inputs: () => [nonzero([2, 3])] }),
  tanh: cases({ label: '[2,3]', fn: (a) => tanh(a), inputs: () => [r([2, 3], { lo: -2, hi: 2 })] }),
  sigmoid: cases({ label: '[2,3]', fn: (a) => sigmoid(a), inputs: () => [r([2, 3], { lo: -3, hi: 3 })] }),
  erf: cases(
    { label: '[2,3] over the small-|x| range', fn: (a) => erf(a), inputs: () => [r([2, 3], { lo: -0.45, hi: 0.45 })] },
    { label: 'over the rational ranges up to |x| = 5', fn: (a) => erf(a), inputs: () => [r([2, 4], { lo: -5, hi: 5 })] },
  ),
  relu: cases({ label: 'away from 0', fn: (a) => relu(a), inputs: () => [nonzero([2, 4])] }),
  clamp: cases(
    { label: 'min and max', fn: (a) => clamp(a, -0.35, 0.45), inputs: () => [distinct([3, 4])] },
    { label: 'min only', fn: (a) => clamp(a, 0.05), inputs: () => [distinct([6])] },
    { label: 'max only', fn: (a) => clamp(a, null, -0.05), inputs: () => [distinct([6])] },
  ),
  // ---------------------------------------------------------------- reductions
  sum: cases(
    { label: 'all', fn: (a) => sum(a), inputs: () => [r([2, 3])] },
    { label: 'dim 0', fn: (a) => sum(a, 0), inputs: () => [r([2, 3])] },
    { label: 'dim −1 keepdim', fn: (a) => sum(a, -1, { keepdim: true }), inputs: () => [r([2, 3, 2])] },
    { label: 'dims [0, 2]', fn: (a) => sum(a, [0, 2]), inputs: () => [r([2, 3, 2])] },
    { label: 'dims [2, 0] keepdim', fn: (a) => sum(a, [2, 0], { keepdim: true }), inputs: () => [r([2, 3, 2])] },
  ),
  mean: cases(
    { label: 'all', fn: (a) => mean(a), inputs: () => [r([2, 3])] },
    { label: 'dim 1', fn: (a) => mean(a, 1), inputs: () => [r([2, 3])] },
    { label: 'dim −2 keepdim', fn: (a) => mean(a, -2, { keepdim: true }), inputs: () => [r([2, 3, 2])] },
    { label: 'dims [0, 1]', fn: (a) => mean(a, [0, 1]), inputs: () => [r([2, 3, 2])] },
  ),
  amax: cases(
    { label: 'all', fn: (a) => amax(a), inputs: () => [distinct([3, 4])] },
    { label: 'dim 1', fn: (a) => amax(a, 1), inputs: () => [distinct([3, 4])] },
    { label: 'dims [0, 2] keepdim', fn: (a) => amax(a, [0, 2], { keepdim: true }), inputs: () => [distinct([2, 3, 2])] },
  ),
  amin: cases(
    { label: 'all', fn: (a) => amin(a), inputs: () => [distinct([3, 4])] },
    { label: 'dim 0 keepdim', fn: (a) => amin(a, 0, { keepdim: true }), inputs: () => [distinct([3, 4])] },
    { label: 'dims [−1, 0]', fn: (a) => amin(a, [-1, 0]), inputs: () => [distinct([2, 3, 2])] },
  ),
  variance: cases(
    { label: 'all, unbiased', fn: (a) => variance(a), inputs: () => [r([2, 3])] },
    { label: 'dim 1', fn: (a) => variance(a, 1), inputs: () => [r([3, 4])] },
    { label: 'dim 0 biased keepdim', fn: (a) => variance(a, 0, { unbiased: false, keepdim: true }), inputs: () => [r([3, 4])] },
    { label: 'dims [0, 2]', fn: (a) => variance(a, [0, 2]), inputs: () => [r([2, 3, 2])] },
    {
      label: 'composite with std, logsumexp, amax (methods)',
      fn: (a) => a.var(1).add(a.std(0).sum()).add(a.logsumexp(1).sum()).add(a.amax(0).sum()),
      inputs: () => [distinct([3, 4])],
    },
  ),
  std: cases(
    { label: 'all, unbiased', fn: (a) => std(a), inputs: () => [r([2, 3])] },
    { label: 'dim 1', fn: (a) => std(a, 1), inputs: () => [r([3, 4])] },
    { label: 'dim −1 biased keepdim', fn: (a) => std(a, -1, { unbiased: false, keepdim: true }), inputs: () => [r([3, 4])] },
    { label: 'dims [0, 1]', fn: (a) => std(a, [0, 1]), inputs: () => [r([2, 3, 2])] },
  ),
  logsumexp: cases(
    { label: 'all', fn: (a) => logsumexp(a), inputs: () => [r([2, 3], { lo: -3, hi: 3 })] },
    { label: 'dim 1', fn: (a) => logsumexp(a, 1), inputs: () => [r([3, 4], { lo: -3, hi: 3 })] },
    { label: 'dims [0, 2] keepdim', fn: (a) => logsumexp(a, [0, 2], { keepdim: true }), inputs: () => [r([2, 3, 2])] },
  ),
  softmax: cases(
    { label: '1-D', fn: (a) => softmax(a, 0), inputs: () => [r([5], { lo: -2, hi: 2 })] },
    { label: 'dim 1 of [3,4]', fn: (a) => softmax(a, 1), inputs: () => [r([3, 4], { lo: -2, hi: 2 })] },
    { label: 'dim 0 of [2,3,2]', fn: (a) => softmax(a, 0), inputs: () => [r([2, 3, 2])] },
    { label: 'dim −2 of [2,3,2]', fn: (a) => softmax(a, -2), inputs: () => [r([2, 3, 2])] },
  ),
  logSoftmax: cases(
    { label: '1-D', fn: (a) => logSoftmax(a, 0), inputs: () => [r([5], { lo: -2, hi: 2 })] },
    { label: 'dim 1 of [3,4]', fn: (a) => logSoftmax(a, 1), inputs: () => [r([3, 4], { lo: -2, hi: 2 })] },
    { label: 'dim 0 of [2,3,2]', fn: (a) => logSoftmax(a, 0), inputs: () => [r([2, 3, 2])] },
    { label: 'dim −1 of [2,3,2]', fn: (a) => logSoftmax(a, -1), inputs: () => [r([2, 3, 2])] },
  ),
  // ---------------------------------------------------------------- views and copies
  view: cases(
    { label: '[2,3] → [3,2]', fn: (a) => view(a, 3, 2), inputs: () => [r([2, 3])] },
    { label: '[2,3,2] → [−1, 4] (array form)', fn: (a) => view(a, [-1, 4]), inputs: () => [r([2, 3, 2])] },
  ),
  reshape: cases(
    { label: 'contiguous (a view)', fn: (a) => reshape(a, [3, -1]), inputs: () => [r([2, 3, 2])] },
    { label: 'non-contiguous (a copy)', fn: (a) => reshape(transpose(a, 0, 1), [6]), inputs: () => [r([2, 3])] },
    { label: 'to 0-d and back', fn: (a) => reshape(reshape(a, []), [1, 1]), inputs: () => [r([1])] },
  ),
  permute: cases(
    { label: '[2,3,4] by [2,0,1]', fn: (a) => permute(a, [2, 0, 1]), inputs: () => [r([2, 3, 2])] },
    { label: 'negative dims, spread args', fn: (a) => permute(a, -1, 0, 1), inputs: () => [r([2, 3, 2])] },
  ),
  transpose: cases(
    { label: '2-D', fn: (a) => transpose(a, 0, 1), inputs: () => [r([2, 3])] },
    { label: '3-D dims (−1, 0)', fn: (a) => transpose(a, -1, 0), inputs: () => [r([2, 3, 2])] },
  ),
  squeeze: cases(
    { label: 'all size-1 dims', fn: (a) => squeeze(a), inputs: () => [r([1, 3, 1, 2])] },
    { label: 'one dim', fn: (a) => squeeze(a, 2), inputs: () => [r([1, 3, 1, 2])] },
  ),
  unsqueeze: cases(
    { label: 'dim 0', fn: (a) => unsqueeze(a, 0), inputs: () => [r([2, 3])] },
    { label: 'dim −1', fn: (a) => unsqueeze(a, -1), inputs: () => [r([2, 3])] },
  ),
  flatten: cases(
    { label: 'all dims', fn: (a) => flatten(a), inputs: () => [r([2, 3, 2])] },
    { label: 'dims 1..2', fn: (a) => flatten(a, 1, 2), inputs: () => [r([2, 3, 2, 1])] },
    { label: 'non-contiguous', fn: (a) => flatten(transpose(a, 0, 2)), inputs: () => [r([2, 3, 2])] },
  ),
  expand: cases(
    { label: '[3,1] → [2,3,4]', fn: (a) => expand(a, 2, 3, 4), inputs: () => [r([3, 1])] },
    { label: '−1 keeps a dim', fn: (a) => expand(a, [2, -1, 3]), inputs: () => [r([1, 2, 1])] },
  ),
  slice: cases(
    { label: 'dim 1, step 2', fn: (a) => slice(a, 1, 0, 5, 2), inputs: () => [r([2, 5])] },
    { label: 'dim 0, defaults', fn: (a) => slice(a, 0, 1), inputs: () => [r([3, 2])] },
    { label: 'dim −1, negative start', fn: (a) => slice(a, -1, -2), inputs: () => [r([2, 4])] },
  ),
  narrow: cases(
    { label: 'dim 0', fn: (a) => narrow(a, 0, 1, 2), inputs: () => [r([4, 2])] },
    { label: 'dim −1, negative start', fn: (a) => narrow(a, -1, -3, 2), inputs: () => [r([2, 4])] },
  ),
  contiguous: cases(
    { label: 'already contiguous (identity)', fn: (a) => contiguous(mul(a, 1)), inputs: () => [r([2, 3])] },
    { label: 'transposed (a copy)', fn: (a) => contiguous(transpose(a, 0, 1)), inputs: () => [r([2, 3])] },
  ),
  clone: cases({ label: '[2,3]', fn: (a) => clone(a), inputs: () => [r([2, 3])] }),
  sumTo: cases(
    { label: '[2,3,4] → [3,1]', fn: (a) => sumTo(a, [3, 1]), inputs: () => [r([2, 3, 2])] },
    { label: 'same shape (identity)', fn: (a) => sumTo(a, [2, 3]), inputs: () => [r([2, 3])] },
  ),
  expandTo: cases(
    { label: '[3,1] → [2,3,4]', fn: (a) => expandTo(a, [2, 3, 4]), inputs: () => [r([3, 1])] },
    { label: '0-d → [2,2]', fn: (a) => expandTo(a, [2, 2]), inputs: () => [r([])] },
  ),
  // ---------------------------------------------------------------- matrix products
  matmul: cases(
    { label: '2-D · 2-D', fn: (a, b) => matmul(a, b), inputs: () => [r([2, 3]), r([3, 4])] },
    { label: '1-D · 1-D (dot)', fn: (a, b) => matmul(a, b), inputs: () => [r([4]), r([4])] },
    { label: '1-D · 2-D', fn: (a, b) => matmul(a, b), inputs: () => [r([3]), r([3, 2])] },
    { label: '2-D · 1-D', fn: (a, b) => matmul(a, b), inputs: () => [r([2, 3]), r([3])] },
    { label: '3-D · 2-D (batch)', fn: (a, b) => matmul(a, b), inputs: () => [r([2, 2, 3]), r([3, 2])] },
    { label: '2-D · 3-D (batch)', fn: (a, b) => matmul(a, b), inputs: () => [r([2, 3]), r([2, 3, 2])] },
    { label: 'broadcast batches [2,1,2,3] · [3,3,2]', fn: (a, b) => matmul(a, b), inputs: () => [r([2, 1, 2, 3]), r([3, 3, 2])] },
    { label: '1-D · 3-D', fn: (a, b) => matmul(a, b), inputs: () => [r([3]), r([2, 3, 2])] },
    { label: '3-D · 1-D', fn: (a, b) => matmul(a, b), inputs: () => [r([2, 2, 3]), r([3])] },
    { label: 'transposed operand', fn: (a, b) => matmul(transpose(a, 0, 1), b), inputs: () => [r([3, 2]), r([3, 2])] },
  ),
  linear: cases(
    { label: '2-D input, bias', fn: (x, w, b) => linear(x, w, b), inputs: () => [r([2, 3]), r([4, 3]), r([4])] },
    { label: '1-D input, bias', fn: (x, w, b) => linear(x, w, b), inputs: () => [r([3]), r([2, 3]), r([2])] },
    { label: '3-D input, no bias', fn: (x, w) => linear(x, w), inputs: () => [r([2, 2, 3]), r([2, 3])] },
  ),
  // ---------------------------------------------------------------- convolution and padding
  corr2d: cases(
    { label: '[4,5] ⋆ [2,3]', fn: (x, k) => corr2d(x, k), inputs: () => [r([4, 5]), r([2, 3])] },
    { label: 'kernel [1,2], only K requires grad', fn: (x, k) => corr2d(x, k), inputs: () => [c([3, 4]), r([1, 2])] },
  ),
  conv2d: cases(
    convCase('basic, bias', [1, 2, 4, 4], [3, 2, 3, 3], true, {}),
    convCase('batch 2, no bias', [2, 2, 4, 3], [2, 2, 2, 2], false, {}),
    convCase('stride 2, padding 1', [1, 2, 5, 5], [2, 2, 3, 3], false, { stride: 2, padding: 1 }),
    convCase('stride [2,1], padding [1,0], bias', [1, 1, 5, 4], [2, 1, 3, 2], true, { stride: [2, 1], padding: [1, 0] }),
    convCase("padding 'same', odd kernel", [1, 2, 4, 4], [2, 2, 3, 3], true, { padding: 'same' }),
    convCase("padding 'same', even kernel 2×4", [1, 1, 4, 5], [2, 1, 2, 4], false, { padding: 'same' }),
    convCase("padding 'same', even kernel, dilation 2", [1, 1, 5, 5], [1, 1, 2, 2], true, { padding: 'same', dilation: 2 }),
    convCase("padding 'valid'", [1, 2, 4, 5], [2, 2, 3, 2], true, { padding: 'valid' }),
    convCase('dilation 2', [1, 1, 6, 6], [2, 1, 3, 3], false, { dilation: 2 }),
    convCase('dilation [1,2], padding 1', [1, 1, 4, 6], [1, 1, 2, 3], true, { dilation: [1, 2], padding: 1 }),
    convCase('groups 2', [1, 4, 4, 4], [4, 2, 2, 2], true, { groups: 2 }),
    convCase('depthwise (groups = C)', [1, 3, 4, 4], [3, 1, 3, 3], true, { groups: 3, padding: 1 }),
    convCase('depthwise, channel multiplier 2', [1, 2, 4, 4], [4, 1, 2, 2], false, { groups: 2, stride: 2 }),
    convCase("paddingMode 'zeros' explicit", [1, 1, 4, 4], [1, 1, 3, 3], true, { padding: 1, paddingMode: 'zeros' }),
    convCase("paddingMode 'reflect'", [1, 2, 4, 4], [2, 2, 3, 3], true, { padding: 1, paddingMode: 'reflect' }),
    convCase("paddingMode 'replicate', padding [1,2]", [1, 1, 4, 4], [2, 1, 3, 3], true, { padding: [1, 2], paddingMode: 'replicate' }),
    convCase("paddingMode 'circular', stride 2", [1, 1, 4, 5], [1, 1, 3, 3], true, { padding: 1, paddingMode: 'circular', stride: 2 }),
    convCase("'same' + reflect + dilation + groups", [2, 4, 4, 5], [4, 2, 2, 3], true, { padding: 'same', dilation: 2, groups: 2, paddingMode: 'reflect' }),
    convCase("'same' + circular, even kernel", [1, 1, 4, 4], [1, 1, 2, 2], false, { padding: 'same', paddingMode: 'circular' }),
    convCase('unbatched (C,H,W)', [2, 4, 4], [3, 2, 3, 3], true, { padding: 1 }),
    convCase('unbatched, stride 2, replicate', [1, 5, 5], [2, 1, 3, 3], true, { stride: 2, padding: 1, paddingMode: 'replicate' }),
    {
      label: 'only the weight requires grad',
      fn: (x, w) => conv2d(x, w),
      inputs: () => [c([1, 2, 4, 4]), r([1, 2, 3, 3])],
    },
  ),
  conv2dBackwardInput: cases(
    {
      label: 'stride 2, padding 1',
      fn: (g, w) => conv2dBackwardInput(g, w, [1, 2, 5, 5], { stride: 2, padding: 1 }),
      inputs: () => [r(convOutShape([1, 2, 5, 5], [3, 2, 3, 3], { stride: 2, padding: 1 })), r([3, 2, 3, 3])],
    },
    {
      label: "groups 2, 'same', reflect",
      fn: (g, w) => conv2dBackwardInput(g, w, [1, 2, 4, 4], { groups: 2, padding: 'same', paddingMode: 'reflect' }),
      inputs: () => [r([1, 2, 4, 4]), r([2, 1, 3, 3])],
    },
  ),
  conv2dBackwardWeight: cases(
    {
      label: 'stride 2, padding 1',
      fn: (x, g) => conv2dBackwardWeight(x, g, [3, 2, 3, 3], { stride: 2, padding: 1 }),
      inputs: () => [r([1, 2, 5, 5]), r(convOutShape([1, 2, 5, 5], [3, 2, 3, 3], { stride: 2, padding: 1 }))],
    },
    {
      label: 'dilation 2, circular',
      fn: (x, g) => conv2dBackwardWeight(x, g, [1, 1, 2, 2], { dilation: 2, padding: 1, paddingMode: 'circular' }),
      inputs: () => [r([1, 1, 4, 4]), r(convOutShape([1, 1, 4, 4], [1, 1, 2, 2], { dilation: 2, padding: 1, paddingMode: 'circular' }))],
    },
  ),
  convTranspose2d: cases(
    {
      label: 'stride 2, padding 1, outputPadding 1, bias',
      fn: (x, w, b) => convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
      inputs: () => [r([1, 2, 3, 3]), r([2, 3, 3, 3]), r([3])],
    },
    {
      label: 'groups 2, dilation 2, unbatched',
      fn: (x, w) => convTranspose2d(x, w, null, { groups: 2, dilation: 2 }),
      inputs: () => [r([4, 2, 3]), r([4, 1, 2, 2])],
    },
  ),
  pad: cases(
    { label: 'constant 0, last dim', fn: (x) => pad(x, [1, 2]), inputs: () => [r([2, 3])] },
    { label: 'constant 1.5, two dims', fn: (x) => pad(x, [1, 0, 2, 1], 'constant', 1.5), inputs: () => [r([1, 2, 3])] },
    { label: 'constant, negative (crop)', fn: (x) => pad(x, [-1, 1, 0, -1]), inputs: () => [r([3, 4])] },
    { label: 'reflect', fn: (x) => pad(x, [2, 1, 1, 2], 'reflect'), inputs: () => [r([1, 1, 3, 4])] },
    { label: 'replicate', fn: (x) => pad(x, [1, 2, 2, 0], 'replicate'), inputs: () => [r([1, 2, 3])] },
    { label: 'circular', fn: (x) => pad(x, [1, 2, 2, 1], 'circular'), inputs: () => [r([1, 2, 3, 3])] },
    { label: 'reflect, one pair, 2-D input', fn: (x) => pad(x, [2, 2], 'reflect'), inputs: () => [r([2, 4])] },
  ),
  padBackward: cases(
    { label: 'constant', fn: (g) => padBackward(g, [1, 2, 3], [1, 0, 2, 1]), inputs: () => [r([1, 5, 4])] },
    { label: 'reflect', fn: (g) => padBackward(g, [1, 1, 3, 4], [2, 1, 1, 2], 'reflect'), inputs: () => [r([1, 1, 6, 7])] },
    { label: 'replicate', fn: (g) => padBackward(g, [1, 2, 3], [1, 2, 2, 0], 'replicate'), inputs: () => [r([1, 4, 6])] },
    { label: 'circular', fn: (g) => padBackward(g, [1, 1, 3, 3], [1, 2, 2, 1], 'circular'), inputs: () => [r([1, 1, 6, 6])] },
  ),
  // ---------------------------------------------------------------- pooling (no ties in max inputs)
  maxPool2d: cases(
    { label: 'kernel 2, default stride', fn: (x) => maxPool2d(x, 2), inputs: () => [distinct([1, 2, 4, 4])] },
    { label: 'kernel 3, stride 2, padding 1', fn: (x) => maxPool2d(x, 3, { stride: 2, padding: 1 }), inputs: () => [distinct([1, 1, 5, 5])] },
    { label: 'kernel [2,3], stride [1,2], padding [1,1]', fn: (x) => maxPool2d(x, [2, 3], { stride: [1, 2], padding: [1, 1] }), inputs: () => [distinct([1, 1, 4, 5])] },
    { label: 'dilation 2', fn: (x) => maxPool2d(x, 2, { stride: 1, dilation: 2 }), inputs: () => [distinct([1, 1, 5, 5])] },
    { label: 'ceilMode', fn: (x) => maxPool2d(x, 2, { stride: 2, ceilMode: true }), inputs: () => [distinct([1, 1, 5, 5])] },
    { label: 'ceilMode with padding, dilation [1,2]', fn: (x) => maxPool2d(x, 3, { stride: 2, padding: 1, dilation: [1, 2], ceilMode: true }), inputs: () => [distinct([1, 1, 6, 7])] },
    { label: 'overlapping windows, batch 2', fn: (x) => maxPool2d(x, 2, { stride: 1 }), inputs: () => [distinct([2, 1, 3, 3])] },
    { label: 'unbatched (C,H,W)', fn: (x) => maxPool2d(x, 2), inputs: () => [distinct([2, 4, 4])] },
  ),
  avgPool2d: cases(
    { label: 'kernel 2, default stride', fn: (x) => avgPool2d(x, 2), inputs: () => [r([1, 2, 4, 4])] },
    { label: 'kernel 3, stride 2, padding 1, countIncludePad', fn: (x) => avgPool2d(x, 3, { stride: 2, padding: 1 }), inputs: () => [r([1, 1, 5, 5])] },
    { label: 'padding 1, countIncludePad false', fn: (x) => avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }), inputs: () => [r([1, 1, 5, 5])] },
    { label: 'ceilMode, padding, countIncludePad', fn: (x) => avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }), inputs: () => [r([1, 1, 6, 6])] },
    { label: 'ceilMode, countIncludePad false', fn: (x) => avgPool2d(x, 2, { stride: 2, ceilMode: true, countIncludePad: false }), inputs: () => [r([1, 1, 5, 5])] },
    { label: 'divisorOverride 3', fn: (x) => avgPool2d(x, 2, { stride: 1, padding: 1, divisorOverride: 3 }), inputs: () => [r([1, 1, 3, 3])] },
    { label: 'kernel [2,3], stride [1,2], padding [1,1]', fn: (x) => avgPool2d(x, [2, 3], { stride: [1, 2], padding: [1, 1] }), inputs: () => [r([1, 1, 4, 5])] },
    { label: 'unbatched (C,H,W)', fn: (x) => avgPool2d(x, 2), inputs: () => [r([2, 4, 4])] },
  ),
  adaptiveAvgPool2d: cases(
    { label: '5×7 → 3 (overlapping bins)', fn: (x) => adaptiveAvgPool2d(x, 3), inputs: () => [r([1, 1, 5, 7])] },
    { label: '4×6 → [2,4]', fn: (x) => adaptiveAvgPool2d(x, [2, 4]), inputs: () => [r([1, 2, 4, 6])] },
    { label: 'larger than the input: 3×2 → [4,5]', fn: (x) => adaptiveAvgPool2d(x, [4, 5]), inputs: () => [r([1, 1, 3, 2])] },
    { label: 'null keeps a dim: → [2, null]', fn: (x) => adaptiveAvgPool2d(x, [2, null]), inputs: () => [r([1, 1, 5, 3])] },
    { label: 'unbatched (C,H,W) → 1', fn: (x) => adaptiveAvgPool2d(x, 1), inputs: () => [r([2, 3, 3])] },
  ),
  // ---------------------------------------------------------------- in place, on non-leaf tensors (rebased history)
  add_: cases(
    { label: 'non-leaf += tensor', fn: (x, y) => add_(mul(x, 2), y), inputs: () => [r([2, 3]), r([2, 3])] },
    { label: 'non-leaf += broadcast tensor, then used', fn: (x, y) => mul(add_(clone(x), y), x), inputs: () => [r([2, 3]), r([3])] },
    { label: 'non-leaf += number', fn: (x) => add_(mul(x, x), 1), inputs: () => [r([4])] },
    {
      label: 'tensor without grad += tensor that requires grad',
      fn: (y) => add_(tensor(new Float64Array([0.5, -0.25, 1])), y),
      inputs: () => [r([3])],
    },
  ),
  sub_: cases(
    { label: 'non-leaf −= tensor', fn: (x, y) => sub_(square(x), y), inputs: () => [r([2, 3]), r([2, 3])] },
    { label: 'non-leaf −= number', fn: (x) => sub_(clone(x), 0.75), inputs: () => [r([3])] },
  ),
  mul_: cases(
    { label: 'non-leaf ·= tensor', fn: (x, y) => mul_(add(x, 1), y), inputs: () => [r([2, 3]), r([2, 3])] },
    { label: 'non-leaf ·= broadcast tensor, twice', fn: (x, y) => mul_(mul_(clone(x), y), y), inputs: () => [r([2, 3]), r([2, 1])] },
    { label: 'non-leaf ·= number', fn: (x) => mul_(add(x, 0.5), 3), inputs: () => [r([3])] },
  ),
  div_: cases(
    { label: 'non-leaf /= tensor', fn: (x, y) => div_(clone(x), y), inputs: () => [r([2, 3]), nonzero([2, 3])] },
    { label: 'non-leaf /= number', fn: (x) => div_(sub(x, 0.5), 4), inputs: () => [r([3])] },
  ),
  clamp_: cases(
    { label: 'non-leaf, min and max', fn: (x) => clamp_(mul(x, 1), -0.35, 0.45), inputs: () => [distinct([3, 4])] },
    { label: 'non-leaf, min only, then used', fn: (x) => mul(clamp_(clone(x), 0.05), x), inputs: () => [distinct([6])] },
  ),
  fill_: cases(
    { label: 'non-leaf filled (zero gradient to the old value)', fn: (x) => fill_(mul(x, 2), 3), inputs: () => [r([2, 3])] },
    { label: 'filled non-leaf combined with the input', fn: (x) => add(fill_(clone(x), -1), mul(x, x)), inputs: () => [r([4])] },
  ),
  copy_: cases(
    { label: 'non-leaf ← tensor', fn: (x, s) => copy_(mul(x, 2), s), inputs: () => [r([2, 3]), r([2, 3])] },
    { label: 'non-leaf ← broadcast tensor, then used', fn: (x, s) => mul(copy_(clone(x), s), x), inputs: () => [r([2, 3]), r([1, 3])] },
    { label: 'non-leaf ← number', fn: (x) => add(copy_(square(x), 0.5), x), inputs: () => [r([3])] },
  ),
  // ---------------------------------------------------------------- joins
  cat: cases(
    { label: 'dim 0, three inputs', fn: (a, b, c) => cat([a, b, c], 0), inputs: () => [r([1, 3]), r([2, 3]), r([1, 3])] },
    { label: 'last dim, used twice', fn: (a, b) => mul(cat([a, b], -1), cat([b, a], -1)), inputs: () => [r([2, 2]), r([2, 2])] },
  ),
  stack: cases({ label: 'new middle dim', fn: (a, b) => stack([a, b], 1), inputs: () => [r([2, 3]), r([2, 3])] }),
};

/** Exports that are not differentiable ops (or not ops at all): no gradcheck case expected. */
const NOT_DIFFERENTIABLE = new Set([
  // factories make leaves: nothing flows through them
  'zeros',
  'ones',
  'full',
  'zerosLike',
  'onesLike',
  'arange',
  'linspace',
  'eye',
  'rand',
  'randn',
  'randint',
  'randperm',
  'Tensor',
  'Node',
  'tensor',
  'noGrad',
  'enableGrad',
  'isGradEnabled',
  'setGradEnabled',
  'grad',
  'gradcheck',
  'gradgradcheck',
  // anomaly detection (anomaly.ts): modes and an error class, not ops
  'detectAnomaly',
  'setDetectAnomaly',
  'isAnomalyEnabled',
  'AnomalyError',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
]);

/** Tensor methods that are not differentiable ops; the others must map to a registry key. */
const NOT_DIFFERENTIABLE_METHODS = new Set([
  'constructor',
  'dim',
  'numel',
  'size',
  'item',
  'toArray',
  'detach',
  'shareVersionWith',
  'requiresGrad_',
  'retainGrad',
  'registerHook',
  'backward',
  'bumpVersion',
  'toString',
  'argmax',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
]);
/** Tensor methods named differently from the exported op. */
const METHOD_ALIASES: Record<string, string> = { var: 'variance', zero_: 'fill_' };

// ------------------------------------------------------------------ the tests

describe('gradcheck registry', () => {
  it('has a gradcheck case for every differentiable op exported from index.ts', () => {
    const exported = Object.entries(ag)
      .filter(([, v]) => typeof v === 'function')
      .map(([k]) => k);
    const ops = exported.filter((k) => !NOT_DIFFERENTIABLE.has(k)).sort();
    const missing = ops.filter((k) => (REGISTRY[k]?.length ?? 0) === 0);
    expect(missing, `exported ops without a gradcheck case: ${missing.join(', ')}`).toEqual([]);
    const stale = Object.keys(REGISTRY).filter((k) => !ops.includes(k));
    expect(stale, `registry keys that are not exported differentiable ops: ${stale.join(', ')}`).toEqual([]);
    const gone = [...NOT_DIFFERENTIABLE].filter((k) => !exported.includes(k));
    expect(gone, `NOT_DIFFERENTIABLE lists names that are not exported: ${gone.join(', ')}`).toEqual([]);
  });

  it('has a gradcheck case for every differentiable Tensor method', () => {
    const methods = Object.getOwnPropertyNames(Tensor.prototype).filter((k) => {
      const d = Object.getOwnPropertyDescriptor(Tensor.prototype, k);
      return d !== undefined && typeof d.value === 'function';
    });
    const missing = methods
      .filter((m) => !NOT_DIFFERENTIABLE_METHODS.has(m))
      .filter((m) => (REGISTRY[METHOD_ALIASES[m] ?? m]?.length ?? 0) === 0);
    expect(missing, `Tensor methods without a gradcheck case: ${missing.join(', ')}`).toEqual([]);
  });

  it('the comparisons exported as non-differentiable give tensors outside the tape', () => {
    const x = r([3]);
    for (const name of ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const) {
      const out = ag[name](x, 0);
      expect(out.requiresGrad, name).toBe(false);
      expect(out.dtype, name).toBe('bool');
    }
    expect(x.argmax().requiresGrad).toBe(false);
  });

  it('gradcheck itself catches a wrong backward and a non-float64 input', () => {
    const bad = (x: Tensor): Tensor => fromOp('BadExpBackward', nd.exp(x.data), [x], (g) => [g]);
    expect(gradcheck(bad, [r([3])], { raiseException: false })).toBe(false);
    expect(() => gradcheck(bad, [r([3])])).toThrow(/Jacobian mismatch/);
    expect(() => gradcheck((x) => exp(x), [tensor([1, 2], { requiresGrad: true })])).toThrow(/float64/);
    expect(() => gradcheck((x) => exp(x), [c([2])])).toThrow(/no input requires grad/);
    // a first derivative that is right but not differentiable itself fails gradgradcheck
    const flat = (x: Tensor): Tensor => fromOp('FlatSquareBackward', nd.square(x.data), [x], (g) => [mul(g, new Tensor(nd.mul(x.data, 2)))]);
    expect(gradcheck(flat, [r([3])])).toBe(true);
    expect(gradgradcheck(flat, [r([3])], { raiseException: false })).toBe(false);
  });

  for (const [op, list] of Object.entries(REGISTRY)) {
    describe(op, () => {
      it.each(list.map((k) => [k.label, k] as const))('%s', (_label, k) => {
        const inputs = k.inputs();
        expect(gradcheck(k.fn, inputs, k.options)).toBe(true);
        if (k.gradgrad ?? true) expect(gradgradcheck(k.fn, inputs, k.options)).toBe(true);
      });
    });
  }
});
