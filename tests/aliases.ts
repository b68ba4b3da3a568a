/**
 * The root `tests/` projects are not workspace packages, so `@torchlet/*` would not resolve from
 * here: map each package (and its `/node` entry) to its sources, as the packages' own tests run
 * on sources. One module instance per package, so `setBackend` reaches every op.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = (dir: string, file: string): string => `${root}packages/${dir}/src/${file}`;

const entries: [string, string][] = [
  ['@torchlet/ndarray', pkg('ndarray', 'index.ts')],
  ['@torchlet/autograd', pkg('autograd', 'index.ts')],
  ['@torchlet/nn', pkg('nn', 'index.ts')],
  ['@torchlet/optim', pkg('optim', 'index.ts')],
  ['@torchlet/data/node', pkg('data', 'node.ts')],
  ['@torchlet/data', pkg('data', 'index.ts')],
  ['@torchlet/io/node', pkg('io', 'node.ts')],
  ['@torchlet/io', pkg('io', 'index.ts')],
  ['@torchlet/backend-wasm', pkg('backend-wasm', 'index.ts')],
  ['torchlet', pkg('torchlet', 'node.ts')],
];

/** vite `resolve.alias` entries (exact matches only), for the packages that exist in this checkout. */
export const aliases = entries
  .filter(([, file]) => existsSync(file))
  .map(([name, file]) => ({ find: new RegExp(`^${name.replace(/[/]/g, '\\/')}$`), replacement: file }));
