import Docker from 'dockerode';

/**
 * Containers the tests create on the machine's real engine, from the local base image, each
 * labelled with the run that made it (`neurhomia.test=<run id>`) and the suite
 * (`neurhomia.test.suite=docker-manager`), and removed by `removeAll` (afterAll, also on failure)
 * — the global setup sweeps what a killed run left behind.
 */
export const docker = new Docker();
export const BASE_IMAGE = 'node:24-bookworm-slim';
export const RUN_LABEL = 'neurhomia.test';
export const SUITE_LABEL = 'neurhomia.test.suite';
export const SUITE = 'docker-manager';
export const MANAGE_LABEL = { 'neurhomia.manage': 'true' };

/** A Node script that runs until stopped, and stops at once on SIGTERM (node as PID 1 would not). */
export const IDLE = "process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000);";
/** IDLE that says `ready` once its SIGTERM handler is in place (see waitReady). */
export const IDLE_READY = `${IDLE} console.log('ready');`;

/** Waits until the container printed `ready` `times` times (once per start). */
export async function waitReady(id: string, times = 1) {
  await waitFor(
    async () => {
      const logs = (await docker.getContainer(id).logs({ stdout: true, stderr: false })) as unknown as Buffer;
      return logs.toString('latin1').split('ready').length - 1 >= times;
    },
    `container ${id.slice(0, 12)} to be ready`,
  );
}

/** Prints `lines` (stdout) and `errors` (stderr) in that order, then idles. */
export function printing(lines: string[], errors: string[] = []) {
  return (
    `${lines.map((l) => `process.stdout.write(${JSON.stringify(`${l}\n`)});`).join('')}` +
    `${errors.map((l) => `process.stderr.write(${JSON.stringify(`${l}\n`)});`).join('')}${IDLE}`
  );
}

export interface CreateOptions {
  /** Suffix of the name: the container is `<run id>-<name>`. */
  name: string;
  script?: string;
  tty?: boolean;
  labels?: Record<string, string>;
  env?: string[];
  start?: boolean;
  hostname?: string;
  /** Default none: most tests need no network (bridge for network counters). */
  network?: 'none' | 'bridge';
  healthcheck?: { test: string[]; intervalMs: number };
}

export interface TestContainer {
  id: string;
  name: string;
  container: Docker.Container;
}

export function newRunId() {
  return `dm-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export class TestContainers implements AsyncDisposable {
  readonly runId = newRunId();

  async create(options: CreateOptions): Promise<TestContainer> {
    const name = `${this.runId}-${options.name}`;
    const container = await docker.createContainer({
      Image: BASE_IMAGE,
      name,
      Cmd: ['node', '-e', options.script ?? IDLE],
      Tty: options.tty ?? false,
      Env: options.env ?? [],
      ...(options.hostname ? { Hostname: options.hostname } : {}),
      Labels: { [RUN_LABEL]: this.runId, [SUITE_LABEL]: SUITE, ...options.labels },
      ...(options.healthcheck
        ? {
            Healthcheck: {
              Test: options.healthcheck.test,
              Interval: options.healthcheck.intervalMs * 1_000_000,
              Timeout: 2_000_000_000,
              Retries: 1,
            },
          }
        : {}),
      HostConfig: { NetworkMode: options.network ?? 'none' },
    });
    if (options.start !== false) await container.start();
    return { id: container.id, name, container };
  }

  /** Every container of this run, forced out (running or not). */
  async removeAll() {
    await removeLabelled(`${RUN_LABEL}=${this.runId}`);
  }

  async [Symbol.asyncDispose]() {
    await this.removeAll();
  }
}

export async function removeLabelled(label: string, olderThanS = 0) {
  const containers = await docker.listContainers({ all: true, filters: { label: [label] } });
  const cutoff = Date.now() / 1000 - olderThanS;
  await Promise.all(
    containers
      .filter((c) => c.Created <= cutoff)
      .map((c) =>
        docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => {}),
      ),
  );
}

/** The state the engine reports now. */
export async function stateOf(id: string): Promise<string> {
  return (await docker.getContainer(id).inspect()).State.Status;
}

export async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  ms = 10_000,
) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
