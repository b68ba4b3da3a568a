import { describe, expect, it } from 'vitest';
import { setBackend, type Backend } from '../backend.js';
import { array, zeros } from '../create.js';
import { jsBackend } from '../kernels/js-backend.js';
import { reluBackward, sigmoidBackward, tanhBackward } from './activation-backward.js';

/** Runs `f` with a backend that records the sigmoidBackward calls (and their n). */
function spying<T>(f: () => T): { result: T; calls: string[] } {
  const calls: string[] = [];
  const spy: Backend = {
    ...jsBackend,
    name: 'spy',
    sigmoidBackward: (grad, output, out, n) => {
      calls.push(`backward ${n}`);
      jsBackend.sigmoidBackward(grad, output, out, n);
    },
  };
  const previous = setBackend(spy);
  try {
    return { result: f(), calls };
  } finally {
    setBackend(previous);
  }
}

describe('sigmoidBackward', () => {
  it('calls the backend kernel: grad · (1 − y) · y', () => {
    const y = array([0.5, 0.25, 1], { dtype: 'float64' });
    const { result, calls } = spying(() => sigmoidBackward(array([1, 2, 3], { dtype: 'float64' }), y));
    expect(calls).toEqual(['backward 3']);
    expect(result.toArray()).toEqual([0.25, 0.375, 0]);
  });

  it('reads strided operands densely, in float32', () => {
    const g = array([[1, 2], [3, 4]]).transpose(0, 1);
    const y = array([[0.5, 0.1], [0.9, 0.3]]);
    const r = sigmoidBackward(g, y);
    const f = Math.fround;
    const ref = (gv: number, yv: number) => f(f(gv * f(1 - f(yv))) * f(yv));
    expect(r.toArray()).toEqual([[ref(1, 0.5), ref(3, 0.1)], [ref(2, 0.9), ref(4, 0.3)]]);
  });

  it('keeps its validation', () => {
    expect(() => sigmoidBackward(zeros([2]), zeros([3]))).toThrow('sigmoidBackward: the gradient has shape [2] but the output has shape [3]');
    expect(() => sigmoidBackward(zeros([2], { dtype: 'int32' }), zeros([2], { dtype: 'int32' }))).toThrow(
      'sigmoidBackward: expected the gradient and the output to have one float dtype, got int32 and int32',
    );
  });
});

describe('tanhBackward and reluBackward', () => {
  it('tanhBackward is grad · (1 − y²), rounded as float32 arithmetic rounds', () => {
    const f = Math.fround;
    const g = array([1, -2, 0.3]);
    const y = array([0.5, -0.9, 0.1]);
    const ref = (gv: number, yv: number) => f(f(gv) * f(1 - f(f(yv) * f(yv))));
    expect(tanhBackward(g, y).toArray()).toEqual([ref(1, 0.5), ref(-2, -0.9), ref(0.3, 0.1)]);
    expect(tanhBackward(array([2], { dtype: 'float64' }), array([0.5], { dtype: 'float64' })).toArray()).toEqual([1.5]);
  });

  it('reluBackward passes grad where the output is above 0 (and where it is NaN, as threshold_backward does)', () => {
    const g = array([1, 2, 3, 4]);
    const y = array([0, 0.5, NaN, -0]);
    expect(reluBackward(g, y).toArray()).toEqual([0, 2, 3, 0]);
    // strided operands are read in logical order
    const gt = array([[1, 2], [3, 4]]).transpose(0, 1);
    expect(reluBackward(gt, array([[1, 0], [1, 1]])).toArray()).toEqual([[1, 0], [2, 4]]);
  });

  it('both validate shapes and dtypes', () => {
    expect(() => tanhBackward(zeros([2]), zeros([2, 1]))).toThrow('tanhBackward: the gradient has shape [2] but the output has shape [2, 1]');
    expect(() => reluBackward(zeros([2]), zeros([2], { dtype: 'float64' }))).toThrow(
      'reluBackward: expected the gradient and the output to have one float dtype, got float32 and float64',
    );
  });
});
