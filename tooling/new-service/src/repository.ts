import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A name the stack already uses, and the file that uses it. */
type Taken = { name: string; file: string };

const dirs = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
        .map((entry) => entry.name)
    : [];
const files = (dir: string, suffix: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((name) => name.endsWith(suffix))
        .map((name) => join(dir, name))
    : [];

/** The folders of services/ holding a service (a package.json). */
export function serviceFolders(root: string): string[] {
  return dirs(join(root, 'services'))
    .filter((id) => existsSync(join(root, 'services', id, 'package.json')))
    .sort();
}

/**
 * Every broker user of the stack: the base rules (mosquitto/acl.d: cli, neurhomia, healthcheck)
 * and every fragment of services/ (the services, and clients such as the gateway).
 */
export function brokerUsers(root: string): Taken[] {
  const fragments = [
    ...files(join(root, 'mosquitto', 'acl.d'), '.acl'),
    ...dirs(join(root, 'services')).flatMap((id) => files(join(root, 'services', id, 'mosquitto'), '.acl')),
  ];
  return fragments.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/^user\s+(\S+)\s*$/gm)].map((m) => ({
      name: m[1]!,
      file: relative(root, file),
    })),
  );
}

/**
 * The services and volumes the compose files declare (the stack's, every fragment's, the e2e
 * suite's overlays). Read by indentation: a key two spaces deep under a top-level `services:` or
 * `volumes:`, as every compose file of the repository is written.
 */
export function composeNames(root: string): Taken[] {
  const composeFiles = [
    ...files(join(root, 'compose'), '.yaml'),
    ...dirs(join(root, 'services')).map((id) => join(root, 'services', id, 'compose.yaml')),
    ...files(join(root, 'e2e'), '.yaml'),
  ].filter((file) => existsSync(file));
  const taken: Taken[] = [];
  for (const file of composeFiles) {
    let section = '';
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const top = /^([A-Za-z][\w-]*):/.exec(line);
      if (top) section = top[1]!;
      const key = /^ {2}([A-Za-z0-9][\w.-]*):/.exec(line);
      if (key && (section === 'services' || section === 'volumes'))
        taken.push({ name: key[1]!, file: relative(root, file) });
    }
  }
  return taken;
}

/** The names of the workspace's packages, with their folders. */
export function packageNames(root: string): Taken[] {
  const folders = ['packages', 'services', 'tooling'].flatMap((parent) =>
    dirs(join(root, parent)).map((name) => join(root, parent, name)),
  );
  return [...folders, join(root, 'e2e')]
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({
      name: (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string }).name,
      file: relative(root, join(dir, 'package.json')),
    }));
}

/**
 * Why `id` would collide with what the repository already has, or undefined. A service brings
 * the folder services/<id>, the broker user <id>, the compose services <id> and <id>-secrets, the
 * volume <id>-secrets and the package @neurhomia/<id>: none may exist yet.
 */
export function collision(root: string, id: string): string | undefined {
  if (existsSync(join(root, 'services', id)))
    return `services/${id} already exists: choose another id (or remove that folder first)`;
  const user = brokerUsers(root).find((u) => u.name === id);
  if (user)
    return `"${id}" is already a broker user (${user.file}): a service's id is its MQTT user, choose another id`;
  const declared = composeNames(root);
  for (const name of [id, `${id}-secrets`]) {
    const found = declared.find((n) => n.name === name);
    if (found)
      return `the service would add "${name}" to the compose stack, which ${found.file} already declares: choose another id`;
  }
  const pkg = packageNames(root).find((p) => p.name === `@neurhomia/${id}`);
  if (pkg) return `@neurhomia/${id} is already the package of ${pkg.file}: choose another id`;
  return undefined;
}
