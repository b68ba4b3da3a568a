import { defineProject } from 'vitest/config';
import { aliases } from '../aliases.js';

// Reliability checks that need several packages at once: determinism of training, the API
// reports of the built packages, and (when enabled) the pack-and-install check.
export default defineProject({
  resolve: { alias: aliases },
  test: {
    name: 'reliability',
    include: ['**/*.test.ts'],
    environment: 'node',
    execArgv: ['--experimental-wasm-relaxed-simd'],
    testTimeout: 120_000,
  },
});
