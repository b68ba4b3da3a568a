import { gradcheck, tensor, type Tensor } from '@torchlet/autograd';
import { zeros } from '@torchlet/ndarray';
import { describe, expect, it } from 'vitest';
import { clipGradNorm_, clipGradValue_, Linear, Parameter, parametersToVector, utils, vectorToParameters } from './index.js';
import { f64, flat } from './test-helpers.js';

function withGrads(...grads: number[][]): Parameter[] {
  return grads.map((g) => {
    const p = new Parameter(tensor(g.map(() => 0)));
    p.grad = tensor(g);
    return p;
  });
}

describe('clipGradNorm_', () => {
  it('returns the total 2-norm and scales the gradients by maxNorm/(total + 1e-6) when above', () => {
    const ps = withGrads([3, 0], [0, 4]);
    const total = clipGradNorm_(ps, 1);
    expect(total.shape).toEqual([]);
    expect(total.item()).toBe(5);
    const coef = 1 / (5 + 1e-6);
    expect(flat(ps[0]!.grad!)).toEqual([Math.fround(3 * coef), 0]);
    expect(flat(ps[1]!.grad!)).toEqual([0, Math.fround(4 * coef)]);
  });

  it('leaves small gradients alone, supports other norms, a single tensor, and skips missing grads', () => {
    const ps = withGrads([0.3, -0.4]);
    expect(clipGradNorm_(ps, 1).item()).toBeCloseTo(0.5, 6);
    expect(flat(ps[0]!.grad!)).toEqual([0.3, -0.4].map(Math.fround));
    expect(clipGradNorm_(withGrads([1, -3], [2]), 10, { normType: 'inf' }).item()).toBe(3);
    expect(clipGradNorm_(withGrads([1, -3], [2]), 10, { normType: Infinity }).item()).toBe(3);
    expect(clipGradNorm_(withGrads([1, -3], [2]), 10, { normType: 1 }).item()).toBe(6);
    const single = withGrads([6, 8])[0]!;
    expect(clipGradNorm_(single, 5).item()).toBe(10);
    expect(flat(single.grad!)[0]).toBeCloseTo(3, 5);
    const none = new Parameter(tensor([1]));
    expect(clipGradNorm_([none], 1).item()).toBe(0);
    expect(none.grad).toBeNull();
    expect(utils.clipGradNorm_).toBe(clipGradNorm_);
  });

  it('errors on a non-finite norm only when asked, and validates its arguments', () => {
    const ps = withGrads([Infinity, 1]);
    expect(() => clipGradNorm_(ps, 1, { errorIfNonfinite: true })).toThrow(/total norm of order 2 for gradients from `parameters` is non-finite/);
    expect(clipGradNorm_(withGrads([Number.NaN]), 1).item()).toBeNaN();
    expect(() => clipGradNorm_(withGrads([1]), 1, { normType: 0 })).toThrow(/normType must be a positive number/);
    expect(() => clipGradNorm_(5 as unknown as Tensor[], 1)).toThrow(TypeError);
    expect(() => clipGradNorm_([5 as unknown as Tensor], 1)).toThrow(/element 0 is not a Tensor/);
  });
});

describe('clipGradValue_', () => {
  it('clamps every gradient to [−v, v]', () => {
    const ps = withGrads([-3, 0.5, 2]);
    clipGradValue_(ps, 1);
    expect(flat(ps[0]!.grad!)).toEqual([-1, 0.5, 1]);
    expect(() => clipGradValue_(ps, Number.NaN)).toThrow(TypeError);
  });
});

describe('parametersToVector / vectorToParameters', () => {
  it('flatten the parameters in order and write them back', () => {
    const fc = new Linear(3, 2);
    const v = parametersToVector(fc.parameters());
    expect(v.shape).toEqual([8]);
    expect(flat(v)).toEqual([...flat(fc.weight), ...flat(fc.bias!)]);
    const next = tensor([1, 2, 3, 4, 5, 6, 7, 8]);
    const w = fc.weight;
    vectorToParameters(next, fc.parameters());
    expect(fc.weight).toBe(w);
    expect(fc.weight.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(flat(fc.bias!)).toEqual([7, 8]);
    expect(fc.weight.isLeaf).toBe(true);
  });

  it('parametersToVector is differentiable (gradcheck)', () => {
    const a = f64([2, 2]);
    const b = f64([3]);
    expect(gradcheck((x, y) => parametersToVector([x, y]).mul(tensor([1, 2, 3, 4, 5, 6, 7], { dtype: 'float64' })), [a, b])).toBe(true);
    const v = parametersToVector(new Linear(2, 1).parameters());
    expect(v.gradFn?.name).toBe('CatBackward0');
  });

  it('validate their arguments', () => {
    expect(() => parametersToVector([])).toThrow(/at least one parameter/);
    expect(() => parametersToVector([tensor([1]), tensor([1], { dtype: 'float64' })])).toThrow(/one dtype/);
    expect(() => vectorToParameters(tensor(zeros([2, 2])), [tensor([1])])).toThrow(/expected a 1-D vec, got shape \[2, 2\]/);
    expect(() => vectorToParameters(tensor([1, 2]), [tensor([1])])).toThrow('vectorToParameters: vec has 2 elements but the parameters have 1 in all');
    expect(() => vectorToParameters([1] as unknown as Tensor, [])).toThrow(TypeError);
  });
});
