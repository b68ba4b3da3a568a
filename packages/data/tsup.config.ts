import { defineConfig } from 'tsup';

export default defineConfig({
  // `index` is platform-neutral (browsers too); `node` holds everything that reads files
  // (node:fs, node:zlib, node:module) and is only reachable through the "./node" subpath.
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'neutral',
  external: [/^node:/],
  // keep the `node:` prefix (tsup strips it by default)
  removeNodeProtocol: false,
  // tsup 8 dts injects baseUrl; TS 6 rejects it (TS5101) unless silenced
  dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
  sourcemap: true,
  clean: true,
  treeshake: true,
});
