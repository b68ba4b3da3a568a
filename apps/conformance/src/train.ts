/** kind "train": end-to-end training trajectories, run through the public API. */
import { conv2d, noGrad } from '@torchlet/autograd';
import type { Produced } from './run.js';
import type { GoldenCase, GoldenTensor, Suite } from './suite.js';
import { toTensor } from './tensors.js';
import { Unsupported } from './ops.js';

function slice(t: GoldenTensor, i: number): GoldenTensor {
  const per = t.shape.slice(1).reduce((a, b) => a * b, 1);
  return { shape: t.shape.slice(1), dtype: t.dtype, data: t.data.slice(i * per, (i + 1) * per) };
}

export const TRAIN: Record<string, (c: GoldenCase, suite: Suite) => Produced> = {
  /** The textbook: learn the edge kernel with conv2d (no bias) and plain gradient descent. */
  edge_kernel_sgd: (c) => {
    const { inputs, outputs, args } = c;
    if (!inputs?.X || !inputs.Y || !inputs.weight || !outputs?.losses || !outputs.weights) throw new Unsupported('edge_kernel_sgd layout');
    const known = ['kernel_size', 'bias', 'lr', 'iterations'];
    const unknown = Object.keys(args ?? {}).filter((k) => !known.includes(k));
    if (unknown.length || args?.bias !== false) throw new Unsupported(`edge_kernel_sgd arguments ${JSON.stringify(args)}`);
    const X = toTensor(inputs.X);
    const Y = toTensor(inputs.Y);
    const w = toTensor(inputs.weight, true);
    const lr = Number(args.lr);
    const pairs: Produced['pairs'] = [];
    for (let i = 0; i < Number(args.iterations); i++) {
      const loss = conv2d(X, w).sub(Y).pow(2).sum();
      loss.backward();
      noGrad(() => w.sub_(w.grad!.mul(lr)));
      w.grad = null;
      pairs.push([`losses[${i}]`, loss.detach(), slice(outputs.losses, i)]);
      pairs.push([`weights[${i}]`, w.detach().clone(), slice(outputs.weights, i)]);
    }
    return { pairs };
  },
};
