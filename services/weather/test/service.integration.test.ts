import type { McpMqttClient } from '@neurhomia/mcp-mqtt-core/client';
import {
  connectClient,
  startService,
  type TestBroker,
  uniqueServiceId,
  useBroker,
} from '@neurhomia/mcp-mqtt-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WeatherAlertEvent } from '../src/alerts/watcher.js';
import { weatherService } from '../src/service.js';
import { startUpstream, type Upstream } from './upstream/server.js';

/**
 * The weather service end to end through a real Mosquitto: tools over MQTT, the widget resource,
 * the weather_alert events of the watcher, and the provider's circuit in health_check.
 */
const serviceId = uniqueServiceId('weather');
let broker: TestBroker;
let upstream: Upstream;
let client: McpMqttClient;
let service: Awaited<ReturnType<typeof startService>>;
/** The core wraps event payloads: `{event, service_id, timestamp, data}`. */
type Envelope = { event: string; service_id: string; timestamp: string; data: WeatherAlertEvent };
const alerts: Envelope[] = [];

beforeAll(async () => {
  [broker, upstream] = await Promise.all([useBroker(), startUpstream()]);
  client = await connectClient(broker.url);
  client.on('event', ({ event, payload }) => {
    if (event === 'weather_alert') alerts.push(payload as Envelope);
  });
  // Subscribed before the service starts: its first poll runs at once and events are not retained.
  await client.subscribeEvents(serviceId, 'weather_alert');
  service = await startService(weatherService, {
    url: broker.url,
    env: {
      MCP_SERVICE_ID: serviceId,
      OPEN_METEO_BASE_URL: `${upstream.url}/v1`,
      OPEN_METEO_GEOCODING_BASE_URL: `${upstream.url}/v1`,
      WEATHER_WATCH: 'Storm;1,1|Calm;48.85,2.35',
      WEATHER_WATCH_INTERVAL: '60',
      WEATHER_BREAKER_FAILURES: '2',
      WEATHER_HTTP_TIMEOUT_MS: '2000',
    },
  });
});

afterAll(async () => {
  await service?.stop();
  await client?.close();
  await upstream?.close();
  await broker?.stop();
});

describe('weather service over MQTT', () => {
  it('lists its tools with their schemas and scopes', async () => {
    const tools = await client.listTools(serviceId);
    expect(tools.map((t) => t.name)).toEqual(['get_current_weather', 'get_forecast', 'get_weather_alerts']);
    expect(tools.every((t) => t.permissions?.includes('weather:read'))).toBe(true);
    expect(tools[1]?.inputSchema).toMatchObject({
      properties: { days: { maximum: 16 } },
      additionalProperties: false,
    });
  });

  it('answers get_current_weather', async () => {
    const result = await client.callTool(serviceId, 'get_current_weather', { location: 'Berlin' });
    expect(result.isError).toBe(false);
    expect(result.structuredContent).toMatchObject({
      location: { name: 'Berlin' },
      temperature: 0.6,
      units: 'metric',
    });
  });

  it('refuses invalid arguments with -32602', async () => {
    await expect(
      client.callTool(serviceId, 'get_forecast', { location: 'Berlin', days: 17 }),
    ).rejects.toMatchObject({
      code: -32602,
    });
    await expect(
      client.callTool(serviceId, 'get_current_weather', { location: 'Berlin', units: 'celsius' }),
    ).rejects.toMatchObject({
      code: -32602,
    });
  });

  it('reports an unknown place as a tool error naming it', async () => {
    const result = await client.callTool(serviceId, 'get_current_weather', { location: 'Nowhereville' });
    expect(result.isError).toBe(true);
    expect(String(result.structuredContent?.error)).toContain('Nowhereville');
  });

  it('serves the widget', async () => {
    const result = await client.request<{ contents: { text: string }[] }>(serviceId, 'resources/read', {
      uri: `mcp://${serviceId}/widget/weather_widget`,
    });
    const widget = JSON.parse(result.contents[0]?.text ?? '{}');
    expect(widget.interactions.map((i: { action: string }) => i.action)).toEqual([
      'get_current_weather',
      'get_forecast',
    ]);
  });

  it('publishes weather_alert events for watched places, once each', async () => {
    await expect.poll(() => alerts.length, { timeout: 10_000 }).toBe(5);
    expect(alerts.every((a) => a.event === 'weather_alert' && a.service_id === serviceId)).toBe(true);
    expect(new Set(alerts.map((a) => a.data.location.name))).toEqual(new Set(['Storm']));
    expect(alerts.map((a) => a.data.kind).sort()).toEqual([
      'heat',
      'heavy_rain',
      'thunderstorm',
      'thunderstorm',
      'wind_gust',
    ]);
    expect(alerts.every((a) => a.data.derived === true)).toBe(true);
  });

  it('shows the provider circuit in health_check and fails fast once it is open', async () => {
    const healthy = await client.request<{ dependencies: Record<string, string> }>(
      serviceId,
      'mcp.health_check',
      {},
    );
    expect(healthy.dependencies['open-meteo']).toBe('ok');
    upstream.control({ mode: 'fail' });
    for (const location of ['2,2', '3,3']) {
      const result = await client.callTool(serviceId, 'get_current_weather', { location });
      expect(result.isError).toBe(true);
    }
    const degraded = await client.request<{ status: string; dependencies: Record<string, string> }>(
      serviceId,
      'mcp.health_check',
      {},
    );
    expect(degraded).toMatchObject({
      status: 'degraded',
      dependencies: { 'open-meteo': 'down' },
      dependency_details: { 'open-meteo': { circuit: 'open' } },
    });
    await expect(
      client.callTool(serviceId, 'get_current_weather', { location: '4,4' }),
    ).rejects.toMatchObject({ code: -32006 });
    upstream.reset();
  });
});
