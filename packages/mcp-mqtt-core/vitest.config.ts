import { defineConfig } from 'vitest/config';

// Tests load the core from src (the `@neurhomia/source` export condition), never a stale dist.
const conditions = ['@neurhomia/source', 'import', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@neurhomia/source'] } },
  test: {
    // test-results/vitest.json is what the root `pnpm test:all` sums into its closing line.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Two cores: files run two at a time, each with its own service ids on one broker.
          pool: 'forks',
          maxWorkers: 2,
          minWorkers: 1,
        },
      },
    ],
  },
});
