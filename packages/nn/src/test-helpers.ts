/** Shared by the layer tests (not exported by the package): golden files, seeded inputs, checks. */
import { readFileSync } from 'node:fs';
import { gradcheck, tensor, type Tensor } from '@torchlet/autograd';
import { Generator, uniform } from '@torchlet/ndarray';
import { expect } from 'vitest';
import type { AnyModule } from './module.js';

/** A tensor as golden/FORMAT.md stores it. */
export interface GoldenTensor {
  shape: number[];
  dtype: string;
  data: number[];
}

/** `|a − e| ≤ atol + rtol·|e|`. */
export interface Tol {
  rtol: number;
  atol: number;
}

/** One case of a golden suite (the fields the nn tests read). */
export interface GoldenCase {
  id: string;
  kind: string;
  op: string;
  args: Record<string, unknown>;
  inputs: Record<string, GoldenTensor | null>;
  outputs?: Record<string, GoldenTensor>;
  grad_outputs?: Record<string, GoldenTensor>;
  grads?: Record<string, GoldenTensor>;
  tol?: Tol;
  tol_overrides?: Record<string, Tol>;
  expect_error?: boolean;
  initial_state?: Record<string, GoldenTensor>;
  first_step_grads?: Record<string, GoldenTensor>;
  final_state?: Record<string, GoldenTensor>;
}

/** Reads `golden/<name>.json` from the repository root. */
export function loadGolden(name: string): GoldenCase[] {
  const text = readFileSync(new URL(`../../../golden/${name}.json`, import.meta.url), 'utf8');
  return (JSON.parse(text) as { cases: GoldenCase[] }).cases;
}

/** A golden tensor as a torchlet tensor: float32 (exact bits), or int32 for int64 class indices. */
export function fromGolden(t: GoldenTensor, requiresGrad = false): Tensor {
  if (t.dtype === 'int64') return tensor(Int32Array.from(t.data), { shape: t.shape });
  expect(t.dtype).toBe('float32');
  return tensor(Float32Array.from(t.data), { shape: t.shape, requiresGrad });
}

/** Shape first, then every element within `tol`; the message names the worst element. */
export function expectCloseGolden(what: string, actual: Tensor | null, expected: GoldenTensor, tol: Tol): void {
  expect(actual, `${what}: missing`).not.toBeNull();
  expect(actual!.shape, `${what}: shape`).toEqual(expected.shape);
  const a = actual!.data.denseData();
  let worst = -1;
  let excess = 0;
  for (let i = 0; i < expected.data.length; i++) {
    const e = expected.dtype === 'float32' ? Math.fround(expected.data[i]!) : expected.data[i]!;
    const d = Math.abs(a[i]! - e) - (tol.atol + tol.rtol * Math.abs(e));
    if (!(d <= 0) && (worst < 0 || d > excess || Number.isNaN(d))) {
      worst = i;
      excess = d;
    }
  }
  if (worst >= 0) expect.fail(`${what}: element ${worst} is ${a[worst]}, expected ${expected.data[worst]} (tol ${JSON.stringify(tol)})`);
}

let seed = 1;

/** A fresh float64 tensor with values in [lo, hi) from a seeded generator. */
export function f64(shape: readonly number[], options: { lo?: number; hi?: number; requiresGrad?: boolean } = {}): Tensor {
  const values = uniform(shape, options.lo ?? -1, options.hi ?? 1, { dtype: 'float64', generator: new Generator(seed++ * 104729) });
  return tensor(values, { requiresGrad: options.requiresGrad ?? true });
}

/** Converts `module` to float64 and gradchecks its forward w.r.t. the input and every parameter. */
export function expectModuleGradcheck(module: AnyModule, input: Tensor, options: { atol?: number; rtol?: number } = {}): void {
  module.to('float64');
  const params = module.parameters();
  expect(gradcheck(() => module.forward(input) as Tensor, [input, ...params], options)).toBe(true);
}

/** The values as a flat list. */
export function flat(t: Tensor): number[] {
  return Array.from(t.data.denseData());
}
