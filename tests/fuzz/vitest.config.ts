import { defineProject } from 'vitest/config';
import { aliases } from '../aliases.js';

// Property-based fuzzing of the kernels against the naive references in reference.ts.
// CI profile: fixed seed, small counts (see harness.ts); `pnpm fuzz --runs N` for long runs.
const long = process.env.FUZZ_RUNS !== undefined;

export default defineProject({
  resolve: { alias: aliases },
  test: {
    name: 'fuzz',
    include: ['**/*.test.ts'],
    environment: 'node',
    // Node 20 validates the relaxed-SIMD wasm build only with this flag (as packages/backend-wasm's tests)
    execArgv: ['--experimental-wasm-relaxed-simd'],
    testTimeout: long ? 24 * 3600_000 : 60_000,
  },
});
