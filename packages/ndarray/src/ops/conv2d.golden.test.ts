/**
 * The PyTorch reference suites for conv2d and corr2d (golden/conv2d.json, golden/corr2d.json; the
 * format is described in golden/FORMAT.md): every forward output, every error case, and every
 * gradient, the gradients computed with the backward ops autograd will call.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NDArray } from '../ndarray.js';
import { formatShape, shapeSize } from '../shape.js';
import { conv2d, conv2dBackwardBias, conv2dBackwardInput, conv2dBackwardWeight, type Conv2dOptions } from './conv2d.js';
import { corr2d, corr2dBackward } from './corr2d.js';

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
  kind?: string;
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
interface GoldenSuite {
  format: number;
  suite: string;
  cases: GoldenCase[];
}

function load(name: string): GoldenSuite {
  const url = new URL(`../../../../golden/${name}.json`, import.meta.url);
  const suite = JSON.parse(readFileSync(url, 'utf8')) as GoldenSuite;
  expect(suite.format).toBe(1);
  expect(suite.suite).toBe(name);
  return suite;
}

/** A float32 tensor from the file: storing into a Float32Array rounds exactly as Math.fround does. */
function tensor(t: GoldenTensor): NDArray<'float32'> {
  if (t.dtype !== 'float32') throw new Error(`unexpected dtype ${t.dtype} in the conv2d/corr2d golden files`);
  if (t.data.length !== shapeSize(t.shape)) throw new Error(`tensor data of length ${t.data.length} does not fill shape ${formatShape(t.shape)}`);
  return new NDArray(Float32Array.from(t.data), 'float32', t.shape);
}

function optional(t: GoldenTensor | null | undefined): NDArray<'float32'> | null {
  return t ? tensor(t) : null;
}

function required(c: GoldenCase, name: string): NDArray<'float32'> {
  const t = c.inputs[name];
  if (!t) throw new Error(`case ${c.id}: input ${name} is missing`);
  return tensor(t);
}

/** PyTorch's argument names to torchlet's options; unknown keys fail loudly rather than being ignored. */
function conv2dOptions(args: Record<string, unknown> = {}): Conv2dOptions {
  const known = new Set(['stride', 'padding', 'dilation', 'groups', 'padding_mode']);
  for (const key of Object.keys(args)) if (!known.has(key)) throw new Error(`unknown conv2d arg ${key}`);
  // the values are passed through unchecked: validating them is the op's job (the error cases rely on it)
  const options: Conv2dOptions = {};
  if (args.stride !== undefined) options.stride = args.stride as Conv2dOptions['stride'] & {};
  if (args.padding !== undefined) options.padding = args.padding as Conv2dOptions['padding'] & {};
  if (args.dilation !== undefined) options.dilation = args.dilation as Conv2dOptions['dilation'] & {};
  if (args.groups !== undefined) options.groups = args.groups as number;
  if (args.padding_mode !== undefined) options.paddingMode = args.padding_mode as Conv2dOptions['paddingMode'] & {};
  return options;
}

function tolFor(c: GoldenCase, key: string): Tol {
  const tol = c.tol_overrides?.[key] ?? c.tol;
  if (!tol) throw new Error(`case ${c.id}: no tolerance for ${key}`);
  return tol;
}

/** Exact shape, then numpy.allclose element-wise: |a − e| ≤ atol + rtol·|e|. */
function expectAllClose(c: GoldenCase, key: string, actual: NDArray, expected: GoldenTensor): void {
  expect(actual.shape, `${c.id} ${key} shape`).toEqual(expected.shape);
  const { rtol, atol } = tolFor(c, key);
  const a = actual.denseData();
  const e = Float32Array.from(expected.data);
  let worst = -Infinity;
  let at = -1;
  for (let i = 0; i < e.length; i++) {
    const excess = Math.abs(a[i]! - e[i]!) - (atol + rtol * Math.abs(e[i]!));
    if (!(excess <= worst)) {
      worst = excess;
      at = i;
    }
  }
  if (e.length > 0 && !(worst <= 0)) {
    expect.fail(`${c.id} ${key}: element ${at} is ${a[at]}, expected ${e[at]} (rtol ${rtol}, atol ${atol})`);
  }
}

/** Runs one case: the forward, and the gradients named in `grads`, as a map `outputs.out` / `grads.NAME` → result. */
function run(c: GoldenCase): Map<string, NDArray> {
  const results = new Map<string, NDArray>();
  const gradOut = c.grad_outputs?.out ? tensor(c.grad_outputs.out) : null;
  const wanted = Object.keys(c.grads ?? {});
  if (c.op === 'conv2d') {
    const input = required(c, 'input');
    const weight = required(c, 'weight');
    const bias = optional(c.inputs.bias);
    const options = conv2dOptions(c.args);
    results.set('outputs.out', conv2d(input, weight, bias, options));
    if (gradOut) {
      for (const name of wanted) {
        if (name === 'input') results.set('grads.input', conv2dBackwardInput(gradOut, weight, input.shape, options));
        else if (name === 'weight') results.set('grads.weight', conv2dBackwardWeight(input, gradOut, weight.shape, options));
        else if (name === 'bias') results.set('grads.bias', conv2dBackwardBias(gradOut));
        else throw new Error(`case ${c.id}: unknown gradient ${name}`);
      }
    }
  } else if (c.op === 'corr2d') {
    if (c.args && Object.keys(c.args).length > 0) throw new Error(`case ${c.id}: corr2d takes no args`);
    const X = required(c, 'X');
    const K = required(c, 'K');
    results.set('outputs.out', corr2d(X, K));
    if (gradOut && wanted.length > 0) {
      const { gradX, gradK } = corr2dBackward(X, K, gradOut);
      for (const name of wanted) {
        if (name === 'X') results.set('grads.X', gradX);
        else if (name === 'K') results.set('grads.K', gradK);
        else throw new Error(`case ${c.id}: unknown gradient ${name}`);
      }
    }
  } else {
    throw new Error(`case ${c.id}: unknown op ${c.op}`);
  }
  return results;
}

for (const name of ['conv2d', 'corr2d']) {
  describe(`golden ${name}`, () => {
    const suite = load(name);

    it('has cases, errors included', () => {
      expect(suite.cases.length).toBeGreaterThan(10);
      expect(suite.cases.some((c) => c.expect_error)).toBe(true);
    });

    for (const c of suite.cases) {
      it(c.id, () => {
        if (c.expect_error) {
          expect(() => run(c)).toThrow(new RegExp(`^${c.op}: `));
          return;
        }
        const results = run(c);
        const outputs = Object.entries(c.outputs ?? {});
        expect(outputs.map(([k]) => k)).toEqual(['out']);
        for (const [key, expected] of outputs) expectAllClose(c, `outputs.${key}`, results.get(`outputs.${key}`)!, expected);
        for (const [key, expected] of Object.entries(c.grads ?? {})) {
          const got = results.get(`grads.${key}`);
          expect(got, `${c.id}: grads.${key} was not computed`).toBeDefined();
          expectAllClose(c, `grads.${key}`, got!, expected);
        }
      });
    }
  });
}
