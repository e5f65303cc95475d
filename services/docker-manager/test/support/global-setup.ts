import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { MosquittoContainer } from '@neurhomia/mcp-mqtt-core/testing';
import type { TestProject } from 'vitest/node';
import { MANAGE_LABEL, removeLabelled, SUITE, SUITE_LABEL } from './containers.js';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

/**
 * Once per integration run:
 * - sweeps containers an earlier, killed run of this suite left behind (older than 10 minutes, so
 *   a run going on in parallel elsewhere keeps its own);
 * - makes sure Debian's docker-registry (distribution 2.8) is installed, for pull_image's tests
 *   (CI runs as root: a fresh machine gets it here);
 * - starts the broker every file shares. Always a container of this engine, labelled manageable:
 *   the safety tests prove that the service refuses to touch its own broker even so.
 */
export default async function setup(project: TestProject) {
  await removeLabelled(`${SUITE_LABEL}=${SUITE}`, 600);
  ensureRegistry();
  const broker = await new MosquittoContainer()
    .withLabels({ ...MANAGE_LABEL, [SUITE_LABEL]: SUITE, 'neurhomia.test': 'broker' })
    .start();
  project.provide('mqttUrl', broker.getConnectionString());
  project.provide('brokerId', broker.getId());
  return async () => {
    await broker.stop();
  };
}

function ensureRegistry() {
  if (existsSync(REGISTRY_BINARY)) return;
  // Root here and in CI containers; GitHub's runners have password-less sudo.
  const asRoot = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  if (asRoot.length > 0 && !succeeds('sudo', ['-n', 'true'])) {
    throw new Error(
      `${REGISTRY_BINARY} is missing and this run is not root: apt-get install -y docker-registry (Debian/Ubuntu)`,
    );
  }
  const aptGet = (...args: string[]) => {
    const [command, ...rest] = [...asRoot, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args];
    execFileSync(command!, rest, { stdio: 'inherit' });
  };
  aptGet('update', '-qq');
  aptGet('install', '-y', '-qq', 'docker-registry');
}

function succeeds(command: string, args: string[]) {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    mqttUrl: string;
    brokerId: string;
  }
}
