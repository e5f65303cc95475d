import { readFile } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';

/**
 * Finding, from inside a container, which container this process runs in — without asking
 * anything of the engine but a confirmation:
 *
 * - cgroup v1 (and v2 with the host's cgroup namespace): /proc/self/cgroup names the container,
 *   `…/docker/<id>` (cgroupfs driver) or `…/docker-<id>.scope` (systemd driver);
 * - cgroup v2 with a private cgroup namespace (the default on current engines): /proc/self/cgroup
 *   is `0::/`, but /proc/self/mountinfo still shows the files the engine mounts from
 *   /var/lib/docker/containers/<id>/ (resolv.conf, hostname, hosts);
 * - last resort: the hostname, which is the id's first 12 characters unless `hostname:` is set.
 *   A hostname is only a candidate: the engine must confirm that the container with that id
 *   prefix has this hostname (a container merely *named* like our hostname is someone else).
 */
export interface SelfEvidence {
  /** Full 64-hex ids found in /proc (certain: they come from this process's own view). */
  ids: string[];
  /** The hostname, when it looks like an id prefix (12+ hex characters): to be confirmed. */
  hostnamePrefix: string | undefined;
}

const FULL_ID = /[0-9a-f]{64}/;

/** Container ids in /proc/self/cgroup lines. */
export function idsFromCgroup(text: string): string[] {
  const ids = new Set<string>();
  for (const line of text.split('\n')) {
    const path = line.split(':').slice(2).join(':');
    // docker/<id>, docker-<id>.scope, and nested paths (kubepods/…/docker-<id>.scope).
    const match = /(?:^|\/)(?:docker[-/]|libpod-)?([0-9a-f]{64})(?:\.scope)?(?:\/|$)/.exec(path);
    if (match?.[1]) ids.add(match[1]);
  }
  return [...ids];
}

/** Container ids in /proc/self/mountinfo: the root of mounts from <data-root>/containers/<id>/. */
export function idsFromMountinfo(text: string): string[] {
  const ids = new Set<string>();
  for (const line of text.split('\n')) {
    // Field 4 is the mount's root inside its filesystem, field 5 the mount point.
    const fields = line.split(' ');
    const root = fields[3] ?? '';
    const match = /\/containers\/([0-9a-f]{64})\/(?:resolv\.conf|hostname|hosts)$/.exec(root);
    if (match?.[1] && FULL_ID.test(match[1])) ids.add(match[1]);
  }
  return [...ids];
}

export function hostnamePrefix(hostname: string): string | undefined {
  return /^[0-9a-f]{12,64}$/.test(hostname) ? hostname : undefined;
}

async function readOrEmpty(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return '';
  }
}

/** What /proc and the hostname say about this process's container (nothing outside one). */
export async function gatherSelfEvidence(
  options: { procSelf?: string; hostname?: string } = {},
): Promise<SelfEvidence> {
  const procSelf = options.procSelf ?? '/proc/self';
  const [cgroup, mountinfo] = await Promise.all([
    readOrEmpty(`${procSelf}/cgroup`),
    readOrEmpty(`${procSelf}/mountinfo`),
  ]);
  const ids = [...new Set([...idsFromCgroup(cgroup), ...idsFromMountinfo(mountinfo)])];
  return { ids, hostnamePrefix: hostnamePrefix(options.hostname ?? osHostname()) };
}
