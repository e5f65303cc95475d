import type { McpMqttClient } from '@neurhomia/mcp-mqtt-core/client';
import {
  connectClient,
  startService,
  type TestBroker,
  uniqueServiceId,
  useBroker,
} from '@neurhomia/mcp-mqtt-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { {{camel}}Service } from '../src/service.js';

/**
 * The service through a real Mosquitto (testcontainers, or the broker at MQTT_URL), as a client
 * sees it: discovery, a call, a refusal, health. A service id of its own, so that test files can
 * share one broker.
 */
const serviceId = uniqueServiceId('{{id}}');
let broker: TestBroker;
let service: Awaited<ReturnType<typeof startService>>;
let client: McpMqttClient;

beforeAll(async () => {
  broker = await useBroker();
  service = await startService({{camel}}Service, { url: broker.url, env: { MCP_SERVICE_ID: serviceId } });
  client = await connectClient(broker.url, { watchServices: true });
});

afterAll(async () => {
  await client?.close();
  await service?.stop();
  await broker?.stop();
});

describe('{{id}} service over MQTT', () => {
  it('announces itself with its tools', () => {
    expect(client.service(serviceId)).toMatchObject({
      state: 'up',
      discovery: { name: '{{title}} Service', capabilities: { tools: ['say_hello'] } },
    });
  });

  it('answers say_hello', async () => {
    const result = await client.callTool(serviceId, 'say_hello', { name: 'Ada' });
    expect(result).toMatchObject({ isError: false, structuredContent: { greeting: 'Hello, Ada!' } });
  });

  it('refuses an unknown argument with -32602', async () => {
    const call = client.callTool(serviceId, 'say_hello', { name: 'Ada', shout: true });
    await expect(call).rejects.toMatchObject({ code: -32602, data: { param: 'shout' } });
  });

  it('reports itself healthy, connected to the broker', async () => {
    const health = await client.request<{ status: string; dependencies: Record<string, string> }>(
      serviceId,
      'mcp.health_check',
    );
    expect(health).toMatchObject({ status: 'healthy', dependencies: { mqtt: 'ok' } });
  });
});
