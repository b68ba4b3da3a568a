/**
 * The textbook loop with raw tensors (no nn, no optimizer) reproduces PyTorch's trajectory for the
 * golden `train` case `textbook_edge_kernel` (golden/FORMAT.md, kind "train", op edge_kernel_sgd).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { conv2d, noGrad, tensor, type Tensor } from './index.js';

interface GoldenTensor {
  shape: number[];
  dtype: string;
  data: number[];
}
interface TrainCase {
  id: string;
  kind: string;
  op: string;
  args: { lr: number; iterations: number; bias: boolean; kernel_size: number[] };
  inputs: Record<string, GoldenTensor>;
  outputs: { losses: GoldenTensor; weights: GoldenTensor };
  tol: { rtol: number; atol: number };
}

const suite = JSON.parse(readFileSync(new URL('../../../golden/train.json', import.meta.url), 'utf8')) as { cases: TrainCase[] };
const golden = suite.cases.find((c) => c.id === 'textbook_edge_kernel')!;

const f32 = (t: GoldenTensor, requiresGrad = false): Tensor =>
  tensor(Float32Array.from(t.data), { shape: t.shape, requiresGrad });

function close(actual: number, expected: number, { rtol, atol }: { rtol: number; atol: number }): boolean {
  return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
}

describe('golden train textbook_edge_kernel', () => {
  it('is the edge-kernel SGD case', () => {
    expect(golden).toBeDefined();
    expect(golden.kind).toBe('train');
    expect(golden.op).toBe('edge_kernel_sgd');
    expect(golden.args.bias).toBe(false);
  });

  it.each([
    ['w.grad = null', 'null'],
    ['w.grad.zero_()', 'zero'],
  ] as const)('raw-tensor loop (%s) follows the PyTorch trajectory', (_label, reset) => {
    const X = f32(golden.inputs.X!);
    const Y = f32(golden.inputs.Y!);
    const w = f32(golden.inputs.weight!, true);
    expect(X.shape).toEqual([1, 1, 6, 8]);
    expect(Y.shape).toEqual([1, 1, 6, 7]);
    expect(w.shape).toEqual([1, 1, 1, 2]);
    const { lr, iterations } = golden.args;
    const losses: number[] = [];
    const weights: number[][] = [];
    for (let i = 0; i < iterations; i++) {
      const loss = conv2d(X, w).sub(Y).pow(2).sum();
      expect(loss.shape).toEqual([]);
      expect(loss.dtype).toBe('float32');
      loss.backward();
      losses.push(loss.item());
      noGrad(() => w.sub_(w.grad!.mul(lr)));
      if (reset === 'null') w.grad = null;
      else w.grad!.zero_();
      expect(w.isLeaf).toBe(true);
      expect(w.requiresGrad).toBe(true);
      weights.push(Array.from(w.data.denseData()));
    }
    const { tol } = golden;
    const expectedLosses = golden.outputs.losses.data;
    expect(golden.outputs.weights.shape).toEqual([iterations, 1, 1, 1, 2]);
    expect(losses).toHaveLength(expectedLosses.length);
    losses.forEach((l, i) => {
      expect(close(l, expectedLosses[i]!, tol), `loss ${i}: ${l} vs ${expectedLosses[i]}`).toBe(true);
    });
    const expectedWeights = golden.outputs.weights.data;
    weights.forEach((wi, i) => {
      wi.forEach((v, j) => {
        const e = expectedWeights[i * 2 + j]!;
        expect(close(v, e, tol), `weight ${i}[${j}]: ${v} vs ${e}`).toBe(true);
      });
    });
    // the loop converges to the edge detector [[1, -1]]
    expect(losses[iterations - 1]!).toBeLessThan(losses[0]! / 100);
  });
});
