import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Templates are plain files under templates/: `common/` for every service, then one folder per
 * template whose files are added (or replace common's at the same path). In file names and
 * contents, `{{name}}` is a variable; in common's files, a line `{{> slot}}` is replaced by the
 * template's `slots/<slot>` file (nothing when it is empty). An unknown variable or slot is an
 * error, so that a typo never reaches a generated service.
 */
export const TEMPLATES_DIR = new URL('../templates/', import.meta.url).pathname;
const COMMON = 'common';
const SLOTS = 'slots';
/** A template's own description: what it makes, and the call that tries its example tool. */
const MANIFEST = 'template.json';
export type TemplateManifest = { summary: string; example: string };

export function templateManifest(template: string): TemplateManifest {
  return JSON.parse(readFileSync(join(TEMPLATES_DIR, template, MANIFEST), 'utf8')) as TemplateManifest;
}

/** The templates `--template` accepts: every folder of templates/ but common. */
export function templateNames(): string[] {
  return readdirSync(TEMPLATES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== COMMON)
    .map((entry) => entry.name)
    .sort();
}

function walk(dir: string, skip: string[] = []): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .filter((path) => !skip.some((s) => path === s || path.startsWith(`${s}/`)))
    .sort();
}

export function substitute(text: string, vars: Record<string, string>, where: string): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`${where}: unknown template variable {{${name}}}`);
    return value;
  });
}

function fillSlots(text: string, slotsDir: string, vars: Record<string, string>, where: string): string {
  return text.replace(/^[ \t]*\{\{> ([\w-]+)\}\}[ \t]*\n/gm, (_, slot: string) => {
    const file = join(slotsDir, slot);
    if (!existsSync(file)) throw new Error(`${where}: no slot file ${relative(TEMPLATES_DIR, file)}`);
    const content = substitute(readFileSync(file, 'utf8'), vars, relative(TEMPLATES_DIR, file));
    return content === '' || content.endsWith('\n') ? content : `${content}\n`;
  });
}

/** The files of a service made from `template`: path relative to services/<id>/ → content. */
export function renderTemplate(template: string, vars: Record<string, string>): Map<string, string> {
  const common = join(TEMPLATES_DIR, COMMON);
  const own = join(TEMPLATES_DIR, template);
  const sources = new Map<string, string>();
  for (const path of walk(common)) sources.set(path, join(common, path));
  for (const path of walk(own, [SLOTS, MANIFEST])) sources.set(path, join(own, path));
  const rendered = new Map<string, string>();
  for (const [path, file] of [...sources].sort(([a], [b]) => a.localeCompare(b))) {
    const where = relative(TEMPLATES_DIR, file);
    const text = fillSlots(readFileSync(file, 'utf8'), join(own, SLOTS), vars, where);
    rendered.set(substitute(path, vars, where), substitute(text, vars, where));
  }
  return rendered;
}
