import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'autograd', include: ['src/**/*.test.ts'], environment: 'node' },
});
