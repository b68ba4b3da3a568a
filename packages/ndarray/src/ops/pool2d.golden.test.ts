/**
 * Conformance against PyTorch 1.13.1 (golden/pool.json, see golden/FORMAT.md): every forward
 * output, every input gradient (through the backward ops, from `grad_outputs.out`), and every
 * error case.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { array } from '../create.js';
import type { NDArray } from '../ndarray.js';
import {
  adaptiveAvgPool2d,
  adaptiveAvgPool2dBackward,
  avgPool2d,
  avgPool2dBackward,
  maxPool2dBackward,
  maxPool2dWithIndices,
  type AvgPool2dOptions,
  type MaxPool2dOptions,
  type Pool2dSize,
} from './pool2d.js';

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
  op: 'max_pool2d' | 'avg_pool2d' | 'adaptive_avg_pool2d';
  args: {
    kernel_size?: Pool2dSize;
    stride?: Pool2dSize | null;
    padding?: Pool2dSize;
    dilation?: Pool2dSize;
    ceil_mode?: boolean;
    count_include_pad?: boolean;
    divisor_override?: number | null;
    output_size?: number | [number | null, number | null];
  };
  inputs: { input: GoldenTensor };
  outputs?: { out: GoldenTensor };
  grad_outputs?: { out: GoldenTensor };
  grads?: { input?: GoldenTensor };
  tol?: Tol;
  tol_overrides?: Partial<Record<'outputs.out' | 'grads.input', Tol>>;
  expect_error?: boolean;
}

const suite = JSON.parse(readFileSync(new URL('../../../../golden/pool.json', import.meta.url), 'utf8')) as { suite: string; cases: GoldenCase[] };

function tensor(t: GoldenTensor): NDArray<'float32'> {
  if (t.dtype !== 'float32') throw new Error(`unexpected golden dtype ${t.dtype}`);
  return array(Float32Array.from(t.data, (v) => Math.fround(v)), { shape: t.shape });
}

function expectMatch(what: string, actual: NDArray, expected: GoldenTensor, tol: Tol): void {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  const a = actual.denseData();
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < expected.data.length; i++) {
    const e = Math.fround(expected.data[i]!);
    const excess = Math.abs(a[i]! - e) - (tol.atol + tol.rtol * Math.abs(e));
    if (!(excess <= worst)) {
      worst = excess;
      worstAt = i;
    }
  }
  expect(worstAt, `${what}: element ${worstAt} is ${a[worstAt]}, expected ${expected.data[worstAt]} (rtol ${tol.rtol}, atol ${tol.atol})`).toBe(-1);
}

/** Runs the forward op (and, given `gradOut`, its backward) the way the case's args say. */
function run(c: GoldenCase, gradOut?: NDArray): { out: NDArray; gradInput?: NDArray } {
  const input = tensor(c.inputs.input);
  const a = c.args;
  switch (c.op) {
    case 'max_pool2d': {
      const opts: MaxPool2dOptions = { stride: a.stride, padding: a.padding ?? 0, dilation: a.dilation ?? 1, ceilMode: a.ceil_mode ?? false };
      const { out, indices } = maxPool2dWithIndices(input, a.kernel_size!, opts);
      return gradOut ? { out, gradInput: maxPool2dBackward(gradOut, indices, input.shape, a.kernel_size!, opts) } : { out };
    }
    case 'avg_pool2d': {
      const opts: AvgPool2dOptions = {
        stride: a.stride,
        padding: a.padding ?? 0,
        ceilMode: a.ceil_mode ?? false,
        countIncludePad: a.count_include_pad ?? true,
        divisorOverride: a.divisor_override ?? null,
      };
      const out = avgPool2d(input, a.kernel_size!, opts);
      return gradOut ? { out, gradInput: avgPool2dBackward(gradOut, input.shape, a.kernel_size!, opts) } : { out };
    }
    case 'adaptive_avg_pool2d': {
      const out = adaptiveAvgPool2d(input, a.output_size!);
      return gradOut ? { out, gradInput: adaptiveAvgPool2dBackward(gradOut, input.shape) } : { out };
    }
    default:
      throw new Error(`unknown golden op ${String((c as { op: unknown }).op)}`);
  }
}

describe(`golden ${suite.suite}.json (PyTorch 1.13.1)`, () => {
  it('has cases of every op and error cases', () => {
    expect(suite.suite).toBe('pool');
    for (const op of ['max_pool2d', 'avg_pool2d', 'adaptive_avg_pool2d']) expect(suite.cases.some((c) => c.op === op && !c.expect_error)).toBe(true);
    expect(suite.cases.some((c) => c.expect_error)).toBe(true);
  });

  for (const c of suite.cases) {
    if (c.expect_error) {
      it(`${c.id} throws`, () => {
        expect(() => run(c)).toThrow();
      });
      continue;
    }
    it(c.id, () => {
      const tol = c.tol!;
      const gradOut = c.grad_outputs?.out ? tensor(c.grad_outputs.out) : undefined;
      const { out, gradInput } = run(c, gradOut);
      expectMatch('outputs.out', out, c.outputs!.out, c.tol_overrides?.['outputs.out'] ?? tol);
      const expectedGrad = c.grads?.input;
      if (expectedGrad) {
        expect(gradInput, 'grads.input computed').toBeDefined();
        expectMatch('grads.input', gradInput!, expectedGrad, c.tol_overrides?.['grads.input'] ?? tol);
      }
    });
  }
});
