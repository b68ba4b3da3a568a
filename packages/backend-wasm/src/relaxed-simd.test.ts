/**
 * enableRelaxedSimd: in a node started without --experimental-wasm-relaxed-simd (this package's
 * vitest run has the flag, so a child process checks the real case), the relaxed build becomes
 * available at run time and createWasmBackend() then loads it.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { enableRelaxedSimd } from './relaxed-simd.js';
import { isBuildSupported } from './module.js';

describe('enableRelaxedSimd', () => {
  it('resolves true where relaxed SIMD already validates', async () => {
    expect(isBuildSupported('relaxed-simd')).toBe(true);
    await expect(enableRelaxedSimd()).resolves.toBe(true);
  });

  it('turns relaxed SIMD on in a node started without the flag, so the relaxed build loads', () => {
    const code = `import { createWasmBackend, enableRelaxedSimd, isBuildSupported } from './dist/index.js';
      const before = isBuildSupported('relaxed-simd');
      const enabled = await enableRelaxedSimd();
      const wasm = await createWasmBackend();
      console.log(JSON.stringify({ before, enabled, build: wasm.build }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
      cwd: fileURLToPath(new URL('../', import.meta.url)),
      encoding: 'utf8',
      timeout: 30_000,
    });
    const r = JSON.parse(out.trim()) as { before: boolean; enabled: boolean; build: string };
    // Node 20 needs the flag (before: false); Node ≥ 22 has relaxed SIMD on (before: true)
    expect(r.before).toBe(!process.versions.node.startsWith('20.') ? true : false);
    expect(r.enabled).toBe(true);
    expect(r.build).toBe('relaxed-simd');
  });
});
