import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.js';
import { ErrorCode } from '../../../src/protocol/errors.js';
import { createServer } from '../../../src/service/server.js';
import { type SchedulingOptions, schedulingService } from '../../support/scheduling-service.js';

/** The scheduling service with no broker: every call goes through the endpoint. */
async function start(options: Partial<SchedulingOptions> = {}, env: Record<string, string> = {}) {
  const { definition, recorder } = schedulingService({ id: 'sched', ...options });
  const server = await createServer(definition, { env, logger: silentLogger() });
  const call = (
    name: string,
    args: Record<string, unknown>,
    extra: { priority?: string; id?: string } = {},
  ) => server.request('tools/call', { name, arguments: args }, extra);
  return { server, recorder, call };
}

const starts = (log: string[]) => log.filter((l) => l.startsWith('start:')).map((l) => l.slice(6));
const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

async function waitUntil(condition: () => boolean, what: string) {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await tick();
  }
}

describe('priorities under a saturated dependency', () => {
  it('serves waiting calls by priority, then in arrival order', async () => {
    const { server, recorder, call } = await start({ concurrency: 1 });
    await using _ = server;
    const blocker = call('hold', { label: 'blocker' });
    await waitUntil(() => recorder.log.includes('start:blocker'), 'the blocker');
    const order = ['low', 'bulk', 'critical', 'high', 'medium', 'normal', 'high-2'];
    const calls = order.map((label) =>
      call('job', { label }, { priority: label === 'high-2' ? 'high' : label }),
    );
    await waitUntil(() => server.core.health().queue.pending === order.length, 'every call queued');
    expect(server.core.health().queue).toMatchObject({
      pending: 7,
      running: 1,
      by_priority: { critical: 1, high: 2, medium: 2, low: 1, bulk: 1 },
      dependencies: { upstream: { running: 1, pending: 7, concurrency: 1 } },
    });
    recorder.open();
    const answers = await Promise.all([blocker, ...calls]);
    expect(answers.every((a) => a.result)).toBe(true);
    expect(starts(recorder.log)).toEqual([
      'blocker',
      'critical',
      'high',
      'high-2',
      'medium',
      'normal',
      'low',
      'bulk',
    ]);
    const normal = answers[order.indexOf('normal') + 1]!.result as {
      structuredContent: { priority: string };
    };
    expect(normal.structuredContent.priority).toBe('medium');
  });

  it('refuses an unknown mcp_metadata.priority with -32602 naming it', async () => {
    const { server, call } = await start();
    await using _ = server;
    const answer = await call('job', { label: 'x' }, { priority: 'urgent' });
    expect(answer.error).toMatchObject({
      code: ErrorCode.InvalidParams,
      data: { param: 'mcp_metadata.priority', received: '"urgent"' },
    });
  });

  it('never starves bulk under a steady stream of high (aging)', async () => {
    const { server, recorder, call } = await start({ concurrency: 1, agingStepMs: 20 });
    await using _ = server;
    const blocker = call('hold', { label: 'blocker' });
    await waitUntil(() => recorder.log.includes('start:blocker'), 'the blocker');
    const highs: Promise<unknown>[] = [];
    let sent = 0;
    const sendHigh = () => {
      const label = `high-${sent++}`;
      const done = call('job', { label, ms: 2 }, { priority: 'high' });
      highs.push(done);
      // Keep five highs waiting at all times: the queue never empties while the stream lasts.
      void done.then(() => {
        if (sent < 200) sendHigh();
      });
    };
    for (let i = 0; i < 5; i++) sendHigh();
    const bulk = call('job', { label: 'bulk' }, { priority: 'bulk' });
    recorder.open();
    await bulk;
    await blocker;
    while (highs.length < 200 || sent < 200) await tick();
    await Promise.all(highs);
    const order = starts(recorder.log);
    // Without aging the bulk call would start after all 200; with it, once it has waited 4 steps.
    expect(order.indexOf('bulk')).toBeGreaterThan(0);
    expect(order.indexOf('bulk')).toBeLessThan(150);
  });

  it('refuses a call past the bound of the queue with -32005', async () => {
    const { server, recorder, call } = await start({ concurrency: 1, maxQueue: 2 });
    await using _ = server;
    const blocker = call('hold', { label: 'blocker' });
    await waitUntil(() => recorder.log.includes('start:blocker'), 'the blocker');
    const queued = [call('job', { label: 'a' }), call('job', { label: 'b' })];
    await waitUntil(() => server.core.health().queue.pending === 2, 'two queued');
    const refused = await call('job', { label: 'c' });
    expect(refused.error).toMatchObject({
      code: ErrorCode.RateLimited,
      data: { reason: 'queue_full', dependency: 'upstream', max_queue: 2 },
    });
    recorder.open();
    await Promise.all([blocker, ...queued]);
  });
});

describe('per-key serialisation', () => {
  it('runs 10 writes to one key one at a time in arrival order, other keys in parallel', async () => {
    const { server, recorder, call } = await start();
    await using _ = server;
    const writes = Array.from({ length: 10 }, (_, i) =>
      call('write', { key: 'light.kitchen', label: `k${i}`, ms: 15 }),
    );
    const others = ['a', 'b', 'c'].map((key) => call('write', { key: `switch.${key}`, label: key, ms: 60 }));
    const answers = await Promise.all([...writes, ...others]);
    expect(answers.every((a) => a.result)).toBe(true);
    expect(recorder.maxPerKey.get('light.kitchen')).toBe(1);
    const kitchen = recorder.log.filter((l) => /:k\d$/.test(l));
    // start:k0, end:k0, start:k1, end:k1…: strictly one after another, in arrival order.
    expect(kitchen).toEqual(Array.from({ length: 10 }, (_, i) => [`start:k${i}`, `end:k${i}`]).flat());
    expect(recorder.maxConcurrentWrites).toBeGreaterThan(1);
  });

  it('holds every key of a call that names several, without deadlock between opposite orders', async () => {
    const { server, recorder, call } = await start();
    await using _ = server;
    const answers = await Promise.all([
      call('write', { key: 'light.a', label: 'a1', ms: 30 }),
      call('write_many', { keys: ['light.a', 'light.b'], label: 'ab', ms: 30 }),
      call('write_many', { keys: ['light.b', 'light.a', 'light.b'], label: 'ba', ms: 30 }),
      call('write', { key: 'light.b', label: 'b1', ms: 30 }),
      call('write', { key: 'light.c', label: 'c1', ms: 30 }),
    ]);
    expect(answers.every((a) => a.result)).toBe(true);
    expect(recorder.maxPerKey.get('light.a')).toBe(1);
    expect(recorder.maxPerKey.get('light.b')).toBe(1);
    // Calls on light.a ran in arrival order; ab waited for a1, ba for ab.
    const runs = recorder.log.filter((l) => /:(a1|ab|ba)$/.test(l));
    expect(runs).toEqual(['start:a1', 'end:a1', 'start:ab', 'end:ab', 'start:ba', 'end:ba']);
    // light.c shares no key: it did not wait behind them.
    expect(recorder.log.indexOf('start:c1')).toBeLessThan(recorder.log.indexOf('end:a1'));
  });

  it('refuses a call past the bound of waiters on a key with -32005 and a reason', async () => {
    const { server, call } = await start({}, { MAX_WAITERS_PER_KEY: '2' });
    await using _ = server;
    const running = call('write', { key: 'cover.garage', label: 'first', ms: 200 });
    await tick();
    const waiting = [1, 2].map((i) => call('write', { key: 'cover.garage', label: `w${i}`, ms: 0 }));
    await tick();
    const refused = await call('write', { key: 'cover.garage', label: 'w3', ms: 0 });
    expect(refused.error).toMatchObject({
      code: ErrorCode.RateLimited,
      data: { reason: 'serialize_queue_full', max_waiters: 2 },
    });
    await Promise.all([running, ...waiting]);
  });

  it('serialises every name of one entity on the key its serialize promise resolves to', async () => {
    const { server, recorder, call } = await start();
    await using _ = server;
    const names = ['kitchen', 'light.kitchen', 'Kitchen light', 'kitchen'];
    const calls = names.map((name, i) => call('write_alias', { name, label: `a${i}`, ms: 20 }));
    const other = call('write_alias', { name: 'hall', label: 'hall', ms: 20 });
    const answers = await Promise.all([...calls, other]);
    expect(
      answers.map((a) => (a.result as { structuredContent: { entity: string } }).structuredContent.entity),
    ).toEqual(['light.kitchen', 'light.kitchen', 'light.kitchen', 'light.kitchen', 'light.hall']);
    expect(recorder.maxPerKey.get('light.kitchen')).toBe(1);
    expect(recorder.maxPerKey.get('light.hall')).toBe(1);
  });

  it('fails the call whose serialize promise throws, as the handler would', async () => {
    const { server, recorder, call } = await start();
    await using _ = server;
    const answer = await call('write_alias', { name: 'garage', label: 'g', ms: 0 });
    expect(answer.result).toMatchObject({
      isError: true,
      structuredContent: { error: 'no entity named garage' },
    });
    expect(recorder.log).not.toContain('start:g');
  });

  it('counts the wait for a key against the timeout (-32004)', async () => {
    const { server, call } = await start();
    await using _ = server;
    const holder = call('write', { key: 'lock.door', label: 'long', ms: 400 });
    await tick();
    const late = await call('quick', { key: 'lock.door' });
    expect(late.error).toMatchObject({ code: ErrorCode.Timeout, data: { timeout_ms: 150 } });
    await holder;
  });
});

describe('coalescing', () => {
  it('answers 20 identical concurrent reads with one execution and 20 identical answers', async () => {
    const { server, recorder, call } = await start();
    await using _ = server;
    const answers = await Promise.all(Array.from({ length: 20 }, () => call('read', { key: 'sensor.t' })));
    expect(recorder.executions).toBe(1);
    expect(new Set(answers.map((a) => JSON.stringify(a.result))).size).toBe(1);
    expect(answers[0]!.result).toMatchObject({ structuredContent: { key: 'sensor.t', execution: 1 } });
    // Different arguments are different calls.
    await Promise.all([call('read', { key: 'a' }), call('read', { key: 'b' })]);
    expect(recorder.executions).toBe(3);
    const metrics = await server.core.metrics.registry.getSingleMetricAsString('mcp_coalesced_calls_total');
    expect(metrics).toContain('mcp_coalesced_calls_total{tool="read",service="sched"} 19');
  });
});

describe('cancellation', () => {
  it("aborts the tool's signal on notifications/cancelled and sends no answer", async () => {
    const { server, recorder } = await start({ concurrency: 2 });
    await using _ = server;
    const pending = server.handle(
      {
        jsonrpc: '2.0',
        id: 'c-1',
        method: 'tools/call',
        params: { name: 'hold', arguments: { label: 'c' } },
      },
      { origin: 'client-a' },
    );
    await waitUntil(() => recorder.log.includes('start:c'), 'the call to start');
    // Another origin cannot cancel it…
    await server.cancel('c-1', { origin: 'client-b' });
    await tick();
    expect(recorder.aborted).toEqual([]);
    // …its own can.
    await server.cancel('c-1', { origin: 'client-a', reason: 'user pressed stop' });
    expect(await pending).toEqual({ kind: 'none' });
    expect(recorder.aborted).toEqual(['c']);
  });

  it("aborts every running call's signal when the service stops, and answers each", async () => {
    const { server, recorder, call } = await start({ concurrency: 2 });
    const calls = [call('hold', { label: 'first' }), call('hold', { label: 'second' })];
    await waitUntil(() => recorder.log.includes('start:second'), 'both calls to start');
    await server.close();
    for (const answer of await Promise.all(calls)) {
      expect(answer.result).toMatchObject({
        isError: true,
        structuredContent: { error: 'the service is stopping; try again in a moment' },
      });
    }
    expect(recorder.aborted.sort()).toEqual(['first', 'second']);
  });
});

describe('what a service declares', () => {
  it('hides an unlisted tool from tools/list and discovery but still answers it', async () => {
    const { server, call } = await start();
    await using _ = server;
    const { tools } = (await server.request('tools/list')).result as { tools: Array<{ name: string }> };
    expect(tools.map((t) => t.name)).not.toContain('hidden_write');
    expect(server.core.presence.tools).not.toContain('hidden_write');
    expect((await call('hidden_write', {})).result).toMatchObject({ structuredContent: { hidden: true } });
  });

  it('checks per-call permissions before anything runs', async () => {
    const { server, recorder } = await start({}, { MCP_API_KEYS: 'writer-key-0001=sched:write' });
    await using _ = server;
    const refused = await server.request(
      'tools/call',
      { name: 'set_lock', arguments: { entity: 'lock.front_door' } },
      { apiKey: 'writer-key-0001' },
    );
    expect(refused.error).toMatchObject({
      code: ErrorCode.Forbidden,
      data: { required_permission: 'sched:admin' },
    });
    const allowed = await server.request(
      'tools/call',
      { name: 'set_lock', arguments: { entity: 'light.hall' } },
      { apiKey: 'writer-key-0001' },
    );
    expect(allowed.result).toMatchObject({ isError: false });
    expect(recorder.log).toEqual(['set:light.hall']);
  });
});

describe('answers and batches are bounded', () => {
  it('refuses a batch longer than MAX_BATCH with -32600', async () => {
    const { server } = await start({}, { MAX_BATCH: '3' });
    await using _ = server;
    const ping = (id: number) => ({ jsonrpc: '2.0', id, method: 'ping' });
    const ok = await server.handle([ping(1), ping(2), ping(3)]);
    expect(ok.kind === 'answer' && JSON.parse(ok.body)).toHaveLength(3);
    const refused = await server.handle(JSON.stringify([ping(1), ping(2), ping(3), ping(4)]));
    expect(refused.kind === 'answer' && JSON.parse(refused.body)).toMatchObject({
      id: null,
      error: { code: ErrorCode.InvalidRequest, data: { max_batch: 3, received: 4 } },
    });
  });

  it('replaces an answer over the limit by a short error naming it', async () => {
    const { server } = await start({}, { MAX_ANSWER_BYTES: '2048' });
    await using _ = server;
    const outcome = await server.handle({ jsonrpc: '2.0', id: 7, method: 'tools/list' });
    expect(outcome.kind).toBe('answer');
    const body = outcome.kind === 'answer' ? outcome.body : '';
    expect(Buffer.byteLength(body)).toBeLessThan(400);
    expect(JSON.parse(body)).toMatchObject({
      id: 7,
      error: { code: ErrorCode.ServerError, data: { reason: 'answer_too_large', max_bytes: 2048 } },
    });
  });
});

describe('health', () => {
  it('reports queue and cache figures', async () => {
    const { server } = await start();
    await using _ = server;
    const health = (await server.request('mcp.health_check')).result;
    expect(health).toMatchObject({
      status: 'healthy',
      version: '2.0.0',
      queue: { pending: 0, running: 0, by_priority: { critical: 0, high: 0, medium: 0, low: 0, bulk: 0 } },
      cache: { hit_rate: 0, size: 0, evictions: 0 },
    });
  });
});
