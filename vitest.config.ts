import { defineConfig } from 'vitest/config';

// One vitest run over every package and app: each has its own vitest.config.ts (defineProject).
// tests/*: the root reliability projects (fuzz, reliability), which reach the packages through aliases.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'tests/*/vitest.config.ts'],
  },
});
