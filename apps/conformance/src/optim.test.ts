import { describe, expect, it } from 'vitest';
import { failureLines } from './report.js';
import { runSuites } from './run.js';
import type { GoldenCase, Suite } from './suite.js';

const T = (shape: number[], data: number[], dtype: 'float32' | 'float64' = 'float32') => ({ shape, dtype, data });

function suite(cases: GoldenCase[], name = 'synthetic'): Suite {
  return { suite: name, file: `${name}.json`, dir: '.', optional: false, cases };
}

// plain SGD, lr 0.5: p ← p − 0.5·g
const sgd: GoldenCase = {
  id: 'sgd',
  kind: 'optim',
  op: 'SGD',
  args: { lr: 0.5, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, foreach: null, differentiable: false },
  params: { w: T([2], [1, 2]) },
  steps: [
    { grads: { w: T([2], [1, -1]) }, params: { w: T([2], [0.5, 2.5]) } },
    { grads: { w: T([2], [2, 0]) }, params: { w: T([2], [-0.5, 2.5]) } },
  ],
  tol: { rtol: 0, atol: 0 },
};

const step: GoldenCase = {
  id: 'step',
  kind: 'lr_scheduler',
  op: 'StepLR',
  args: { step_size: 2, gamma: 0.5 },
  optimizer: { op: 'SGD', args: { lr: 1 } },
  epochs: 5,
  lrs: T([5], [1, 1, 0.5, 0.5, 0.25], 'float64'),
  tol: { rtol: 0, atol: 0 },
};

describe('conformance kinds optim and lr_scheduler', () => {
  it('passes correct trajectories and schedules', () => {
    expect(runSuites([suite([sgd, step])]).map((r) => r.status)).toEqual(['passed', 'passed']);
  });

  it('reports a wrong parameter with its step, and honours params.NAME overrides', () => {
    const first = (sgd.steps as unknown[])[0];
    const wrong = { ...sgd, id: 'wrong', steps: [first, { grads: { w: T([2], [2, 0]) }, params: { w: T([2], [-0.5, 2.75]) } }] };
    expect(failureLines(runSuites([suite([wrong])]))).toEqual([
      'FAIL synthetic wrong (SGD) params.w[1]: worst abs err 2.50e-1, rel err 9.09e-2, at flat index 1',
    ]);
    const loose = { ...wrong, id: 'loose', tol_overrides: { 'params.w': { rtol: 0, atol: 0.3 } } };
    expect(runSuites([suite([loose])])[0]!.status).toBe('passed');
  });

  it('reports a wrong schedule', () => {
    const wrong = { ...step, id: 'wrongs', lrs: T([5], [1, 1, 0.5, 0.5, 0.5], 'float64') };
    expect(failureLines(runSuites([suite([wrong])]))[0]).toMatch(/^FAIL synthetic wrongs \(StepLR\) lrs: worst abs err 2\.50e-1/);
  });

  it('passes error cases that throw at construction and fails those that do not', () => {
    const err: GoldenCase = { id: 'err', kind: 'optim', op: 'SGD', args: { lr: 0.1, nesterov: true }, params: { w: T([1], [0]) }, expect_error: true };
    const fine: GoldenCase = { ...err, id: 'fine', args: { lr: 0.1 } };
    expect(runSuites([suite([err, fine])]).map((r) => r.status)).toEqual(['passed', 'failed']);
  });

  it('reports unknown optimizers, schedulers, arguments and non-default switches as unsupported', () => {
    const cases: GoldenCase[] = [
      { ...sgd, id: 'op', op: 'LBFGS' },
      { ...sgd, id: 'arg', args: { lr: 0.1, rho: 0.9 } },
      { ...sgd, id: 'foreach', args: { lr: 0.1, foreach: true } },
      { ...step, id: 'sched', op: 'CyclicLR' },
      { ...step, id: 'sarg', args: { step_size: 2, gamma: 0.5, warmup: 1 } },
    ];
    expect(failureLines(runSuites([suite(cases)]))).toEqual([
      'FAIL synthetic op (LBFGS): unsupported: optimizer LBFGS',
      'FAIL synthetic arg (SGD): unsupported: argument rho of SGD',
      'FAIL synthetic foreach (SGD): unsupported: argument foreach=true of SGD (only its default)',
      'FAIL synthetic sched (CyclicLR): unsupported: scheduler CyclicLR',
      'FAIL synthetic sarg (StepLR): unsupported: argument warmup of StepLR',
    ]);
  });
});
