import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackDrift } from '../src/stack.ts';
import { copyRepository, snapshot } from './support/repository.ts';

/** `pnpm new:service …` as a person runs it, in a copy of the repository; --no-install keeps it fast. */
let copy: ReturnType<typeof copyRepository>;
beforeAll(() => {
  copy = copyRepository();
});
afterAll(() => copy[Symbol.dispose]());

const newService = (...args: string[]) =>
  spawnSync('node', [join(copy.root, 'tooling/new-service/src/main.ts'), ...args], {
    cwd: copy.root,
    encoding: 'utf8',
  });

describe('pnpm new:service refuses, and then writes nothing', () => {
  it.each([
    ['an id against the rule', ['Lights'], /"Lights" is not a valid service id: .*\^\[a-z\]/],
    ['a reserved topic level', ['system'], /"system" is not a valid service id: .*reserved/],
    ['an id of 64 characters', [`a${'b'.repeat(63)}`], /is not a valid service id/],
    ['an existing service', ['weather'], /services\/weather already exists/],
    ['the admin client', ['cli'], /"cli" is already a broker user \(mosquitto\/acl\.d\/00-base\.acl\)/],
    ['the front end', ['neurhomia'], /"neurhomia" is already a broker user/],
    ['the broker healthcheck', ['healthcheck'], /"healthcheck" is already a broker user/],
    ['the broker', ['mosquitto'], /would add "mosquitto" to the compose stack, which compose\/compose\.yaml/],
    ['the demo simulator', ['ha-simulator'], /would add "ha-simulator" .*services\/ha-bridge\/compose\.yaml/],
    ["the stack's secrets volume", ['mcp'], /would add "mcp-secrets" to the compose stack/],
    ['a workspace package', ['e2e'], /@neurhomia\/e2e is already the package of e2e\/package\.json/],
    [
      'an unknown template',
      ['lights', '--template', 'nope'],
      /unknown template "nope": one of http-api, minimal/,
    ],
    ['a description on two lines', ['lights', '--description', 'one\ntwo'], /one line of text/],
  ])('%s', (_, args, message) => {
    const before = snapshot(copy.root);
    const { status, stderr, stdout } = newService(...args, '--no-install');
    expect({ status, stdout }).toEqual({ status: 1, stdout: '' });
    expect(stderr).toMatch(message);
    expect(stderr).toContain('Nothing was written.');
    expect(snapshot(copy.root)).toEqual(before);
  });

  it('answers a usage error with exit 2 and the usage', () => {
    const { status, stderr } = newService('--no-install');
    expect(status).toBe(2);
    expect(stderr).toMatch(/expected one service id[\s\S]*Usage: pnpm new:service <id>/);
  });
});

describe('pnpm new:service --no-install', () => {
  it('writes services/<id>/ and the stack line, names every file and the next three commands', () => {
    const before = snapshot(copy.root);
    const { status, stdout, stderr } = newService(
      'porch-lights',
      '--no-install',
      '--description',
      'Porch lights',
    );
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    const after = snapshot(copy.root);
    const added = [...after.keys()].filter((path) => !before.has(path) && after.get(path) !== 'dir');
    const changed = [...before.keys()].filter(
      (path) => after.has(path) && after.get(path) !== before.get(path),
    );
    expect(added.every((path) => path.startsWith('services/porch-lights/'))).toBe(true);
    expect(changed).toEqual(['compose/compose.yaml']);
    expect(stdout).toContain(`wrote ${added.length} files (template minimal)`);
    for (const path of added) expect(stdout).toContain(`  ${path}\n`);
    expect(stdout).toContain("added porch-lights to the stack's services in compose/compose.yaml");
    expect(stdout).toContain('docker compose run --rm cli call porch-lights say_hello name=Ada');
    expect(stackDrift(copy.root)).toBeUndefined();
    expect(readFileSync(join(copy.root, 'services/porch-lights/package.json'), 'utf8')).toContain(
      '"description": "Porch lights"',
    );
  });
});
