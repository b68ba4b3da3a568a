import { sigmoid, tensor, type Tensor } from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import { binaryCrossEntropy, binaryCrossEntropyWithLogits } from './binary-cross-entropy.js';
import type { Reduction } from './reduction.js';
import { checkGrads, constant, expectClose, f64, flat, rand } from './test-helpers.js';

const REDUCTIONS: Reduction[] = ['mean', 'sum', 'none'];

function reduceRef(l: number[], reduction: Reduction): number[] {
  const s = l.reduce((a, b) => a + b, 0);
  return reduction === 'none' ? l : [reduction === 'sum' ? s : s / l.length];
}

/** Broadcasts a (C) weight over the rows of a flat (N, C) list. */
const rowWise = (w: number[] | undefined, n: number): number[] => Array.from({ length: n }, (_, i) => (w ? w[i % w.length]! : 1));

/** PyTorch's binary_cross_entropy, element by element. */
function refBce(x: number[], t: number[], reduction: Reduction, w?: number[]): number[] {
  const ws = rowWise(w, x.length);
  return reduceRef(x.map((xi, i) => -ws[i]! * (t[i]! * Math.max(Math.log(xi), -100) + (1 - t[i]!) * Math.max(Math.log(1 - xi), -100))), reduction);
}

/** log σ(x), accurate for any x. */
const logSigmoid = (x: number): number => (x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x)));

/** binary_cross_entropy_with_logits: −w·(pw·t·log σ(x) + (1 − t)·log σ(−x)). */
function refBceLogits(x: number[], t: number[], reduction: Reduction, w?: number[], pw?: number[]): number[] {
  const ws = rowWise(w, x.length);
  const ps = rowWise(pw, x.length);
  return reduceRef(x.map((xi, i) => -ws[i]! * (ps[i]! * t[i]! * logSigmoid(xi) + (1 - t[i]!) * logSigmoid(-xi))), reduction);
}

describe('binaryCrossEntropy', () => {
  for (const reduction of REDUCTIONS) {
    for (const weighted of [false, true]) {
      it(`${reduction}${weighted ? ', weighted' : ''}: values, and gradients to input, target and weight`, () => {
        const x = rand([2, 3], { lo: 0.05, hi: 0.95 });
        const t = rand([2, 3], { lo: 0, hi: 1 });
        const w = rand([3], { lo: 0.5, hi: 2 });
        const options = { reduction, ...(weighted ? { weight: w } : {}) };
        const loss = binaryCrossEntropy(x, t, options);
        expect(loss.shape).toEqual(reduction === 'none' ? [2, 3] : []);
        expectClose(loss, refBce(flat(x), flat(t), reduction, weighted ? flat(w) : undefined), 1e-14, 1e-13);
        checkGrads((a, b, c) => binaryCrossEntropy(a, b, { reduction, ...(weighted ? { weight: c } : {}) }), [x, t, ...(weighted ? [w] : [])]);
      });
    }
  }

  it('clamps each log at −100 (x ∈ {0, 1} give finite losses) and uses PyTorch\'s finite gradient there', () => {
    const x = f64([0, 1, 0, 1], true);
    const loss = binaryCrossEntropy(x, f64([1, 0, 0, 1]), { reduction: 'none' });
    expect(flat(loss).map((v) => v + 0)).toEqual([100, 100, 0, 0]);
    loss.sum().backward();
    // (x − t)/max(x(1 − x), 1e-12)
    expect(flat(x.grad!)).toEqual([-1e12, 1e12, 0, 0]);
  });

  it('a weight broadcast along leading dims; float32 stays float32', () => {
    const l = binaryCrossEntropy(tensor([[0.9, 0.2]]), tensor([[1, 0]]), { weight: tensor([2, 1]), reduction: 'sum' });
    expect(l.dtype).toBe('float32');
    expectClose(l, -2 * Math.log(0.9) - Math.log(0.8), 1e-6, 1e-6);
  });

  it('rejects inputs outside [0, 1], mismatched shapes, weights that do not broadcast', () => {
    expect(() => binaryCrossEntropy(f64([0.5, 1.5]), f64([0, 1]))).toThrow(/binaryCrossEntropy: input must hold probabilities in \[0, 1\], got 1.5 at element 1/);
    expect(() => binaryCrossEntropy(f64([NaN]), f64([0]))).toThrow(/got NaN at element 0/);
    expect(() => binaryCrossEntropy(f64([0.5, 0.5]), f64([[0, 1]]))).toThrow(/binaryCrossEntropy: target has shape \[1, 2\] but input has shape \[2\]/);
    expect(() => binaryCrossEntropy(f64([[0.5, 0.5]]), f64([[0, 1]]), { weight: f64([1, 2, 3]) })).toThrow(
      /binaryCrossEntropy: weight of shape \[3\] does not broadcast to the input shape \[1, 2\]/,
    );
    expect(() => binaryCrossEntropy(f64([0.5]), tensor([1], { dtype: 'int32' }))).toThrow(/binaryCrossEntropy: target must be a float32 or float64 tensor/);
  });
});

describe('binaryCrossEntropyWithLogits', () => {
  for (const reduction of REDUCTIONS) {
    for (const [weighted, pos] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      it(`${reduction}${weighted ? ', weight' : ''}${pos ? ', posWeight' : ''}: values, and gradients to every tensor`, () => {
        const x = rand([2, 3], { lo: -4, hi: 4 });
        const t = rand([2, 3], { lo: 0, hi: 1 });
        const w = rand([3], { lo: 0.5, hi: 2 });
        const pw = rand([3], { lo: 0.5, hi: 3 });
        const options = (c?: Tensor, d?: Tensor) => ({ reduction, ...(c ? { weight: c } : {}), ...(d ? { posWeight: d } : {}) });
        const loss = binaryCrossEntropyWithLogits(x, t, options(weighted ? w : undefined, pos ? pw : undefined));
        expect(loss.shape).toEqual(reduction === 'none' ? [2, 3] : []);
        expectClose(loss, refBceLogits(flat(x), flat(t), reduction, weighted ? flat(w) : undefined, pos ? flat(pw) : undefined), 1e-14, 1e-13);
        const inputs = [x, t, ...(weighted ? [w] : []), ...(pos ? [pw] : [])];
        checkGrads((a, b, ...rest) => {
          const c = weighted ? rest[0] : undefined;
          const d = pos ? rest[weighted ? 1 : 0] : undefined;
          return binaryCrossEntropyWithLogits(a, b, options(c, d));
        }, inputs);
      });
    }
  }

  it('is stable and accurate for logits up to ±1000, with the exact gradient σ(x) − t (also at 0)', () => {
    const xs = [-1000, -100, -30, 0, 30, 100, 1000];
    const ts = [1, 0, 1, 1, 0, 1, 0];
    const x = f64(xs, true);
    const loss = binaryCrossEntropyWithLogits(x, f64(ts), { reduction: 'none' });
    expectClose(loss, refBceLogits(xs, ts, 'none'), 0, 1e-15);
    expect(flat(loss)).toEqual([1000, Math.exp(-100), 30 + Math.log1p(Math.exp(-30)), Math.LN2, 30 + Math.log1p(Math.exp(-30)), Math.exp(-100), 1000]);
    loss.sum().backward();
    expectClose(x.grad!, xs.map((v, i) => flat(sigmoid(f64([v])))[0]! - ts[i]!), 1e-15);
    expect(flat(x.grad!)[3]).toBe(-0.5);
  });

  it('equals binaryCrossEntropy of σ(x) for moderate logits', () => {
    const x = constant([3, 4], -3, 3);
    const t = constant([3, 4], 0, 1);
    const w = constant([4], 0.5, 1.5);
    expectClose(binaryCrossEntropyWithLogits(x, t, { weight: w }), flat(binaryCrossEntropy(sigmoid(x), t, { weight: w })), 1e-13, 1e-13);
  });

  it('float32 stays float32', () => {
    const l = binaryCrossEntropyWithLogits(tensor([100, -100, 0]), tensor([1, 0, 1]), { reduction: 'none' });
    expect(l.dtype).toBe('float32');
    expectClose(l, [0, 0, Math.LN2], 1e-7, 1e-7);
  });

  it('rejects mismatched shapes, weights that do not broadcast, a bad reduction', () => {
    expect(() => binaryCrossEntropyWithLogits(rand([4]), rand([5]))).toThrow(/binaryCrossEntropyWithLogits: target has shape \[5\] but input has shape \[4\]/);
    expect(() => binaryCrossEntropyWithLogits(rand([2, 3]), rand([2, 3]), { posWeight: f64([1, 2]) })).toThrow(
      /binaryCrossEntropyWithLogits: posWeight of shape \[2\] does not broadcast to the input shape \[2, 3\]/,
    );
    expect(() => binaryCrossEntropyWithLogits(rand([3]), rand([3]), { weight: f64([[1, 2, 3], [1, 2, 3]]) })).toThrow(/weight of shape \[2, 3\] does not broadcast to the input shape \[3\]/);
    // @ts-expect-error: not a reduction
    expect(() => binaryCrossEntropyWithLogits(rand([3]), rand([3]), { reduction: 'all' })).toThrow(/binaryCrossEntropyWithLogits: reduction must be/);
  });
});
