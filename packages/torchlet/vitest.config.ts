import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'torchlet', include: ['src/**/*.test.ts'], environment: 'node' },
});
