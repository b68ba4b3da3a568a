import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'backend-wasm',
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // Node 20 validates the relaxed-SIMD build only with this flag (Node ≥ 22 without it), so that
    // both builds run in the tests; the plain one is forced with { build: 'simd' }
    execArgv: ['--experimental-wasm-relaxed-simd'],
  },
});
