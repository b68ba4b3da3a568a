import { tensor, type Tensor } from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import { huberLoss, l1Loss, mseLoss, smoothL1Loss } from './regression-loss.js';
import type { Reduction } from './reduction.js';
import { checkGrads, expectClose, f64, flat, rand } from './test-helpers.js';

const REDUCTIONS: Reduction[] = ['mean', 'sum', 'none'];

/** Hand-written references: the per-element loss of a difference d. */
const elementwise = {
  mse: (d: number) => d * d,
  l1: (d: number) => Math.abs(d),
  smoothL1: (beta: number) => (d: number) => (Math.abs(d) < beta ? (0.5 * d * d) / beta : Math.abs(d) - 0.5 * beta),
  huber: (delta: number) => (d: number) => (Math.abs(d) < delta ? 0.5 * d * d : delta * (Math.abs(d) - 0.5 * delta)),
};

function reference(input: Tensor, target: Tensor, f: (d: number) => number, reduction: Reduction): number[] {
  const t = flat(target);
  const l = flat(input).map((x, i) => f(x - t[i]!));
  const s = l.reduce((a, b) => a + b, 0);
  return reduction === 'none' ? l : [reduction === 'sum' ? s : s / l.length];
}

const x = f64([[0.5, -2, 3], [0.1, 1.2, -0.7]]);
const y = f64([[0, 0.5, 1], [0.3, -1, -0.7]]);

describe('regression losses: values against hand-written references', () => {
  for (const reduction of REDUCTIONS) {
    it(`reduction '${reduction}'`, () => {
      const shape = reduction === 'none' ? [2, 3] : [];
      const cases: [Tensor, (d: number) => number][] = [
        [mseLoss(x, y, { reduction }), elementwise.mse],
        [l1Loss(x, y, { reduction }), elementwise.l1],
        [smoothL1Loss(x, y, { reduction }), elementwise.smoothL1(1)],
        [smoothL1Loss(x, y, { reduction, beta: 0.3 }), elementwise.smoothL1(0.3)],
        [smoothL1Loss(x, y, { reduction, beta: 0 }), elementwise.l1],
        [huberLoss(x, y, { reduction }), elementwise.huber(1)],
        [huberLoss(x, y, { reduction, delta: 2.5 }), elementwise.huber(2.5)],
      ];
      for (const [loss, f] of cases) {
        expect(loss.shape).toEqual(shape);
        expectClose(loss, reference(x, y, f, reduction), 1e-14);
      }
    });
  }

  it("defaults to 'mean'; float32 stays float32", () => {
    expectClose(mseLoss(f64([1, 2, 3]), f64([1, 0, 0])), 13 / 3, 1e-15);
    const l = l1Loss(tensor([1, 2]), tensor([0, 0]));
    expect(l.dtype).toBe('float32');
    expect(l.item()).toBe(1.5);
  });

  it('huber = δ·smoothL1(β = δ)', () => {
    expectClose(huberLoss(x, y, { delta: 0.7, reduction: 'none' }), flat(smoothL1Loss(x, y, { beta: 0.7, reduction: 'none' })).map((v) => 0.7 * v), 1e-15);
  });

  it("'mean' of an empty input is NaN, as in PyTorch", () => {
    expect(Number.isNaN(mseLoss(f64([]), f64([])).item())).toBe(true);
  });
});

describe('regression losses: gradcheck and gradgradcheck for input and target, every reduction', () => {
  for (const reduction of REDUCTIONS) {
    it(`reduction '${reduction}'`, () => {
      checkGrads((a, b) => mseLoss(a, b, { reduction }), [rand([2, 3]), rand([2, 3])]);
      // |d| kept away from 0 and from the β/δ knees (where the second derivative jumps)
      const away = (): [Tensor, Tensor] => [f64([[0.5, -2, 3], [0.1, 1.2, -0.5]], true), f64([[0, 0.5, 1], [0.3, -1, 0.1]], true)];
      checkGrads((a, b) => l1Loss(a, b, { reduction }), away());
      checkGrads((a, b) => smoothL1Loss(a, b, { reduction }), away());
      checkGrads((a, b) => smoothL1Loss(a, b, { reduction, beta: 0.3 }), away());
      checkGrads((a, b) => smoothL1Loss(a, b, { reduction, beta: 0 }), away());
      checkGrads((a, b) => huberLoss(a, b, { reduction }), away());
      checkGrads((a, b) => huberLoss(a, b, { reduction, delta: 0.4 }), away());
    });
  }

  it('the gradient of l1 at input = target is 0', () => {
    const a = f64([1, 2], true);
    l1Loss(a, f64([1, 0])).backward();
    expect(flat(a.grad!)).toEqual([0, 0.5]);
  });
});

describe('regression losses: errors', () => {
  it('shapes must match (naming both), tensors must be float, the reduction must be known', () => {
    expect(() => mseLoss(rand([3]), rand([3, 1]))).toThrow(/mseLoss: target has shape \[3, 1\] but input has shape \[3\] \(they must match\)/);
    expect(() => l1Loss(rand([2]), rand([3]))).toThrow(/l1Loss: target has shape \[3\] but input has shape \[2\]/);
    expect(() => huberLoss(rand([2]), tensor([1, 2], { dtype: 'int32' }))).toThrow(/huberLoss: target must be a float32 or float64 tensor, got int32/);
    // @ts-expect-error: not a reduction
    expect(() => smoothL1Loss(rand([2]), rand([2]), { reduction: 'avg' })).toThrow(/smoothL1Loss: reduction must be 'mean', 'sum' or 'none', got "avg"/);
  });
  it('beta must be ≥ 0 and delta > 0', () => {
    expect(() => smoothL1Loss(rand([2]), rand([2]), { beta: -1 })).toThrow(/smoothL1Loss: beta must be non-negative, got -1/);
    expect(() => huberLoss(rand([2]), rand([2]), { delta: 0 })).toThrow(/huberLoss: delta must be positive, got 0/);
    expect(() => huberLoss(rand([2]), rand([2]), { delta: NaN })).toThrow(/huberLoss: delta must be a finite number, got NaN/);
  });
});
