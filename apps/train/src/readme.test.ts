/**
 * Every TypeScript sample in the READMEs runs: the root quick start and each package's example.
 * A sample is written to a scratch module and imported (vitest compiles it like any source).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

const root = new URL('../../../', import.meta.url);
// data, io and backend-wasm run their README samples in their own tests
const readmes = [
  'README.md',
  'packages/torchlet/README.md',
  'packages/ndarray/README.md',
  'packages/autograd/README.md',
  'packages/nn/README.md',
  'packages/optim/README.md',
];
const scratch = new URL('../.readme-samples/', import.meta.url);

function samples(file: string): string[] {
  const text = readFileSync(new URL(file, root), 'utf8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('README samples', () => {
  for (const file of readmes) {
    samples(file).forEach((code, i) => {
      it(`${file} sample ${i + 1} runs`, async () => {
        mkdirSync(scratch, { recursive: true });
        const path = new URL(`${file.replace(/\W/g, '_')}_${i}.ts`, scratch);
        writeFileSync(path, code);
        const printed: string[] = [];
        const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.join(' ')));
        try {
          await import(/* @vite-ignore */ path.href); // throws if the sample does
        } finally {
          log.mockRestore();
          rmSync(path);
        }
        if (code.includes('console.log(')) expect(printed.length).toBeGreaterThan(0);
        // samples that learn the edge kernel (they read w.grad) must end close to [1, -1]
        if (code.includes('w.grad')) expect(printed.at(-1)).toMatch(/\[\[\[\[ ?(0\.9|1\.0)\d*, -(0\.9|1\.0)\d*\]\]\]\]/);
      });
    });
  }
});
