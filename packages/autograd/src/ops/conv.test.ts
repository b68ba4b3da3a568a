/**
 * conv2d's backward with a bias: when the weight and the bias both need gradients, one backend
 * call computes both (conv2dBackwardWeightAndBias); the results must be those of the separate ops,
 * and the two gradients must stay differentiable (gradgradcheck in gradcheck.registry.test.ts
 * covers the second order).
 */
import * as nd from '@torchlet/ndarray';
import { afterEach, describe, expect, it } from 'vitest';
import { grad } from '../engine.js';
import { tensor, type Tensor } from '../tensor.js';
import { conv2d } from './conv.js';
import { mul } from './elementwise.js';
import { sum } from './reduce.js';

afterEach(() => {
  nd.setBackend(nd.jsBackend);
});

function data(shape: number[], seed: number, dtype: nd.FloatDType): nd.NDArray {
  return nd.randn(shape, { dtype, generator: new nd.Generator(seed) });
}

describe('conv2d with a bias: weight and bias gradients from one backend call', () => {
  const cases: [string, number[], number[], nd.Conv2dOptions][] = [
    ['batched, padded', [3, 2, 9, 11], [4, 2, 3, 3], { padding: 1 }],
    ['unbatched, strided, reflect', [2, 8, 7], [3, 2, 2, 3], { stride: 2, padding: 1, paddingMode: 'reflect' }],
  ];
  for (const dtype of ['float32', 'float64'] as const) {
    it.each(cases)(`${dtype}: the gradients of the separate ops, bit for bit (%s)`, (_name, xs, ws, options) => {
      const x = data(xs, 1, dtype);
      const w = data(ws, 2, dtype);
      const b = data([ws[0]!], 3, dtype);
      const gy = data([...nd.conv2d(x, w, b, options).shape], 4, dtype);
      const loss = (X: Tensor, W: Tensor, B: Tensor) => sum(mul(conv2d(X, W, B, options), tensor(gy)));
      const leaf = (a: nd.NDArray, on: boolean) => tensor(a, { requiresGrad: on });
      // fused: all three need gradients
      const [X, W, B] = [leaf(x, true), leaf(w, true), leaf(b, true)];
      const [gx, gw, gb] = grad(loss(X, W, B), [X, W, B]);
      // separate: the weight alone, the bias alone
      const W1 = leaf(w, true);
      const [gw1] = grad(loss(leaf(x, false), W1, leaf(b, false)), [W1]);
      const B1 = leaf(b, true);
      const [gb1] = grad(loss(leaf(x, false), leaf(w, false), B1), [B1]);
      expect(gw!.data.toArray()).toEqual(gw1!.data.toArray());
      expect(gb!.data.toArray()).toEqual(gb1!.data.toArray());
      expect(gx!.shape).toEqual(xs);
    });
  }

  it('asks the backend once, for both', () => {
    const calls: boolean[] = [];
    nd.setBackend({
      ...nd.jsBackend,
      conv2dBackwardWeight(g, input, gradOut, gradWeight, gradBias) {
        calls.push(gradBias !== null && gradBias !== undefined);
        nd.jsBackend.conv2dBackwardWeight(g, input, gradOut, gradWeight, gradBias);
      },
    });
    const X = tensor(data([2, 3, 6, 6], 5, 'float32'));
    const W = tensor(data([4, 3, 3, 3], 6, 'float32'), { requiresGrad: true });
    const B = tensor(data([4], 7, 'float32'), { requiresGrad: true });
    sum(conv2d(X, W, B)).backward();
    expect(calls).toEqual([true]);
    expect(B.grad!.shape).toEqual([4]);
    expect(W.grad!.shape).toEqual([4, 3, 3, 3]);
  });
});
