import { ToolError } from '@neurhomia/mcp-mqtt-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_THRESHOLDS } from '../../src/alerts/thresholds.js';
import type { WeatherProvider } from '../../src/providers/provider.js';
import { createGetCurrentWeatherTool } from '../../src/tools/get-current-weather.js';
import { createGetForecastTool } from '../../src/tools/get-forecast.js';
import { createGetWeatherAlertsTool } from '../../src/tools/get-weather-alerts.js';
import { failure, openMeteo, openWeatherMap, toolContext } from '../helpers.js';
import { startUpstream, type Upstream } from '../upstream/server.js';

let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(() => upstream.close());
beforeEach(() => upstream.reset());

const build = (provider: WeatherProvider = openMeteo(upstream)) => ({
  current: createGetCurrentWeatherTool(provider),
  forecast: createGetForecastTool(provider),
  alerts: createGetWeatherAlertsTool(provider, { thresholds: DEFAULT_THRESHOLDS, days: 3 }),
});
const tools = () => Object.values(build());

describe('tool declarations', () => {
  it('need weather:read, are read-only open-world hints, limited and timed', () => {
    for (const tool of tools()) {
      expect(tool.permissions).toEqual(['weather:read']);
      expect(tool.category).toBe('weather');
      expect(tool.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: true });
      expect(tool.rateLimit).toEqual({ capacity: 30, refillPerSecond: 1 });
      expect(tool.timeoutMs).toBe(15_000);
      expect(tool.cache?.ttlMs).toBeGreaterThan(0);
    }
    expect(tools().map((t) => t.name)).toEqual(['get_current_weather', 'get_forecast', 'get_weather_alerts']);
  });

  it('describe every argument and publish a JSON Schema with defaults', () => {
    for (const tool of tools()) {
      const schema = z.toJSONSchema(tool.input.strict(), { io: 'input' }) as {
        properties: Record<string, { description?: string }>;
        required?: string[];
      };
      for (const property of Object.values(schema.properties)) expect(property.description).toBeTruthy();
      expect(schema.required).toEqual(['location']);
    }
    const forecast = z.toJSONSchema(build().forecast.input, { io: 'input' }) as {
      properties: Record<string, unknown>;
    };
    expect(forecast.properties.days).toMatchObject({ type: 'integer', minimum: 1, maximum: 16, default: 5 });
    expect(forecast.properties.units).toMatchObject({
      enum: ['metric', 'imperial', 'kelvin'],
      default: 'metric',
    });
  });

  it('refuse bad arguments without coercing them (the core answers -32602 from these schemas)', () => {
    const { current, forecast } = build();
    const days = forecast.input.strict();
    expect(days.safeParse({ location: 'Berlin', days: 17 }).success).toBe(false);
    expect(days.safeParse({ location: 'Berlin', days: 0 }).success).toBe(false);
    expect(days.safeParse({ location: 'Berlin', days: 2.5 }).success).toBe(false);
    expect(days.safeParse({ location: 'Berlin', days: '3' }).success).toBe(false);
    expect(current.input.strict().safeParse({ location: 'Berlin', units: 'celsius' }).success).toBe(false);
    expect(current.input.strict().safeParse({ location: 'Berlin', city: 'Paris' }).success).toBe(false);
    expect(current.input.strict().safeParse({ location: 48.85 }).success).toBe(false);
    expect(days.parse({ location: 'Berlin' })).toEqual({ location: 'Berlin', days: 5, units: 'metric' });
  });

  it('key the cache by provider, location and units', () => {
    const { current, forecast } = build();
    expect(current.cache?.key?.({ location: ' Berlin', units: 'metric' })).toBe('open-meteo|berlin|metric');
    expect(current.cache?.key?.({ location: 'berlin', units: 'metric' })).toBe(
      current.cache?.key?.({ location: 'BERLIN ', units: 'metric' }),
    );
    expect(forecast.cache?.key?.({ location: '48.85,2.35', days: 3, units: 'kelvin' })).toBe(
      'open-meteo|48.8500,2.3500|kelvin|3',
    );
  });
});

describe('tool handlers', () => {
  it('get_current_weather returns the normalized current weather', async () => {
    const { current } = build();
    const result = await current.handler({ location: 'Berlin', units: 'metric' }, toolContext());
    expect(result).toMatchObject({
      location: { name: 'Berlin' },
      provider: 'open-meteo',
      units: 'metric',
      temperature: 0.6,
    });
  });

  it('get_forecast returns the requested days', async () => {
    const { forecast } = build();
    const result = await forecast.handler({ location: 'Berlin', days: 10, units: 'kelvin' }, toolContext());
    expect(result.days).toHaveLength(10);
    expect(result.units_legend.temperature).toBe('K');
    expect(result.days[0]?.temperature_max).toBe(275.85);
  });

  it('get_forecast with OpenWeatherMap refuses more than 5 days as a tool error', async () => {
    const { forecast } = build(openWeatherMap(upstream));
    const error = await failure(
      Promise.resolve(forecast.handler({ location: 'London', days: 7, units: 'metric' }, toolContext())),
    );
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toMatch(/free forecast covers 5 days/);
  });

  it('get_weather_alerts derives alerts from the forecast', async () => {
    const { alerts } = build();
    const result = await alerts.handler({ location: '1,1' }, toolContext());
    expect(result.days_checked).toHaveLength(3);
    expect(result.thresholds).toEqual(DEFAULT_THRESHOLDS);
    expect(result.alerts.map((a) => a.kind)).toEqual([
      'wind_gust',
      'thunderstorm',
      'heavy_rain',
      'thunderstorm',
      'heat',
    ]);
    expect(result.alerts.every((a) => a.derived === true)).toBe(true);
    const calm = await alerts.handler({ location: 'Berlin' }, toolContext());
    expect(calm.alerts).toEqual([]);
  });

  it('pass the tool signal to the upstream request', async () => {
    upstream.control({ mode: 'slow', delayMs: 2_000 });
    const { current } = build();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(
      Promise.resolve(current.handler({ location: '1,1', units: 'metric' }, toolContext(controller.signal))),
    );
    expect(error.message).toMatch(/cancelled/);
  });

  it('a place not found is a ToolError naming it', async () => {
    const { current } = build();
    const error = await failure(
      Promise.resolve(current.handler({ location: 'Nowhereville', units: 'metric' }, toolContext())),
    );
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toContain('Nowhereville');
    expect(error.data).toEqual({ location: 'Nowhereville' });
  });
});
