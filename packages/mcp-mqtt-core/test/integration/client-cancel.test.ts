import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConnectionLostError, RequestTimeoutError } from '../../src/client/errors.js';
import { RequestCancelledError } from '../../src/protocol/errors.js';
import { serviceTopics } from '../../src/protocol/topics.js';
import { connectClient, startService, uniqueServiceId } from '../../src/testing/index.js';
import { schedulingService } from '../support/scheduling-service.js';
import { collect, rawClient, waitFor } from './helpers.js';
import { startMqttProxy } from './mqtt-proxy.js';

/**
 * A call that nobody waits for any more ends at the service too: an aborted signal or a timeout
 * sends `notifications/cancelled`, with the request's own key, and the tool's signal aborts.
 */
const url = inject('mqttUrl');
const open = schedulingService({ id: uniqueServiceId('cancel'), concurrency: 8 });
const keyed = schedulingService({ id: uniqueServiceId('cancel-keyed'), concurrency: 8 });
const KEYS = 'app:app-client-key-01=sched:read,app:app-caller-key-01=sched:read';
const services: Array<{ stop(): Promise<void> }> = [];
let spy: Awaited<ReturnType<typeof rawClient>>;
/** The requests each service received, in order. */
const seen: Record<string, Awaited<ReturnType<typeof collect>>> = {};

beforeAll(async () => {
  services.push(await startService(open.definition, { url }));
  services.push(await startService(keyed.definition, { url, env: { MCP_API_KEYS: KEYS } }));
  spy = await rawClient(url);
  for (const { definition } of [open, keyed])
    seen[definition.id] = await collect(spy, serviceTopics(definition.id).request);
});
afterAll(async () => {
  await spy?.endAsync();
  for (const service of services) await service.stop();
});

interface Body {
  id?: string;
  method: string;
  params?: { requestId?: string; reason?: string; arguments?: { label?: string } };
  auth?: { api_key: string; service_id: string; signature?: string };
}
const bodies = () =>
  Object.values(seen).flatMap((messages) => messages.map((m) => JSON.parse(m.payload) as Body));
const cancelsOf = (requestId: string | undefined) =>
  bodies().filter((b) => b.method === 'notifications/cancelled' && b.params?.requestId === requestId);
/** The cancellations of request `requestId` the spy saw, once there is one. */
const cancelled = (requestId: string | undefined) =>
  waitFor(() => cancelsOf(requestId).length > 0 && cancelsOf(requestId), 5_000, 'the cancellation');
const requestOf = (label: string) =>
  bodies().find((b) => b.method === 'tools/call' && b.params?.arguments?.label === label);
const started = (recorder: typeof open.recorder, label: string) =>
  waitFor(() => recorder.log.includes(`start:${label}`), 5_000, `${label} to start`);

describe('cancelling a call', () => {
  it('aborts the tool at the service when the signal aborts, and rejects at once', async () => {
    await using client = await connectClient(url);
    const controller = new AbortController();
    const call = client.callTool(
      open.definition.id,
      'hold',
      { label: 'abort-1' },
      { signal: controller.signal },
    );
    await started(open.recorder, 'abort-1');
    controller.abort(new Error('user gave up'));
    const error = await call.catch((err: unknown) => err);
    expect(error).toBeInstanceOf(RequestCancelledError);
    expect((error as Error).message).toBe('request cancelled: user gave up');
    await waitFor(() => open.recorder.aborted.includes('abort-1'), 5_000, 'the tool to see its abort');
    const id = requestOf('abort-1')?.id;
    expect(await cancelled(id)).toEqual([
      {
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
        params: { requestId: id, reason: 'user gave up' },
      },
    ]);
    expect(client.inFlight).toBe(0);
  });

  it('sends nothing for a signal aborted before the call', async () => {
    await using client = await connectClient(url);
    const received = seen[open.definition.id]!;
    const before = received.length;
    const call = client.callTool(
      open.definition.id,
      'hold',
      { label: 'never' },
      { signal: AbortSignal.abort() },
    );
    await expect(call).rejects.toBeInstanceOf(RequestCancelledError);
    // A later call's request proves the broker delivered everything sent before it.
    await client.callTool(open.definition.id, 'job', { label: 'after-never' });
    const labels = received
      .slice(before)
      .map((m) => (JSON.parse(m.payload) as Body).params?.arguments?.label);
    expect(labels).toEqual(['after-never']);
  });

  it('cancels a call that timed out: the service stops the work nobody waits for', async () => {
    await using client = await connectClient(url);
    const call = client.callTool(open.definition.id, 'hold', { label: 'late-1' }, { timeoutMs: 300 });
    await expect(call).rejects.toBeInstanceOf(RequestTimeoutError);
    await waitFor(() => open.recorder.aborted.includes('late-1'), 5_000, 'the tool to see its abort');
    const id = requestOf('late-1')?.id;
    expect((await cancelled(id))[0]?.params).toEqual({ requestId: id, reason: 'no answer within 300 ms' });
  });

  it('cancels with the request’s own key, signed, on a service with keys', async () => {
    await using client = await connectClient(url, {
      clientId: 'app',
      apiKey: 'app-client-key-01',
      sign: true,
    });
    const controller = new AbortController();
    const call = client.callTool(
      keyed.definition.id,
      'hold',
      { label: 'keyed-1' },
      { signal: controller.signal, apiKey: 'app-caller-key-01' },
    );
    await started(keyed.recorder, 'keyed-1');
    controller.abort();
    await expect(call).rejects.toThrow('request cancelled: cancelled by the caller');
    // The service ignores a cancellation by another key: the tool aborting shows the key matched.
    await waitFor(() => keyed.recorder.aborted.includes('keyed-1'), 5_000, 'the tool to see its abort');
    const [cancel] = await cancelled(requestOf('keyed-1')?.id);
    expect(cancel?.auth).toMatchObject({ api_key: 'app-caller-key-01', service_id: keyed.definition.id });
    expect(cancel?.auth?.signature).toMatch(/^[0-9a-f]{64}$/);
  });

  it('runs an idempotent call again when repeated after it timed out (the first was cancelled)', async () => {
    await using client = await connectClient(url);
    const options = { idempotencyKey: 'hold-once' };
    const args = { label: 'retry-1' };
    await expect(
      client.callTool(open.definition.id, 'hold', args, { ...options, timeoutMs: 300 }),
    ).rejects.toBeInstanceOf(RequestTimeoutError);
    await waitFor(() => open.recorder.aborted.includes('retry-1'), 5_000, 'the first run to stop');
    const repeat = client.callTool(open.definition.id, 'hold', args, options);
    await waitFor(
      () => open.recorder.log.filter((l) => l === 'start:retry-1').length === 2,
      5_000,
      'the repeat to run',
    );
    open.recorder.open();
    await expect(repeat).resolves.toMatchObject({ structuredContent: { label: 'retry-1' } });
  });
});

describe('a call while the broker connection is down', () => {
  it('waits for the reconnection by default, or fails at once with waitForReconnect: false', async () => {
    const proxy = await startMqttProxy(url);
    try {
      await using waiting = await connectClient(proxy.url, { timeoutMs: 20_000 });
      await using failing = await connectClient(proxy.url, { timeoutMs: 20_000, waitForReconnect: false });
      const dropped = Promise.all(
        [waiting, failing].map((c) => new Promise<void>((resolve) => c.once('disconnected', resolve))),
      );
      proxy.drop();
      await dropped;
      const id = open.definition.id;
      const held = waiting.callTool(id, 'job', { label: 'after-drop' });
      await expect(failing.callTool(id, 'job', { label: 'refused' })).rejects.toBeInstanceOf(
        ConnectionLostError,
      );
      await expect(held).resolves.toMatchObject({ structuredContent: { label: 'after-drop' } });
    } finally {
      await proxy.close();
    }
  });

  it('measures a broker round trip', async () => {
    await using client = await connectClient(url);
    expect(await client.brokerRoundTrip()).toBeGreaterThan(0);
  });
});
