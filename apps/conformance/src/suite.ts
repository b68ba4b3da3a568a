/** The reference-suite file format (golden/FORMAT.md), loaded and checked. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** A tensor as the suite stores it: flattened row-major data. */
export interface GoldenTensor {
  shape: number[];
  dtype: 'float32' | 'float64' | 'int64' | 'bool';
  data: (number | boolean)[];
}

/** Tolerance of one comparison: `|a − e| ≤ atol + rtol·|e|`. */
export interface Tolerance {
  rtol: number;
  atol: number;
}

/** One case of a suite; fields beyond the common ones depend on `kind`. */
export interface GoldenCase {
  id: string;
  kind: string;
  op: string;
  args?: Record<string, unknown>;
  inputs?: Record<string, GoldenTensor | null>;
  outputs?: Record<string, GoldenTensor>;
  grad_outputs?: Record<string, GoldenTensor>;
  grads?: Record<string, GoldenTensor>;
  tol?: Tolerance;
  tol_overrides?: Record<string, Tolerance>;
  expect_error?: boolean;
  reason?: string;
  [key: string]: unknown;
}

/** One suite file. */
export interface Suite {
  suite: string;
  file: string;
  /** The folder the file came from (binary files such as safetensors are looked up beside it). */
  dir: string;
  /** Optional suites (the format marks `conv_transpose2d`): unsupported cases are skipped, not failed. */
  optional: boolean;
  cases: GoldenCase[];
}

/** Suites the format marks optional. */
export const OPTIONAL_SUITES: ReadonlySet<string> = new Set(['conv_transpose2d']);

interface Manifest {
  suites: { suite: string; file: string; sha256: string }[];
}

/**
 * Reads every suite in `dir`: those listed by `manifest.json` (whose sha256 must match: a
 * corrupted copy is an error, not a silent pass), else every `*.json` but the manifest.
 */
export function loadSuites(dir: string): Suite[] {
  if (!existsSync(dir)) throw new Error(`conformance: no such folder ${dir}`);
  const manifestPath = join(dir, 'manifest.json');
  let files: { file: string; sha256?: string }[];
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    files = manifest.suites.map((s) => ({ file: s.file, sha256: s.sha256 }));
  } else {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((file) => ({ file }));
  }
  return files.map(({ file, sha256 }) => {
    const bytes = readFileSync(join(dir, file));
    if (sha256) {
      const actual = createHash('sha256').update(bytes).digest('hex');
      if (actual !== sha256) throw new Error(`conformance: ${file} does not match its manifest checksum (${actual} ≠ ${sha256})`);
    }
    const parsed = JSON.parse(bytes.toString('utf8')) as { format?: number; suite?: string; cases?: GoldenCase[] };
    if (parsed.format !== 1 || !Array.isArray(parsed.cases)) throw new Error(`conformance: ${file} is not a format-1 suite file`);
    const suite = parsed.suite ?? basename(file, '.json');
    return { suite, file, dir, optional: OPTIONAL_SUITES.has(suite), cases: parsed.cases };
  });
}
