import { defineConfig } from 'vitest/config';

// Tests load the core from src (the `@neurhomia/source` export condition), never a stale dist.
const conditions = ['@neurhomia/source', 'import', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@neurhomia/source'] } },
  test: {
    // test-results/vitest.json is what the root `pnpm test:all` sums into its closing line.
    // Two cores: files run two at a time; integration files isolate by service id on one broker.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
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
        },
      },
    ],
  },
});
