// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: ['**/dist/**', '**/.turbo/**', '**/generated/**', 'packages/*/asm/**', '**/golden/**',
      'apps/docs/.vitepress/cache/**', 'apps/docs/.vitepress/dist/**', 'apps/docs/api/**', 'apps/docs/.samples/**', '.ci/**', 'coverage/**',
      // temporary bundles tsup and vite write next to their config while a build runs in parallel
      // with lint (turbo): they may vanish between eslint's listing and its reading them
      '**/*.bundled_*.mjs', '**/*.timestamp-*.mjs'],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        // typed linting via the project service: each file uses its nearest tsconfig.json
        projectService: { allowDefaultProject: ['apps/docs/.vitepress/*.mts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // plain JS (configs, scripts): no type information
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], extends: [tseslint.configs.disableTypeChecked] },
);
