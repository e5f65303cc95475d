import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { invalidDescription, tsString } from './description.ts';
import { addServiceImporter } from './lockfile.ts';
import { invalidId, namesOf } from './names.ts';
import { renderTemplate, templateManifest, templateNames } from './render.ts';
import { collision } from './repository.ts';
import { STACK_FILE, syncStack } from './stack.ts';

export type GenerateOptions = {
  id: string;
  template: string;
  description?: string | undefined;
};

/** A request the generator refuses before writing anything. */
export class Refusal extends Error {
  override name = 'Refusal';
}

/** Why the generator would refuse these options, or undefined. Reads the repository, writes nothing. */
export function refusalOf(root: string, options: GenerateOptions): string | undefined {
  const templates = templateNames();
  if (!templates.includes(options.template))
    return `unknown template "${options.template}": one of ${templates.join(', ')}`;
  if (options.description !== undefined) {
    const bad = invalidDescription(options.description);
    if (bad) return bad;
  }
  return invalidId(options.id) ?? collision(root, options.id);
}

/** The template variables of a service. */
export function variablesOf(options: GenerateOptions): Record<string, string> {
  const names = namesOf(options.id);
  const description = options.description?.trim() || `${names.title}: tools over MCP JSON-RPC 2.0 on MQTT`;
  return {
    ...names,
    template: options.template,
    example: templateManifest(options.template).example,
    description,
    descriptionJson: JSON.stringify(description),
    descriptionTs: tsString(description),
  };
}

/** What writeService did: the files of services/<id>/, and whether compose.yaml changed. */
export type Written = { files: string[]; stackFile: string | undefined };

/**
 * Writes services/<id>/ from the template and regenerates compose.yaml's list of services. The
 * files are rendered first, then written into a temporary folder next to the final one and moved
 * in place in one rename: a refusal or a template error leaves the repository as it was. Paths
 * are relative to the repository root.
 */
export function writeService(root: string, options: GenerateOptions): Written {
  const refusal = refusalOf(root, options);
  if (refusal) throw new Refusal(refusal);
  const files = renderTemplate(options.template, variablesOf(options));
  const target = join(root, 'services', options.id);
  const staging = mkdtempSync(join(root, 'services', `.${options.id}.new-`));
  try {
    for (const [path, content] of files) {
      mkdirSync(dirname(join(staging, path)), { recursive: true });
      writeFileSync(join(staging, path), content);
    }
    renameSync(staging, target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return {
    files: [...files.keys()].map((path) => `services/${options.id}/${path}`),
    stackFile: syncStack(root) ? STACK_FILE : undefined,
  };
}

/** Runs a command in the repository, its output passed through; throws when it fails. */
export function run(root: string, command: string, args: string[]): void {
  const { status, error } = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (error) throw error;
  if (status !== 0) throw new Error(`\`${command} ${args.join(' ')}\` failed (exit ${status})`);
}

/**
 * Links the new package into the workspace (its importer written into the lockfile from the
 * versions the other services use, so that no registry is needed), formats it as biome does the
 * rest of the repository (the templates are formatted already; a long id can still push a line
 * past the width), then builds it and the core.
 */
export function installAndBuild(root: string, id: string): void {
  addServiceImporter(root, id);
  run(root, 'pnpm', ['install', '--prefer-offline']);
  run(root, 'pnpm', ['exec', 'biome', 'check', '--write', `services/${id}`]);
  // turbo builds the core first, from its cache when nothing changed (a second new service).
  run(root, 'pnpm', [
    'exec',
    'turbo',
    'run',
    'build',
    `--filter=@neurhomia/${id}`,
    '--output-logs=errors-only',
  ]);
}
