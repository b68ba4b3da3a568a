/**
 * Every TypeScript sample of README.md runs (written to a scratch module and imported, with the
 * package's own name pointing at its sources); the backend the samples install is restored after.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getBackend, setBackend } from '@torchlet/ndarray';
import { describe, expect, it, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const samples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const scratch = new URL('../node_modules/.readme-samples/', import.meta.url);
const source = fileURLToPath(new URL('./index.ts', import.meta.url));

describe('README samples', () => {
  it('has samples', () => {
    expect(samples.length).toBeGreaterThanOrEqual(2);
  });

  samples.forEach((code, i) => {
    it(`sample ${i + 1} runs`, async () => {
      mkdirSync(scratch, { recursive: true });
      const path = new URL(`sample_${i}.ts`, scratch);
      writeFileSync(path, code.replaceAll("'@torchlet/backend-wasm'", JSON.stringify(source)));
      const printed: string[] = [];
      const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.map((a) => JSON.stringify(a)).join(' ')));
      const before = getBackend();
      try {
        await import(/* @vite-ignore */ path.href);
      } finally {
        log.mockRestore();
        setBackend(before);
        rmSync(path);
      }
      expect(printed.length).toBeGreaterThan(0);
      if (i === 0) expect(printed).toEqual(['"relaxed-simd"', '[8,16,16,16]']);
      if (i === 1) expect(printed).toEqual(['[19,22,43,50] [19,22,43,50]']);
      if (i === 2) expect(printed).toEqual(['2']);
    });
  });
});
