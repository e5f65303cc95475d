import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HomeStackContainers, type StartedHomeStack } from '../src/home-stack.js';

/**
 * The gateway image in front of the weather image, Mosquitto with the project's auth and ACL
 * between them, as the stack wires them: the gateway logs in as `gateway` (a relay), the
 * weather service gets the relay list from secrets-init, and an HTTP client uses the key
 * generated for the gateway's callers.
 */
let stack: StartedHomeStack;
let key: string;

beforeAll(async () => {
  stack = await new HomeStackContainers().start();
  await stack.startWeather();
  await stack.startGateway();
  key = await stack.secret('clients/gateway/api.key');
});

afterAll(async () => {
  await stack?.stop();
});

async function connect(apiKey: string) {
  const client = new Client({ name: 'e2e', version: '0.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(stack.gatewayEndpoint(), {
      requestInit: { headers: { authorization: `Bearer ${apiKey}` } },
    }),
  );
  return client;
}

describe('gateway image through the authenticated broker', () => {
  it('lists the weather tools over MCP Streamable HTTP with the generated key', async () => {
    expect(await stack.secret('services/weather/relay-clients')).toBe('gateway');
    const client = await connect(key);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(
        expect.arrayContaining([
          'weather__get_current_weather',
          'weather__get_forecast',
          'weather__get_weather_alerts',
        ]),
      );
      const result = await client.callTool({
        name: 'weather__get_current_weather',
        arguments: { location: 'Berlin' },
      });
      expect(result).toMatchObject({ isError: false, structuredContent: { location: { name: 'Berlin' } } });
    } finally {
      await client.close();
    }
  });

  it('refuses a key the services do not know with HTTP 401', async () => {
    // The SDK's StreamableHTTPError carries the HTTP status as its code.
    await expect(connect('not-a-key-of-this-stack')).rejects.toMatchObject({ code: 401 });
  });

  it('answers seed 002’s status with the weather service up', async () => {
    const response = await fetch(new URL('/mcp/status', stack.gatewayEndpoint()), {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(response.status).toBe(200);
    const status = (await response.json()) as { services: Array<{ service_id: string; status: string }> };
    expect(status.services).toEqual(
      expect.arrayContaining([expect.objectContaining({ service_id: 'weather', status: 'up' })]),
    );
  });
});
