import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DiscoveryDocumentSchema, HeartbeatSchema } from '../../src/protocol/mcp.js';
import { serviceTopics, systemTopics } from '../../src/protocol/topics.js';
import { startService, uniqueServiceId } from '../../src/testing/index.js';
import { collect, mechanicsService, rawClient, waitFor } from './helpers.js';

const url = inject('mqttUrl');
const id = uniqueServiceId('wire');
const topics = serviceTopics(id);
let service: Awaited<ReturnType<typeof startService>>;

beforeAll(async () => {
  service = await startService(mechanicsService({ id }), { url, env: { HEARTBEAT_INTERVAL: '1' } });
});
afterAll(async () => {
  await service?.stop();
});

async function countNow(
  client: Awaited<ReturnType<typeof rawClient>>,
  responses: Array<{ payload: string }>,
  rt: string,
) {
  const before = responses.length;
  await client.publishAsync(
    topics.request,
    JSON.stringify({
      jsonrpc: '2.0',
      id: `c-${Date.now()}`,
      method: 'tools/call',
      params: { name: 'count' },
    }),
    {
      qos: 1,
      properties: { responseTopic: rt, correlationData: Buffer.from(`n-${Date.now()}`) },
    },
  );
  await waitFor(() => responses.length > before, 3000, 'count answer');
  return JSON.parse(responses.at(-1)!.payload).result.structuredContent.executions as number;
}

describe('wire rules over a real broker', () => {
  it('retains a discovery document and sends heartbeats', async () => {
    await using client = await rawClient(url);
    const discovery = await collect(client, topics.discovery);
    const beats = await collect(client, topics.heartbeat);
    await waitFor(() => discovery.length > 0 && beats.length > 0, 3000, 'discovery and heartbeat');
    expect(discovery[0]!.retain).toBe(true);
    const doc = DiscoveryDocumentSchema.parse(JSON.parse(discovery[0]!.payload));
    expect(doc).toMatchObject({
      service_id: id,
      status: 'ready',
      mcp_version: '1.0',
      heartbeat_interval: 1,
      version: '1.2.3',
    });
    expect(doc.capabilities.tools).toContain('count');
    expect(doc.capabilities.events).toEqual(['ticked']);
    expect(beats[0]!.retain).toBe(false);
    expect(HeartbeatSchema.parse(JSON.parse(beats[0]!.payload))).toMatchObject({
      service_id: id,
      status: 'alive',
    });
  });

  it('answers an MQTT 3.1.1 peer on the service response topic, correlated by id', async () => {
    await using client = await rawClient(url, { protocolVersion: 4 });
    const responses = await collect(client, topics.response);
    await client.publishAsync(
      topics.request,
      JSON.stringify({
        jsonrpc: '2.0',
        id: 'v311-1',
        method: 'mcp.call_tool',
        params: { tool_name: 'count', arguments: {} },
      }),
      { qos: 1 },
    );
    await waitFor(() => responses.find((r) => r.payload.includes('v311-1')), 3000, '3.1.1 answer');
    const answer = JSON.parse(responses.find((r) => r.payload.includes('v311-1'))!.payload);
    expect(answer).toMatchObject({ jsonrpc: '2.0', id: 'v311-1', result: { success: true } });
  });

  it('answers on the Response Topic with the Correlation Data echoed, and runs a duplicate once', async () => {
    await using client = await rawClient(url);
    const rt = `mcp/clients/wire/${id}/response`;
    const responses = await collect(client, rt);
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 'dup-1',
      method: 'tools/call',
      params: { name: 'count' },
    });
    const options = {
      qos: 1 as const,
      properties: { responseTopic: rt, correlationData: Buffer.from('corr-dup') },
    };
    await client.publishAsync(topics.request, body, options);
    await client.publishAsync(topics.request, body, options);
    await waitFor(() => responses.length >= 2, 3000, 'two answers');
    expect(responses[0]!.correlationData?.toString()).toBe('corr-dup');
    expect(responses[1]!.payload).toBe(responses[0]!.payload);
    const executions = JSON.parse(responses[0]!.payload).result.structuredContent.executions;
    expect(await countNow(client, responses, rt)).toBe(executions + 1);
  });

  it('refuses $ and wildcard response topics without executing the request', async () => {
    await using client = await rawClient(url);
    const rt = `mcp/clients/wire/${id}/refusals`;
    const responses = await collect(client, rt);
    const before = await countNow(client, responses, rt);
    for (const bad of ['$SYS/hijack', 'mcp/clients/+/response', 'mcp/#', topics.request, topics.heartbeat]) {
      await client.publishAsync(
        topics.request,
        JSON.stringify({ jsonrpc: '2.0', id: bad, method: 'tools/call', params: { name: 'count' } }),
        {
          qos: 1,
          properties: { responseTopic: bad, correlationData: Buffer.from(bad) },
        },
      );
    }
    expect(await countNow(client, responses, rt)).toBe(before + 1);
  });

  it('re-announces when something publishes on mcp/system/discovery', async () => {
    await using client = await rawClient(url);
    const discovery = await collect(client, topics.discovery);
    await waitFor(() => discovery.length === 1, 3000, 'retained discovery');
    await new Promise((resolve) => setTimeout(resolve, 1100)); // past the re-announce rate limit
    await client.publishAsync(systemTopics.discovery, '{}');
    await waitFor(() => discovery.length === 2, 3000, 're-announce');
    expect(discovery[1]!.retain).toBe(false);
    expect(JSON.parse(discovery[1]!.payload).status).toBe('ready');
  });

  it('publishes declared events on mcp/{id}/events/{event}', async () => {
    await using client = await rawClient(url);
    const events = await collect(client, topics.events);
    await service.publishEvent('ticked', { n: 1 });
    await waitFor(() => events.length === 1, 3000, 'event');
    expect(events[0]!.topic).toBe(topics.event('ticked'));
    expect(JSON.parse(events[0]!.payload)).toMatchObject({ event: 'ticked', service_id: id, data: { n: 1 } });
  });

  it('publishes offline on a graceful stop', async () => {
    const stopId = uniqueServiceId('stop');
    const stopping = await startService(mechanicsService({ id: stopId }), { url });
    await using client = await rawClient(url);
    const discovery = await collect(client, serviceTopics(stopId).discovery);
    await waitFor(() => discovery.length === 1, 3000, 'ready');
    await stopping.stop();
    await waitFor(() => discovery.length === 2, 3000, 'offline');
    expect(JSON.parse(discovery[1]!.payload).status).toBe('offline');
  });
});
