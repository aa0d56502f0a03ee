import { availableParallelism } from 'node:os';
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
    // Vitest's default is one worker per core less than the machine has: a single worker on
    // CI's two cores, where much of a test file's cost is starting its fork and importing the
    // sources. Two workers there took the suite from 197 s to 160 s.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
