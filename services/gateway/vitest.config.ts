import { defineConfig } from 'vitest/config';

// Load @neurhomia/mcp-mqtt-core from its TypeScript sources (the `@neurhomia/source` export
// condition), so tests need no prior build of the core.
const conditions = ['@neurhomia/source', 'import', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@neurhomia/source'] } },
  test: {
    environment: 'node',
    // Two cores: files run two at a time; integration files isolate by service id on one broker.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    // test-results/vitest.json is what the root `pnpm test:all` sums into its closing line.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    projects: [
      {
        extends: true,
        // No network but 127.0.0.1.
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/**/*.integration.test.ts'] },
      },
      {
        extends: true,
        // A real Mosquitto (testcontainers, or the broker at MQTT_URL), services in this process,
        // the gateway over HTTP; the Chromium, conformance and Inspector tests run other programs.
        test: {
          name: 'integration',
          include: ['test/**/*.integration.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
