import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeService } from '../src/generate.ts';
import { addServiceImporter, LOCKFILE } from '../src/lockfile.ts';
import { copyRepository } from './support/repository.ts';

let copy: ReturnType<typeof copyRepository>;
beforeAll(() => {
  copy = copyRepository();
});
afterAll(() => copy[Symbol.dispose]());

const lockfile = () => readFileSync(join(copy.root, LOCKFILE), 'utf8');
/** The block of one importer, up to the blank line that ends it. */
const importer = (text: string, path: string) =>
  new RegExp(`\\n {2}${path}:\\n[\\s\\S]*?\\n\\n`).exec(text)?.[0];

describe("the new service's importer in pnpm-lock.yaml", () => {
  it('takes the entries the other services have, sorted, and changes nothing else', () => {
    writeService(copy.root, { id: 'air-quality', template: 'http-api' });
    const before = lockfile();
    expect(addServiceImporter(copy.root, 'air-quality')).toBe(true);
    const after = lockfile();

    const block = importer(after, 'services/air-quality');
    expect(block).toBeDefined();
    expect(after.replace(block!.slice(1), '')).toBe(before);
    // Sorted by path, as pnpm writes them.
    expect(after.indexOf('\n  services/air-quality:')).toBeGreaterThan(
      after.indexOf('\n  packages/mcp-mqtt-core:'),
    );
    expect(after.indexOf('\n  services/air-quality:')).toBeLessThan(
      after.indexOf('\n  services/docker-manager:'),
    );

    const weather = importer(before, 'services/weather')!;
    const manifest = JSON.parse(readFileSync(join(copy.root, 'services/air-quality/package.json'), 'utf8'));
    for (const name of [...Object.keys(manifest.dependencies), ...Object.keys(manifest.devDependencies)]) {
      const entry = new RegExp(`\\n {6}'?${name}'?:\\n {8}specifier: .*\\n {8}version: .*`).exec(block!)?.[0];
      expect({ name, entry }).toEqual({ name, entry: expect.any(String) });
      expect(weather).toContain(entry); // weather has every dependency of the http-api template
    }
  });

  it('writes nothing when a dependency is one no service has yet', () => {
    writeService(copy.root, { id: 'lights', template: 'minimal' });
    const path = join(copy.root, 'services/lights/package.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    manifest.dependencies['left-pad'] = '^1.3.0';
    writeFileSync(path, JSON.stringify(manifest));
    const before = lockfile();
    expect(addServiceImporter(copy.root, 'lights')).toBe(false);
    expect(lockfile()).toBe(before);
  });

  it('writes nothing for an importer the lockfile already has', () => {
    const before = lockfile();
    expect(addServiceImporter(copy.root, 'weather')).toBe(false);
    expect(lockfile()).toBe(before);
  });
});
