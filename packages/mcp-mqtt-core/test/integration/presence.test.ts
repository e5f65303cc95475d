import { afterEach, describe, expect, inject, it } from 'vitest';
import { serviceTopics } from '../../src/protocol/topics.js';
import { connectClient, uniqueServiceId } from '../../src/testing/index.js';
import { collect, kill, rawClient, spawnExample, waitFor } from './helpers.js';

const url = inject('mqttUrl');
const children: Array<ReturnType<typeof spawnExample>> = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => kill(child)));
});

function start(serviceId: string) {
  const child = spawnExample({ MQTT_URL: url, MCP_SERVICE_ID: serviceId, HEARTBEAT_INTERVAL: '1' });
  children.push(child);
  return child;
}

const statusOf = (message: { payload: string } | undefined) =>
  message ? JSON.parse(message.payload).status : undefined;

describe('presence through the Last Will', () => {
  it('a service killed with SIGKILL shows offline on its discovery topic', async () => {
    const serviceId = uniqueServiceId('lwt');
    const child = start(serviceId);
    await child.ready;
    await using observer = await rawClient(url);
    const discovery = await collect(observer, serviceTopics(serviceId).discovery);
    await waitFor(() => statusOf(discovery.at(-1)) === 'ready', 3000, 'ready');
    await kill(child, 'SIGKILL');
    await waitFor(() => statusOf(discovery.at(-1)) === 'offline', 5000, 'offline from the Last Will');
    const will = JSON.parse(discovery.at(-1)!.payload);
    expect(will).toMatchObject({
      service_id: serviceId,
      status: 'offline',
      capabilities: { tools: ['echo', 'clock'] },
    });
    // and it is retained: a newcomer reads offline too
    await using late = await rawClient(url);
    const retained = await collect(late, serviceTopics(serviceId).discovery);
    await waitFor(() => retained.length > 0, 3000, 'retained offline');
    expect(statusOf(retained[0])).toBe('offline');
  });

  it('with two replicas, killing one leaves the service ready and calls keep succeeding', async () => {
    const serviceId = uniqueServiceId('replicas');
    const first = start(serviceId);
    const second = start(serviceId);
    await Promise.all([first.ready, second.ready]);
    await using client = await connectClient(url, { timeoutMs: 3000 });
    await using observer = await rawClient(url);
    const discovery = await collect(observer, serviceTopics(serviceId).discovery);
    for (let i = 0; i < 6; i++) await client.callTool(serviceId, 'echo', { message: `before ${i}` });

    await kill(first, 'SIGKILL');
    await waitFor(
      () => discovery.some((m) => statusOf(m) === 'offline'),
      5000,
      'the Will of the killed replica',
    );
    const offlineAt = Date.now();
    await waitFor(
      () => statusOf(discovery.at(-1)) === 'ready',
      1000,
      'the survivor re-announcing within 1 s',
    );
    expect(Date.now() - offlineAt).toBeLessThan(1000);

    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => client.callTool(serviceId, 'echo', { message: `after ${i}` })),
    );
    expect(results.map((r) => r.structuredContent!.message)).toEqual(
      Array.from({ length: 10 }, (_, i) => `after ${i}`),
    );
    await using late = await rawClient(url);
    const retained = await collect(late, serviceTopics(serviceId).discovery);
    await waitFor(() => retained.length > 0, 3000, 'retained document');
    expect(statusOf(retained[0])).toBe('ready');
  });
});
