/** Human and machine-readable reports of a run. */
import type { CaseResult } from './run.js';

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toExponential(2) : String(x);
}

/** One line per failing case: suite, id, op, tensor, worst absolute and relative error and where. */
export function failureLines(results: readonly CaseResult[]): string[] {
  const lines: string[] = [];
  for (const r of results) {
    if (r.status !== 'failed') continue;
    if (r.message) lines.push(`FAIL ${r.suite} ${r.id} (${r.op}): ${r.message}`);
    for (const m of r.mismatches) {
      lines.push(
        m.reason?.startsWith('shape')
          ? `FAIL ${r.suite} ${r.id} (${r.op}) ${m.tensor}: ${m.reason}`
          : `FAIL ${r.suite} ${r.id} (${r.op}) ${m.tensor}: worst abs err ${fmt(m.worstAbs)}, rel err ${fmt(m.worstRel)}, at flat index ${m.index}`,
      );
    }
  }
  return lines;
}

/** Counts per suite, in order of first appearance. */
export function suiteSummaries(results: readonly CaseResult[]): string[] {
  const by = new Map<string, { passed: number; failed: number; skipped: number }>();
  for (const r of results) {
    const s = by.get(r.suite) ?? { passed: 0, failed: 0, skipped: 0 };
    s[r.status]++;
    by.set(r.suite, s);
  }
  return [...by].map(([suite, s]) => `${suite}: ${s.passed} passed, ${s.failed} failed${s.skipped ? `, ${s.skipped} skipped` : ''}`);
}

/** The closing line: exactly `N passed, N failed` (`, N skipped` only when optional cases were skipped). */
export function totalLine(results: readonly CaseResult[]): string {
  const count = (s: CaseResult['status']): number => results.filter((r) => r.status === s).length;
  const skipped = count('skipped');
  return `${count('passed')} passed, ${count('failed')} failed${skipped ? `, ${skipped} skipped` : ''}`;
}
