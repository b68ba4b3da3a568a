import { defineConfig } from 'tsup';

export default defineConfig({
  // two entries: the browser-safe core (Uint8Array in, Uint8Array out) and the Node file helpers
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'neutral',
  // Node built-ins stay imports (only src/node.ts uses them)
  external: [/^node:/],
  removeNodeProtocol: false,
  // tsup 8 dts injects baseUrl; TS 6 rejects it (TS5101) unless silenced
  dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
  sourcemap: true,
  clean: true,
  treeshake: true,
});
