import { expect, it } from 'vitest';
import * as nd from '@torchlet/ndarray';
import { conv2d, gradcheck, gradgradcheck, maxPool2d, avgPool2d, softmax, tensor, matmul, corr2d, pad } from './index.js';
const r = (s: number[]) => tensor(nd.randn(s, { dtype: 'float64' }), { requiresGrad: true });
it('quick gradchecks', () => {
  nd.manualSeed(1);
  expect(gradcheck((x, w, b) => conv2d(x!, w!, b!, { padding: 'same', dilation: 2, groups: 2, paddingMode: 'reflect' }), [r([2, 4, 5, 6]), r([4, 2, 2, 3]), r([4])])).toBe(true);
  expect(gradgradcheck((x, w) => conv2d(x!, w!, null, { stride: 2, padding: 1 }), [r([1, 2, 5, 5]), r([2, 2, 3, 3])])).toBe(true);
  expect(gradgradcheck((x) => maxPool2d(x!, 2, { stride: 1 }), [r([1, 2, 4, 4])])).toBe(true);
  expect(gradgradcheck((x) => avgPool2d(x!, 3, { stride: 2, padding: 1, ceilMode: true }), [r([1, 2, 5, 5])])).toBe(true);
  expect(gradgradcheck((x) => softmax(x!, 1), [r([3, 4])])).toBe(true);
  expect(gradgradcheck((a, b) => matmul(a!, b!), [r([2, 3, 4]), r([4])])).toBe(true);
  expect(gradgradcheck((a, b) => corr2d(a!, b!), [r([4, 5]), r([2, 3])])).toBe(true);
  expect(gradgradcheck((a) => pad(a!, [1, 2, 2, 1], 'circular'), [r([1, 2, 3, 3])])).toBe(true);
  expect(gradgradcheck((a) => a!.var(1).add(a!.std(0).sum()).add(a!.logsumexp(1).sum()).add(a!.amax(0).sum()), [r([3, 4])])).toBe(true);
  expect(gradgradcheck((a, b) => a!.div(b!).add(a!.abs().add(0.5).pow(b!)).mul(a!.sigmoid()).sub(a!.tanh()), [r([3, 4]), r([4])])).toBe(true);
});
