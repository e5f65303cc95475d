import { ToolError } from '@neurhomia/mcp-mqtt-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeWmo } from '../../src/providers/wmo.js';
import { failure, openWeatherMap } from '../helpers.js';
import { startUpstream, type Upstream } from '../upstream/server.js';

let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(() => upstream.close());
beforeEach(() => upstream.reset());

describe('OpenWeatherMap provider', () => {
  it('geocodes with /geo/1.0/direct and returns the current weather', async () => {
    const result = await openWeatherMap(upstream).current('London', 'metric');
    expect(result).toMatchObject({
      location: { name: 'London', country: 'GB', latitude: 51.5073219, longitude: -0.1276474 },
      provider: 'openweathermap',
      units: 'metric',
      temperature: 25.3, // 298.48 K recorded
      feels_like: 25.6,
      humidity: 64,
      pressure: 1015,
      wind_speed: 0.62,
      wind_direction: 349,
      wind_gust: 1.18,
      precipitation: 3.16,
      weather_code: 63, // OWM 501 moderate rain
      description: 'moderate rain',
    });
    const [geo, weather] = upstream.requests;
    expect(geo).toMatchObject({ path: '/geo/1.0/direct', query: { q: 'London', limit: '1', appid: '***' } });
    expect(weather).toMatchObject({
      path: '/data/2.5/weather',
      query: { lat: '51.5073219', lon: '-0.1276474', units: 'metric', lang: 'en', appid: '***' },
    });
  });

  it('maps imperial and kelvin onto units=imperial|standard', async () => {
    const imperial = await openWeatherMap(upstream).current('51.5,-0.12', 'imperial');
    expect(imperial.temperature).toBeCloseTo(77.6, 1); // 298.48 K
    expect(imperial.wind_speed).toBeCloseTo(1.39, 2); // 0.62 m/s in mph
    expect(imperial.precipitation).toBeCloseTo(0.12, 2); // 3.16 mm in inch
    expect(upstream.requests.at(-1)?.query.units).toBe('imperial');
    const kelvin = await openWeatherMap(upstream).current('51.5,-0.12', 'kelvin');
    expect(kelvin.temperature).toBe(298.48);
    expect(kelvin.units_legend.temperature).toBe('K');
    expect(upstream.requests.at(-1)?.query.units).toBe('standard');
  });

  it("names coordinates after OpenWeatherMap's nearest place", async () => {
    const result = await openWeatherMap(upstream).current('44.34,10.99', 'metric');
    expect(result.location).toEqual({ name: 'Zocca', country: 'IT', latitude: 44.34, longitude: 10.99 });
  });

  it('aggregates the 3-hourly forecast into days', async () => {
    const forecast = await openWeatherMap(upstream).forecast('London', 5, 'metric');
    expect(forecast.days).toHaveLength(5);
    for (const day of forecast.days) {
      expect(day.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(day.temperature_min).toBeLessThanOrEqual(day.temperature_max);
      expect(day.temperature_min).toBeGreaterThan(13); // the recording spans 14.22–25.1 °C
      expect(day.temperature_max).toBeLessThan(25.2);
      expect(day.description).toBe(describeWmo(day.weather_code));
    }
    // The recording rains 4.81 mm in all; the last 0.43 mm may fall on a sixth (partial) day.
    const total = forecast.days.reduce((sum, d) => sum + d.precipitation_sum, 0);
    expect(total).toBeGreaterThanOrEqual(4.38);
    expect(total).toBeLessThanOrEqual(4.81);
    expect(upstream.requests.at(-1)).toMatchObject({
      path: '/data/2.5/forecast',
      query: { units: 'metric' },
    });
  });

  it('refuses more than 5 days: the free forecast covers 5 days', async () => {
    const error = await failure(openWeatherMap(upstream).forecast('London', 6, 'metric'));
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toMatch(/free forecast covers 5 days/);
    expect(upstream.requests).toHaveLength(0);
  });

  it('names the place when geocoding answers []', async () => {
    const error = await failure(openWeatherMap(upstream).current('Atlantis', 'metric'));
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toContain('"Atlantis"');
  });

  it('reports a rejected key', async () => {
    const error = await failure(openWeatherMap(upstream, { apiKey: 'wrong' }).current('London', 'metric'));
    expect(error.message).toMatch(/refused the API key \(HTTP 401\)/);
  });

  it('reports the 429 with its Retry-After', async () => {
    upstream.control({ mode: '429', retryAfterS: 10 });
    const error = await failure(openWeatherMap(upstream).current('London', 'metric'));
    expect(error.retryAfterS).toBe(10);
    expect(error.message).toMatch(/rate limit reached \(HTTP 429\): Your account is temporary blocked/);
  });
});
