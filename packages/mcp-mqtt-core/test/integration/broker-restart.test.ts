import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionLostError, RequestTimeoutError } from '../../src/client/errors.js';
import { serviceTopics } from '../../src/protocol/topics.js';
import {
  connectClient,
  freePort,
  MosquittoContainer,
  type StartedMosquittoContainer,
  startService,
  uniqueServiceId,
} from '../../src/testing/index.js';
import { collect, mechanicsService, rawClient, waitFor } from './helpers.js';

const id = uniqueServiceId('restart');
let broker: StartedMosquittoContainer;
let service: Awaited<ReturnType<typeof startService>>;

beforeAll(async () => {
  // A fixed host port: the restarted broker must come back at the same URL.
  broker = await new MosquittoContainer().withHostPort(await freePort()).start();
  service = await startService(mechanicsService({ id }), { url: broker.getConnectionString() });
});
afterAll(async () => {
  await service?.stop();
  await broker?.stop();
});

describe('a broker restart while a client keeps calling', () => {
  it('reconnects, resubscribes and re-announces; every call ends, none runs twice', async () => {
    const url = broker.getConnectionString();
    await using client = await connectClient(url, { timeoutMs: 1500 });
    // Proof that the outage happened: a plain connection that does not reconnect sees it close.
    const witness = await rawClient(url);
    let outage = false;
    witness.on('close', () => {
      outage = true;
    });
    const calls: Array<Promise<{ ok: true; executions: number } | { ok: false; error: unknown }>> = [];
    let restarting = true;
    const restart = (async () => {
      try {
        await new Promise((resolve) => setTimeout(resolve, 500));
        await broker.restart({ timeout: 0 });
      } finally {
        restarting = false; // the calling loop ends even if the restart failed; `await restart` reports it
      }
    })();
    const started = Date.now();
    while (restarting || Date.now() - started < 4000) {
      calls.push(
        client.callTool(id, 'count').then(
          (result) => ({ ok: true as const, executions: result.structuredContent!.executions as number }),
          (error: unknown) => ({ ok: false as const, error }),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await restart;
    // Every call settles: the client's timeout bounds each one.
    const outcomes = await Promise.all(calls);
    const failures = outcomes.filter((o) => !o.ok);
    for (const failure of failures) {
      expect(
        failure.error instanceof RequestTimeoutError || failure.error instanceof ConnectionLostError,
      ).toBe(true);
    }
    const successes = outcomes.filter((o) => o.ok);
    expect(successes.length).toBeGreaterThan(10);
    expect(outage).toBe(true);
    await witness.endAsync(true);

    // None ran twice: each answer saw its own execution, and executions never exceed requests.
    const executions = successes.map((o) => o.executions);
    expect(new Set(executions).size).toBe(executions.length);
    const last = (await client.callTool(id, 'count')).structuredContent!.executions as number;
    expect(last).toBeLessThanOrEqual(calls.length + 1);

    // Calls after the restart succeed, and the (non-persistent) broker holds a fresh discovery.
    const after = await Promise.all([1, 2, 3].map(() => client.callTool(id, 'count')));
    expect(after.every((r) => r.isError === false)).toBe(true);
    await using observer = await rawClient(url);
    const discovery = await collect(observer, serviceTopics(id).discovery);
    await waitFor(() => discovery.length > 0, 3000, 'discovery after restart');
    expect(JSON.parse(discovery[0]!.payload).status).toBe('ready');
  });
});
