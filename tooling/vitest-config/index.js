// Plain JavaScript: vitest loads it through Node, which does not strip types under node_modules.
import { defineConfig } from 'vitest/config';

// Load @neurhomia/mcp-mqtt-core from its TypeScript sources (the `@neurhomia/source` export
// condition), so that tests need no prior build of the core.
const conditions = ['@neurhomia/source', 'import', 'node', 'default'];

/** @param {import('./index.d.ts').TestConfigOptions} [options] */
export function defineTestConfig(options = {}) {
  const { unit = {}, integration = {}, maxForks } = options;
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['@neurhomia/source'] } },
    test: {
      environment: 'node',
      ...(maxForks ? { pool: 'forks', poolOptions: { forks: { maxForks, minForks: 1 } } } : {}),
      // test-results/vitest.json is what the root `pnpm test:all` sums into its closing line.
      reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
      projects: [
        {
          extends: true,
          test: {
            name: 'unit',
            include: ['test/**/*.test.ts'],
            exclude: ['test/**/*.integration.test.ts'],
            ...unit,
          },
        },
        {
          extends: true,
          test: {
            name: 'integration',
            include: ['test/**/*.integration.test.ts'],
            testTimeout: 60_000,
            hookTimeout: 90_000,
            ...integration,
          },
        },
      ],
    },
  });
}
