import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the
// `@anatomy/source` export condition, so tests never need a prior build.
const conditions = ['@anatomy/source', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@anatomy/source'] } },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
