import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ErrorCode } from '../../src/protocol/errors.js';
import { serviceTopics } from '../../src/protocol/topics.js';
import { startService, uniqueServiceId } from '../../src/testing/index.js';
import { schedulingService } from '../support/scheduling-service.js';
import { collect, rawClient, waitFor } from './helpers.js';

/** Priorities, per-key locks and coalescing through a real broker, as a client sends them. */
const url = inject('mqttUrl');
const id = uniqueServiceId('sched');
const { definition, recorder } = schedulingService({ id, concurrency: 1 });
let service: Awaited<ReturnType<typeof startService>>;
let client: Awaited<ReturnType<typeof rawClient>>;
let answers: Awaited<ReturnType<typeof collect>>;
const rt = `mcp/clients/sched/${id}/response`;

beforeAll(async () => {
  service = await startService(definition, { url });
  client = await rawClient(url);
  answers = await collect(client, rt);
});
afterAll(async () => {
  await client?.endAsync();
  await service?.stop();
});

let sequence = 0;
/** Publishes a tools/call with an optional `mcp_metadata.priority`; resolves to its answer. */
async function call(name: string, args: Record<string, unknown>, priority?: string) {
  const requestId = `r${++sequence}`;
  const body = {
    jsonrpc: '2.0',
    id: requestId,
    method: 'tools/call',
    params: { name, arguments: args },
    ...(priority ? { mcp_metadata: { priority } } : {}),
  };
  await client.publishAsync(serviceTopics(id).request, JSON.stringify(body), {
    qos: 1,
    properties: { responseTopic: rt, correlationData: Buffer.from(requestId) },
  });
  const answer = await waitFor(
    () => answers.find((a) => a.correlationData?.toString() === requestId),
    10_000,
    `the answer to ${requestId}`,
  );
  return JSON.parse(answer.payload) as {
    result?: { structuredContent: Record<string, unknown> };
    error?: unknown;
  };
}

const starts = () => recorder.log.filter((l) => l.startsWith('start:')).map((l) => l.slice(6));

describe('scheduling over MQTT', () => {
  it('serves a saturated dependency by mcp_metadata.priority', async () => {
    recorder.log.length = 0;
    const blocker = call('hold', { label: 'blocker' });
    await waitFor(() => recorder.log.includes('start:blocker'), 5_000, 'the blocker');
    const labels = ['bulk', 'low', 'normal', 'high', 'critical'];
    const queued = labels.map((label) => call('job', { label }, label));
    await waitFor(() => service.health().queue.pending === labels.length || undefined, 5_000, 'all queued');
    recorder.open();
    await Promise.all([blocker, ...queued]);
    expect(starts()).toEqual(['blocker', 'critical', 'high', 'normal', 'low', 'bulk']);
  });

  it('refuses an unknown priority with -32602 naming mcp_metadata.priority', async () => {
    expect((await call('job', { label: 'x' }, 'asap')).error).toMatchObject({
      code: ErrorCode.InvalidParams,
      data: { param: 'mcp_metadata.priority' },
    });
  });

  it('runs 10 writes to one entity one at a time, in arrival order', async () => {
    recorder.log.length = 0;
    const writes = Array.from({ length: 10 }, (_, i) =>
      call('write', { key: 'light.hall', label: `w${i}`, ms: 10 }),
    );
    await Promise.all(writes);
    expect(recorder.maxPerKey.get('light.hall')).toBe(1);
    expect(recorder.log).toEqual(Array.from({ length: 10 }, (_, i) => [`start:w${i}`, `end:w${i}`]).flat());
  });

  it('answers 20 identical concurrent reads with one execution', async () => {
    const before = recorder.executions;
    const results = await Promise.all(Array.from({ length: 20 }, () => call('read', { key: 'sensor.mqtt' })));
    expect(recorder.executions - before).toBe(1);
    expect(new Set(results.map((r) => JSON.stringify(r.result))).size).toBe(1);
  });
});

describe('the share group', () => {
  it('keeps every request when clients join the default group, with a secret group', async () => {
    const serviceId = uniqueServiceId('share');
    await using _service = await startService(schedulingService({ id: serviceId }).definition, {
      url,
      env: { MCP_SHARE_GROUP: 'g_5f0c1d2e9a8b7c6d' },
    });
    const joiners = await Promise.all([1, 2, 3].map(() => rawClient(url)));
    for (const joiner of joiners) {
      await joiner.subscribeAsync(`$share/${serviceId}/${serviceTopics(serviceId).request}`, { qos: 1 });
    }
    await using caller = await rawClient(url);
    const replyTo = `mcp/clients/share/${serviceId}/r`;
    const got = await collect(caller, replyTo);
    for (let i = 0; i < 40; i++) {
      await caller.publishAsync(
        serviceTopics(serviceId).request,
        JSON.stringify({ jsonrpc: '2.0', id: i, method: 'ping' }),
        {
          qos: 1,
          properties: { responseTopic: replyTo, correlationData: Buffer.from(String(i)) },
        },
      );
    }
    await waitFor(() => got.length >= 40 || undefined, 5_000, '40 answers').catch(() => undefined);
    expect(got).toHaveLength(40);
    for (const joiner of joiners) await joiner.endAsync();
  });
});
