/**
 * Conformance with PyTorch 1.13.1: every case of golden/batch_norm.json and golden/loss.json
 * (format: golden/FORMAT.md) through `F`, in float32 — forward outputs, updated running
 * statistics, and gradients of L = Σ out·grad_outputs.out; error cases must throw.
 */
import { readFileSync } from 'node:fs';
import { tensor, type Tensor } from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import { batchNorm, binaryCrossEntropyWithLogits, crossEntropy, mseLoss, nllLoss, type Reduction } from './index.js';

interface GoldenTensor {
  shape: number[];
  dtype: string;
  data: number[];
}
interface Tol {
  rtol: number;
  atol: number;
}
interface GoldenCase {
  id: string;
  kind: string;
  op: string;
  args: Record<string, unknown>;
  inputs: Record<string, GoldenTensor | null>;
  outputs?: Record<string, GoldenTensor>;
  grad_outputs?: Record<string, GoldenTensor>;
  grads?: Record<string, GoldenTensor>;
  tol?: Tol;
  tol_overrides?: Record<string, Tol>;
  expect_error?: boolean;
  reason?: string;
}
interface GoldenSuite {
  format: number;
  suite: string;
  cases: GoldenCase[];
}

function load(name: string): GoldenSuite {
  return JSON.parse(readFileSync(new URL(`../../../../golden/${name}.json`, import.meta.url), 'utf8')) as GoldenSuite;
}

/** float32 tensors (requiring grad when asked); int64 class indices become int32. */
function toTensor(t: GoldenTensor, requiresGrad = false): Tensor {
  if (t.dtype === 'int64') return tensor(Int32Array.from(t.data), { shape: t.shape });
  expect(t.dtype).toBe('float32');
  return tensor(Float32Array.from(t.data), { shape: t.shape, requiresGrad });
}

/** Shape first, then |a − e| ≤ atol + rtol·|e| element-wise; reports the worst element. */
function expectClose(what: string, actual: Tensor, expected: GoldenTensor, tol: Tol): void {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  const a = actual.data.denseData();
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.data.length; i++) {
    const e = Math.fround(expected.data[i]!);
    const excess = Math.abs(a[i]! - e) - (tol.atol + tol.rtol * Math.abs(e));
    if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) expect.fail(`${what}: element ${worst} is ${a[worst]}, expected ${expected.data[worst]} (rtol ${tol.rtol}, atol ${tol.atol})`);
}

type Inputs = Record<string, Tensor | null>;

function need(i: Inputs, name: string): Tensor {
  const t = i[name];
  if (!t) throw new Error(`harness: missing input ${name}`);
  return t;
}

const reduction = (args: Record<string, unknown>): Reduction => args.reduction as Reduction;

/** Each golden op through F, PyTorch's argument names mapped to torchlet's. */
const OPS: Record<string, (i: Inputs, args: Record<string, unknown>) => Tensor> = {
  batch_norm2d: (i, a) =>
    batchNorm(need(i, 'input'), i.running_mean ?? null, i.running_var ?? null, i.weight ?? null, i.bias ?? null, {
      training: a.training as boolean,
      momentum: a.momentum as number,
      eps: a.eps as number,
    }),
  mse_loss: (i, a) => mseLoss(need(i, 'input'), need(i, 'target'), { reduction: reduction(a) }),
  cross_entropy: (i, a) =>
    crossEntropy(need(i, 'input'), need(i, 'target'), {
      weight: i.weight ?? null,
      ignoreIndex: a.ignore_index as number,
      labelSmoothing: a.label_smoothing as number,
      reduction: reduction(a),
    }),
  nll_loss: (i, a) => nllLoss(need(i, 'input'), need(i, 'target'), { weight: i.weight ?? null, ignoreIndex: a.ignore_index as number, reduction: reduction(a) }),
  binary_cross_entropy_with_logits: (i, a) =>
    binaryCrossEntropyWithLogits(need(i, 'input'), need(i, 'target'), { weight: i.weight ?? null, posWeight: i.pos_weight ?? null, reduction: reduction(a) }),
};

/** The args each op understands (an unknown arg fails the case rather than being ignored). */
const ARGS: Record<string, string[]> = {
  batch_norm2d: ['training', 'momentum', 'eps'],
  mse_loss: ['reduction'],
  cross_entropy: ['reduction', 'label_smoothing', 'ignore_index'],
  nll_loss: ['reduction', 'ignore_index'],
  binary_cross_entropy_with_logits: ['reduction'],
};

for (const name of ['batch_norm', 'loss'] as const) {
  const suite = load(name);
  describe(`golden ${name}`, () => {
    it('is a format-1 suite of op cases with known ops and args', () => {
      expect(suite.format).toBe(1);
      expect(suite.suite).toBe(name);
      expect(suite.cases.length).toBeGreaterThan(0);
      for (const c of suite.cases) {
        expect(c.kind, c.id).toBe('op');
        expect(Object.keys(OPS), `${c.id}: unknown op`).toContain(c.op);
        for (const k of Object.keys(c.args)) expect(ARGS[c.op], `${c.id}: unknown arg ${k}`).toContain(k);
      }
    });

    const cases = suite.cases.filter((c) => !c.expect_error);
    const errors = suite.cases.filter((c) => c.expect_error);

    it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
      const wantsGrad = new Set(Object.keys(c.grads ?? {}));
      const inputs: Inputs = {};
      for (const [k, v] of Object.entries(c.inputs)) inputs[k] = v === null ? null : toTensor(v, wantsGrad.has(k));
      const tolFor = (key: string): Tol => c.tol_overrides?.[key] ?? c.tol!;
      const out = OPS[c.op]!(inputs, c.args);
      expectClose(`${c.id} outputs.out`, out, c.outputs!.out!, tolFor('outputs.out'));
      // the updated running statistics (batch_norm2d in training with running stats)
      for (const buffer of ['running_mean', 'running_var']) {
        const expected = c.outputs![buffer];
        if (expected) expectClose(`${c.id} outputs.${buffer}`, need(inputs, buffer), expected, tolFor(`outputs.${buffer}`));
      }
      if (wantsGrad.size === 0) return;
      out.backward(toTensor(c.grad_outputs!.out!));
      for (const [k, expected] of Object.entries(c.grads!)) {
        const g = need(inputs, k).grad;
        expect(g, `${c.id} grads.${k} missing`).not.toBeNull();
        expectClose(`${c.id} grads.${k}`, g!, expected, tolFor(`grads.${k}`));
      }
    });

    it.each(errors.map((c) => [c.id, c] as const))('%s throws', (_id, c) => {
      const inputs: Inputs = {};
      for (const [k, v] of Object.entries(c.inputs)) inputs[k] = v === null ? null : toTensor(v);
      let error: unknown = null;
      try {
        OPS[c.op]!(inputs, c.args);
      } catch (e) {
        error = e;
      }
      expect(error, `${c.id} should throw: ${c.reason}`).toBeInstanceOf(Error);
      expect((error as Error).message, 'thrown by the library, naming the function').toMatch(/^(batchNorm|crossEntropy|nllLoss|mseLoss|binaryCrossEntropyWithLogits): /);
    });
  });
}
