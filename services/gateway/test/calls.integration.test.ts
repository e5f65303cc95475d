import { createServer, type Socket, connect as tcpConnect } from 'node:net';
import { serviceTopics } from '@neurhomia/mcp-mqtt-core';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, gatewayWithFixture, http, KEYS, startGateway } from './support/gateway.js';

/**
 * What the gateway puts on the wire for its callers: their key, their priority, and Correlation
 * Data nobody can guess (services answer a relay's inbox for any key, so a guessable one would
 * let another client pre-empt or replace an answer).
 */
const setting = gatewayWithFixture();
const { url, alpha } = setting;
let spy: mqtt.MqttClient;
const seen: Array<{ correlation: string; responseTopic: string; body: Record<string, unknown> }> = [];

beforeAll(async () => {
  spy = await mqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0 });
  spy.on('message', (_topic, payload, packet) => {
    seen.push({
      correlation: packet.properties?.correlationData?.toString('hex') ?? '',
      responseTopic: packet.properties?.responseTopic ?? '',
      body: JSON.parse(payload.toString()) as Record<string, unknown>,
    });
  });
  await spy.subscribeAsync(serviceTopics(alpha).request, { qos: 1 });
});

afterAll(async () => {
  await spy?.endAsync();
});

const call = (headers: Record<string, string> = {}) =>
  http(setting.gw.base, '/mcp/tools/call', {
    apiKey: KEYS.reader,
    headers,
    body: { name: `${alpha}__echo`, arguments: { message: 'wire' } },
  });

describe('requests relayed to the services', () => {
  it('carry the caller’s key and priority, from the gateway’s private inbox', async () => {
    seen.length = 0;
    await call({ 'x-priority': 'low' });
    expect(await eventually(() => seen.some((s) => s.body.method === 'tools/call'))).toBe(true);
    const request = seen.find((s) => s.body.method === 'tools/call')!;
    expect(request.body).toMatchObject({
      auth: { api_key: KEYS.reader, service_id: alpha },
      mcp_metadata: { priority: 'low' },
      params: { name: 'echo', arguments: { message: 'wire' } },
    });
    expect(request.responseTopic).toMatch(/^mcp\/clients\/gateway\/[0-9a-f]{16}\/response$/);
  });

  it('use 128 random bits of Correlation Data per request, never a counter', async () => {
    seen.length = 0;
    for (let i = 0; i < 20; i++) await call();
    expect(await eventually(() => seen.filter((s) => s.body.method === 'tools/call').length === 20)).toBe(
      true,
    );
    const correlations = seen.filter((s) => s.body.method === 'tools/call').map((s) => s.correlation);
    expect(new Set(correlations).size).toBe(20);
    for (const hex of correlations) expect(Buffer.from(hex, 'hex').toString()).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // Consecutive requests share no prefix a counter would leave.
    const prefixes = new Set(correlations.map((hex) => hex.slice(0, 8)));
    expect(prefixes.size).toBeGreaterThan(15);
  });
});

/** A TCP relay in front of the broker that counts the connections made through it. */
async function countingProxy(brokerUrl: string) {
  const broker = new URL(brokerUrl);
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((client) => {
    connections += 1;
    const upstream = tcpConnect(Number(broker.port || 1883), broker.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `mqtt://127.0.0.1:${port}`,
    connections: () => connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('the gateway’s broker connection', () => {
  it('is one: presence, events and every caller’s requests share it', async () => {
    const proxy = await countingProxy(url);
    try {
      await using gw = await startGateway(proxy.url, { GATEWAY_SERVICES: alpha });
      const listed = await http(gw.base, '/mcp/tools/list', { apiKey: KEYS.reader, body: {} });
      expect(listed.status).toBe(200);
      const called = await http(gw.base, '/mcp/tools/call', {
        apiKey: KEYS.reader,
        body: { name: `${alpha}__echo`, arguments: { message: 'one' } },
      });
      expect(called.json).toMatchObject({ structuredContent: { message: 'one' } });
      expect((await http(gw.base, '/health')).status).toBe(200);
      expect(proxy.connections()).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});
