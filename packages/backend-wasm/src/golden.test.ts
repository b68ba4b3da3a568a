/**
 * The PyTorch reference suites for conv2d and pooling (golden/conv2d.json, golden/pool.json; the
 * format is in golden/FORMAT.md) with the wasm backend installed: every forward output and every
 * gradient (conv2d through conv2dBackwardInput/Weight/Bias, pooling through the backward ops),
 * within each case's tolerance, for each build. Error cases must still throw (the ops validate
 * before any kernel runs). adaptive_avg_pool2d runs no backend kernel, so its cases are not here.
 */
import { readFileSync } from 'node:fs';
import {
  NDArray,
  avgPool2d,
  avgPool2dBackward,
  conv2d,
  conv2dBackwardBias,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  getBackend,
  maxPool2dBackward,
  maxPool2dWithIndices,
  setBackend,
  type Conv2dOptions,
  type Pool2dSize,
} from '@torchlet/ndarray';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendFor, builds } from './test-helpers.js';

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
  op: string;
  args?: Record<string, unknown>;
  inputs: Record<string, GoldenTensor | null>;
  outputs?: Record<string, GoldenTensor>;
  grad_outputs?: Record<string, GoldenTensor>;
  grads?: Record<string, GoldenTensor>;
  tol?: Tol;
  tol_overrides?: Record<string, Tol>;
  expect_error?: boolean;
}

function load(name: string): GoldenCase[] {
  const suite = JSON.parse(readFileSync(new URL(`../../../golden/${name}.json`, import.meta.url), 'utf8')) as { format: number; suite: string; cases: GoldenCase[] };
  expect(suite.format).toBe(1);
  expect(suite.suite).toBe(name);
  return suite.cases;
}

function tensor(t: GoldenTensor): NDArray<'float32'> {
  if (t.dtype !== 'float32') throw new Error(`unexpected dtype ${t.dtype}`);
  return new NDArray(Float32Array.from(t.data), 'float32', t.shape);
}

function input(c: GoldenCase, name: string): NDArray<'float32'> {
  const t = c.inputs[name];
  if (!t) throw new Error(`case ${c.id}: input ${name} is missing`);
  return tensor(t);
}

/** numpy.allclose element-wise, with the case's tolerance for `key`. */
function expectAllClose(c: GoldenCase, key: string, actual: NDArray | undefined, expected: GoldenTensor): void {
  expect(actual, `${c.id}: ${key} was not computed`).toBeDefined();
  expect(actual!.shape, `${c.id} ${key} shape`).toEqual(expected.shape);
  const tol = c.tol_overrides?.[key] ?? c.tol;
  if (!tol) throw new Error(`case ${c.id}: no tolerance for ${key}`);
  const a = actual!.denseData();
  const e = Float32Array.from(expected.data);
  for (let i = 0; i < e.length; i++) {
    if (!(Math.abs(a[i]! - e[i]!) <= tol.atol + tol.rtol * Math.abs(e[i]!))) {
      expect.fail(`${c.id} ${key}: element ${i} is ${a[i]}, expected ${e[i]} (rtol ${tol.rtol}, atol ${tol.atol})`);
    }
  }
}

function conv2dOptions(args: Record<string, unknown> = {}): Conv2dOptions {
  const options: Conv2dOptions = {};
  if (args.stride !== undefined) options.stride = args.stride as Conv2dOptions['stride'] & {};
  if (args.padding !== undefined) options.padding = args.padding as Conv2dOptions['padding'] & {};
  if (args.dilation !== undefined) options.dilation = args.dilation as Conv2dOptions['dilation'] & {};
  if (args.groups !== undefined) options.groups = args.groups as number;
  if (args.padding_mode !== undefined) options.paddingMode = args.padding_mode as Conv2dOptions['paddingMode'] & {};
  return options;
}

/** The case's forward output and gradients, keyed `outputs.out` / `grads.NAME`. */
function run(c: GoldenCase): Map<string, NDArray> {
  const results = new Map<string, NDArray>();
  const gradOut = c.grad_outputs?.out ? tensor(c.grad_outputs.out) : null;
  const wanted = Object.keys(c.grads ?? {});
  const a = c.args ?? {};
  if (c.op === 'conv2d') {
    const x = input(c, 'input');
    const w = input(c, 'weight');
    const b = c.inputs.bias ? tensor(c.inputs.bias) : null;
    const options = conv2dOptions(a);
    results.set('outputs.out', conv2d(x, w, b, options));
    if (gradOut) {
      for (const name of wanted) {
        if (name === 'input') results.set('grads.input', conv2dBackwardInput(gradOut, w, x.shape, options));
        else if (name === 'weight') results.set('grads.weight', conv2dBackwardWeight(x, gradOut, w.shape, options));
        else if (name === 'bias') results.set('grads.bias', conv2dBackwardBias(gradOut));
        else throw new Error(`case ${c.id}: unknown gradient ${name}`);
      }
    }
  } else if (c.op === 'max_pool2d') {
    const x = input(c, 'input');
    const k = a.kernel_size as Pool2dSize;
    const opts = { stride: (a.stride ?? undefined) as Pool2dSize | undefined, padding: (a.padding ?? 0) as Pool2dSize, dilation: (a.dilation ?? 1) as Pool2dSize, ceilMode: (a.ceil_mode ?? false) as boolean };
    const { out, indices } = maxPool2dWithIndices(x, k, opts);
    results.set('outputs.out', out);
    if (gradOut && wanted.includes('input')) results.set('grads.input', maxPool2dBackward(gradOut, indices, x.shape, k, opts));
  } else if (c.op === 'avg_pool2d') {
    const x = input(c, 'input');
    const k = a.kernel_size as Pool2dSize;
    const opts = {
      stride: (a.stride ?? undefined) as Pool2dSize | undefined,
      padding: (a.padding ?? 0) as Pool2dSize,
      ceilMode: (a.ceil_mode ?? false) as boolean,
      countIncludePad: (a.count_include_pad ?? true) as boolean,
      divisorOverride: (a.divisor_override ?? null) as number | null,
    };
    results.set('outputs.out', avgPool2d(x, k, opts));
    if (gradOut && wanted.includes('input')) results.set('grads.input', avgPool2dBackward(gradOut, x.shape, k, opts));
  } else {
    throw new Error(`case ${c.id}: unknown op ${c.op}`);
  }
  return results;
}

const suites = [
  { name: 'conv2d', cases: load('conv2d') },
  { name: 'pool', cases: load('pool').filter((c) => c.op !== 'adaptive_avg_pool2d') },
];

describe.each(builds)('golden suites with the %s build installed', (build) => {
  let previous: ReturnType<typeof setBackend> | undefined;
  beforeAll(async () => {
    previous = setBackend(await backendFor(build));
  });
  afterAll(() => {
    if (previous) setBackend(previous);
  });

  it('the wasm backend is installed', () => {
    expect(getBackend().name).toBe('wasm');
  });

  for (const { name, cases } of suites) {
    describe(`${name}.json`, () => {
      it('has cases, error cases included', () => {
        expect(cases.length).toBeGreaterThan(10);
        expect(cases.some((c) => c.expect_error)).toBe(true);
      });
      for (const c of cases) {
        it(c.id, () => {
          if (c.expect_error) {
            expect(() => run(c)).toThrow();
            return;
          }
          const results = run(c);
          for (const [key, expected] of Object.entries(c.outputs ?? {})) expectAllClose(c, `outputs.${key}`, results.get(`outputs.${key}`), expected);
          for (const [key, expected] of Object.entries(c.grads ?? {})) expectAllClose(c, `grads.${key}`, results.get(`grads.${key}`), expected);
        });
      }
    });
  }
});
