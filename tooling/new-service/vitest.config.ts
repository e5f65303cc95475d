import { defineConfig } from 'vitest/config';

// Load @neurhomia/mcp-mqtt-core from its TypeScript sources (the `@neurhomia/source` export
// condition), so tests need no prior build of the core.
const conditions = ['@neurhomia/source', 'import', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@neurhomia/source'] } },
  test: {
    environment: 'node',
    // test-results/vitest.json is what the root `pnpm test:all` sums into its closing line.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    projects: [
      {
        extends: true,
        // Reads the repository, writes only in temporary copies of it.
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/**/*.integration.test.ts'] },
      },
      {
        extends: true,
        // Generates services into a copy of the repository, installs, builds and runs them against
        // a real Mosquitto.
        test: {
          name: 'integration',
          include: ['test/**/*.integration.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
