/**
 * Conformance with PyTorch 1.13.1: every forward/backward case of the reference suites in
 * /work/main/golden (format: golden/FORMAT.md), run through the public autograd API in float32.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  adaptiveAvgPool2d,
  add,
  avgPool2d,
  conv2d,
  corr2d,
  div,
  exp,
  flatten,
  linear,
  log,
  logSoftmax,
  matmul,
  maxPool2d,
  mean,
  mul,
  permute,
  relu,
  reshape,
  sigmoid,
  softmax,
  sub,
  sum,
  tanh,
  tensor,
  transpose,
  type Tensor,
} from './index.js';
import type { AvgPool2dOptions, Conv2dOptions, MaxPool2dOptions, Pool2dSize } from './index.js';

interface GoldenTensor {
  shape: number[];
  dtype: string;
  data: number[];
}
interface Tol {
  rtol: number;
  atol: number;
}
interface GoldenCase {
  id: string;
  kind: string;
  op: string;
  args?: Record<string, unknown>;
  inputs: Record<string, GoldenTensor | null>;
  outputs?: Record<string, GoldenTensor>;
  grad_outputs?: Record<string, GoldenTensor>;
  grads?: Record<string, GoldenTensor>;
  tol?: Tol;
  tol_overrides?: Record<string, Tol>;
  expect_error?: boolean;
  reason?: string;
}
interface GoldenSuite {
  format: number;
  suite: string;
  cases: GoldenCase[];
}

function load(name: string): GoldenSuite {
  return JSON.parse(readFileSync(new URL(`../../../golden/${name}.json`, import.meta.url), 'utf8')) as GoldenSuite;
}

function toTensor(t: GoldenTensor, requiresGrad = false): Tensor {
  expect(t.dtype).toBe('float32');
  return tensor(Float32Array.from(t.data), { shape: t.shape, requiresGrad });
}

/** Shape first, then |a − e| ≤ atol + rtol·|e| element-wise; reports the worst element. */
function expectClose(what: string, actual: Tensor, expected: GoldenTensor, tol: Tol): void {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  const a = actual.data.clone().denseData();
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.data.length; i++) {
    const e = Math.fround(expected.data[i]!);
    const excess = Math.abs(a[i]! - e) - (tol.atol + tol.rtol * Math.abs(e));
    if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    expect.fail(
      `${what}: element ${worst} is ${a[worst]}, expected ${expected.data[worst]} (rtol ${tol.rtol}, atol ${tol.atol})`,
    );
  }
}

type Args = Record<string, unknown>;
type Inputs = Record<string, Tensor | null>;

function pair(v: unknown): number | [number, number] {
  return Array.isArray(v) ? [v[0] as number, v[1] as number] : (v as number);
}

/** Optional pool args that are absent or null stay out of the options object. */
function poolOptions(args: Args): { kernel: Pool2dSize; options: MaxPool2dOptions & AvgPool2dOptions } {
  const options: MaxPool2dOptions & AvgPool2dOptions = {};
  if (args.stride !== undefined && args.stride !== null) options.stride = pair(args.stride);
  if (args.padding !== undefined) options.padding = pair(args.padding);
  if (args.dilation !== undefined) options.dilation = pair(args.dilation);
  if (args.ceil_mode !== undefined) options.ceilMode = args.ceil_mode as boolean;
  if (args.count_include_pad !== undefined) options.countIncludePad = args.count_include_pad as boolean;
  if (args.divisor_override !== undefined) options.divisorOverride = args.divisor_override as number | null;
  return { kernel: pair(args.kernel_size), options };
}

function reduceDims(args: Args): number | number[] | null {
  return args.dim === undefined ? null : (args.dim as number | number[] | null);
}

const in0 = (i: Inputs, name = 'input'): Tensor => {
  const t = i[name];
  if (!t) throw new Error(`missing input ${name}`);
  return t;
};

/** Each golden op through the public API, PyTorch argument names mapped to torchlet's. */
const OPS: Record<string, (i: Inputs, args: Args) => Tensor> = {
  corr2d: (i) => corr2d(in0(i, 'X'), in0(i, 'K')),
  conv2d: (i, args) => {
    const options: Conv2dOptions = {};
    if (args.stride !== undefined) options.stride = pair(args.stride);
    if (args.padding !== undefined) {
      options.padding = typeof args.padding === 'string' ? (args.padding as 'same' | 'valid') : pair(args.padding);
    }
    if (args.dilation !== undefined) options.dilation = pair(args.dilation);
    if (args.groups !== undefined) options.groups = args.groups as number;
    if (args.padding_mode !== undefined) options.paddingMode = args.padding_mode as Conv2dOptions['paddingMode'] & string;
    return conv2d(in0(i), in0(i, 'weight'), i.bias ?? null, options);
  },
  max_pool2d: (i, args) => {
    const { kernel, options } = poolOptions(args);
    return maxPool2d(in0(i), kernel, options);
  },
  avg_pool2d: (i, args) => {
    const { kernel, options } = poolOptions(args);
    return avgPool2d(in0(i), kernel, options);
  },
  adaptive_avg_pool2d: (i, args) => {
    const size = args.output_size;
    return adaptiveAvgPool2d(in0(i), Array.isArray(size) ? [size[0] as number, size[1] as number] : (size as number));
  },
  linear: (i) => linear(in0(i), in0(i, 'weight'), i.bias ?? null),
  matmul: (i) => matmul(in0(i), in0(i, 'other')),
  add: (i) => add(in0(i), in0(i, 'other')),
  sub: (i) => sub(in0(i), in0(i, 'other')),
  mul: (i) => mul(in0(i), in0(i, 'other')),
  div: (i) => div(in0(i), in0(i, 'other')),
  exp: (i) => exp(in0(i)),
  log: (i) => log(in0(i)),
  relu: (i) => relu(in0(i)),
  sigmoid: (i) => sigmoid(in0(i)),
  tanh: (i) => tanh(in0(i)),
  softmax: (i, args) => softmax(in0(i), args.dim as number),
  log_softmax: (i, args) => logSoftmax(in0(i), args.dim as number),
  sum: (i, args) => sum(in0(i), reduceDims(args), { keepdim: (args.keepdim as boolean | undefined) ?? false }),
  mean: (i, args) => mean(in0(i), reduceDims(args), { keepdim: (args.keepdim as boolean | undefined) ?? false }),
  reshape: (i, args) => reshape(in0(i), args.shape as number[]),
  permute: (i, args) => permute(in0(i), args.dims as number[]),
  transpose: (i, args) => transpose(in0(i), args.dim0 as number, args.dim1 as number),
  flatten: (i, args) => flatten(in0(i), (args.start_dim as number | undefined) ?? 0, (args.end_dim as number | undefined) ?? -1),
};

const SUITES = ['corr2d', 'conv2d', 'pool', 'elementwise', 'reduce_shape', 'linear'] as const;

for (const name of SUITES) {
  const suite = load(name);
  describe(`golden ${name}`, () => {
    it('is a format-1 suite of op cases with known ops', () => {
      expect(suite.format).toBe(1);
      expect(suite.suite).toBe(name);
      expect(suite.cases.length).toBeGreaterThan(0);
      for (const c of suite.cases) {
        expect(c.kind, c.id).toBe('op');
        expect(Object.keys(OPS), `${c.id}: unknown op`).toContain(c.op);
      }
    });

    const errors = suite.cases.filter((c) => c.expect_error);
    const cases = suite.cases.filter((c) => !c.expect_error);

    it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
      const wantsGrad = new Set(Object.keys(c.grads ?? {}));
      const inputs: Inputs = {};
      for (const [k, v] of Object.entries(c.inputs)) inputs[k] = v === null ? null : toTensor(v, wantsGrad.has(k));
      const tolFor = (key: string): Tol => c.tol_overrides?.[key] ?? c.tol!;
      const out = OPS[c.op]!(inputs, c.args ?? {});
      expectClose(`${c.id} outputs.out`, out, c.outputs!.out!, tolFor('outputs.out'));
      if (wantsGrad.size === 0) return;
      out.backward(toTensor(c.grad_outputs!.out!));
      for (const [k, expected] of Object.entries(c.grads!)) {
        const g = inputs[k]!.grad;
        expect(g, `${c.id} grads.${k} missing`).not.toBeNull();
        expectClose(`${c.id} grads.${k}`, g!, expected, tolFor(`grads.${k}`));
      }
    });

    if (errors.length > 0) {
      it.each(errors.map((c) => [c.id, c] as const))('%s throws', (_id, c) => {
        const inputs: Inputs = {};
        for (const [k, v] of Object.entries(c.inputs)) inputs[k] = v === null ? null : toTensor(v, true);
        let error: unknown = null;
        try {
          OPS[c.op]!(inputs, c.args ?? {});
        } catch (e) {
          error = e;
        }
        expect(error, `${c.id} should throw: ${c.reason}`).toBeInstanceOf(Error);
        expect((error as Error).message, 'thrown by the library, not by this harness').not.toMatch(/^missing input/);
      });
    }
  });
}
