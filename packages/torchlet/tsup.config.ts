import { defineConfig } from 'tsup';

export default defineConfig({
  // not bundled: each source file becomes one module, so `export * from '@torchlet/autograd'` stays a
  // static ESM re-export (bundling turns star re-exports of externals into runtime objects)
  entry: ['src/**/*.ts', '!src/**/*.test.ts'],
  bundle: false,
  format: ['esm'],
  target: 'node20',
  platform: 'neutral',
  // declarations come from tsc (tsconfig.build.json): the dts bundler mangles namespace re-exports
  dts: false,
  sourcemap: true,
  clean: true,
});
