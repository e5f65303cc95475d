import { ToolError } from '@neurhomia/mcp-mqtt-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OPEN_METEO_CURRENT, OPEN_METEO_DAILY } from '../../src/providers/open-meteo.js';
import { failure, openMeteo } from '../helpers.js';
import { startUpstream, type Upstream } from '../upstream/server.js';

let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(() => upstream.close());
beforeEach(() => upstream.reset());

describe('Open-Meteo provider', () => {
  it('geocodes a place and returns the current weather in metric units', async () => {
    const result = await openMeteo(upstream).current('Berlin', 'metric');
    expect(result).toMatchObject({
      location: { name: 'Berlin', country: 'DE', latitude: 52.52437, longitude: 13.41053 },
      provider: 'open-meteo',
      units: 'metric',
      temperature: 0.6,
      feels_like: -2.9,
      humidity: 68,
      pressure: 1041.2,
      wind_speed: 1.53, // 5.5 km/h recorded, asked in m/s
      wind_direction: 247,
      wind_gust: 5.11,
      precipitation: 0,
      weather_code: 0,
      description: 'Clear sky',
      units_legend: { temperature: '°C', wind_speed: 'm/s', pressure: 'hPa', precipitation: 'mm' },
    });
    expect(Date.parse(result.observed_at)).toBeGreaterThan(Date.now() - 3600_000);
  });

  it('sends the parameters the fixtures were recorded for', async () => {
    await openMeteo(upstream).current('Berlin', 'metric');
    await openMeteo(upstream).forecast('Berlin', 3, 'metric');
    const [search, current, , daily] = upstream.requests;
    expect(search).toMatchObject({
      path: '/v1/search',
      query: { name: 'Berlin', count: '1', language: 'en', format: 'json' },
    });
    expect(current?.query).toMatchObject({
      latitude: '52.52437',
      longitude: '13.41053',
      current: OPEN_METEO_CURRENT.join(','),
      timezone: 'auto',
      temperature_unit: 'celsius',
      wind_speed_unit: 'ms',
      precipitation_unit: 'mm',
    });
    expect(daily?.query).toMatchObject({ daily: OPEN_METEO_DAILY.join(','), forecast_days: '3' });
  });

  it('converts to imperial (°F, mph, inch) and kelvin', async () => {
    const imperial = await openMeteo(upstream).current('52.52,13.41', 'imperial');
    expect(imperial.temperature).toBeCloseTo(33.1, 1); // 0.6 °C
    expect(imperial.wind_speed).toBeCloseTo(3.4, 1); // 5.5 km/h
    expect(imperial.units_legend).toMatchObject({
      temperature: '°F',
      wind_speed: 'mph',
      precipitation: 'inch',
    });
    expect(upstream.requests.at(-1)?.query).toMatchObject({
      temperature_unit: 'fahrenheit',
      wind_speed_unit: 'mph',
      precipitation_unit: 'inch',
    });
    const kelvin = await openMeteo(upstream).current('52.52,13.41', 'kelvin');
    expect(kelvin.temperature).toBe(273.75);
    expect(kelvin.feels_like).toBe(270.25);
    expect(kelvin.units_legend.temperature).toBe('K');
    expect(upstream.requests.at(-1)?.query.temperature_unit).toBe('celsius');
  });

  it('uses coordinates without geocoding', async () => {
    const result = await openMeteo(upstream).current('48.85,2.35', 'metric');
    expect(result.location).toEqual({ name: '48.85,2.35', latitude: 48.85, longitude: 2.35 });
    expect(upstream.requests.map((r) => r.path)).toEqual(['/v1/forecast']);
  });

  it('returns a daily forecast of the requested length, up to 16 days', async () => {
    const week = await openMeteo(upstream).forecast('Berlin', 7, 'metric');
    expect(week.days).toHaveLength(7);
    expect(week.days[0]).toMatchObject({
      temperature_min: -4.3,
      temperature_max: 2.7,
      precipitation_sum: 0,
      snowfall_sum: 0,
      wind_speed_max: 2.39,
      wind_gust_max: 5.31,
      weather_code: 45,
      description: 'Fog',
    });
    expect(week.days[0]?.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const long = await openMeteo(upstream).forecast('Berlin', 16, 'imperial');
    expect(long.days).toHaveLength(16);
    expect(long.days[0]?.temperature_max).toBeCloseTo(36.9, 1); // 2.7 °C
  });

  it('names the place when geocoding finds nothing', async () => {
    const error = await failure(openMeteo(upstream).current('Nowhereville', 'metric'));
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toContain('"Nowhereville"');
    expect(error.message).toMatch(/Place not found/);
  });

  it('caches geocoding', async () => {
    const provider = openMeteo(upstream);
    await provider.current('Berlin', 'metric');
    await provider.forecast('berlin', 2, 'metric');
    expect(upstream.requests.filter((r) => r.path === '/v1/search')).toHaveLength(1);
  });

  it('turns a 5xx into a ToolError saying the provider is unavailable', async () => {
    upstream.control({ mode: 'fail', status: 502 });
    const error = await failure(openMeteo(upstream).current('1,1', 'metric'));
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toBe('Open-Meteo is unavailable (HTTP 502); try again later');
  });

  it('turns a 429 into a ToolError with retryAfterS from Retry-After', async () => {
    upstream.control({ mode: '429', retryAfterS: 42 });
    const error = await failure(openMeteo(upstream).current('1,1', 'metric'));
    expect(error).toBeInstanceOf(ToolError);
    expect(error.retryAfterS).toBe(42);
    expect(error.message).toContain('Minutely API request limit exceeded');
  });

  it('falls back to one minute for the minutely limit without Retry-After', async () => {
    upstream.control({ mode: '429', retryAfterS: null });
    const error = await failure(openMeteo(upstream).current('1,1', 'metric'));
    expect(error.retryAfterS).toBe(60);
  });

  it('gives up after the HTTP timeout', async () => {
    upstream.control({ mode: 'slow', delayMs: 2_000 });
    const started = Date.now();
    const error = await failure(openMeteo(upstream, { timeoutMs: 300 }).current('1,1', 'metric'));
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toBe('Open-Meteo did not answer within 300 ms; try again later');
    expect(Date.now() - started).toBeLessThan(1_800);
  });

  it('stops when the tool signal aborts', async () => {
    upstream.control({ mode: 'slow', delayMs: 2_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await failure(openMeteo(upstream).current('1,1', 'metric', { signal: controller.signal }));
    expect(error.message).toBe('Open-Meteo request cancelled');
  });

  it('reports a network failure', async () => {
    const provider = openMeteo(upstream, { baseUrl: 'http://127.0.0.1:1/v1' });
    const error = await failure(provider.current('1,1', 'metric'));
    expect(error.message).toMatch(/^Open-Meteo could not be reached \(ECONNREFUSED\)/);
  });
});
