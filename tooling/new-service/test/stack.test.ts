import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serviceFolders } from '../src/repository.ts';
import { STACK_FILE, stackDrift, stackServices, syncStack } from '../src/stack.ts';
import { copyRepository, ROOT } from './support/repository.ts';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

describe('the stack and services/', () => {
  it('includes in compose/compose.yaml every service of services/ (else: run `pnpm stack:sync`)', () => {
    expect(stackServices(ROOT)).toEqual(
      expect.arrayContaining(['docker-manager', 'gateway', 'ha-bridge', 'weather']),
    );
    expect(stackDrift(ROOT)).toBeUndefined();
  });

  it('notices a service folder added or removed, names the command, and resyncs', () => {
    using copy = copyRepository();
    rmSync(join(copy.root, 'services', 'weather'), { recursive: true });
    expect(stackDrift(copy.root)).toMatch(/compose\/compose\.yaml does not include .*run `pnpm stack:sync`/);
    expect(syncStack(copy.root)).toBe(true);
    expect(stackDrift(copy.root)).toBeUndefined();
    expect(readFileSync(join(copy.root, STACK_FILE), 'utf8')).not.toContain('services/weather/');
    expect(syncStack(copy.root)).toBe(false);
  });

  it.each(serviceFolders(ROOT))('builds %s with services/Dockerfile for its own folder', (id) => {
    const fragment = read(`services/${id}/compose.yaml`);
    expect(fragment).toMatch(/^ {6}dockerfile: services\/Dockerfile$/m);
    expect(fragment).toMatch(new RegExp(`^ {6}args: \\{ SERVICE: ${id}(, .*)? \\}$`, 'm'));
    expect(fragment).toMatch(
      new RegExp(`^ {4}image: neurhomia/mcp-${id}:\\$\\{MCP_IMAGE_TAG:-local\\}$`, 'm'),
    );
  });

  it("pins, in every Dockerfile, the pnpm of packageManager and the lockfile's turbo", () => {
    const pnpm = (JSON.parse(read('package.json')) as { packageManager: string }).packageManager.split(
      '@',
    )[1];
    const turbo = /\n {2}turbo@([\d.]+):/.exec(read('pnpm-lock.yaml'))?.[1];
    const dockerfiles = ['services/Dockerfile', 'compose/cli.Dockerfile', 'packages/ha-simulator/Dockerfile'];
    for (const file of dockerfiles)
      expect({ file, pnpm: /ARG PNPM_VERSION=(\S+)/.exec(read(file))?.[1] }).toEqual({ file, pnpm });
    expect(turbo).toBeDefined();
    expect(/ARG TURBO_VERSION=(\S+)/.exec(read('services/Dockerfile'))?.[1]).toBe(turbo);
  });
});
