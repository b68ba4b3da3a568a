import { logSoftmax, noGrad, tensor, type Tensor } from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import { crossEntropy } from './cross-entropy.js';
import { nllLoss } from './nll-loss.js';
import { pickClass, placeClass } from './pick-class.js';
import type { Reduction } from './reduction.js';
import { checkGrads, constant, expectClose, f64, flat, int32, rand } from './test-helpers.js';

const REDUCTIONS: Reduction[] = ['mean', 'sum', 'none'];

// ------------------------------------------------------------------ hand-written references (float64)

/** The C values of each position of an (N, C, d1, …) or (C) tensor, positions in (N, d1, …) row-major order. */
function rows(t: Tensor): number[][] {
  const v = flat(t);
  if (t.ndim === 1) return [v];
  const [N, C] = [t.shape[0]!, t.shape[1]!];
  const D = t.numel() / (N * C);
  const out: number[][] = [];
  for (let n = 0; n < N; n++) for (let d = 0; d < D; d++) out.push(Array.from({ length: C }, (_, c) => v[(n * C + c) * D + d]!));
  return out;
}

function logSoftmaxRow(r: number[]): number[] {
  const m = Math.max(...r);
  const lse = m + Math.log(r.reduce((s, v) => s + Math.exp(v - m), 0));
  return r.map((v) => v - lse);
}

interface RefOptions {
  weight?: number[];
  ignoreIndex?: number;
  eps?: number;
  reduction: Reduction;
}

function reduceRef(l: number[], denom: number, reduction: Reduction): number[] {
  const s = l.reduce((a, b) => a + b, 0);
  return reduction === 'none' ? l : [reduction === 'sum' ? s : s / denom];
}

/** PyTorch 1.13's cross_entropy with class indices, position by position. */
function refCrossEntropy(input: Tensor, target: number[], o: RefOptions): number[] {
  const lp = rows(input).map(logSoftmaxRow);
  const C = lp[0]!.length;
  const w = o.weight ?? new Array<number>(C).fill(1);
  const eps = o.eps ?? 0;
  let denom = 0;
  const l = lp.map((row, i) => {
    const y = target[i]!;
    if (y === (o.ignoreIndex ?? -100)) return 0;
    denom += w[y]!;
    const smooth = -row.reduce((s, v, c) => s + w[c]! * v, 0);
    return (1 - eps) * -w[y]! * row[y]! + (eps / C) * smooth;
  });
  return reduceRef(l, denom, o.reduction);
}

/** PyTorch 1.13's cross_entropy with class probabilities. */
function refCrossEntropyProb(input: Tensor, target: Tensor, o: RefOptions): number[] {
  const lp = rows(input).map(logSoftmaxRow);
  const t = rows(target);
  const C = lp[0]!.length;
  const w = o.weight ?? new Array<number>(C).fill(1);
  const eps = o.eps ?? 0;
  const l = lp.map((row, i) => -row.reduce((s, v, c) => s + w[c]! * ((1 - eps) * t[i]![c]! + eps / C) * v, 0));
  return reduceRef(l, l.length, o.reduction);
}

/** PyTorch's nll_loss. */
function refNll(input: Tensor, target: number[], o: RefOptions): number[] {
  const r = rows(input);
  const w = o.weight ?? new Array<number>(r[0]!.length).fill(1);
  let denom = 0;
  const l = r.map((row, i) => {
    const y = target[i]!;
    if (y === (o.ignoreIndex ?? -100)) return 0;
    denom += w[y]!;
    return -w[y]! * row[y]!;
  });
  return reduceRef(l, denom, o.reduction);
}

// ------------------------------------------------------------------ cross-entropy, class indices

const W = [0.5, 2, 1.25];
const Y = [2, 0, 1, 0];
const Y_IGNORED = [2, -100, 1, -100];

describe('crossEntropy with class indices: every combination of weight, ignoreIndex, label smoothing and reduction', () => {
  for (const reduction of REDUCTIONS) {
    for (const weighted of [false, true]) {
      for (const eps of [0, 0.2]) {
        for (const ignored of [false, true]) {
          const label = `${reduction}, ${weighted ? 'weighted' : 'unweighted'}, ε = ${eps}${ignored ? ', some ignored' : ''}`;
          it(label, () => {
            const target = ignored ? Y_IGNORED : Y;
            const options = { reduction, labelSmoothing: eps, ...(weighted ? { weight: f64(W) } : {}) };
            const x = rand([4, 3], { lo: -2, hi: 2 });
            const loss = crossEntropy(x, int32(target), options);
            expect(loss.shape).toEqual(reduction === 'none' ? [4] : []);
            expectClose(loss, refCrossEntropy(x, target, { reduction, eps, ...(weighted ? { weight: W } : {}) }), 1e-14, 1e-13);
            checkGrads((t) => crossEntropy(t, int32(target), options), [x]);
          });
        }
      }
    }
  }
});

describe('crossEntropy with class indices: shapes and special cases', () => {
  it('(N, C, d1, d2) input with (N, d1, d2) targets, weights, smoothing and an ignored position', () => {
    const x = rand([2, 3, 2, 2], { lo: -2, hi: 2 });
    const target = [[[0, 2], [1, -100]], [[2, 2], [0, 1]]];
    const t = target.flat(2);
    for (const reduction of REDUCTIONS) {
      const options = { reduction, weight: f64(W), labelSmoothing: 0.1 };
      const loss = crossEntropy(x, int32(target), options);
      expect(loss.shape).toEqual(reduction === 'none' ? [2, 2, 2] : []);
      expectClose(loss, refCrossEntropy(x, t, { reduction, weight: W, eps: 0.1 }), 1e-14, 1e-13);
      checkGrads((a) => crossEntropy(a, int32(target), options), [x], reduction === 'mean');
    }
  });

  it('unbatched (C) input with a 0-d target', () => {
    const x = rand([4], { lo: -2, hi: 2 });
    for (const reduction of REDUCTIONS) {
      const loss = crossEntropy(x, int32(2), { reduction, labelSmoothing: 0.3 });
      expect(loss.shape).toEqual([]);
      expectClose(loss, refCrossEntropy(x, [2], { reduction, eps: 0.3 }), 1e-14, 1e-13);
    }
    checkGrads((a) => crossEntropy(a, int32(1), { weight: f64([1, 2, 3, 4]) }), [x]);
  });

  it('the gradient of the plain mean is (softmax − onehot)/N', () => {
    const x = f64([[1, 2, 3], [0, 0, 0]], true);
    crossEntropy(x, int32([2, 1])).backward();
    const e = Math.exp;
    const s = [e(1), e(2), e(3)].map((v) => v / (e(1) + e(2) + e(3)));
    expectClose(x.grad!, [s[0]! / 2, s[1]! / 2, (s[2]! - 1) / 2, 1 / 6, (1 / 3 - 1) / 2, 1 / 6], 1e-15);
  });

  it('an ignoreIndex inside [0, C) ignores that class; all ignored gives NaN for the mean and 0 for the sum', () => {
    const x = rand([3, 3]);
    expectClose(crossEntropy(x, int32([1, 0, 1]), { ignoreIndex: 1 }), refCrossEntropy(x, [1, 0, 1], { ignoreIndex: 1, reduction: 'mean' }), 1e-15);
    expect(Number.isNaN(crossEntropy(x, int32([-100, -100, -100])).item())).toBe(true);
    expect(crossEntropy(x, int32([-100, -100, -100]), { reduction: 'sum' }).item()).toBe(0);
    expect(flat(crossEntropy(x, int32([-100, 2, -100]), { reduction: 'none', labelSmoothing: 0.5 })).map((v, i) => (i === 1 ? 1 : v))).toEqual([0, 1, 0]);
  });

  it('is finite and exact for logits of magnitude 1000', () => {
    const x = f64([[1000, -1000, 0], [-1000, 1000, 999]], true);
    const loss = crossEntropy(x, int32([0, 2]), { reduction: 'none' });
    expectClose(loss, [0, 1 + Math.log1p(Math.exp(-1))], 1e-12);
    loss.sum().backward();
    expect(flat(x.grad!).every(Number.isFinite)).toBe(true);
  });

  it('float32 logits give a float32 loss close to the float64 one', () => {
    const x = rand([5, 4], { lo: -3, hi: 3, requiresGrad: false });
    const x32 = tensor(x.data.astype('float32'));
    const target = int32([0, 3, 1, 1, 2]);
    const a = crossEntropy(x32, target, { weight: tensor([1, 2, 0.5, 1]), labelSmoothing: 0.1 });
    expect(a.dtype).toBe('float32');
    expectClose(a, flat(crossEntropy(x, target, { weight: f64([1, 2, 0.5, 1]), labelSmoothing: 0.1 })), 1e-6, 1e-6);
  });

  it('under noGrad the loss is off the tape', () => {
    expect(noGrad(() => crossEntropy(rand([2, 3]), int32([0, 1]))).requiresGrad).toBe(false);
  });
});

// ------------------------------------------------------------------ cross-entropy, probabilities

/** Rows of random positive numbers normalised to sum to 1 (float64, requires grad). */
function probabilities(shape: number[], classDim = 1): Tensor {
  const r = constant(shape, 0.05, 1);
  return r.div(r.sum(classDim, { keepdim: true })).detach().requiresGrad_();
}

describe('crossEntropy with class probabilities', () => {
  for (const reduction of REDUCTIONS) {
    for (const weighted of [false, true]) {
      for (const eps of [0, 0.25]) {
        it(`${reduction}, ${weighted ? 'weighted' : 'unweighted'}, ε = ${eps}: values, and gradients to input and target`, () => {
          const x = rand([3, 3], { lo: -2, hi: 2 });
          const t = probabilities([3, 3]);
          const options = { reduction, labelSmoothing: eps, ...(weighted ? { weight: f64(W) } : {}) };
          const loss = crossEntropy(x, t, options);
          expect(loss.shape).toEqual(reduction === 'none' ? [3] : []);
          expectClose(loss, refCrossEntropyProb(x, t, { reduction, eps, ...(weighted ? { weight: W } : {}) }), 1e-14, 1e-13);
          checkGrads((a, b) => crossEntropy(a, b, options), [x, t]);
        });
      }
    }
  }

  it('(N, C, d) and unbatched (C) inputs; the mean divides by the number of positions', () => {
    const x = rand([2, 3, 2]);
    const t = probabilities([2, 3, 2]);
    expectClose(crossEntropy(x, t, { weight: f64(W) }), refCrossEntropyProb(x, t, { reduction: 'mean', weight: W }), 1e-14, 1e-13);
    checkGrads((a, b) => crossEntropy(a, b, { reduction: 'none', labelSmoothing: 0.1 }), [x, t], false);
    const x1 = rand([4]);
    const t1 = probabilities([4], 0);
    const l1 = crossEntropy(x1, t1);
    expect(l1.shape).toEqual([]);
    expectClose(l1, refCrossEntropyProb(x1, t1, { reduction: 'mean' }), 1e-14, 1e-13);
  });

  it('a one-hot probability target equals the class-index loss', () => {
    const x = rand([3, 4]);
    const onehot = f64([[0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 1]]);
    for (const reduction of REDUCTIONS) {
      const options = { reduction, labelSmoothing: 0.2, weight: f64([1, 2, 3, 4]) };
      const viaProbs = flat(crossEntropy(x, onehot, options));
      const viaIndices = flat(crossEntropy(x, int32([2, 0, 3]), options));
      // the means differ by design: Σ w[yᵢ] for indices, N for probabilities
      if (reduction === 'mean') expectClose(viaProbs[0]! * 3, viaIndices[0]! * (3 + 1 + 4), 1e-13, 1e-13);
      else expectClose(viaProbs, viaIndices, 1e-14, 1e-13);
    }
  });
});

// ------------------------------------------------------------------ nll

describe('nllLoss', () => {
  for (const reduction of REDUCTIONS) {
    for (const weighted of [false, true]) {
      for (const ignored of [false, true]) {
        it(`${reduction}, ${weighted ? 'weighted' : 'unweighted'}${ignored ? ', some ignored' : ''}`, () => {
          const target = ignored ? Y_IGNORED : Y;
          const options = { reduction, ...(weighted ? { weight: f64(W) } : {}) };
          const x = rand([4, 3], { lo: -3, hi: 0 });
          expectClose(nllLoss(x, int32(target), options), refNll(x, target, { reduction, ...(weighted ? { weight: W } : {}) }), 1e-15);
          checkGrads((a) => nllLoss(a, int32(target), options), [x]);
        });
      }
    }
  }

  it('(N, C, d) and unbatched inputs, a custom ignoreIndex, and crossEntropy = nllLoss ∘ logSoftmax', () => {
    const x = rand([2, 3, 3]);
    const target = [[0, 2, 1], [1, 1, 0]];
    expectClose(nllLoss(x, int32(target), { ignoreIndex: 1, reduction: 'none' }), refNll(x, target.flat(), { ignoreIndex: 1, reduction: 'none' }), 1e-15);
    checkGrads((a) => nllLoss(a, int32(target), { weight: f64(W) }), [x]);
    const u = rand([3]);
    expect(nllLoss(u, int32(1), { reduction: 'none' }).shape).toEqual([]);
    expectClose(nllLoss(u, int32(1)), -flat(u)[1]!, 1e-15);
    const z = rand([4, 3]);
    expectClose(nllLoss(logSoftmax(z, 1), int32(Y_IGNORED), { weight: f64(W) }), flat(crossEntropy(z, int32(Y_IGNORED), { weight: f64(W) })), 1e-15);
  });

  it('the gradient is −w[yᵢ]/Σw at the target classes and 0 elsewhere', () => {
    const x = rand([3, 3]);
    nllLoss(x, int32([2, -100, 0]), { weight: f64(W) }).backward();
    const s = W[2]! + W[0]!;
    expectClose(x.grad!, [0, 0, -W[2]! / s, 0, 0, 0, -W[0]! / s, 0, 0], 1e-15);
  });
});

describe('pickClass / placeClass (the gather primitive and its adjoint)', () => {
  const pick = {
    index: Int32Array.from([1, -1, 0, 2]),
    coef: Float64Array.from([2, 0, -1, 0.5]),
    shape: [2, 2],
    sourceShape: [2, 3, 2],
  };

  it('picks one class per position with its coefficient, and places back (adjoint: ⟨pick x, g⟩ = ⟨x, place g⟩)', () => {
    const x = rand([2, 3, 2], { requiresGrad: false });
    const v = flat(x);
    // position p = (n, d): x[n, c, d] at (n·3 + c)·2 + d
    expectClose(pickClass(x, pick), [2 * v[2]!, 0, -1 * v[6]!, 0.5 * v[11]!], 1e-15);
    const g = rand([2, 2], { requiresGrad: false });
    const lhs = flat(pickClass(x, pick)).reduce((s, a, i) => s + a * flat(g)[i]!, 0);
    const rhs = flat(placeClass(g, pick)).reduce((s, a, i) => s + a * v[i]!, 0);
    expectClose(lhs, rhs, 1e-14);
  });

  it('passes gradcheck and gradgradcheck both ways', () => {
    checkGrads((x) => pickClass(x, pick), [rand([2, 3, 2])]);
    checkGrads((g) => placeClass(g, pick), [rand([2, 2])]);
  });
});

// ------------------------------------------------------------------ errors

describe('crossEntropy and nllLoss errors', () => {
  const x = rand([4, 3]);

  it('a target out of range names the value; negative values other than ignoreIndex too', () => {
    expect(() => crossEntropy(x, int32([0, 5, 1, 1]))).toThrow(
      /crossEntropy: target 5 is out of bounds for 3 classes \(element 1 of the target; valid: 0 ≤ target < 3, or ignoreIndex -100\)/,
    );
    expect(() => crossEntropy(x, int32([0, 3, 1, 1]))).toThrow(/target 3 is out of bounds/);
    expect(() => nllLoss(x, int32([0, 1, -1, 1]))).toThrow(/nllLoss: target -1 is out of bounds for 3 classes \(element 2/);
    expect(() => crossEntropy(x, int32([0, 1, -100, 1]), { ignoreIndex: 0 })).toThrow(/target -100 is out of bounds .* or ignoreIndex 0\)/);
  });

  it('a batch or shape mismatch names both shapes', () => {
    expect(() => crossEntropy(rand([4, 10]), int32([0, 1, 2, 3, 4]))).toThrow(
      /crossEntropy: target has 5 samples but input has 4 \(input shape \[4, 10\], target shape \[5\]\)/,
    );
    expect(() => nllLoss(rand([2, 3, 4]), int32([[0, 1, 2], [0, 1, 2]]))).toThrow(
      /nllLoss: target has shape \[2, 3\] but an input of shape \[2, 3, 4\] needs a target of shape \[2, 4\]/,
    );
    expect(() => crossEntropy(x, int32([[0], [1], [2], [0]]))).toThrow(/target has shape \[4, 1\] but an input of shape \[4, 3\] needs a target of shape \[4\]/);
    expect(() => crossEntropy(rand([3]), int32([1]))).toThrow(/target has shape \[1\] but an input of shape \[3\] needs a target of shape \[\]/);
  });

  it('class indices must be int32; a float target must have the input shape', () => {
    expect(() => crossEntropy(x, tensor([0, 1, 2, 0], { dtype: 'float32' }))).toThrow(
      /crossEntropy: a float target holds class probabilities and must have the input's shape \[4, 3\], got shape \[4\] \(class indices must be int32\)/,
    );
    expect(() => nllLoss(x, tensor([0, 1, 2, 0]))).toThrow(
      /nllLoss: class-index targets must be int32 \(torchlet's dtype for PyTorch's int64 indices\), got a float32 target of shape \[4\]/,
    );
    expect(() => crossEntropy(x, tensor([0, 1, 2, 0], { dtype: 'uint8' }))).toThrow(/crossEntropy: class-index targets must be int32 .* got a uint8 target/);
  });

  it('weights: C elements, no gradient', () => {
    expect(() => crossEntropy(x, int32([0, 1, 2, 0]), { weight: f64([1, 2]) })).toThrow(/crossEntropy: weight must be a 1-D tensor of 3 class weights \(one per class\), got shape \[2\]/);
    expect(() => nllLoss(x, int32([0, 1, 2, 0]), { weight: f64([1, 2, 3], true) })).toThrow(/nllLoss: no gradient flows into the class weights/);
    expect(noGrad(() => nllLoss(x, int32([0, 1, 2, 0]), { weight: f64([1, 2, 3], true) })).item()).toBeTypeOf('number');
  });

  it('label smoothing in [0, 1]; ignoreIndex an integer, and not ≥ 0 with probabilities; a known reduction', () => {
    expect(() => crossEntropy(x, int32([0, 1, 2, 0]), { labelSmoothing: 1.5 })).toThrow(/crossEntropy: labelSmoothing must be in \[0, 1\], got 1.5/);
    expect(() => crossEntropy(x, int32([0, 1, 2, 0]), { labelSmoothing: -0.1 })).toThrow(/got -0.1/);
    expect(() => crossEntropy(x, int32([0, 1, 2, 0]), { ignoreIndex: 0.5 })).toThrow(/crossEntropy: ignoreIndex must be an integer, got 0.5/);
    expect(() => crossEntropy(x, probabilities([4, 3]), { ignoreIndex: 1 })).toThrow(/crossEntropy: ignoreIndex \(1\) is not supported with class-probability targets/);
    // @ts-expect-error: not a reduction
    expect(() => nllLoss(x, int32([0, 1, 2, 0]), { reduction: 'batchmean' })).toThrow(/nllLoss: reduction must be 'mean', 'sum' or 'none', got "batchmean"/);
  });

  it('the input must be a float tensor of at least 1 dim', () => {
    expect(() => crossEntropy(tensor(1, { dtype: 'float64' }), int32(0))).toThrow(/crossEntropy: expected an input of shape \(C\), \(N, C\) or \(N, C, d1, …\), got shape \[\]/);
    expect(() => nllLoss(tensor([[1, 2]], { dtype: 'int32' }), int32([0]))).toThrow(/nllLoss: input must be a float32 or float64 tensor, got int32/);
  });
});
