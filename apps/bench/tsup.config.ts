import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  clean: true,
  banner: { js: '#!/usr/bin/env node' },
  // the peers (devDependencies) and the optional wasm backend are loaded at run time, never bundled
  external: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@jax-js/jax', '@torchlet/backend-wasm'],
});
