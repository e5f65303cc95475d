#!/usr/bin/env node
// `pnpm stack:sync`: regenerates the services block of compose/compose.yaml from services/.
// `--check`: exits 1, writing nothing, when it is out of date.
import { STACK_FILE, stackDrift, syncStack } from './stack.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;

if (process.argv.includes('--check')) {
  const drift = stackDrift(ROOT);
  if (drift) {
    console.error(`stack:sync: ${drift}`);
    process.exit(1);
  }
  console.log(`stack:sync: ${STACK_FILE} is up to date`);
} else {
  console.log(`stack:sync: ${STACK_FILE} ${syncStack(ROOT) ? 'rewritten' : 'already up to date'}`);
}
