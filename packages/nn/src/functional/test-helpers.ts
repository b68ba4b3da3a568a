/** Shared by the functional tests (not exported by the package): seeded inputs and checks. */
import { gradcheck, gradgradcheck, tensor, type GradcheckOptions, type Tensor } from '@torchlet/autograd';
import { Generator, uniform } from '@torchlet/ndarray';
import { expect } from 'vitest';

let seed = 1;

/** A fresh float64 leaf with values in [lo, hi) from a seeded generator (requires grad by default). */
export function rand(shape: readonly number[], options: { lo?: number; hi?: number; requiresGrad?: boolean } = {}): Tensor {
  const values = uniform(shape, options.lo ?? -1, options.hi ?? 1, { dtype: 'float64', generator: new Generator(seed++ * 7919) });
  return tensor(values, { requiresGrad: options.requiresGrad ?? true });
}

/** A float64 constant (no gradient). */
export function constant(shape: readonly number[], lo = -1, hi = 1): Tensor {
  return rand(shape, { lo, hi, requiresGrad: false });
}

/** A float64 tensor of the given values (requires grad unless told otherwise). */
export function f64(values: number[] | number[][], requiresGrad = false): Tensor {
  return tensor(values, { dtype: 'float64', requiresGrad });
}

/** An int32 tensor of class indices. */
export function int32(values: number | number[] | number[][] | number[][][]): Tensor {
  return tensor(values, { dtype: 'int32' });
}

/** gradcheck, then gradgradcheck unless `gradgrad` is false. */
export function checkGrads(fn: (...t: Tensor[]) => Tensor, inputs: Tensor[], gradgrad = true, options: GradcheckOptions = {}): void {
  expect(gradcheck(fn, inputs, options)).toBe(true);
  if (gradgrad) expect(gradgradcheck(fn, inputs, options)).toBe(true);
}

/** The values of a tensor as a flat list. */
export function flat(t: Tensor): number[] {
  return Array.from(t.data.denseData());
}

/** Element-wise |a − e| ≤ atol + rtol·|e|, with a message naming the first bad element. */
export function expectClose(actual: Tensor | number[] | number, expected: number[] | number, atol = 1e-12, rtol = 1e-12): void {
  const a = typeof actual === 'number' ? [actual] : Array.isArray(actual) ? actual : flat(actual);
  const e = typeof expected === 'number' ? [expected] : expected;
  expect(a.length, 'number of elements').toBe(e.length);
  for (let i = 0; i < e.length; i++) {
    const ok = Math.abs(a[i]! - e[i]!) <= atol + rtol * Math.abs(e[i]!) || (Number.isNaN(a[i]) && Number.isNaN(e[i]));
    if (!ok) expect.fail(`element ${i}: got ${a[i]}, expected ${e[i]}`);
  }
}
