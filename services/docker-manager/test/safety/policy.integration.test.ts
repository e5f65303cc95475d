import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { gatherSelfEvidence, idsFromCgroup, idsFromMountinfo } from '../../src/safety/self.js';
import {
  docker,
  IDLE_READY,
  MANAGE_LABEL,
  stateOf,
  type TestContainer,
  TestContainers,
  waitFor,
  waitReady,
} from '../support/containers.js';
import { type Answer, refusal, startDockerManager } from '../support/service.js';

/**
 * Each safety rule, on the real engine, through a real broker: the refusal (-32002 and its
 * reason) and the container left untouched.
 */
const containers = new TestContainers();
const run = containers.runId;
let dm: Awaited<ReturnType<typeof startDockerManager>>;
let labelled: TestContainer;
let unlabelled: TestContainer;
const scratch = mkdtempSync(join(tmpdir(), 'dm-self-'));

beforeAll(async () => {
  [dm, labelled, unlabelled] = await Promise.all([
    startDockerManager(),
    containers.create({ name: 'labelled', labels: MANAGE_LABEL, script: IDLE_READY }),
    containers.create({ name: 'unlabelled', script: IDLE_READY }),
  ]);
});

afterAll(async () => {
  await dm?.[Symbol.asyncDispose]();
  await containers.removeAll();
  rmSync(scratch, { recursive: true, force: true });
});

describe('DOCKER_READ_ONLY=true', () => {
  it('hides the mutating tools and refuses them with reason read_only, touching nothing', async () => {
    await using ro = await startDockerManager({ env: { DOCKER_READ_ONLY: 'true' } });
    const names = (await ro.client.listTools(ro.id)).map((t) => t.name);
    for (const hidden of ['start_container', 'stop_container', 'restart_container', 'pull_image'])
      expect(names).not.toContain(hidden);
    expect(names).toContain('list_containers');
    const discovery = (await ro.client.listServices()).find((s) => s.serviceId === ro.id)?.discovery;
    expect(discovery?.capabilities.tools).toContain('list_containers');
    expect(discovery?.capabilities.tools).not.toContain('stop_container');

    for (const [tool, args] of [
      ['stop_container', { id: labelled.name }],
      ['restart_container', { id: labelled.id }],
      ['start_container', { id: 'does-not-matter' }],
      ['pull_image', { image: 'busybox:latest' }],
    ] as const) {
      const error = await refusal(ro.call(tool, args));
      expect(error).toMatchObject({ code: -32002, data: { reason: 'read_only' } });
    }
    expect(await stateOf(labelled.id)).toBe('running');

    const widget = await ro.client.request<{ contents: Array<{ text: string }> }>(ro.id, 'resources/read', {
      uri: `mcp://${ro.id}/widget/docker_dashboard_widget`,
    });
    const config = JSON.parse(widget.contents[0]!.text) as Answer;
    expect(config.read_only).toBe(true);
    expect(config.interactions.map((i: Answer) => i.action)).not.toContain('stop_container');
  });
});

describe('the scope of manageable containers', () => {
  it('refuses a container without the label with reason not_manageable, and leaves it running', async () => {
    const error = await refusal(dm.call('stop_container', { id: unlabelled.name }));
    expect(error).toMatchObject({ code: -32002, data: { reason: 'not_manageable', name: unlabelled.name } });
    expect(error.message).toContain('neurhomia.manage=true');
    expect(await stateOf(unlabelled.id)).toBe('running');
    const list = await dm.call('list_containers', { filters: { label: [`neurhomia.test=${run}`] } });
    const flags = Object.fromEntries(
      (list.structuredContent!.containers as Answer[]).map((c) => [c.name, c.manageable]),
    );
    expect(flags).toEqual({ [labelled.name]: true, [unlabelled.name]: false });
  });

  it('manages a container matching DOCKER_ALLOW_NAMES, or another DOCKER_ALLOW_LABEL', async () => {
    await using byName = await startDockerManager({
      env: { DOCKER_ALLOW_NAMES: `nothing-*,${run}-unlab?lled` },
    });
    await waitReady(unlabelled.id);
    const stopped = await byName.call('stop_container', { id: unlabelled.name, timeout_s: 5 });
    expect(stopped.structuredContent).toMatchObject({ changed: true, state: 'exited' });
    // …while the default label no longer counts once another label is configured.
    await using byLabel = await startDockerManager({ env: { DOCKER_ALLOW_LABEL: `neurhomia.test=${run}` } });
    const started = await byLabel.call('start_container', { id: unlabelled.name });
    expect(started.structuredContent).toMatchObject({ changed: true, state: 'running' });
    await using otherLabel = await startDockerManager({ env: { DOCKER_ALLOW_LABEL: 'com.example.nothing' } });
    expect(await refusal(otherLabel.call('stop_container', { id: labelled.name }))).toMatchObject({
      data: { reason: 'not_manageable' },
    });
  });
});

describe('protected containers', () => {
  it('never touches the broker it is connected to, even labelled manageable', async () => {
    const brokerId = inject('brokerId');
    const broker = await docker.getContainer(brokerId).inspect();
    expect(broker.Config.Labels['neurhomia.manage']).toBe('true');
    for (const id of [brokerId, brokerId.slice(0, 12), broker.Name.slice(1)]) {
      const error = await refusal(dm.call('restart_container', { id }));
      expect(error).toMatchObject({ code: -32002, data: { reason: 'protected' } });
      expect(String(error.data?.detail)).toContain('MQTT broker');
    }
    expect(await stateOf(brokerId)).toBe('running');
    const listed = await dm.call('list_containers', { filters: { name: broker.Name.slice(1) } });
    expect(listed.structuredContent!.containers).toEqual([
      expect.objectContaining({ manageable: false, protected: expect.stringContaining('MQTT broker') }),
    ]);
  });

  it('protects names matching DOCKER_PROTECT_NAMES, even labelled', async () => {
    await using strict = await startDockerManager({ env: { DOCKER_PROTECT_NAMES: `${run}-lab*` } });
    const error = await refusal(strict.call('stop_container', { id: labelled.id }));
    expect(error).toMatchObject({ code: -32002, data: { reason: 'protected' } });
    expect(String(error.data?.detail)).toContain(`DOCKER_PROTECT_NAMES pattern "${run}-lab*"`);
    expect(await stateOf(labelled.id)).toBe('running');
  });

  it('finds its own container from /proc (cgroup, mountinfo) and refuses to touch it', async () => {
    const self = await containers.create({ name: 'self', labels: MANAGE_LABEL });
    const read = async (file: string) => {
      const exec = await self.container.exec({
        Cmd: ['cat', file],
        AttachStdout: true,
        AttachStderr: true,
        Tty: true,
      });
      const stream = await exec.start({ Tty: true });
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8').replace(/\r\n/g, '\n');
    };
    const cgroup = await read('/proc/self/cgroup');
    const mountinfo = await read('/proc/self/mountinfo');
    // Whatever the cgroup version, the engine's bind mounts of hostname/hosts/resolv.conf name it;
    // cgroup v1 (and v2 with the host's cgroup namespace) name it in /proc/self/cgroup too.
    expect(idsFromMountinfo(mountinfo)).toEqual([self.id]);
    const cgroupVersion = (await docker.info()).CgroupVersion;
    expect(idsFromCgroup(cgroup)).toEqual(cgroupVersion === '1' ? [self.id] : []);

    writeFileSync(join(scratch, 'cgroup'), cgroup);
    writeFileSync(join(scratch, 'mountinfo'), mountinfo);
    const evidence = await gatherSelfEvidence({ procSelf: scratch, hostname: 'not-an-id' });
    expect(evidence.ids).toEqual([self.id]);
    await using inside = await startDockerManager({ self: evidence });
    const error = await refusal(inside.call('stop_container', { id: self.name }));
    expect(error).toMatchObject({ code: -32002, data: { reason: 'protected' } });
    expect(String(error.data?.detail)).toContain('own container');
    expect(await stateOf(self.id)).toBe('running');
  });

  it('confirms a hostname with the engine: its own container, not one merely named like it', async () => {
    const self = await containers.create({ name: 'by-hostname', labels: MANAGE_LABEL });
    const hostname = (await self.container.inspect()).Config.Hostname;
    expect(hostname).toBe(self.id.slice(0, 12));
    await using inside = await startDockerManager({ self: { ids: [], hostnamePrefix: hostname } });
    expect(await refusal(inside.call('stop_container', { id: self.id }))).toMatchObject({
      data: { reason: 'protected' },
    });

    // A container *named* like a hostname is somebody else: the engine finds it by name, but its
    // hostname differs.
    const lookalike = Array.from(
      { length: 12 },
      () => '0123456789abcdef'[Math.floor(Math.random() * 16)],
    ).join('');
    const decoy = await docker.createContainer({
      Image: 'node:24-bookworm-slim',
      name: lookalike,
      Cmd: ['node', '-e', IDLE_READY],
      Labels: { ...MANAGE_LABEL, 'neurhomia.test': run, 'neurhomia.test.suite': 'docker-manager' },
      HostConfig: { NetworkMode: 'none' },
    });
    await decoy.start();
    await waitReady(decoy.id);
    await using fooled = await startDockerManager({ self: { ids: [], hostnamePrefix: lookalike } });
    const stopped = await fooled.call('stop_container', { id: decoy.id, timeout_s: 5 });
    expect(stopped.structuredContent).toMatchObject({ changed: true, state: 'exited' });
  });
});

describe('per-container serialisation', () => {
  it('runs a stop by name and a restart by id prefix of one container one after the other', async () => {
    // Ignores SIGTERM: each stop lasts its whole timeout, long enough to see the second call wait.
    const slow = await containers.create({
      name: 'slow',
      labels: MANAGE_LABEL,
      script: "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000);",
    });
    await waitReady(slow.id);
    const stop = dm.call('stop_container', { id: slow.name, timeout_s: 2 });
    await waitFor(async () => (await dm.health()).queue.running === 1, 'the stop to run');
    const restart = dm.call('restart_container', { id: slow.id.slice(0, 8), timeout_s: 1 });
    // While the stop runs, the restart waits for the container's lock: one pending call.
    const waiting = await waitFor(async () => {
      const health = await dm.health();
      return health.queue.pending === 1 ? health : undefined;
    }, 'the restart to wait for the lock');
    expect(waiting.queue.running).toBe(1);
    const [stopped, restarted] = await Promise.all([stop, restart]);
    expect(stopped.structuredContent).toMatchObject({ action: 'stop', changed: true, state: 'exited' });
    // The restart ran after the stop: it found the container stopped and started it.
    expect(restarted.structuredContent).toMatchObject({
      action: 'restart',
      state_before: 'exited',
      state: 'running',
    });
  });
});
