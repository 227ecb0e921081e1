import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test-e2e/**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
