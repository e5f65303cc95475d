import type { TestProjectInlineConfiguration, UserConfig } from 'vitest/config';

type ProjectOptions = Partial<
  Pick<
    NonNullable<TestProjectInlineConfiguration['test']>,
    'include' | 'exclude' | 'globalSetup' | 'testTimeout' | 'hookTimeout'
  >
>;

export interface TestConfigOptions {
  /** `unit`: `test/**\/*.test.ts` but the integration files, no Docker. */
  unit?: ProjectOptions;
  /** `integration`: `test/**\/*.integration.test.ts`, 60 s per test, 90 s per hook. */
  integration?: ProjectOptions;
  /** Run files in this many forked processes at most (vitest's default otherwise). */
  maxForks?: number;
}

/** The repository's vitest configuration: a `unit` and an `integration` project. */
export function defineTestConfig(options?: TestConfigOptions): UserConfig;
