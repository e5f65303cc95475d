import type { McpMqttClient } from '@neurhomia/mcp-mqtt-core/client';
import {
  connectClient,
  startService,
  type TestBroker,
  uniqueServiceId,
  useBroker,
} from '@neurhomia/mcp-mqtt-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { {{camel}}Service, UPSTREAM } from '../src/service.js';
import { startUpstream, type Upstream } from './upstream/server.js';

/**
 * The service through a real Mosquitto (testcontainers, or the broker at MQTT_URL), against the
 * local upstream, as a client sees it. A service id of its own, so that test files can share one
 * broker.
 */
const serviceId = uniqueServiceId('{{id}}');
let broker: TestBroker;
let upstream: Upstream;
let service: Awaited<ReturnType<typeof startService>>;
let client: McpMqttClient;

beforeAll(async () => {
  [broker, upstream] = await Promise.all([useBroker(), startUpstream()]);
  service = await startService({{camel}}Service, {
    url: broker.url,
    env: { MCP_SERVICE_ID: serviceId, {{ENV}}_API_URL: upstream.url },
  });
  client = await connectClient(broker.url, { watchServices: true });
});

afterAll(async () => {
  await client?.close();
  await service?.stop();
  await upstream?.close();
  await broker?.stop();
});

describe('{{id}} service over MQTT', () => {
  it('announces itself with its tools', () => {
    expect(client.service(serviceId)).toMatchObject({
      state: 'up',
      discovery: { name: '{{title}} Service', capabilities: { tools: ['get_item'] } },
    });
  });

  it('answers get_item from the upstream', async () => {
    const result = await client.callTool(serviceId, 'get_item', { id: 'kitchen' });
    expect(result).toMatchObject({ isError: false, structuredContent: { name: 'Kitchen', state: 'on' } });
  });

  it('refuses an id the upstream could not take with -32602', async () => {
    await expect(client.callTool(serviceId, 'get_item', { id: '../admin' })).rejects.toMatchObject({
      code: -32602,
    });
  });

  it('reports the upstream in its health', async () => {
    const health = await client.request<{ status: string; dependencies: Record<string, string> }>(
      serviceId,
      'mcp.health_check',
    );
    expect(health).toMatchObject({ status: 'healthy', dependencies: { mqtt: 'ok', [UPSTREAM]: 'ok' } });
  });
});
