import { startService } from '@neurhomia/mcp-mqtt-core/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { weatherService } from '../../../weather/src/service.js';
import { startUpstream, type Upstream } from '../../../weather/test/upstream/server.js';
import { KEYS, type RunningGateway, startGateway, testPrefix } from '../support/gateway.js';
import { runBin } from '../support/programs.js';

/**
 * The MCP Inspector's CLI (`@modelcontextprotocol/inspector --cli`) calling the weather service
 * through the gateway: the weather service runs here against its recorded-response upstream.
 */
const url = inject('mqttUrl');
const prefix = testPrefix();
const weather = `${prefix}-weather`;
let gw: RunningGateway;
let upstream: Upstream;
let service: Awaited<ReturnType<typeof startService>>;

beforeAll(async () => {
  upstream = await startUpstream();
  service = await startService(weatherService, {
    url,
    env: {
      MCP_SERVICE_ID: weather,
      MCP_API_KEYS: `app:${KEYS.reader}=weather:read`,
      MCP_RELAY_CLIENTS: 'gateway',
      OPEN_METEO_BASE_URL: `${upstream.url}/v1`,
      OPEN_METEO_GEOCODING_BASE_URL: `${upstream.url}/v1`,
    },
  });
  gw = await startGateway(url, { GATEWAY_SERVICES: `${prefix}-*` });
});

afterAll(async () => {
  await gw?.close();
  await service?.stop();
  await upstream?.close();
});

const inspector = (...args: string[]) =>
  runBin('inspector', [
    '--cli',
    gw.endpoint.href,
    '--transport',
    'http',
    '--header',
    `Authorization: Bearer ${KEYS.reader}`,
    ...args,
  ]);

describe('MCP Inspector CLI through the gateway', () => {
  it('lists the weather tools', async () => {
    const run = await inspector('--method', 'tools/list');
    expect(run.code, run.stderr).toBe(0);
    const names = (JSON.parse(run.stdout) as { tools: Array<{ name: string }> }).tools.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        `${weather}__get_current_weather`,
        `${weather}__get_forecast`,
        `${weather}__get_weather_alerts`,
      ]),
    );
  });

  it('calls get_current_weather with --tool-arg', async () => {
    const run = await inspector(
      '--method',
      'tools/call',
      '--tool-name',
      `${weather}__get_current_weather`,
      '--tool-arg',
      'location=Berlin',
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { isError: boolean; structuredContent: Record<string, unknown> };
    expect(result.isError).toBe(false);
    expect(result.structuredContent).toMatchObject({
      location: { name: 'Berlin' },
      provider: 'open-meteo',
      units: 'metric',
    });
  });
});
