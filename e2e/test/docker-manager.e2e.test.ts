import type { McpMqttClient } from '@neurhomia/mcp-mqtt-core/client';
import { connectClient } from '@neurhomia/mcp-mqtt-core/testing';
import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HomeStackContainers, type StartedHomeStack } from '../src/home-stack.js';
import { secretPaths } from '../src/secrets.js';

/**
 * The docker-manager image behind Mosquitto with the project's auth and ACL, the host's Docker
 * socket mounted as the compose fragment mounts it: tools through the broker, its own container
 * and its broker refused, the reduced user it runs as, and container_state events.
 */
let stack: StartedHomeStack;
let service: StartedTestContainer;
let client: McpMqttClient;
const events: Array<{ event: string; payload: { data: { container_id: string; action: string } } }> = [];

beforeAll(async () => {
  stack = await new HomeStackContainers().start();
  client = await connectClient(stack.getConnectionString(), {
    ...(await stack.credentials('cli')),
    apiKey: await stack.secret(secretPaths.clientApiKey('cli')),
    timeoutMs: 15_000,
  });
  client.on('event', (e) => events.push(e as (typeof events)[number]));
  await client.subscribeEvents('docker-manager', 'container_state');
  service = await stack.startDockerManager();
});

afterAll(async () => {
  await client?.close();
  await stack?.stop();
});

describe('docker-manager image through the authenticated broker', () => {
  it('lists the containers of the engine, its broker and itself among them, both protected', async () => {
    const result = await client.callTool('docker-manager', 'list_containers', {});
    expect(result.isError).toBe(false);
    const containers = result.structuredContent!.containers as Array<{ id: string; protected?: string }>;
    const byId = Object.fromEntries(containers.map((c) => [c.id, c]));
    expect(byId[stack.broker.getId().slice(0, 12)]?.protected).toContain('MQTT broker');
    expect(byId[service.getId().slice(0, 12)]?.protected).toContain('own container');
  });

  it('refuses to stop its broker or itself with -32002 protected', async () => {
    for (const id of [stack.broker.getId(), service.getId().slice(0, 12)]) {
      await expect(client.callTool('docker-manager', 'stop_container', { id })).rejects.toMatchObject({
        code: -32002,
        data: { reason: 'protected' },
      });
    }
    const { exitCode } = await stack.broker.exec(['true']);
    expect(exitCode).toBe(0);
  });

  it('runs as node (uid 1000) with the socket group and no capability', async () => {
    // The service's process, found by its command line (PID 1 here; an init's child in compose).
    const { output } = await service.exec([
      'sh',
      '-c',
      'for d in /proc/[0-9]*; do [ "$(tr "\\0" " " <"$d/cmdline")" = "node --max-semi-space-size=4 dist/main.js " ] && cat "$d/status"; done',
    ]);
    const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(output)?.[1]?.trim();
    expect(field('Uid')?.split(/\s+/)).toEqual(['1000', '1000', '1000', '1000']);
    for (const set of ['CapEff', 'CapPrm', 'CapInh', 'CapAmb'])
      expect(field(set), set).toBe('0000000000000000');
    expect(field('NoNewPrivs')).toBe('1');
    const { output: gid } = await service.exec(['stat', '-c', '%g', '/var/run/docker.sock']);
    expect(field('Groups')?.split(/\s+/)).toEqual([gid.trim()]);
  });

  it("gives the front end's key reads only: a stop needs docker:admin", async () => {
    await using frontEnd = await connectClient(stack.getConnectionString(), {
      ...(await stack.credentials('neurhomia')),
      apiKey: await stack.secret(secretPaths.clientApiKey('neurhomia')),
      timeoutMs: 15_000,
    });
    const listed = await frontEnd.callTool('docker-manager', 'list_images', { limit: 5 });
    expect(listed.isError).toBe(false);
    await expect(
      frontEnd.callTool('docker-manager', 'restart_container', { id: stack.upstream.getId() }),
    ).rejects.toMatchObject({ code: -32002, data: { required_permission: 'docker:admin' } });
  });

  it('publishes container_state for a container started beside it', async () => {
    const extra = await new GenericContainer('node:24-bookworm-slim')
      .withCommand(['node', '-e', "process.on('SIGTERM',()=>process.exit(0));setInterval(()=>{},1000)"])
      .withLabels({ 'neurhomia.manage': 'true' })
      .start();
    try {
      const deadline = Date.now() + 15_000;
      const seen = () =>
        events.some(
          (e) => e.payload.data.container_id === extra.getId() && e.payload.data.action === 'start',
        );
      while (!seen() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(seen()).toBe(true);
      // Labelled manageable and neither its broker nor itself: the admin client may stop it.
      const stopped = await client.callTool('docker-manager', 'stop_container', {
        id: extra.getId(),
        timeout_s: 5,
      });
      expect(stopped.structuredContent).toMatchObject({ changed: true, state: 'exited' });
    } finally {
      await extra.stop().catch(() => {});
    }
  });
});
