import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  loadConfig,
  silentLogger,
} from '@neurhomia/mcp-mqtt-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertWatcher } from '../src/alerts/watcher.js';
import { WeatherConfigSchema } from '../src/config.js';
import { VERSION, weatherService } from '../src/service.js';
import { OWM_KEY, toolContext } from './helpers.js';
import { startUpstream, type Upstream } from './upstream/server.js';

let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(() => upstream.close());

async function setup(env: Record<string, string>) {
  const breakers: { name: string; options: Partial<CircuitBreakerOptions>; breaker: CircuitBreaker }[] = [];
  const parts = await weatherService.setup({
    serviceId: 'weather',
    config: loadConfig(WeatherConfigSchema, env),
    logger: silentLogger(),
    events: { publish: async () => {} },
    dependencies: {
      circuitBreaker: (name, options = {}) => {
        const breaker = new CircuitBreaker(name, options);
        breakers.push({ name, options, breaker });
        return breaker;
      },
      register: () => {},
    },
  });
  return { parts, breakers };
}

describe('weather service', () => {
  it('declares itself', () => {
    expect(weatherService).toMatchObject({
      id: 'weather',
      name: 'Weather Service',
      events: ['weather_alert'],
    });
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('builds tools, the widget and the watcher around an Open-Meteo breaker', async () => {
    const { parts, breakers } = await setup({
      OPEN_METEO_BASE_URL: `${upstream.url}/v1`,
      OPEN_METEO_GEOCODING_BASE_URL: `${upstream.url}/v1`,
      WEATHER_BREAKER_FAILURES: '2',
      WEATHER_CACHE_CURRENT_TTL_S: '60',
    });
    expect(parts.tools.map((t) => t.name)).toEqual([
      'get_current_weather',
      'get_forecast',
      'get_weather_alerts',
    ]);
    expect(parts.tools[0]?.cache?.ttlMs).toBe(60_000);
    expect(parts.resources?.map((r) => r.id)).toEqual(['weather_widget']);
    expect(parts.tasks?.[0]).toBeInstanceOf(AlertWatcher);
    expect(breakers).toHaveLength(1);
    expect(breakers[0]).toMatchObject({
      name: 'open-meteo',
      options: { failureThreshold: 2, resetTimeoutMs: 30_000 },
    });
    const result = await parts.tools[0]?.handler({ location: 'Berlin', units: 'metric' }, toolContext());
    expect(result).toMatchObject({ provider: 'open-meteo', location: { name: 'Berlin' } });
  });

  it('uses OpenWeatherMap when configured, its breaker named after it', async () => {
    const { parts, breakers } = await setup({
      OPENWEATHER_API_KEY: OWM_KEY,
      OPENWEATHER_BASE_URL: upstream.url,
    });
    expect(breakers[0]?.name).toBe('openweathermap');
    const result = await parts.tools[0]?.handler({ location: 'London', units: 'imperial' }, toolContext());
    expect(result).toMatchObject({ provider: 'openweathermap', units: 'imperial' });
  });
});
