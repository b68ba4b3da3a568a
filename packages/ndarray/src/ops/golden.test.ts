/**
 * Conformance of the core ops against PyTorch 1.13.1 (golden/elementwise.json and
 * golden/reduce_shape.json, see golden/FORMAT.md): every forward output and every error case,
 * through the public functions and methods. Gradients belong to the autograd package.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { array } from '../create.js';
import type { NDArray } from '../ndarray.js';
import { add, div, exp, log, mul, relu, sigmoid, sub, tanh } from './elementwise.js';
import { mean, sum } from './reduce.js';
import { logSoftmax, softmax } from './softmax.js';

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
  args: {
    dim?: number | number[] | null;
    keepdim?: boolean;
    shape?: number[];
    dims?: number[];
    dim0?: number;
    dim1?: number;
    start_dim?: number;
    end_dim?: number;
  };
  inputs: { input: GoldenTensor; other?: GoldenTensor };
  outputs?: { out: GoldenTensor };
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
  return JSON.parse(readFileSync(new URL(`../../../../golden/${name}.json`, import.meta.url), 'utf8')) as GoldenSuite;
}

function tensor(t: GoldenTensor): NDArray {
  if (t.dtype !== 'float32') throw new Error(`unexpected golden dtype ${t.dtype}`);
  return array(Float32Array.from(t.data, (v) => Math.fround(v)), { shape: t.shape });
}

/** Runs one case through the public API; `name` is the op name our errors start with. */
function run(c: GoldenCase): { name: string; fn: () => NDArray } {
  const x = tensor(c.inputs.input);
  const other = (): NDArray => {
    if (!c.inputs.other) throw new Error(`${c.id}: no 'other' input`);
    return tensor(c.inputs.other);
  };
  const a = c.args;
  switch (c.op) {
    case 'add':
      return { name: 'add', fn: () => add(x, other()) };
    case 'sub':
      return { name: 'sub', fn: () => sub(x, other()) };
    case 'mul':
      return { name: 'mul', fn: () => mul(x, other()) };
    case 'div':
      return { name: 'div', fn: () => div(x, other()) };
    case 'exp':
      return { name: 'exp', fn: () => exp(x) };
    case 'log':
      return { name: 'log', fn: () => log(x) };
    case 'relu':
      return { name: 'relu', fn: () => relu(x) };
    case 'sigmoid':
      return { name: 'sigmoid', fn: () => sigmoid(x) };
    case 'tanh':
      return { name: 'tanh', fn: () => tanh(x) };
    case 'softmax':
      return { name: 'softmax', fn: () => softmax(x, a.dim as number) };
    case 'log_softmax':
      return { name: 'logSoftmax', fn: () => logSoftmax(x, a.dim as number) };
    case 'sum':
      return { name: 'sum', fn: () => sum(x, a.dim, { keepdim: a.keepdim ?? false }) };
    case 'mean':
      return { name: 'mean', fn: () => mean(x, a.dim, { keepdim: a.keepdim ?? false }) };
    case 'reshape':
      return { name: 'reshape', fn: () => x.reshape(a.shape!) };
    case 'permute':
      return { name: 'permute', fn: () => x.permute(a.dims!) };
    case 'transpose':
      return { name: 'transpose', fn: () => x.transpose(a.dim0!, a.dim1!) };
    case 'flatten':
      return { name: 'flatten', fn: () => x.flatten(a.start_dim, a.end_dim) };
    default:
      throw new Error(`${c.id}: unknown op ${c.op}`);
  }
}

function tolFor(c: GoldenCase): Tol {
  const t = c.tol_overrides?.['outputs.out'] ?? c.tol;
  if (!t) throw new Error(`${c.id}: no tolerance`);
  return t;
}

for (const name of ['elementwise', 'reduce_shape']) {
  const suite = load(name);
  describe(`golden ${name}.json (PyTorch 1.13.1)`, () => {
    it('is a format-1 suite of op cases', () => {
      expect(suite.format).toBe(1);
      expect(suite.suite).toBe(name);
      expect(suite.cases.length).toBeGreaterThan(0);
      for (const c of suite.cases) expect(c.kind).toBe('op');
    });

    for (const c of suite.cases) {
      if (c.expect_error) {
        it(`${c.id} throws`, () => {
          const { name: op, fn } = run(c);
          expect(fn).toThrow(new RegExp(`^${op}:`));
        });
        continue;
      }
      it(`${c.id} matches`, () => {
        const expected = c.outputs!.out;
        const { fn } = run(c);
        const out = fn();
        expect(out.shape).toEqual(expected.shape);
        expect(out.dtype).toBe('float32');
        const { rtol, atol } = tolFor(c);
        const got = out.denseData();
        expect(got.length).toBe(expected.data.length);
        const bad: string[] = [];
        expected.data.forEach((decimal, i) => {
          const e = Math.fround(decimal); // the exact float32 PyTorch produced
          const v = got[i]!;
          if (!(Math.abs(v - e) <= atol + rtol * Math.abs(e))) bad.push(`[${i}] got ${v}, expected ${e}`);
        });
        expect(bad).toEqual([]);
      });
    }
  });
}
