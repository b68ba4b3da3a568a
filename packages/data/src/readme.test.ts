/**
 * Every TypeScript sample of this package's README runs, against the sources: a sample is written
 * to a scratch module next to this file, with `@torchlet/data` (and `/node`) pointed at `src/`,
 * and imported.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const samples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('README samples', () => {
  it('has samples', () => {
    expect(samples.length).toBeGreaterThanOrEqual(2);
  });

  samples.forEach((code, i) => {
    it(`sample ${i + 1} runs`, async () => {
      const source = code.replace(/'@torchlet\/data\/node'/g, "'./node.js'").replace(/'@torchlet\/data'/g, "'./index.js'");
      const path = new URL(`./.readme-sample-${i}.ts`, import.meta.url);
      writeFileSync(path, source);
      const printed: string[] = [];
      const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
      try {
        await import(/* @vite-ignore */ path.href);
      } finally {
        log.mockRestore();
        rmSync(path);
      }
      expect(printed.length).toBeGreaterThan(0);
      if (i === 0) {
        expect(printed[0]).toBe('8 train / 2 val samples, 3 batches per epoch');
        expect(printed.slice(1).map((l) => l.replace(/labels .*/, ''))).toEqual(
          ['epoch 1: x [3,2], ', 'epoch 1: x [3,2], ', 'epoch 1: x [2,2], ', 'epoch 2: x [3,2], ', 'epoch 2: x [3,2], ', 'epoch 2: x [2,2], '],
        );
      }
    });
  });
});
