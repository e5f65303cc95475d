import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TooManyPendingError } from '../../src/client/errors.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { serviceTopics } from '../../src/protocol/topics.js';
import { connectClient, startService, uniqueServiceId } from '../../src/testing/index.js';
import { schedulingService } from '../support/scheduling-service.js';
import { collect, mechanicsService, rawClient, remoteErrorOf, waitFor } from './helpers.js';

/**
 * Per-request options of the client through a real broker: priority, a key per request, the
 * caller's own idempotency key, a bound on pending calls, and what goes on the wire.
 */
const url = inject('mqttUrl');
const sched = schedulingService({ id: uniqueServiceId('req-sched'), concurrency: 8 });
const mechanics = uniqueServiceId('req-mech');
const keyed = uniqueServiceId('req-keyed');
// Both keys belong to `app`: its inbox takes answers for either.
const KEYS = 'app:app-writer-key-01=mech:read|sched:write,app:app-admin-key-001=*';
const services: Array<{ stop(): Promise<void> }> = [];
let spy: Awaited<ReturnType<typeof rawClient>>;
let seen: Awaited<ReturnType<typeof collect>>;

beforeAll(async () => {
  services.push(await startService(sched.definition, { url }));
  services.push(await startService(mechanicsService({ id: mechanics }), { url }));
  services.push(await startService(mechanicsService({ id: keyed }), { url, env: { MCP_API_KEYS: KEYS } }));
  spy = await rawClient(url);
  seen = await collect(spy, serviceTopics(mechanics).request);
});
afterAll(async () => {
  await spy?.endAsync();
  for (const service of services) await service.stop();
});

const executions = (result: { structuredContent?: Record<string, unknown> }) =>
  result.structuredContent?.executions as number;

describe('per-request options', () => {
  it('sends priority as mcp_metadata.priority: the service runs the call at that level', async () => {
    await using client = await connectClient(url);
    const low = await client.callTool(sched.definition.id, 'job', { label: 'p-low' }, { priority: 'low' });
    expect(low.structuredContent).toEqual({ label: 'p-low', priority: 'low' });
    const plain = await client.callTool(sched.definition.id, 'job', { label: 'p-default' });
    expect(plain.structuredContent).toEqual({ label: 'p-default', priority: 'medium' });
  });

  it('sends a request’s own key instead of the client’s, signed or not', async () => {
    for (const sign of [false, true]) {
      await using client = await connectClient(url, { clientId: 'app', apiKey: 'app-writer-key-01', sign });
      const refused = await remoteErrorOf(client.callTool(keyed, 'admin_only'));
      expect(refused.code).toBe(ErrorCode.Forbidden);
      await expect(
        client.callTool(keyed, 'admin_only', {}, { apiKey: 'app-admin-key-001' }),
      ).resolves.toMatchObject({ structuredContent: { done: true } });
      // The client's own key is still the default of the next call.
      await expect(client.callTool(keyed, 'reader')).resolves.toMatchObject({
        structuredContent: { read: true },
      });
    }
  });
});

describe('idempotency keys', () => {
  it('runs a repeated idempotency key of the same caller once, and answers it again', async () => {
    await using client = await connectClient(url);
    const first = await client.callTool(mechanics, 'count', {}, { idempotencyKey: 'order-1' });
    const repeat = await client.callTool(mechanics, 'count', {}, { idempotencyKey: 'order-1' });
    expect(repeat).toEqual(first);
    // Without a key, or with another one, each call runs.
    const other = await client.callTool(mechanics, 'count', {}, { idempotencyKey: 'order-2' });
    const plain = await client.callTool(mechanics, 'count');
    expect([executions(other), executions(plain)]).toEqual([executions(first) + 1, executions(first) + 2]);
  });

  it('lets a repeat that comes while the first is pending wait for the same answer', async () => {
    await using client = await connectClient(url);
    const options = { idempotencyKey: 'order-3' };
    const [a, b] = await Promise.all([
      client.callTool(mechanics, 'count', {}, options),
      client.callTool(mechanics, 'count', {}, options),
    ]);
    expect(b).toEqual(a);
    const next = await client.callTool(mechanics, 'count');
    expect(executions(next)).toBe(executions(a) + 1);
  });

  it('keeps the callers of one idempotency key apart: another key runs it again', async () => {
    await using client = await connectClient(url, { clientId: 'app' });
    const call = (apiKey: string) =>
      client.callTool(keyed, 'count', {}, { apiKey, idempotencyKey: 'shared' });
    const writer = await call('app-writer-key-01');
    const admin = await call('app-admin-key-001');
    expect(executions(admin)).toBe(executions(writer) + 1);
    expect(await call('app-writer-key-01')).toEqual(writer);
  });

  it('answers a signed repeat once too (the same bytes are sent again)', async () => {
    await using client = await connectClient(url, {
      clientId: 'app',
      apiKey: 'app-writer-key-01',
      sign: true,
    });
    const first = await client.callTool(keyed, 'count', { label: 'a' }, { idempotencyKey: 'signed-1' });
    const repeat = await client.callTool(keyed, 'count', { label: 'a' }, { idempotencyKey: 'signed-1' });
    expect(repeat).toEqual(first);
  });
});

describe('ids and Correlation Data', () => {
  it('are 128 random bits per call, the JSON-RPC id equal to the Correlation Data', async () => {
    await using client = await connectClient(url);
    const before = seen.length;
    for (let i = 0; i < 20; i++) await client.callTool(mechanics, 'count', { label: 'ids' });
    await client.callTool(mechanics, 'count', { label: 'ids' }, { idempotencyKey: 'ids-1' });
    await waitFor(() => seen.length - before >= 21 || undefined, 5_000, 'the spy to see the requests');
    const sent = seen
      .slice(before)
      .map((m) => ({ correlation: m.correlationData?.toString(), body: JSON.parse(m.payload) }));
    for (const { correlation, body } of sent) expect(body.id).toBe(correlation);
    const random = sent.slice(0, 20).map((s) => s.correlation!);
    for (const id of random) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Set(random).size).toBe(20);
    // No shared prefix: seeing one request tells nothing about the next.
    expect(new Set(random.map((id) => id.slice(0, 4))).size).toBeGreaterThan(15);
    expect(sent[20]!.correlation).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });
});

describe('maxPending', () => {
  it('refuses a call past the bound at once; an idempotent repeat joins without counting', async () => {
    await using client = await connectClient(url, { maxPending: 2 });
    const id = sched.definition.id;
    const held = [
      client.callTool(id, 'hold', { label: 'bound-1' }, { idempotencyKey: 'bound-1' }),
      client.callTool(id, 'hold', { label: 'bound-2' }),
    ];
    const refused = await client.callTool(id, 'job', { label: 'bound-3' }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(TooManyPendingError);
    expect((refused as TooManyPendingError).limit).toBe(2);
    const joined = client.callTool(id, 'hold', { label: 'bound-1' }, { idempotencyKey: 'bound-1' });
    expect(client.inFlight).toBe(2);
    await waitFor(
      () => ['bound-1', 'bound-2'].every((l) => sched.recorder.log.includes(`start:${l}`)),
      5_000,
      'both holds to run',
    );
    sched.recorder.open();
    const answers = await Promise.all([...held, joined]);
    expect(answers.map((a) => a.structuredContent?.label)).toEqual(['bound-1', 'bound-2', 'bound-1']);
    expect(sched.recorder.log.filter((l) => l === 'start:bound-1')).toHaveLength(1);
    expect(sched.recorder.log).not.toContain('start:bound-3');
  });
});
