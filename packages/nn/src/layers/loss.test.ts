import { gradcheck, tensor, type Tensor } from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import {
  BCELoss,
  BCEWithLogitsLoss,
  CrossEntropyLoss,
  HuberLoss,
  L1Loss,
  Loss,
  MSELoss,
  NLLLoss,
  SmoothL1Loss,
  type LossReduction,
} from '../index.js';
import { f64, flat } from '../test-helpers.js';

const close = (a: number, e: number, tol = 1e-5): void => expect(Math.abs(a - e), `${a} vs ${e}`).toBeLessThanOrEqual(tol);
const labels = (v: number[]): Tensor => tensor(v, { dtype: 'int32' });

describe('loss modules', () => {
  it('compute PyTorch’s values with each reduction', () => {
    const x = tensor([1, 2]);
    const t = tensor([0, 0]);
    close(new MSELoss().forward(x, t).item(), 2.5);
    close(new MSELoss({ reduction: 'sum' }).forward(x, t).item(), 5);
    expect(flat(new MSELoss({ reduction: 'none' }).forward(x, t))).toEqual([1, 4]);
    close(new L1Loss().forward(tensor([1, -2]), t).item(), 1.5);
    close(new SmoothL1Loss().forward(tensor([0.5, 3]), t).item(), (0.125 + 2.5) / 2);
    close(new SmoothL1Loss({ beta: 0.5 }).forward(tensor([0.25, 3]), t).item(), (0.0625 + 2.75) / 2);
    close(new HuberLoss().forward(tensor([0.5, 3]), t).item(), (0.125 + 2.5) / 2);
    close(new HuberLoss({ delta: 2 }).forward(tensor([0.5, 3]), t).item(), (0.125 + 4) / 2);
    // torch.nn.CrossEntropyLoss()(torch.tensor([[2., 0., 0.]]), torch.tensor([0]))
    close(new CrossEntropyLoss().forward(tensor([[2, 0, 0]]), labels([0])).item(), 0.23954208);
    close(new CrossEntropyLoss({ ignoreIndex: 1 }).forward(tensor([[2, 0, 0], [0, 3, 0]]), labels([0, 1])).item(), 0.23954208);
    close(new CrossEntropyLoss({ weight: tensor([2, 1, 1]), reduction: 'sum' }).forward(tensor([[2, 0, 0]]), labels([0])).item(), 0.47908416);
    close(new CrossEntropyLoss({ labelSmoothing: 0.3 }).forward(tensor([[0, 0]]), labels([0])).item(), Math.log(2));
    close(new NLLLoss().forward(tensor([[-0.5, -1]]), labels([1])).item(), 1);
    close(new NLLLoss({ weight: tensor([1, 3]) }).forward(tensor([[-0.5, -1], [-2, -0.1]]), labels([1, 0])).item(), (3 + 2) / 4);
    close(new BCELoss().forward(tensor([0.5]), tensor([1])).item(), Math.log(2));
    close(new BCELoss({ weight: tensor([2]) }).forward(tensor([0.5]), tensor([0])).item(), 2 * Math.log(2));
    close(new BCEWithLogitsLoss().forward(tensor([0]), tensor([1])).item(), Math.log(2));
    close(new BCEWithLogitsLoss({ posWeight: tensor([3]) }).forward(tensor([0]), tensor([1])).item(), 3 * Math.log(2));
  });

  it('keep class weights as buffers, in the state dict as PyTorch does', () => {
    const ce = new CrossEntropyLoss({ weight: tensor([1, 2]) });
    expect(Object.keys(ce.stateDict())).toEqual(['weight']);
    expect(Object.keys(new BCEWithLogitsLoss({ weight: tensor([1]), posWeight: tensor([2]) }).stateDict())).toEqual(['weight', 'pos_weight']);
    expect(Object.keys(new CrossEntropyLoss().stateDict())).toEqual([]);
    expect(new NLLLoss().weight).toBeNull();
    expect(new BCELoss({ weight: tensor([1]) }).weight!.shape).toEqual([1]);
    expect(new BCEWithLogitsLoss().posWeight).toBeNull();
    expect(new MSELoss()).toBeInstanceOf(Loss);
  });

  it('validate their options eagerly and name themselves in forward errors', () => {
    expect(() => new MSELoss({ reduction: 'avg' as LossReduction })).toThrow("MSELoss: reduction must be 'mean', 'sum' or 'none', got \"avg\"");
    expect(() => new SmoothL1Loss({ beta: -1 })).toThrow(/beta must be non-negative/);
    expect(() => new HuberLoss({ delta: 0 })).toThrow(/delta must be positive/);
    expect(() => new CrossEntropyLoss({ labelSmoothing: 1.5 })).toThrow(/labelSmoothing must be between 0.0 and 1.0/);
    expect(() => new CrossEntropyLoss({ ignoreIndex: 0.5 })).toThrow(/ignoreIndex must be an integer/);
    expect(() => new CrossEntropyLoss({ weight: [1, 2] as unknown as Tensor })).toThrow(/weight must be a Tensor or null/);
    expect(() => new MSELoss(null as never)).toThrow(TypeError);
    expect(() => new MSELoss().forward(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(/^MSELoss\(\): /);
    expect(() => new CrossEntropyLoss().forward(tensor([[1, 2]]), labels([2]))).toThrow(/^CrossEntropyLoss\(\): /);
    expect(() => new NLLLoss().forward(tensor([[1, 2]]), null as never)).toThrow('NLLLoss(): expected the target to be a Tensor, got null');
  });

  it('gradcheck in float64', () => {
    const check = (loss: Loss, x: Tensor, t: Tensor): void => {
      expect(gradcheck((a, b) => loss.forward(a, b), [x, t])).toBe(true);
    };
    check(new MSELoss(), f64([2, 3]), f64([2, 3]));
    check(new L1Loss({ reduction: 'sum' }), f64([4]), f64([4], { requiresGrad: false }));
    check(new SmoothL1Loss({ beta: 0.5 }), f64([5], { lo: -2, hi: 2 }), f64([5], { requiresGrad: false }));
    check(new HuberLoss({ delta: 0.5 }), f64([5], { lo: -2, hi: 2 }), f64([5], { requiresGrad: false }));
    check(new CrossEntropyLoss({ labelSmoothing: 0.1, weight: tensor([1, 2, 0.5], { dtype: 'float64' }) }), f64([3, 3]), labels([0, 2, 1]));
    check(new NLLLoss(), f64([2, 3]), labels([1, 2]));
    check(new BCELoss(), f64([4], { lo: 0.1, hi: 0.9 }), f64([4], { lo: 0, hi: 1, requiresGrad: false }));
    check(new BCEWithLogitsLoss({ posWeight: tensor([2], { dtype: 'float64' }) }), f64([4]), f64([4], { lo: 0, hi: 1, requiresGrad: false }));
  });

  it('print like PyTorch (no extra_repr)', () => {
    expect(new MSELoss().toString()).toBe('MSELoss()');
    expect(new CrossEntropyLoss({ labelSmoothing: 0.1 }).toString()).toBe('CrossEntropyLoss()');
    expect(new BCEWithLogitsLoss().toString()).toBe('BCEWithLogitsLoss()');
  });
});
