import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Two cores here and in CI: one fork per core.
    pool: 'forks',
    maxWorkers: 2,
  },
});
