/**
 * Release hygiene, on the built packages (scripts/test.sh builds before vitest runs):
 * - the committed API reports (api/*.api.md) match the built .d.ts — a change to the public surface
 *   must show up in review as a diff of api/ (regenerate with `pnpm api-report`);
 * - the tarballs `pnpm pack` makes install offline into a scratch project and load from ESM and
 *   CommonJS (scripts/pack-check.mjs; ~15 s), and `pnpm changeset status` runs.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function node(script: string, ...args: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [script, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/**
 * Entry points allowed not to load with require() (none: every package, the umbrella included,
 * loads from CommonJS on Node 20). pack-check fails when a listed one starts to work, so the list
 * cannot go stale.
 */
const ESM_ONLY: string[] = [];

describe('release hygiene', () => {
  it('api/*.api.md match the public surface of the built packages', () => {
    const r = node('scripts/api-report.mjs', '--check');
    expect(r.status, r.output).toBe(0);
  });

  it('the packed tarballs install offline and load from ESM and CommonJS; changeset status runs', () => {
    const r = node('scripts/pack-check.mjs', ...ESM_ONLY.flatMap((n) => ['--esm-only', n]));
    expect(r.status, r.output).toBe(0);
  });
});
