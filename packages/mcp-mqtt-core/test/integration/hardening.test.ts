import { describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { CoreConfigSchema } from '../../src/config.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { serviceTopics } from '../../src/protocol/topics.js';
import { defineService, defineTool } from '../../src/service/define.js';
import { MosquittoContainer, OPEN_CONFIG, startService, uniqueServiceId } from '../../src/testing/index.js';
import {
  collect,
  kill,
  mechanicsService,
  memoryLogger,
  rawClient,
  rssMiB,
  spawnExample,
  waitFor,
} from './helpers.js';

/**
 * The request path under attack (security hardening, core rows): oversized batches and answers,
 * huge MQTT properties, retained requests, log floods. Each case failed before the fix.
 */
const url = inject('mqttUrl');
const ping = (id: number | string) => JSON.stringify({ jsonrpc: '2.0', id, method: 'ping' });

async function roundTrip(client: Awaited<ReturnType<typeof rawClient>>, serviceId: string, rt: string) {
  const answers = await collect(client, rt);
  await client.publishAsync(serviceTopics(serviceId).request, ping('alive'), {
    qos: 1,
    properties: { responseTopic: rt, correlationData: Buffer.from('alive') },
  });
  await waitFor(() => answers.length > 0, 5_000, 'an answer to ping');
  return JSON.parse(answers[0]!.payload);
}

describe('bounded answers', () => {
  it('refuses a 23 KB batch of 11,500 elements with one short -32600 and stays online', async () => {
    const serviceId = uniqueServiceId('batch');
    const { logger, lines } = memoryLogger();
    await using _service = await startService(mechanicsService({ id: serviceId }), { url, logger });
    await using client = await rawClient(url);
    const rt = `mcp/clients/attacker/${serviceId}/batch`;
    const answers = await collect(client, rt);
    const batch = `[${Array(11_500).fill('0').join(',')}]`;
    expect(batch.length).toBeGreaterThan(22_000);
    await client.publishAsync(serviceTopics(serviceId).request, batch, {
      qos: 1,
      properties: { responseTopic: rt, correlationData: Buffer.from('b') },
    });
    await waitFor(() => answers.length > 0, 5_000, 'the batch answer');
    expect(answers[0]!.payload.length).toBeLessThan(300);
    expect(JSON.parse(answers[0]!.payload)).toMatchObject({
      id: null,
      error: { code: ErrorCode.InvalidRequest, data: { max_batch: 100, received: 11_500 } },
    });
    expect(await roundTrip(client, serviceId, `mcp/clients/attacker/${serviceId}/after`)).toMatchObject({
      result: {},
    });
    expect(lines.some((l) => l.msg === 'disconnected from the broker; reconnecting')).toBe(false);
  });

  it("keeps every answer within the broker's Maximum Packet Size, and is never disconnected for it", async () => {
    await using broker = await new MosquittoContainer()
      .withConfig(`${OPEN_CONFIG}max_packet_size 16384\n`)
      .start();
    const brokerUrl = broker.getConnectionString();
    const serviceId = uniqueServiceId('packet');
    const { logger, lines } = memoryLogger();
    const definition = defineService({
      id: serviceId,
      name: 'Big answers',
      version: '1.0.0',
      description: 'Answers as large as asked',
      config: CoreConfigSchema,
      setup: () => ({
        tools: [
          defineTool({
            name: 'blob',
            description: 'Returns `kb` KiB of text',
            input: z.object({ kb: z.number().int().min(1).max(200) }),
            handler: ({ kb }) => ({ text: 'x'.repeat(kb * 1024) }),
          }),
        ],
      }),
    });
    await using _service = await startService(definition, { url: brokerUrl, logger });
    await using client = await rawClient(brokerUrl);
    const rt = `mcp/clients/c/${serviceId}/r`;
    const answers = await collect(client, rt);
    const call = (id: number, kb: number) =>
      client.publishAsync(
        serviceTopics(serviceId).request,
        JSON.stringify({
          jsonrpc: '2.0',
          id,
          method: 'tools/call',
          params: { name: 'blob', arguments: { kb } },
        }),
        { qos: 1, properties: { responseTopic: rt, correlationData: Buffer.from(String(id)) } },
      );
    await call(1, 4);
    await call(2, 40);
    await waitFor(() => answers.length >= 2, 5_000, 'two answers');
    const byId = Object.fromEntries(answers.map((a) => [JSON.parse(a.payload).id, JSON.parse(a.payload)]));
    expect(byId[1].result.structuredContent.text).toHaveLength(4096);
    expect(byId[2].error).toMatchObject({
      code: ErrorCode.ServerError,
      data: { reason: 'answer_too_large', max_bytes: expect.any(Number) },
    });
    expect(byId[2].error.data.max_bytes).toBeLessThanOrEqual(16_384);
    // Still connected: the oversized answer was never sent, so never re-sent after a reconnect.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await roundTrip(client, serviceId, `mcp/clients/c/${serviceId}/after`)).toMatchObject({
      result: {},
    });
    expect(lines.filter((l) => l.msg === 'disconnected from the broker; reconnecting')).toEqual([]);
  });
});

describe('bounded per-request memory', () => {
  it('refuses 900 pings with 60 KB Response Topics and Correlation Data before storing anything', {
    timeout: 120_000,
  }, async () => {
    const serviceId = uniqueServiceId('props');
    // A 64 MiB V8 heap stands for a container memory limit: before the caps, 900 such requests
    // kept ~230 MiB (the duplicate filter held every Response Topic and Correlation Data).
    const child = spawnExample({ MQTT_URL: url, MCP_SERVICE_ID: serviceId }, ['--max-old-space-size=64']);
    try {
      await child.ready;
      await using client = await rawClient(url);
      const before = await rssMiB(child.pid!);
      const longTopic = `mcp/clients/attacker/${'t'.repeat(60 * 1024)}`;
      const longCorrelation = Buffer.alloc(60 * 1024, 1);
      for (let i = 0; i < 900; i++) {
        await client.publishAsync(serviceTopics(serviceId).request, ping(i), {
          qos: 1,
          properties: { responseTopic: longTopic, correlationData: longCorrelation },
        });
      }
      // Correlation Data alone too long, with a short topic: refused as well.
      const rt = `mcp/clients/attacker/${serviceId}/short`;
      const refused = await collect(client, rt);
      await client.publishAsync(serviceTopics(serviceId).request, ping('c'), {
        qos: 1,
        properties: { responseTopic: rt, correlationData: Buffer.alloc(129, 2) },
      });
      expect(await roundTrip(client, serviceId, `mcp/clients/attacker/${serviceId}/ok`)).toMatchObject({
        result: {},
      });
      expect(refused).toEqual([]);
      expect(child.exitCode).toBeNull();
      // What remains is garbage of the received packets, not retained requests.
      const growth = (await rssMiB(child.pid!)) - before;
      console.log(`RSS growth after 900 requests with 60 KB properties: ${growth.toFixed(1)} MiB`);
      expect(growth).toBeLessThan(100);
    } finally {
      await kill(child);
    }
  });
});

describe('retained requests', () => {
  it('never executes a retained request, logs it once and clears it', async () => {
    const serviceId = uniqueServiceId('retained');
    await using client = await rawClient(url);
    const rt = `mcp/clients/c/${serviceId}/r`;
    const answers = await collect(client, rt);
    const request = JSON.stringify({
      jsonrpc: '2.0',
      id: 'r1',
      method: 'tools/call',
      params: { name: 'count' },
    });
    await client.publishAsync(serviceTopics(serviceId).request, request, {
      qos: 1,
      retain: true,
      properties: { responseTopic: rt, correlationData: Buffer.from('r1') },
    });
    const { logger, lines } = memoryLogger();
    const definition = mechanicsService({ id: serviceId });
    for (let restart = 0; restart < 2; restart++) {
      await using _service = await startService(definition, { url, logger });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(answers).toEqual([]);
    const warnings = lines.filter((l) => String(l.msg).startsWith('retained request ignored'));
    expect(warnings).toHaveLength(1);
    // Cleared: a new subscriber to the request topic finds nothing retained.
    await using observer = await rawClient(url);
    const retained = await collect(observer, serviceTopics(serviceId).request);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(retained.filter((m) => m.retain)).toEqual([]);
    // A retained request published while the service runs is refused too.
    await using _service = await startService(definition, { url, logger });
    await client.publishAsync(serviceTopics(serviceId).request, request, {
      qos: 1,
      retain: true,
      properties: { responseTopic: rt, correlationData: Buffer.from('r2') },
    });
    expect(await roundTrip(client, serviceId, `mcp/clients/c/${serviceId}/after`)).toMatchObject({
      result: {},
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(answers).toEqual([]);
  });
});

describe('log flooding', () => {
  it('writes a bounded number of warnings for 20,000 refused requests, then a summary', {
    timeout: 60_000,
  }, async () => {
    const serviceId = uniqueServiceId('logflood');
    const { logger, lines } = memoryLogger();
    const service = await startService(mechanicsService({ id: serviceId }), { url, logger });
    await using client = await rawClient(url);
    for (let i = 0; i < 20_000; i++) {
      client.publish(serviceTopics(serviceId).request, ping(i), {
        qos: 0,
        properties: { responseTopic: '$SYS/x' },
      });
    }
    await client.publishAsync(serviceTopics(serviceId).request, ping('last'), { qos: 1 });
    const refusedSoFar = async () =>
      (await service.metrics.rejected.get()).values.find((v) => v.labels.reason === 'response_topic')
        ?.value ?? 0;
    const deadline = Date.now() + 30_000;
    while ((await refusedSoFar()) < 20_000 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await service.stop(); // flushes the summary
    const refusals = lines.filter((l) => l.reason === 'response_topic');
    expect(refusals.length).toBeLessThan(40);
    const summary = refusals.find((l) => typeof l.suppressed === 'number');
    expect(summary?.msg).toMatch(/more "response_topic" warnings suppressed/);
    const total = refusals.reduce((sum, l) => sum + (typeof l.suppressed === 'number' ? l.suppressed : 1), 0);
    expect(total).toBe(20_000);
  });

  it('logs every refused call with the key id, method, tool and reason (never the key)', async () => {
    const serviceId = uniqueServiceId('refused');
    const { logger, lines } = memoryLogger();
    await using _service = await startService(mechanicsService({ id: serviceId }), {
      url,
      logger,
      env: { MCP_API_KEYS: 'reader-key-0001=mech:read' },
    });
    await using client = await rawClient(url);
    const rt = `test/refused/${serviceId}`;
    const answers = await collect(client, rt);
    const send = (id: string, auth?: Record<string, unknown>) =>
      client.publishAsync(
        serviceTopics(serviceId).request,
        JSON.stringify({
          jsonrpc: '2.0',
          id,
          method: 'tools/call',
          params: { name: 'admin_only' },
          ...(auth ? { auth } : {}),
        }),
        { qos: 1, properties: { responseTopic: rt, correlationData: Buffer.from(id) } },
      );
    await send('no-key');
    await send('wrong-key', { api_key: 'wrong-key-9999' });
    await send('no-scope', { api_key: 'reader-key-0001' });
    await waitFor(() => answers.length >= 3, 5_000, 'three refusals');
    const refused = lines.filter((l) => l.msg?.startsWith('call refused'));
    expect(refused).toHaveLength(3);
    expect(refused[0]).toMatchObject({
      level: 40,
      reason: 'unauthorized',
      method: 'tools/call',
      tool: 'admin_only',
    });
    expect(refused[2]).toMatchObject({
      reason: 'forbidden',
      key_id: expect.stringMatching(/^key_/),
      why: 'mech:admin',
    });
    expect(JSON.stringify(lines)).not.toContain('reader-key-0001');
    expect(JSON.stringify(lines)).not.toContain('wrong-key-9999');
  });
});
