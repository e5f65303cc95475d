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
        // No network but 127.0.0.1, no Docker: the service through the core's createServer.
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/**/*.integration.test.ts'] },
      },
      {
        extends: true,
        // A real Mosquitto (testcontainers, or the broker at MQTT_URL): needs Docker.
        test: {
          name: 'integration',
          include: ['test/**/*.integration.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
