/**
 * Every ```ts sample of the site's pages runs against the workspace packages, and typechecks.
 *
 * A sample is written to a scratch module next to this app (so it resolves the packages the way a
 * user's project would) and imported. What it prints is checked against its `// prints: …`
 * comments: each must match a printed line (whitespace ignored), in order. Values printed with
 * `console.log` are formatted as JSON when they are not strings, so `console.log(y.toArray())`
 * prints `[[19,25],[37,43]]`.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const docs = fileURLToPath(new URL('..', import.meta.url));
const scratch = join(docs, '.samples');

interface Sample {
  page: string;
  index: number;
  code: string;
  file: string;
}

function pages(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name.startsWith('.') || ['node_modules', 'api', 'public', 'test', 'scripts', 'screenshots'].includes(e.name)) return [];
    const path = join(dir, e.name);
    return e.isDirectory() ? pages(path) : e.name.endsWith('.md') && e.name !== 'README.md' ? [path] : [];
  });
}

const samples: Sample[] = pages(docs)
  .sort()
  .flatMap((path) => {
    const page = relative(docs, path);
    const text = readFileSync(path, 'utf8');
    return [...text.matchAll(/^```ts\b[^\n]*\n([\s\S]*?)^```/gm)].map((m, index) => ({
      page,
      index,
      code: m[1]!,
      file: join(scratch, `${page.replace(/\W/g, '_')}_${index}.ts`),
    }));
  });

/** The `// prints: …` expectations of a sample, in order. */
function expectations(code: string): string[] {
  return [...code.matchAll(/\/\/ prints: (.*)$/gm)].map((m) => m[1]!.trim());
}

const squash = (s: string): string => s.replace(/\s+/g, '');
const format = (arg: unknown): string => (typeof arg === 'string' ? arg : JSON.stringify(arg));

beforeAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  for (const s of samples) writeFileSync(s.file, s.code);
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('guide samples', () => {
  it('there are samples on the pages of the guide', () => {
    expect(samples.length).toBeGreaterThan(20);
  });

  for (const sample of samples) {
    it(`${sample.page} sample ${sample.index + 1} runs and prints what it says`, { timeout: 60_000 }, async () => {
      const printed: string[] = [];
      const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.map(format).join(' ')));
      try {
        await import(/* @vite-ignore */ pathToFileURL(sample.file).href);
      } finally {
        log.mockRestore();
      }
      let from = 0;
      for (const expected of expectations(sample.code)) {
        const at = printed.findIndex((line, i) => i >= from && squash(line) === squash(expected));
        expect(at, `expected a printed line "${expected}" (after line ${from}); printed:\n${printed.join('\n')}`).toBeGreaterThanOrEqual(0);
        from = at + 1;
      }
    });
  }

  it('every sample typechecks (strict, as the packages are compiled)', { timeout: 120_000 }, () => {
    const config = ts.getParsedCommandLineOfConfigFile(join(docs, '../../tsconfig.base.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    const options: ts.CompilerOptions = { ...config!.options, noEmit: true, declaration: false, declarationMap: false, sourceMap: false };
    const program = ts.createProgram(
      samples.map((s) => s.file),
      options,
    );
    const errors = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file === undefined || d.file.fileName.startsWith(scratch))
      .map((d) => {
        const where = d.file ? `${relative(scratch, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
        return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
    expect(errors).toEqual([]);
  });
});
