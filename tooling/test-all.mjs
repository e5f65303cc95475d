#!/usr/bin/env node
// The project's full test run: build, unit + integration tests of every package, then the e2e
// suite. Each vitest run writes test-results/vitest.json; this script sums them into the one
// line CI reads: "N passed, N failed[, N skipped]". Exit code is non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const workspaces = ['packages', 'services', 'tooling', '.']
  .flatMap((dir) =>
    dir === '.'
      ? ['e2e']
      : existsSync(join(root, dir))
        ? readdirSync(join(root, dir)).map((d) => join(dir, d))
        : [],
  )
  .filter((dir) => existsSync(join(root, dir, 'package.json')));
const resultFiles = workspaces.map((dir) => join(root, dir, 'test-results', 'vitest.json'));
for (const file of resultFiles) rmSync(file, { force: true });

function run(args) {
  console.log(`\n$ pnpm ${args.join(' ')}`);
  return spawnSync('pnpm', args, { cwd: root, stdio: 'inherit' }).status ?? 1;
}

// Two cores: packages test one after another; inside a package vitest runs two files at a time.
const steps = [
  ['exec', 'turbo', 'run', 'build'],
  ['exec', 'turbo', 'run', 'test', '--concurrency=1', '--continue'],
  ['exec', 'turbo', 'run', 'test:e2e', '--concurrency=1', '--continue'],
];
let failedStep = false;
for (const step of steps) {
  if (run(step) !== 0) {
    failedStep = true;
    if (step[2] === 'build') break;
  }
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of resultFiles) {
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  // A file that failed to load has no tests in it but still failed.
  failed += report.testResults.filter((r) => r.status === 'failed' && r.assertionResults.length === 0).length;
}
if (failedStep && failed === 0) failed = 1; // a step failed outside any test (build, setup)
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || failedStep ? 1 : 0);
