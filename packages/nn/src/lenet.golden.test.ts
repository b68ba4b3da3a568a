/**
 * LeNet-5 (d2l) written with Sequential reproduces PyTorch's golden training trajectory
 * (golden/train.json, op `lenet5_sgd`): the initial weights are loaded with loadStateDict, then 3
 * steps of cross-entropy + plain SGD (`p −= lr·grad` under noGrad; optim is another package).
 */
import { noGrad, type Tensor } from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import { AvgPool2d, Conv2d, CrossEntropyLoss, Flatten, functional as F, Linear, Sequential, Sigmoid, type StateDict } from './index.js';
import { expectCloseGolden, fromGolden, loadGolden } from './test-helpers.js';

const golden = loadGolden('train').find((c) => c.op === 'lenet5_sgd')!;

function lenet(): Sequential {
  return new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }),
    new Sigmoid(),
    new AvgPool2d(2, { stride: 2 }),
    new Conv2d(6, 16, 5),
    new Sigmoid(),
    new AvgPool2d(2, { stride: 2 }),
    new Flatten(),
    new Linear(16 * 5 * 5, 120),
    new Sigmoid(),
    new Linear(120, 84),
    new Sigmoid(),
    new Linear(84, 10),
  );
}

const initialState = (): StateDict => Object.fromEntries(Object.entries(golden.initial_state!).map(([k, t]) => [k, fromGolden(t)]));

describe('golden train lenet5_sgd through nn.Sequential', () => {
  it('is the LeNet case, and the model has exactly its state_dict keys and shapes', () => {
    expect(golden).toBeDefined();
    expect(golden.args).toMatchObject({ lr: 0.1, steps: 3, loss: 'cross_entropy' });
    const sd = lenet().stateDict();
    expect(Object.keys(sd)).toEqual(Object.keys(golden.initial_state!));
    for (const [k, t] of Object.entries(golden.initial_state!)) expect(sd[k]!.shape, k).toEqual(t.shape);
  });

  it.each([
    ['F.crossEntropy', (out: Tensor, y: Tensor) => F.crossEntropy(out, y)],
    ['CrossEntropyLoss', (out: Tensor, y: Tensor) => new CrossEntropyLoss().forward(out, y)],
  ] as const)('reproduces the 3 SGD steps (%s): losses, first-step gradients, final weights', (_name, lossFn) => {
    const net = lenet();
    expect(net.loadStateDict(initialState())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const X = fromGolden(golden.inputs.X!);
    const y = fromGolden(golden.inputs.y!);
    expect(X.shape).toEqual([8, 1, 28, 28]);
    expect(y.dtype).toBe('int32');
    const lr = golden.args.lr as number;
    const params = net.namedParameters();
    const losses: number[] = [];
    for (let step = 0; step < (golden.args.steps as number); step++) {
      net.zeroGrad();
      const loss = lossFn(net.forward(X), y);
      expect(loss.shape).toEqual([]);
      loss.backward();
      losses.push(loss.item());
      if (step === 0) {
        for (const [key, p] of params) {
          const k = `first_step_grads.${key}`;
          expectCloseGolden(k, p.grad, golden.first_step_grads![key]!, golden.tol_overrides?.[k] ?? golden.tol!);
        }
      }
      noGrad(() => {
        for (const [, p] of params) p.sub_(p.grad!.mul(lr));
      });
    }
    const expectedLosses = golden.outputs!.losses!.data;
    losses.forEach((l, i) => {
      const e = expectedLosses[i]!;
      expect(Math.abs(l - e) <= golden.tol!.atol + golden.tol!.rtol * Math.abs(e), `loss ${i}: ${l} vs ${e}`).toBe(true);
    });
    const final = net.stateDict();
    for (const [key, expected] of Object.entries(golden.final_state!)) {
      const k = `final_state.${key}`;
      expectCloseGolden(k, final[key]!, expected, golden.tol_overrides?.[k] ?? golden.tol!);
    }
    expect(losses[2]!).toBeLessThan(losses[0]!);
  });
});
