/** A scratch directory inside the package (tests never touch files outside the repository). */
import { mkdtempSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function scratchDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(fileURLToPath(new URL('../.scratch-', import.meta.url)));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
