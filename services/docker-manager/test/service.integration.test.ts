import { connectClient } from '@neurhomia/mcp-mqtt-core/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  BASE_IMAGE,
  IDLE_READY,
  MANAGE_LABEL,
  printing,
  stateOf,
  type TestContainer,
  TestContainers,
  waitFor,
  waitReady,
} from './support/containers.js';
import { type Answer, answerOf, startDockerManager } from './support/service.js';

/**
 * Every tool through a real Mosquitto against the machine's real Docker engine, on containers this
 * file creates (labelled with its run id, removed afterwards).
 */
const containers = new TestContainers();
const project = `${containers.runId}-stack`;
const compose = (service: string) => ({
  'com.docker.compose.project': project,
  'com.docker.compose.service': service,
});
const STDOUT = [
  'first line',
  'accents: é à ü — 日本語 🚀',
  `long: ${'x'.repeat(20_000)}`,
  '  indented, trailing  ',
];
const STDERR = ['warning: on stderr', 'error: also on stderr'];
const TTY_LINES = ['tty one', 'tty two'];

let dm: Awaited<ReturnType<typeof startDockerManager>>;
let plain: TestContainer;
let tty: TestContainer;
let stopped: TestContainer;

beforeAll(async () => {
  [dm, plain, tty, stopped] = await Promise.all([
    startDockerManager(),
    containers.create({
      name: 'plain',
      script: printing(STDOUT, STDERR),
      env: ['SECRET_TOKEN=hunter2', 'MODE=test'],
      labels: { ...MANAGE_LABEL, ...compose('app') },
      network: 'bridge',
    }),
    containers.create({
      name: 'tty',
      tty: true,
      script: `${TTY_LINES.slice(0, 1)
        .map((l) => `process.stdout.write(${JSON.stringify(`${l}\n`)});`)
        .join(
          '',
        )}process.stderr.write(${JSON.stringify(`${TTY_LINES[1]}\n`)});process.on('SIGTERM',()=>process.exit(0));setInterval(()=>{},1000);`,
      labels: MANAGE_LABEL,
    }),
    containers.create({
      name: 'stopped',
      start: false,
      script: IDLE_READY,
      labels: { ...MANAGE_LABEL, ...compose('worker') },
    }),
  ]);
});

afterAll(async () => {
  await dm?.[Symbol.asyncDispose]();
  await containers.removeAll();
});

describe('docker-manager over MQTT, on the real engine', () => {
  it('lists its tools with scopes and hints: reads docker:read + readOnlyHint, writes docker:admin + destructiveHint', async () => {
    const tools = await dm.client.listTools(dm.id);
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(Object.keys(byName).sort()).toEqual([
      'container_stats',
      'get_container_logs',
      'inspect_container',
      'list_containers',
      'list_images',
      'list_stacks',
      'pull_image',
      'restart_container',
      'start_container',
      'stop_container',
    ]);
    for (const name of ['start_container', 'stop_container', 'restart_container', 'pull_image']) {
      expect(byName[name]?.permissions).toEqual(['docker:admin']);
      expect(byName[name]?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    }
    for (const name of [
      'list_containers',
      'inspect_container',
      'get_container_logs',
      'container_stats',
      'list_images',
      'list_stacks',
    ]) {
      expect(byName[name]?.permissions).toEqual(['docker:read']);
      expect(byName[name]?.annotations?.readOnlyHint).toBe(true);
    }
  });

  it('lists the containers, with compose project/service and whether each is manageable', async () => {
    const result = await dm.call('list_containers', {
      all: true,
      filters: { label: [`neurhomia.test=${containers.runId}`] },
    });
    expect(result.isError).toBe(false);
    const list = answerOf(result).containers as Answer[];
    expect(list.map((c) => c.name)).toEqual([plain.name, stopped.name, tty.name]);
    expect(list[0]).toMatchObject({
      id: plain.id.slice(0, 12),
      image: BASE_IMAGE,
      state: 'running',
      compose_project: project,
      compose_service: 'app',
      manageable: true,
    });
    expect(list[1]).toMatchObject({ state: 'created', compose_service: 'worker' });
    const running = await dm.call('list_containers', {
      filters: { label: [`neurhomia.test=${containers.runId}`] },
    });
    expect((answerOf(running).containers as Answer[]).map((c) => c.name)).toEqual([plain.name, tty.name]);
  });

  it('inspects a container with environment values redacted, names kept', async () => {
    const result = await dm.call('inspect_container', { id: plain.name });
    const info = answerOf(result);
    expect(info).toMatchObject({
      id: plain.id,
      name: plain.name,
      state: { status: 'running', running: true },
    });
    expect(info.config.env.entries).toMatchObject({ SECRET_TOKEN: '[redacted]', MODE: '[redacted]' });
    expect(info.config.env.values).toBe('redacted');
    expect(JSON.stringify(result)).not.toContain('hunter2');
    expect(info.restart_policy).toEqual({ name: 'no', maximum_retry_count: 0 });
    expect(info.compose).toEqual({ project, service: 'app' });
  });

  it('shows environment values with DOCKER_SHOW_ENV=true', async () => {
    await using shown = await startDockerManager({ env: { DOCKER_SHOW_ENV: 'true' } });
    const info = answerOf(await shown.call('inspect_container', { id: plain.id.slice(0, 10) }));
    expect(info.config.env.entries.SECRET_TOKEN).toBe('hunter2');
    expect(info.config.env.values).toBe('shown');
  });

  it('returns exactly the lines a non-TTY container printed, per stream', async () => {
    const logs = await waitFor(async () => {
      const answer = answerOf(await dm.call('get_container_logs', { id: plain.name, lines: 100 }));
      return answer.line_count >= STDOUT.length + STDERR.length ? answer : undefined;
    }, 'the container to print its lines');
    expect(logs).toMatchObject({ tty: false, truncated: false });
    const lines = logs.lines as Array<{ stream: string; text: string }>;
    expect(lines.filter((l) => l.stream === 'stdout').map((l) => l.text)).toEqual(STDOUT);
    expect(lines.filter((l) => l.stream === 'stderr').map((l) => l.text)).toEqual(STDERR);

    const onlyErrors = answerOf(
      await dm.call('get_container_logs', { id: plain.name, stream: 'stderr', timestamps: true }),
    );
    expect(onlyErrors.lines.map((l: Answer) => l.text)).toEqual(STDERR);
    expect(onlyErrors.lines.every((l: Answer) => /^\d{4}-\d\d-\d\dT.*Z$/.test(l.timestamp))).toBe(true);
  });

  it('returns exactly the lines a TTY container printed, as one tty stream', async () => {
    const logs = await waitFor(async () => {
      const answer = answerOf(await dm.call('get_container_logs', { id: tty.name }));
      return answer.line_count >= TTY_LINES.length ? answer : undefined;
    }, 'the TTY container to print');
    expect(logs.tty).toBe(true);
    expect(logs.lines).toEqual(TTY_LINES.map((text) => ({ stream: 'tty', text })));
    // `lines` is the engine's tail. (One stream here: the engine orders stdout against stderr
    // only as its two pipe readers happen to run, so a tail across both is not a fixed list.)
    const last = answerOf(await dm.call('get_container_logs', { id: tty.name, lines: 1 }));
    expect(last.lines).toEqual([{ stream: 'tty', text: TTY_LINES.at(-1) }]);
  });

  it('bounds the logs in bytes, keeping the newest lines, and says so', async () => {
    await using small = await startDockerManager({ env: { DOCKER_LOGS_MAX_BYTES: '1024' } });
    const logs = answerOf(await small.call('get_container_logs', { id: plain.name, stream: 'stdout' }));
    expect(logs.truncated).toBe(true);
    expect(logs.bytes).toBeLessThanOrEqual(1024);
    expect(logs.lines.at(-1).text).toBe(STDOUT.at(-1));
  });

  it('samples stats as docker stats computes them', async () => {
    const stats = answerOf(await dm.call('container_stats', { id: plain.name }));
    expect(stats.id).toBe(plain.id.slice(0, 12));
    expect(stats.cpu_percent).toBeGreaterThanOrEqual(0);
    expect(stats.cpu_percent).toBeLessThanOrEqual(100 * stats.online_cpus);
    expect(stats.online_cpus).toBeGreaterThanOrEqual(1);
    // A Node process: a few MiB at least, below the machine's memory (the limit without one).
    expect(stats.memory.used_bytes).toBeGreaterThan(1024 * 1024);
    expect(stats.memory.used_bytes).toBeLessThan(stats.memory.limit_bytes);
    expect(stats.memory.percent).toBeCloseTo((stats.memory.used_bytes / stats.memory.limit_bytes) * 100, 1);
    expect(stats.network.interfaces).toBeGreaterThanOrEqual(1);
    expect(stats.network.rx_bytes).toBeGreaterThanOrEqual(0);
    expect(stats.pids).toBeGreaterThanOrEqual(1);

    const notRunning = await dm.call('container_stats', { id: stopped.name });
    expect(notRunning.isError).toBe(true);
    expect(answerOf(notRunning)).toMatchObject({ reason: 'not_running', state: 'created' });
  });

  it('starts, stops and restarts a manageable container, saying when nothing changed', async () => {
    const started = answerOf(await dm.call('start_container', { id: stopped.name }));
    expect(started).toMatchObject({
      action: 'start',
      changed: true,
      state: 'running',
      state_before: 'created',
    });
    expect(await stateOf(stopped.id)).toBe('running');
    expect(answerOf(await dm.call('start_container', { id: stopped.id }))).toMatchObject({
      changed: false,
      state: 'running',
    });
    // A stop before Node has installed its SIGTERM handler would wait for the kill (exit 137).
    await waitReady(stopped.id);

    const halted = answerOf(await dm.call('stop_container', { id: stopped.id.slice(0, 12), timeout_s: 5 }));
    expect(halted).toMatchObject({ action: 'stop', changed: true, state: 'exited', exit_code: 0 });
    expect(await stateOf(stopped.id)).toBe('exited');
    expect(answerOf(await dm.call('stop_container', { id: stopped.name }))).toMatchObject({ changed: false });

    const restarted = answerOf(await dm.call('restart_container', { id: stopped.name, timeout_s: 2 }));
    expect(restarted).toMatchObject({ action: 'restart', changed: true, state: 'running' });
    expect(await stateOf(stopped.id)).toBe('running');
  });

  it('answers an unknown container with isError naming it', async () => {
    for (const tool of ['inspect_container', 'get_container_logs', 'container_stats', 'stop_container']) {
      const result = await dm.call(tool, { id: 'no-such-container-4f3c' });
      expect(result.isError).toBe(true);
      expect(answerOf(result)).toMatchObject({ reason: 'not_found', id: 'no-such-container-4f3c' });
      expect(answerOf(result).error).toContain('no-such-container-4f3c');
    }
  });

  it('refuses a container reference that is not one with -32602', async () => {
    for (const id of ['../images/json', 'abc?all=1', '']) {
      await expect(dm.call('inspect_container', { id })).rejects.toMatchObject({ code: -32602 });
    }
  });

  it('lists images and compose stacks', async () => {
    const images = answerOf(await dm.call('list_images', { reference: 'node' }));
    expect(images.images.some((i: Answer) => i.tags.includes(BASE_IMAGE))).toBe(true);
    expect(images.images.every((i: Answer) => /^[0-9a-f]{12}$/.test(i.id) && i.size_bytes > 0)).toBe(true);

    const stacks = answerOf(await dm.call('list_stacks', { project }));
    expect(stacks.stacks).toEqual([
      expect.objectContaining({
        project,
        total: 2,
        running: (await stateOf(stopped.id)) === 'running' ? 2 : 1,
        containers: [
          expect.objectContaining({ name: plain.name, service: 'app', state: 'running' }),
          expect.objectContaining({ name: stopped.name, service: 'worker' }),
        ],
      }),
    ]);
    const all = answerOf(await dm.call('list_stacks', {}));
    expect(all.stacks.map((s: Answer) => s.project)).toContain(project);
    expect(all.standalone.total).toBeGreaterThanOrEqual(1);
  });

  it('serves the dashboard widget, whose actions are tools of the service', async () => {
    const read = await dm.client.request<{ contents: Array<{ text: string }> }>(dm.id, 'resources/read', {
      uri: `mcp://${dm.id}/widget/docker_dashboard_widget`,
    });
    const widget = JSON.parse(read.contents[0]!.text) as Answer;
    const tools = (await dm.client.listTools(dm.id)).map((t) => t.name);
    expect(widget).toMatchObject({ id: 'docker_dashboard_widget', read_only: false });
    expect(widget.interactions.map((i: Answer) => i.action)).toEqual(
      expect.arrayContaining(['list_containers', 'get_container_logs', 'container_stats', 'stop_container']),
    );
    for (const interaction of widget.interactions) expect(tools).toContain(interaction.action);
    for (const section of widget.sections) expect(tools).toContain(section.source.tool);
    expect(widget.sections[0].event.topic).toBe(`mcp/${dm.id}/events/container_state`);
  });

  it('requires docker:admin for writes and docker:read for reads when API keys are set', async () => {
    await using secured = await startDockerManager({
      env: {
        MCP_API_KEYS: 'reader:reader-key-000001=docker:read,admin:admin-key-0000001=docker:read|docker:admin',
      },
    });
    const url = inject('mqttUrl');
    await using reader = await connectClient(url, { apiKey: 'reader-key-000001', clientId: 'reader' });
    await using admin = await connectClient(url, { apiKey: 'admin-key-0000001', clientId: 'admin' });
    const listed = await reader.callTool(secured.id, 'list_containers', {});
    expect(listed.isError).toBe(false);
    await expect(reader.callTool(secured.id, 'restart_container', { id: tty.name })).rejects.toMatchObject({
      code: -32002,
      data: { required_permission: 'docker:admin' },
    });
    const restarted = await admin.callTool(secured.id, 'restart_container', { id: tty.name, timeout_s: 1 });
    expect(restarted.structuredContent).toMatchObject({ changed: true, state: 'running' });
  });
});
