#!/usr/bin/env node
// `pnpm new:service <id> [--template minimal|http-api] [--description "…"]`, from the repository
// root: writes services/<id>/ from templates/, regenerates compose.yaml's list of services,
// installs and builds the new package, and prints what to run next. Node 24 runs this
// TypeScript as is (no build step).
import { parseArgs } from 'node:util';
import { installAndBuild, Refusal, type Written, writeService } from './generate.ts';
import { ID_RULE } from './names.ts';
import { templateManifest, templateNames } from './render.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const DEFAULT_TEMPLATE = 'minimal';

function usage(): string {
  return [
    'Usage: pnpm new:service <id> [--template <name>] [--description "<one line>"] [--no-install]',
    '',
    `<id>: the service's id: ${ID_RULE}.`,
    `Templates (default ${DEFAULT_TEMPLATE}):`,
    ...templateNames().map((name) => `  ${name.padEnd(10)} ${templateManifest(name).summary}`),
    '',
    'Writes services/<id>/ and its line of compose/compose.yaml, runs `pnpm install` and builds the',
    'service (--no-install: only writes). Refuses an id that exists as a folder, a broker user, a',
    'compose service or volume, or a package; a refusal writes nothing.',
  ].join('\n');
}

function fail(message: string, code: 1 | 2): never {
  console.error(`new:service: ${message}`);
  process.exit(code);
}

function options() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        template: { type: 'string', short: 't', default: DEFAULT_TEMPLATE },
        description: { type: 'string', short: 'd' },
        'no-install': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n\n${usage()}`, 2);
  }
}

/** The three commands to run next, their comments aligned. */
function nextCommands(id: string, template: string): string {
  const lines: [string, string][] = [
    [`pnpm --filter @neurhomia/${id} test`, 'its tests: unit, and integration with a real Mosquitto'],
    ['cd compose && docker compose up -d --wait --build', `the home stack, with ${id} in it`],
    [`docker compose run --rm cli call ${id} ${templateManifest(template).example}`, 'its example tool'],
  ];
  const width = Math.max(...lines.map(([command]) => command.length));
  return lines.map(([command, comment]) => `  ${command.padEnd(width)}   # ${comment}`).join('\n');
}

const { values, positionals } = options();
if (values.help) {
  console.log(usage());
  process.exit(0);
}
if (positionals.length !== 1) fail(`expected one service id, got ${positionals.length}\n\n${usage()}`, 2);
const id = positionals[0]!;
const { template, description } = values;

let written: Written;
try {
  written = writeService(ROOT, { id, template, description });
} catch (error) {
  if (error instanceof Refusal) fail(`${error.message}. Nothing was written.`, 1);
  throw error;
}
console.log(`new:service: wrote ${written.files.length} files (template ${template}):`);
for (const path of written.files) console.log(`  ${path}`);
if (written.stackFile) console.log(`and added ${id} to the stack's services in ${written.stackFile}.`);

if (!values['no-install']) {
  console.log('\nnew:service: pnpm install, biome, build');
  try {
    installAndBuild(ROOT, id);
  } catch (error) {
    fail(
      `${(error as Error).message}. services/${id} is written: fix the cause, then run ` +
        `\`pnpm install && pnpm --filter @neurhomia/${id} build\`.`,
      1,
    );
  }
}

console.log(`
services/${id} is ${values['no-install'] ? 'written (not installed yet: run `pnpm install`)' : 'installed and built'}. Next:

${nextCommands(id, template)}

Then replace the example of services/${id}/src/tools/ with your tools: services/${id}/README.md
says what each file is for, docs/new-service.md how to test and run it.`);
