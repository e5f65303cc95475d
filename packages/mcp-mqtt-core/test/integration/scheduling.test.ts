import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ErrorCode } from '../../src/protocol/errors.js';
import { serviceTopics } from '../../src/protocol/topics.js';
import { freePort, startService, uniqueServiceId } from '../../src/testing/index.js';
import { schedulingService } from '../support/scheduling-service.js';
import { collect, rawClient, waitFor } from './helpers.js';

/** Priorities, per-key locks, coalescing and their bounds through a real broker, as a client sends them. */
const url = inject('mqttUrl');
const id = uniqueServiceId('sched');
const { definition, recorder } = schedulingService({ id, concurrency: 1 });
/** The same tools with small bounds (a queue of 2, 2 waiters per key), and with 20 ms aging steps. */
const boundedId = uniqueServiceId('sched-bounded');
const bounded = schedulingService({ id: boundedId, concurrency: 1, maxQueue: 2 });
const agingId = uniqueServiceId('sched-aging');
const aging = schedulingService({ id: agingId, concurrency: 1, agingStepMs: 20 });
let service: Awaited<ReturnType<typeof startService>>;
let boundedService: Awaited<ReturnType<typeof startService>>;
let agingService: Awaited<ReturnType<typeof startService>>;
let metricsPort: number;
let client: Awaited<ReturnType<typeof rawClient>>;
let answers: Awaited<ReturnType<typeof collect>>;
const rt = `mcp/clients/sched/${id}/response`;

beforeAll(async () => {
  metricsPort = await freePort();
  service = await startService(definition, {
    url,
    env: { HTTP_PORT: String(metricsPort), HTTP_HOST: '127.0.0.1' },
  });
  boundedService = await startService(bounded.definition, { url, env: { MAX_WAITERS_PER_KEY: '2' } });
  agingService = await startService(aging.definition, { url });
  client = await rawClient(url);
  answers = await collect(client, rt);
});
afterAll(async () => {
  await client?.endAsync();
  await service?.stop();
  await boundedService?.stop();
  await agingService?.stop();
});

type Answer = {
  result?: { structuredContent: Record<string, unknown> };
  error?: { code: number; data?: Record<string, unknown> };
};

let sequence = 0;
/** Publishes a tools/call to `target` with an optional `mcp_metadata.priority`; resolves to its answer. */
async function callOn(target: string, name: string, args: Record<string, unknown>, priority?: string) {
  const requestId = `r${++sequence}`;
  const body = {
    jsonrpc: '2.0',
    id: requestId,
    method: 'tools/call',
    params: { name, arguments: args },
    ...(priority ? { mcp_metadata: { priority } } : {}),
  };
  await client.publishAsync(serviceTopics(target).request, JSON.stringify(body), {
    qos: 1,
    properties: { responseTopic: rt, correlationData: Buffer.from(requestId) },
  });
  const answer = await waitFor(
    () => answers.find((a) => a.correlationData?.toString() === requestId),
    10_000,
    `the answer to ${requestId}`,
  );
  return JSON.parse(answer.payload) as Answer;
}
const call = (name: string, args: Record<string, unknown>, priority?: string) =>
  callOn(id, name, args, priority);

const startsOf = (log: string[]) => log.filter((l) => l.startsWith('start:')).map((l) => l.slice(6));
const starts = () => startsOf(recorder.log);

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

  it('runs 10 writes to one entity one at a time, in arrival order, other entities in parallel', async () => {
    recorder.log.length = 0;
    const writes = Array.from({ length: 10 }, (_, i) =>
      call('write', { key: 'light.hall', label: `w${i}`, ms: 10 }),
    );
    const others = ['a', 'b', 'c'].map((key) => call('write', { key: `switch.${key}`, label: key, ms: 60 }));
    const results = await Promise.all([...writes, ...others]);
    expect(results.every((r) => r.result)).toBe(true);
    expect(recorder.maxPerKey.get('light.hall')).toBe(1);
    const hall = recorder.log.filter((l) => /:w\d$/.test(l));
    expect(hall).toEqual(Array.from({ length: 10 }, (_, i) => [`start:w${i}`, `end:w${i}`]).flat());
    expect(recorder.maxConcurrentWrites).toBeGreaterThan(1);
  });

  it('answers 20 identical concurrent reads with one execution', async () => {
    const before = recorder.executions;
    const results = await Promise.all(Array.from({ length: 20 }, () => call('read', { key: 'sensor.mqtt' })));
    expect(recorder.executions - before).toBe(1);
    expect(new Set(results.map((r) => JSON.stringify(r.result))).size).toBe(1);
  });

  it('shows the queue, the lock waits and the coalesced calls in /metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? Number.NaN);
    // The tests above queued five jobs behind a blocker, ran 9 writes behind another on one key
    // and shared one read between 20 callers.
    expect(
      value(/^mcp_queue_wait_seconds_count\{[^}]*dependency="upstream",priority="bulk"[^}]*\} (\d+)/m),
    ).toBe(1);
    expect(value(/^mcp_lock_wait_seconds_count\{[^}]*\} (\d+)/m)).toBeGreaterThanOrEqual(9);
    expect(value(/^mcp_coalesced_calls_total\{[^}]*tool="read"[^}]*\} (\d+)/m)).toBe(19);
    expect(value(/^mcp_queue_length\{[^}]*queue="upstream"[^}]*\} (\d+)/m)).toBe(0);
    expect(value(/^mcp_queue_length\{[^}]*queue="locks"[^}]*\} (\d+)/m)).toBe(0);
  });
});

describe('the bounds of the scheduler over MQTT', () => {
  const log = bounded.recorder.log;
  const call = (name: string, args: Record<string, unknown>, priority?: string) =>
    callOn(boundedId, name, args, priority);

  it('refuses a call past the bound of the queue with -32005 queue_full', async () => {
    log.length = 0;
    const blocker = call('hold', { label: 'blocker' });
    await waitFor(() => log.includes('start:blocker') || undefined, 5_000, 'the blocker');
    const queued = [call('job', { label: 'a' }), call('job', { label: 'b' })];
    await waitFor(() => boundedService.health().queue.pending === 2 || undefined, 5_000, 'two queued');
    expect((await call('job', { label: 'c' })).error).toMatchObject({
      code: ErrorCode.RateLimited,
      data: { reason: 'queue_full', dependency: 'upstream', max_queue: 2 },
    });
    bounded.recorder.open();
    const results = await Promise.all([blocker, ...queued]);
    expect(results.every((r) => r.result)).toBe(true);
    expect(startsOf(log)).toEqual(['blocker', 'a', 'b']);
  });

  it('refuses a call past the bound of waiters on a key with -32005 serialize_queue_full', async () => {
    const running = call('write', { key: 'cover.garage', label: 'first', ms: 300 });
    await waitFor(() => log.includes('start:first') || undefined, 5_000, 'the first write');
    const waiting = [1, 2].map((i) => call('write', { key: 'cover.garage', label: `w${i}`, ms: 0 }));
    await waitFor(() => boundedService.health().queue.pending === 2 || undefined, 5_000, 'two waiters');
    expect((await call('write', { key: 'cover.garage', label: 'w3', ms: 0 })).error).toMatchObject({
      code: ErrorCode.RateLimited,
      data: { reason: 'serialize_queue_full', max_waiters: 2 },
    });
    const results = await Promise.all([running, ...waiting]);
    expect(results.every((r) => r.result)).toBe(true);
  });

  it('serves a bulk call under a steady stream of high ones (aging)', async () => {
    const log = aging.recorder.log;
    const call = (name: string, args: Record<string, unknown>, priority?: string) =>
      callOn(agingId, name, args, priority);
    const blocker = call('hold', { label: 'blocker' });
    await waitFor(() => log.includes('start:blocker') || undefined, 5_000, 'the blocker');
    // Five highs waiting at all times, a new one sent as each finishes: the queue never empties
    // while the stream lasts.
    const highs: Promise<Answer>[] = [];
    let sent = 0;
    const sendHigh = () => {
      const done = call('job', { label: `high-${sent++}`, ms: 2 }, 'high');
      highs.push(done);
      void done.then(() => {
        if (sent < 200) sendHigh();
      });
    };
    for (let i = 0; i < 5; i++) sendHigh();
    const bulk = call('job', { label: 'bulk' }, 'bulk');
    await waitFor(() => agingService.health().queue.pending === 6 || undefined, 5_000, 'all queued');
    aging.recorder.open();
    expect((await bulk).result?.structuredContent).toMatchObject({ label: 'bulk', priority: 'bulk' });
    await blocker;
    while (sent < 200) await new Promise((resolve) => setTimeout(resolve, 10));
    const results = await Promise.all(highs);
    expect(results.every((r) => r.result)).toBe(true);
    // Without aging it would start after all 200 highs; with it, once it has waited 4 steps.
    const order = startsOf(log);
    expect(order.indexOf('bulk')).toBeGreaterThan(5);
    expect(order.indexOf('bulk')).toBeLessThan(150);
  });
});
