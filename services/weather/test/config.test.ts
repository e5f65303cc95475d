import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@neurhomia/mcp-mqtt-core';
import { describe, expect, it } from 'vitest';
import { parseWatchList, providerName, WeatherConfigSchema } from '../src/config.js';

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(WeatherConfigSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('weather configuration', () => {
  it('has documented defaults', () => {
    const config = loadConfig(WeatherConfigSchema, {});
    expect(config).toMatchObject({
      OPEN_METEO_BASE_URL: 'https://api.open-meteo.com/v1',
      OPEN_METEO_GEOCODING_BASE_URL: 'https://geocoding-api.open-meteo.com/v1',
      OPENWEATHER_BASE_URL: 'https://api.openweathermap.org',
      WEATHER_HTTP_TIMEOUT_MS: 10_000,
      WEATHER_CACHE_CURRENT_TTL_S: 600,
      WEATHER_CACHE_FORECAST_TTL_S: 1800,
      WEATHER_GEOCODING_TTL_S: 86_400,
      WEATHER_WATCH: [],
      WEATHER_WATCH_INTERVAL: 1800,
      WEATHER_ALERT_DAYS: 3,
      WEATHER_ALERT_GUST_KMH: 80,
      WEATHER_ALERT_RAIN_MM: 30,
      WEATHER_ALERT_SNOW_CM: 5,
      WEATHER_ALERT_HEAT_C: 35,
      WEATHER_ALERT_FROST_C: -5,
    });
    expect(providerName(config)).toBe('open-meteo');
  });

  it('chooses OpenWeatherMap when a key is set, unless told otherwise', () => {
    expect(providerName(loadConfig(WeatherConfigSchema, { OPENWEATHER_API_KEY: 'k' }))).toBe(
      'openweathermap',
    );
    expect(
      providerName(
        loadConfig(WeatherConfigSchema, { OPENWEATHER_API_KEY: 'k', WEATHER_PROVIDER: 'open-meteo' }),
      ),
    ).toBe('open-meteo');
  });

  it('reads the key from OPENWEATHER_API_KEY_FILE', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'weather-')), 'key');
    writeFileSync(file, 'from-file\n');
    expect(loadConfig(WeatherConfigSchema, { OPENWEATHER_API_KEY_FILE: file }).OPENWEATHER_API_KEY).toBe(
      'from-file',
    );
  });

  it('refuses openweathermap without a key, and names every bad variable', () => {
    expect(problems({ WEATHER_PROVIDER: 'openweathermap' })).toEqual([
      'WEATHER_PROVIDER: openweathermap needs OPENWEATHER_API_KEY (or OPENWEATHER_API_KEY_FILE) (got "openweathermap")',
    ]);
    const bad = problems({
      WEATHER_PROVIDER: 'metoffice',
      WEATHER_ALERT_DAYS: '9',
      OPEN_METEO_BASE_URL: 'ftp://x',
    });
    expect(bad.map((p) => p.split(':')[0])).toEqual([
      'WEATHER_PROVIDER',
      'OPEN_METEO_BASE_URL',
      'WEATHER_ALERT_DAYS',
    ]);
  });

  it('parses WEATHER_WATCH', () => {
    const config = loadConfig(WeatherConfigSchema, {
      WEATHER_WATCH: 'Paris;48.85,2.35|Lyon;45.76,4.84| 50.1,8.7 |Brest|Home;Lyon, FR',
    });
    expect(config.WEATHER_WATCH).toEqual([
      { label: 'Paris', location: '48.85,2.35' },
      { label: 'Lyon', location: '45.76,4.84' },
      { label: '50.1,8.7', location: '50.1,8.7' },
      { label: 'Brest', location: 'Brest' },
      { label: 'Home', location: 'Lyon, FR' },
    ]);
  });

  it('refuses malformed WEATHER_WATCH entries, quoting them', () => {
    expect(parseWatchList('Paris;95,2|;1,1|A;B;C').problems).toEqual([
      '"Paris;95,2": Latitude 95 is out of range: it must be between -90 and 90',
      '";1,1" needs a label and a location ("Label;lat,lon" or "Label;Place")',
      '"A;B;C" has more than one ";" (separate entries with "|")',
    ]);
    expect(problems({ WEATHER_WATCH: 'Paris;95,2' })[0]).toMatch(/^WEATHER_WATCH: "Paris;95,2": Latitude 95/);
  });
});

describe('weather configuration errors', () => {
  it('reports the provider/key mismatch together with other bad variables', () => {
    const bad = problems({ WEATHER_PROVIDER: 'openweathermap', WEATHER_WATCH: 'Paris;95,1' });
    expect(bad.map((p) => p.split(':')[0]).sort()).toEqual(['WEATHER_PROVIDER', 'WEATHER_WATCH']);
  });
});
