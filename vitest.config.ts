import { defineConfig } from 'vitest/config';

// Workspace packages are resolved to their TypeScript sources through the
// "@tensorkit/source" export condition, so tests never need a prior build.
const conditions = ['@tensorkit/source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'bench/test/**/*.test.ts', 'tools/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
