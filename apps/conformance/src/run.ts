/** Runs suites case by case and collects a report. */
import type { Tensor } from '@torchlet/autograd';
import { compareTensor, toleranceFor, type Comparison } from './compare.js';
import { OPS, Unsupported } from './ops.js';
import type { GoldenCase, GoldenTensor, Suite } from './suite.js';
import { toTensor, valuesOf } from './tensors.js';
import { INTEROP } from './interop.js';
import { TRAIN } from './train.js';
import { runOptimCase, runSchedulerCase } from './optim.js';

/** One tensor that did not match. */
export interface Mismatch extends Comparison {
  /** Which tensor: `outputs.out`, `grads.weight`, `losses[3]`, … */
  tensor: string;
}

/** The outcome of one case. */
export interface CaseResult {
  suite: string;
  id: string;
  kind: string;
  op: string;
  status: 'passed' | 'failed' | 'skipped';
  /** For failures that are not mismatches: `unsupported: …`, `expected an error`, `threw: …`. */
  message?: string;
  mismatches: Mismatch[];
}

/** What a kind runner reports: tensors to compare, by name, with the case's tolerance keys. */
export interface Produced {
  /** tolerance key (e.g. `outputs.out`) → [actual, expected] */
  pairs: [key: string, actual: Tensor, expected: GoldenTensor][];
}

/** Checks a case's tensors and turns the outcome into a result. */
function judge(suite: Suite, c: GoldenCase, produced: Produced): CaseResult {
  const mismatches: Mismatch[] = [];
  for (const [key, actual, expected] of produced.pairs) {
    const tol = toleranceFor(key.replace(/\[\d+\]$/, ''), c.tol, c.tol_overrides);
    const cmp = compareTensor(valuesOf(actual), expected, tol);
    if (!cmp.ok) mismatches.push({ tensor: key, ...cmp });
  }
  return { suite: suite.suite, id: c.id, kind: c.kind, op: c.op, status: mismatches.length ? 'failed' : 'passed', mismatches };
}

function runOpCase(c: GoldenCase): Produced {
  const handler = OPS[c.op];
  if (!handler) throw new Unsupported(`op ${c.op}`);
  const unknown = Object.keys(c.args ?? {}).filter((k) => !handler.args.includes(k));
  if (unknown.length) throw new Unsupported(`argument ${unknown.join(', ')} of ${c.op}`);
  const wantsGrad = new Set(Object.keys(c.grads ?? {}));
  const inputs: Record<string, Tensor | null> = {};
  for (const [name, t] of Object.entries(c.inputs ?? {})) inputs[name] = t ? toTensor(t, wantsGrad.has(name)) : null;
  const outputs = handler.run(inputs, c.args ?? {});
  if (c.expect_error) return { pairs: [] };
  const pairs: Produced['pairs'] = [];
  for (const [name, expected] of Object.entries(c.outputs ?? {})) {
    const actual = outputs[name];
    if (!actual) throw new Unsupported(`output ${name} of ${c.op}`);
    pairs.push([`outputs.${name}`, actual, expected]);
  }
  if (wantsGrad.size) {
    const roots = Object.entries(c.grad_outputs ?? {}).map(([name, g]) => {
      const out = outputs[name];
      if (!out) throw new Unsupported(`grad output ${name} of ${c.op}`);
      return out.mul(toTensor(g)).sum();
    });
    // L = Σ_o sum(out_o · g_o), exactly the suite's definition of `grads`
    const loss = roots.reduce((a, b) => a.add(b));
    loss.backward();
    for (const [name, expected] of Object.entries(c.grads ?? {})) {
      const input = inputs[name];
      if (!input?.grad) throw new Error(`no gradient reached input ${name}`);
      pairs.push([`grads.${name}`, input.grad, expected]);
    }
  }
  return { pairs };
}

const KINDS: Record<string, (c: GoldenCase, suite: Suite) => Produced> = {
  op: (c) => runOpCase(c),
  optim: (c) => runOptimCase(c),
  lr_scheduler: (c) => runSchedulerCase(c),
  train: (c, suite) => {
    const run = TRAIN[c.op];
    if (!run) throw new Unsupported(`train procedure ${c.op}`);
    return run(c, suite);
  },
  interop: (c, suite) => {
    const run = INTEROP[c.op];
    if (!run) throw new Unsupported(`interop procedure ${c.op}`);
    return run(c, suite);
  },
};

/** Runs one case; never throws (every outcome is a result). */
export function runCase(suite: Suite, c: GoldenCase): CaseResult {
  const base = { suite: suite.suite, id: c.id, kind: c.kind, op: c.op, mismatches: [] as Mismatch[] };
  const kind = KINDS[c.kind];
  try {
    if (!kind) throw new Unsupported(`kind ${c.kind}`);
    const produced = kind(c, suite);
    if (c.expect_error) return { ...base, status: 'failed', message: `expected an error (${c.reason ?? 'PyTorch raises'}), but none was thrown` };
    return judge(suite, c, produced);
  } catch (e) {
    if (e instanceof Unsupported) {
      return { ...base, status: suite.optional ? 'skipped' : 'failed', message: `unsupported: ${e.message}` };
    }
    if (c.expect_error) return { ...base, status: 'passed' };
    return { ...base, status: 'failed', message: `threw: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Options of {@link runSuites}. */
export interface RunOptions {
  /** Keep only suites or case ids matching this (a substring or a /regex/). */
  filter?: string;
}

function matcher(filter: string | undefined): (s: string) => boolean {
  if (!filter) return () => true;
  const m = /^\/(.*)\/([a-z]*)$/.exec(filter);
  if (m) {
    const re = new RegExp(m[1]!, m[2]);
    return (s) => re.test(s);
  }
  return (s) => s.includes(filter);
}

/** Runs every case of `suites` (filtered) and returns the results in order. */
export function runSuites(suites: readonly Suite[], options: RunOptions = {}): CaseResult[] {
  const match = matcher(options.filter);
  const results: CaseResult[] = [];
  for (const suite of suites) {
    const whole = match(suite.suite);
    for (const c of suite.cases) if (whole || match(c.id)) results.push(runCase(suite, c));
  }
  return results;
}
