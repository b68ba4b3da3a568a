import { describe, expect, it } from 'vitest';
import { grad, noGrad, tensor } from './index.js';

describe('backward basics', () => {
  it('textbook loop', () => {
    const w = tensor([[1, 2]], { requiresGrad: true });
    const y = w.mul(w).sum();
    y.backward();
    expect(w.grad!.toArray()).toEqual([[2, 4]]);
    noGrad(() => w.sub_(w.grad!.mul(0.5)));
    expect(w.toArray()).toEqual([[0, 0]]);
    expect(y.toString()).toBe('tensor(5., grad_fn=<SumBackward1>)');
  });
  it('higher order', () => {
    const x = tensor([3], { requiresGrad: true, dtype: 'float64' });
    const y = x.pow(3);
    const [dy] = grad(y.sum(), [x], { createGraph: true });
    expect(dy!.item()).toBe(27);
    const [d2y] = grad(dy!.sum(), [x]);
    expect(d2y!.item()).toBe(18);
  });
  it('long chain', () => {
    const x = tensor([1], { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 100000; i++) y = y.mul(1);
    y.sum().backward();
    expect(x.grad!.item()).toBe(1);
  });
});
