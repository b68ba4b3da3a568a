/**
 * enableFastAllocation: sets V8's flag in this process, and dead typed arrays are still freed (the
 * sweeping moves to the main thread; it does not stop). Speed is measured by `pnpm bench`, not here.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { enableFastAllocation } from './fast-allocation.js';

describe('enableFastAllocation', () => {
  it('resolves true on Node', async () => {
    await expect(enableFastAllocation()).resolves.toBe(true);
  });

  it('after it, the memory of dead typed arrays is still returned at collections', () => {
    const code = `import { enableFastAllocation } from './dist/index.js';
      const enabled = await enableFastAllocation();
      const base = process.memoryUsage().arrayBuffers;
      let keep = [];
      for (let i = 0; i < 20000; i++) keep.push(new Float32Array(1024));
      const held = process.memoryUsage().arrayBuffers - base;
      keep = null;
      for (let i = 0; i < 3; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 10)); }
      const after = process.memoryUsage().arrayBuffers - base;
      console.log(JSON.stringify({ enabled, held, after }));`;
    const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', code], {
      cwd: fileURLToPath(new URL('../', import.meta.url)),
      encoding: 'utf8',
      timeout: 30_000,
    });
    const r = JSON.parse(out.trim()) as { enabled: boolean; held: number; after: number };
    expect(r.enabled).toBe(true);
    expect(r.held).toBeGreaterThan(0.9 * 20000 * 4096); // (buffers that died before the loop may lower it a little)
    expect(r.after).toBeLessThan(r.held / 10);
  });
});
