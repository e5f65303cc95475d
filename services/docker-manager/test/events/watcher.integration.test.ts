import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerStateEvent } from '../../src/events/container-state.js';
import { IDLE_READY, MANAGE_LABEL, TestContainers, waitFor, waitReady } from '../support/containers.js';
import { EngineProxy } from '../support/engine-proxy.js';
import { capturingLogger, startDockerManager } from '../support/service.js';

/**
 * container_state events for changes made OUTSIDE the service (dockerode, as `docker` would),
 * and the event stream surviving the loss of the engine's socket.
 */
const containers = new TestContainers();
const scratch = mkdtempSync(join(tmpdir(), 'dm-events-'));
let dm: Awaited<ReturnType<typeof startDockerManager>>;
let received: ContainerStateEvent[] = [];

/** Events about one container, as `action` or `action:detail` strings, in arrival order. */
const trail = (id: string) =>
  received
    .filter((e) => e.container_id === id)
    .map((e) =>
      e.health
        ? `${e.action}:${e.health}`
        : e.exit_code !== undefined
          ? `${e.action}:${e.exit_code}`
          : e.action,
    );

beforeAll(async () => {
  dm = await startDockerManager();
  received = await dm.containerStates();
  await dm.streaming();
});

afterAll(async () => {
  await dm?.[Symbol.asyncDispose]();
  await containers.removeAll();
  rmSync(scratch, { recursive: true, force: true });
});

describe('container_state events', () => {
  it('publishes start, die (exit code), stop and restart done with the engine directly', async () => {
    const box = await containers.create({ name: 'events', labels: MANAGE_LABEL, script: IDLE_READY });
    await waitFor(() => trail(box.id).includes('start') || undefined, 'the start event');
    const start = received.find((e) => e.container_id === box.id && e.action === 'start')!;
    expect(start).toMatchObject({
      id: box.id.slice(0, 12),
      name: box.name,
      image: 'node:24-bookworm-slim',
      state: 'running',
      manageable: true,
    });
    expect(start.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);

    await waitReady(box.id);
    await box.container.stop({ t: 5 });
    await waitFor(() => trail(box.id).includes('stop') || undefined, 'the stop event');
    await box.container.restart({ t: 1 });
    await waitFor(() => trail(box.id).includes('restart') || undefined, 'the restart event');
    // The engine's own order: a stop is the process dying (SIGTERM handled: exit 0), then "stop";
    // a restart of a stopped container is a start, then "restart".
    expect(trail(box.id)).toEqual(['start', 'die:0', 'stop', 'start', 'restart']);
    expect(received.find((e) => e.container_id === box.id && e.action === 'stop')?.state).toBe('exited');
  });

  it('publishes the exit code of a process that ends by itself, and health changes', async () => {
    const failing = await containers.create({ name: 'exit3', script: 'process.exit(3)' });
    await waitFor(() => trail(failing.id).includes('die:3') || undefined, 'the die event');
    expect(received.find((e) => e.container_id === failing.id && e.action === 'die')).toMatchObject({
      exit_code: 3,
      state: 'exited',
      manageable: false,
    });

    const checked = await containers.create({
      name: 'health',
      healthcheck: { test: ['CMD', 'node', '-e', 'process.exit(0)'], intervalMs: 500 },
    });
    await waitFor(() => trail(checked.id).includes('health_status:healthy') || undefined, 'healthy', 20_000);
  });
});

describe('the event stream when the engine goes away', () => {
  it('reconnects, replays what the engine still has, and logs the gap', async () => {
    await using proxy = await EngineProxy.unix(join(scratch, 'engine.sock'));
    const { logger, lines } = capturingLogger();
    await using cut = await startDockerManager({
      env: { DOCKER_HOST: proxy.dockerHost, DOCKER_RECONNECT_MAX_S: '1' },
      logger,
    });
    const events = await cut.containerStates();
    await cut.streaming();

    await proxy.cut();
    // Another call in flight may see the loss first: wait until the stream has seen it too.
    const down = await waitFor(async () => {
      const health = await cut.health();
      const docker = health.dependency_details.docker;
      return docker?.status === 'down' && docker.event_stream === 'reconnecting' ? health : undefined;
    }, 'the engine and its event stream to be seen down');
    expect(down.status).toBe('degraded');

    // A change while the service cannot see the engine…
    const during = await containers.create({ name: 'during-gap', labels: MANAGE_LABEL });
    await proxy.restore();
    // …arrives once the stream is back: the engine still holds it and replays it (`since`).
    await waitFor(
      () => events.find((e) => e.container_id === during.id && e.action === 'start'),
      'the replay',
    );
    const gap = lines.find((l) => String(l.msg).startsWith('container event stream reconnected'));
    expect(gap).toMatchObject({
      lost_at: expect.any(String),
      gap_s: expect.any(Number),
      replay_since: expect.any(String),
    });
    expect(lines.some((l) => l.msg === 'container event stream lost: reconnecting')).toBe(true);
    expect((await cut.health()).dependencies.docker).toBe('ok');
  });
});
