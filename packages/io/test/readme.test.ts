/** The README's TypeScript samples run (against the sources), and the core stays browser-safe. */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { scratchDir } from './scratch.js';

const { dir, cleanup } = scratchDir();
afterAll(cleanup);

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const samples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const src = fileURLToPath(new URL('../src/', import.meta.url));

describe('README', () => {
  it('has samples', () => {
    expect(samples.length).toBeGreaterThan(0);
  });

  samples.forEach((code, i) => {
    it(`sample ${i + 1} runs and prints what its comments say`, async () => {
      const path = join(dir, `sample_${i}.ts`);
      writeFileSync(path, code.replace(/from '@torchlet\/io'/g, `from '${join(src, 'index.js')}'`).replace(/from '@torchlet\/io\/node'/g, `from '${join(src, 'node.js')}'`));
      const printed: string[] = [];
      const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
      try {
        await import(/* @vite-ignore */ path);
      } finally {
        log.mockRestore();
      }
      expect(printed.length).toBeGreaterThan(0);
      if (i === 0) expect(printed.at(-1)).toBe('10 true');
    });
  });
});

describe('the core entry', () => {
  it('imports no Node built-in (browser-safe); only node.ts does', () => {
    for (const file of readdirSync(src).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      const text = readFileSync(join(src, file), 'utf8');
      const usesNode = /from 'node:/.test(text);
      expect(usesNode, file).toBe(file === 'node.ts');
    }
    expect(readFileSync(join(src, 'index.ts'), 'utf8')).not.toMatch(/node\.js/);
  });
});
