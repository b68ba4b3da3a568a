/** kind "train": end-to-end training trajectories, run through the public API. */
import { conv2d, noGrad, type Tensor } from '@torchlet/autograd';
import { functional as F } from '@torchlet/nn';
import { lenet5 } from './lenet.js';
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
  /** LeNet-5 with Sequential: load the initial state, then steps of cross-entropy and plain SGD. */
  lenet5_sgd: (c) => {
    const { inputs, outputs, args } = c;
    const initial = c.initial_state as Record<string, GoldenTensor> | undefined;
    const firstGrads = c.first_step_grads as Record<string, GoldenTensor> | undefined;
    const finalState = c.final_state as Record<string, GoldenTensor> | undefined;
    if (!inputs?.X || !inputs.y || !outputs?.losses || !initial || !firstGrads || !finalState) throw new Unsupported('lenet5_sgd layout');
    const known = ['lr', 'steps', 'loss', 'batch_size'];
    const unknown = Object.keys(args ?? {}).filter((k) => !known.includes(k));
    if (unknown.length || args?.loss !== 'cross_entropy') throw new Unsupported(`lenet5_sgd arguments ${JSON.stringify(args)}`);
    const model = lenet5();
    model.loadStateDict(Object.fromEntries(Object.entries(initial).map(([k, t]) => [k, toTensor(t)])));
    const X = toTensor(inputs.X);
    const y = toTensor(inputs.y);
    const lr = Number(args.lr);
    const params = Object.fromEntries(model.namedParameters()) as Record<string, Tensor>;
    const pairs: Produced['pairs'] = [];
    for (let i = 0; i < Number(args.steps); i++) {
      model.zeroGrad();
      const loss = F.crossEntropy(model.forward(X), y);
      loss.backward();
      pairs.push([`losses[${i}]`, loss.detach(), slice(outputs.losses, i)]);
      if (i === 0) for (const [k, t] of Object.entries(firstGrads)) pairs.push([`first_step_grads.${k}`, params[k]!.grad!.clone(), t]);
      noGrad(() => {
        for (const p of Object.values(params)) p.sub_(p.grad!.mul(lr));
      });
    }
    for (const [k, t] of Object.entries(finalState)) pairs.push([`final_state.${k}`, params[k]!.detach(), t]);
    return { pairs };
  },
};
