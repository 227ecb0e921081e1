import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // `import ... from 'wasmnn'` (in the examples the tests run) is the source, as in
    // tsconfig.json's "paths": one module instance, shared with the tests' relative imports.
    alias: [{ find: /^wasmnn$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Two cores here and in CI: one fork per core.
    pool: 'forks',
    maxWorkers: 2,
  },
});
