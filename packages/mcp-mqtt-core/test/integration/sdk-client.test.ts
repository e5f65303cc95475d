import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exampleService } from '../../src/example/service.js';
import { MqttClientTransport } from '../../src/sdk/transport.js';
import { startService, uniqueServiceId } from '../../src/testing/index.js';

const url = inject('mqttUrl');
const serviceId = uniqueServiceId('sdk');
let service: Awaited<ReturnType<typeof startService>>;

beforeAll(async () => {
  service = await startService(exampleService, {
    url,
    env: { MCP_SERVICE_ID: serviceId, MCP_API_KEYS: 'sdk-key-000001=example:read' },
  });
});
afterAll(async () => {
  await service?.stop();
});

describe('the official MCP SDK Client over the MQTT transport', () => {
  it('runs initialize, tools/list, tools/call, resources/list and resources/read', async () => {
    const client = new Client({ name: 'sdk-test', version: '1.0.0' });
    await client.connect(
      new MqttClientTransport({ url, serviceId, apiKey: 'sdk-key-000001', clientId: 'sdk-test' }),
    );
    try {
      expect(client.getServerVersion()).toMatchObject({ name: serviceId, version: '0.1.0' });
      expect(client.getServerCapabilities()).toMatchObject({ tools: {}, resources: {} });

      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(['echo', 'clock']);
      expect(tools[0]!.inputSchema).toMatchObject({
        type: 'object',
        properties: { message: { type: 'string' } },
      });

      const result = await client.callTool({ name: 'echo', arguments: { message: 'over mqtt' } });
      expect(result).toMatchObject({ isError: false, structuredContent: { message: 'over mqtt' } });
      expect(result.content).toEqual([{ type: 'text', text: '{"message":"over mqtt"}' }]);

      const { resources } = await client.listResources();
      expect(resources).toEqual([
        expect.objectContaining({ uri: `mcp://${serviceId}/data/about`, name: 'About this service' }),
      ]);
      const read = await client.readResource({ uri: resources[0]!.uri });
      expect(JSON.parse((read.contents[0] as { text: string }).text)).toMatchObject({
        tools: ['echo', 'clock'],
      });

      await expect(client.ping()).resolves.toEqual({});
    } finally {
      await client.close();
    }
  });

  it('surfaces invalid arguments as the -32602 JSON-RPC error', async () => {
    const client = new Client({ name: 'sdk-test', version: '1.0.0' });
    await client.connect(new MqttClientTransport({ url, serviceId, apiKey: 'sdk-key-000001' }));
    try {
      await expect(client.callTool({ name: 'echo', arguments: { message: 1 } })).rejects.toMatchObject({
        code: -32602,
      });
    } finally {
      await client.close();
    }
  });
});
