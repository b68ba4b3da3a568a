import { describe, expect, it } from 'vitest';
import { failureLines, totalLine } from './report.js';
import { runSuites } from './run.js';
import type { GoldenCase, Suite } from './suite.js';

const T = (shape: number[], data: number[]) => ({ shape, dtype: 'float32' as const, data });

function suite(cases: GoldenCase[], name = 'synthetic', optional = false): Suite {
  return { suite: name, file: `${name}.json`, dir: '.', optional, cases };
}

const textbook: GoldenCase = {
  id: 'textbook',
  kind: 'op',
  op: 'corr2d',
  inputs: { X: T([3, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8]), K: T([2, 2], [0, 1, 2, 3]) },
  outputs: { out: T([2, 2], [19, 25, 37, 43]) },
  grad_outputs: { out: T([2, 2], [1, 1, 1, 1]) },
  grads: { K: T([2, 2], [8, 12, 20, 24]) },
  tol: { rtol: 0, atol: 0 },
};

describe('conformance runner', () => {
  it('passes a correct case, forward and gradient', () => {
    const results = runSuites([suite([textbook])]);
    expect(results.map((r) => r.status)).toEqual(['passed']);
    expect(totalLine(results)).toBe('1 passed, 0 failed');
  });

  it('reports a deliberately wrong result with the tensor, errors and index', () => {
    const wrong = { ...textbook, id: 'wrong', outputs: { out: T([2, 2], [19, 25, 37, 44]) } };
    const results = runSuites([suite([wrong])]);
    expect(results[0]!.status).toBe('failed');
    expect(failureLines(results)).toEqual(['FAIL synthetic wrong (corr2d) outputs.out: worst abs err 1.00e+0, rel err 2.27e-2, at flat index 3']);
  });

  it('reports a wrong gradient', () => {
    const wrong = { ...textbook, id: 'wronggrad', grads: { K: T([2, 2], [8, 12, 20, 25]) } };
    expect(failureLines(runSuites([suite([wrong])]))[0]).toMatch(/^FAIL synthetic wronggrad \(corr2d\) grads\.K: worst abs err 1\.00e\+0/);
  });

  it('honours tol_overrides', () => {
    const close = { ...textbook, id: 'close', grads: { K: T([2, 2], [8, 12, 20, 24.5]) }, tol_overrides: { 'grads.K': { rtol: 0, atol: 0.5 } } };
    expect(runSuites([suite([close])])[0]!.status).toBe('passed');
  });

  it('reports a wrong shape', () => {
    const shape = { ...textbook, id: 'shape', outputs: { out: T([4], [19, 25, 37, 43]) } };
    expect(failureLines(runSuites([suite([shape])]))).toEqual(['FAIL synthetic shape (corr2d) outputs.out: shape [2, 2] ≠ expected [4]']);
  });

  it('fails an expect_error case that does not throw', () => {
    const missing: GoldenCase = { id: 'noerr', kind: 'op', op: 'corr2d', inputs: textbook.inputs!, expect_error: true, reason: 'made up' };
    const results = runSuites([suite([missing])]);
    expect(results[0]!.status).toBe('failed');
    expect(failureLines(results)).toEqual(['FAIL synthetic noerr (corr2d): expected an error (made up), but none was thrown']);
  });

  it('passes an expect_error case that throws', () => {
    const big: GoldenCase = { id: 'err', kind: 'op', op: 'corr2d', inputs: { X: T([1, 1], [1]), K: T([2, 2], [1, 2, 3, 4]) }, expect_error: true };
    expect(runSuites([suite([big])])[0]!.status).toBe('passed');
  });

  it('fails an unknown op, kind or argument as unsupported', () => {
    const cases: GoldenCase[] = [
      { ...textbook, id: 'op', op: 'frobnicate' },
      { ...textbook, id: 'kind', kind: 'quantum' },
      { ...textbook, id: 'arg', args: { flip: true } },
    ];
    const results = runSuites([suite(cases)]);
    expect(results.map((r) => r.status)).toEqual(['failed', 'failed', 'failed']);
    expect(failureLines(results)).toEqual([
      'FAIL synthetic op (frobnicate): unsupported: op frobnicate',
      'FAIL synthetic kind (corr2d): unsupported: kind quantum',
      'FAIL synthetic arg (corr2d): unsupported: argument flip of corr2d',
    ]);
  });

  it('skips unsupported cases of optional suites only, and says so in the total', () => {
    const results = runSuites([suite([{ ...textbook, op: 'conv_transpose2d' }], 'conv_transpose2d', true), suite([textbook])]);
    expect(totalLine(results)).toBe('1 passed, 0 failed, 1 skipped');
  });

  it('filters by suite name or case id', () => {
    const s = suite([textbook, { ...textbook, id: 'other' }]);
    expect(runSuites([s], { filter: 'other' }).map((r) => r.id)).toEqual(['other']);
    expect(runSuites([s], { filter: '/^synth/' })).toHaveLength(2);
  });
});
