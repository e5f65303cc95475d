import { readFileSync } from 'node:fs';
import { createServer, type LocalServer, silentLogger } from '@neurhomia/mcp-mqtt-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { weatherService } from '../src/service.js';
import { OWM_KEY } from './helpers.js';
import { startUpstream, type Upstream } from './upstream/server.js';

let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(() => upstream.close());
beforeEach(() => upstream.reset());

const openMeteoEnv = () => ({
  OPEN_METEO_BASE_URL: `${upstream.url}/v1`,
  OPEN_METEO_GEOCODING_BASE_URL: `${upstream.url}/v1`,
});

/** The weather service without a broker: every call goes through the core's endpoint. */
async function server(env: Record<string, string>) {
  return createServer(weatherService, { env, logger: silentLogger() });
}

async function call(s: LocalServer, name: string, args: Record<string, unknown>) {
  const answer = await s.request('tools/call', { name, arguments: args });
  if (answer.error) throw new Error(answer.error.message);
  return answer.result as { isError: boolean; structuredContent: Record<string, unknown> };
}

describe('weather service', () => {
  it("declares itself, with its package's version", async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    await using s = await server(openMeteoEnv());
    expect(weatherService).toMatchObject({
      id: 'weather',
      name: 'Weather Service',
      events: ['weather_alert'],
    });
    expect(s.core.version).toBe(pkg.version);
    expect(s.core.presence).toMatchObject({
      tools: ['get_current_weather', 'get_forecast', 'get_weather_alerts'],
      resources: ['weather_widget'],
      events: ['weather_alert'],
    });
  });

  it('answers through Open-Meteo, its circuit reported live in health', async () => {
    await using s = await server({ ...openMeteoEnv(), WEATHER_BREAKER_FAILURES: '2' });
    const result = await call(s, 'get_current_weather', { location: 'Berlin' });
    expect(result).toMatchObject({
      isError: false,
      structuredContent: { provider: 'open-meteo', location: { name: 'Berlin' } },
    });
    const health = (await s.request('mcp.health_check')).result as Record<string, unknown>;
    expect(health).toMatchObject({
      dependencies: { 'open-meteo': 'ok' },
      dependency_details: { 'open-meteo': { circuit: 'closed' } },
    });
    expect(s.core.parts.tasks).toEqual([]); // no WEATHER_WATCH, no watcher
  });

  it('uses OpenWeatherMap when configured, its breaker named after it', async () => {
    await using s = await server({ OPENWEATHER_API_KEY: OWM_KEY, OPENWEATHER_BASE_URL: upstream.url });
    const result = await call(s, 'get_current_weather', { location: 'London', units: 'imperial' });
    expect(result.structuredContent).toMatchObject({ provider: 'openweathermap', units: 'imperial' });
    const health = (await s.request('mcp.health_check')).result as { dependencies: Record<string, string> };
    expect(Object.keys(health.dependencies)).toContain('openweathermap');
  });

  it('makes one upstream request for 20 identical concurrent calls of a place not cached yet', async () => {
    await using s = await server(openMeteoEnv());
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => call(s, 'get_forecast', { location: 'Berlin', days: 3 })),
    );
    expect(new Set(answers.map((a) => JSON.stringify(a.structuredContent))).size).toBe(1);
    expect(answers[0]?.structuredContent).toMatchObject({ location: { name: 'Berlin' } });
    const forecasts = upstream.requests.filter((r) => r.path === '/v1/forecast');
    const lookups = upstream.requests.filter((r) => r.path === '/v1/search');
    expect(forecasts).toHaveLength(1);
    expect(lookups).toHaveLength(1);
  });

  it('watches WEATHER_WATCH places in a periodic task that publishes weather_alert', async () => {
    const s = await server({ ...openMeteoEnv(), WEATHER_WATCH: 'Storm;1,1', WEATHER_WATCH_INTERVAL: '60' });
    expect(s.core.parts.tasks.map((t) => t.name)).toEqual(['weather-alert-watcher']);
    await s.start();
    await expect.poll(() => s.events.length, { timeout: 3_000 }).toBe(5);
    expect(new Set(s.events.map((e) => e.event))).toEqual(new Set(['weather_alert']));
    await s.close();
  });
});
