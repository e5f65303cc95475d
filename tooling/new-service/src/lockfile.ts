import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCKFILE = 'pnpm-lock.yaml';

/** The dependency sections of an importer, in the order pnpm writes them. */
const SECTIONS = ['dependencies', 'optionalDependencies', 'devDependencies'] as const;

/** One dependency of an importer as the lockfile writes it: its three lines, and its specifier. */
type Entry = { specifier: string; lines: string[] };
type Importer = Map<string, Map<string, Entry>>;

const unquote = (value: string) => value.replace(/^'(.*)'$/, '$1');

/** The importers of a lockfile, and the index of the line each one starts on. */
type Importers = { byPath: Map<string, Importer>; lineOf: Map<string, number>; end: number };

/**
 * The importers of a pnpm v9 lockfile, read by indentation as pnpm writes it: the path two
 * spaces deep under `importers:`, a section four deep, a dependency six deep, then its
 * `specifier:` and `version:` eight deep. `end`: the line after the section.
 */
function importersOf(lines: readonly string[]): Importers {
  const importers = new Map<string, Importer>();
  const lineOf = new Map<string, number>();
  let end = -1;
  let inImporters = false;
  let importer: Importer | undefined;
  let section: Map<string, Entry> | undefined;
  let entry: Entry | undefined;
  for (const [index, line] of lines.entries()) {
    if (/^\S/.test(line)) {
      if (inImporters) end = index;
      inImporters = line === 'importers:';
    }
    if (!inImporters) continue;
    const path = /^ {2}(\S.*):$/.exec(line)?.[1];
    const sectionName = /^ {4}(\w+):$/.exec(line)?.[1];
    const name = /^ {6}(\S.*):$/.exec(line)?.[1];
    if (path !== undefined) {
      importer = new Map();
      importers.set(path, importer);
      lineOf.set(path, index);
    } else if (sectionName !== undefined && importer) {
      section = new Map();
      importer.set(sectionName, section);
    } else if (name !== undefined && section) {
      entry = { specifier: '', lines: [line] };
      section.set(unquote(name), entry);
    } else if (/^ {8}\S/.test(line) && entry) {
      entry.lines.push(line);
      const specifier = /^ {8}specifier: (.*)$/.exec(line)?.[1];
      if (specifier !== undefined) entry.specifier = unquote(specifier);
    }
  }
  return { byPath: importers, lineOf, end: end < 0 ? lines.length : end };
}

type Manifest = Partial<Record<(typeof SECTIONS)[number], Record<string, string>>>;

/**
 * Writes the importer of services/<id> into pnpm-lock.yaml from what the lockfile already holds:
 * each dependency of its package.json takes the entry another service has for the same name and
 * specifier (`catalog:`, `workspace:*`: the same resolved version, the same link path from
 * services/). `pnpm install` then finds the lockfile up to date and links the new package from
 * the store, without asking the registry: the generator works offline, as the rest of the
 * repository does after one install, and the new service uses the versions the others use.
 * Returns false, and writes nothing, when a dependency has no such entry (pnpm resolves it).
 */
export function addServiceImporter(root: string, id: string): boolean {
  const path = join(root, LOCKFILE);
  const lines = readFileSync(path, 'utf8').split('\n');
  const { byPath, lineOf, end } = importersOf(lines);
  const key = `services/${id}`;
  if (lineOf.size === 0 || byPath.has(key)) return false;
  const services = [...byPath].filter(([name]) => name.startsWith('services/')).map(([, i]) => i);
  const manifest = JSON.parse(readFileSync(join(root, key, 'package.json'), 'utf8')) as Manifest;

  const block = [`  ${key}:`];
  for (const sectionName of SECTIONS) {
    const wanted = Object.entries(manifest[sectionName] ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
    if (wanted.length === 0) continue;
    block.push(`    ${sectionName}:`);
    for (const [name, specifier] of wanted) {
      const found = services
        .map((service) => SECTIONS.map((s) => service.get(s)?.get(name)).find(Boolean))
        .find((candidate) => candidate?.specifier === specifier);
      if (!found) return false;
      block.push(...found.lines);
    }
  }

  // Importers are sorted by path, a blank line after each: before the first that sorts after it.
  const next = [...lineOf].find(([other]) => other > key);
  lines.splice(next ? next[1] : end, 0, ...block, '');
  writeFileSync(path, lines.join('\n'));
  return true;
}
