import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCKFILE = 'pnpm-lock.yaml';

/** The dependency sections of an importer, in the order pnpm writes them. */
const SECTIONS = ['dependencies', 'optionalDependencies', 'devDependencies'] as const;

/** One dependency of an importer as the lockfile writes it: its three lines, and its specifier. */
type Entry = { specifier: string; lines: string[] };
type Importer = Map<string, Map<string, Entry>>;

const unquote = (value: string) => value.replace(/^'(.*)'$/, '$1');

/**
 * The importers of a pnpm v9 lockfile, read by indentation as pnpm writes it: the path two
 * spaces deep under `importers:`, a section four deep, a dependency six deep, then its
 * `specifier:` and `version:` eight deep.
 */
function importersOf(lockfile: string): Map<string, Importer> {
  const importers = new Map<string, Importer>();
  let inImporters = false;
  let importer: Importer | undefined;
  let section: Map<string, Entry> | undefined;
  let entry: Entry | undefined;
  for (const line of lockfile.split('\n')) {
    if (/^\S/.test(line)) inImporters = line === 'importers:';
    if (!inImporters) continue;
    const path = /^ {2}(\S.*):$/.exec(line)?.[1];
    const sectionName = /^ {4}(\w+):$/.exec(line)?.[1];
    const name = /^ {6}(\S.*):$/.exec(line)?.[1];
    if (path !== undefined) {
      importer = new Map();
      importers.set(path, importer);
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
  return importers;
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
  const lockfile = readFileSync(path, 'utf8');
  const importers = importersOf(lockfile);
  const key = `services/${id}`;
  if (importers.has(key)) return false;
  const services = [...importers].filter(([name]) => name.startsWith('services/')).map(([, i]) => i);
  const manifest = JSON.parse(readFileSync(join(root, key, 'package.json'), 'utf8')) as Manifest;

  const block = [`  ${key}:`];
  for (const sectionName of SECTIONS) {
    const wanted = Object.entries(manifest[sectionName] ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
    if (wanted.length === 0) continue;
    block.push(`    ${sectionName}:`);
    for (const [name, specifier] of wanted) {
      const found = services
        .map((service) => [...SECTIONS].map((s) => service.get(s)?.get(name)).find(Boolean))
        .find((candidate) => candidate?.specifier === specifier);
      if (!found) return false;
      block.push(...found.lines);
    }
  }

  // Importers are sorted by path, a blank line after each.
  const lines = lockfile.split('\n');
  const start = lines.indexOf('importers:');
  if (start < 0) return false;
  let at = start + 2;
  while (at < lines.length) {
    const next = /^ {2}(\S.*):$/.exec(lines[at] ?? '')?.[1];
    if (/^\S/.test(lines[at] ?? '') || (next !== undefined && next > key)) break;
    at++;
  }
  lines.splice(at, 0, ...block, '');
  writeFileSync(path, lines.join('\n'));
  return true;
}
