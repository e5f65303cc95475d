import { z } from 'zod';
import { createJsonClient, type JsonClient, parseAnswer, withQuery } from './http.js';
import { GeocodingCache, placeNotFound, resolvePlace, stripFlag } from './location.js';
import {
  type CallOptions,
  type CurrentWeather,
  type Forecast,
  type Guard,
  noGuard,
  type Place,
  type Units,
  type WeatherProvider,
} from './provider.js';
import { openMeteoTemperature, openMeteoUnitParams, round, unitsLegend } from './units.js';
import { describeWmo } from './wmo.js';

const DISPLAY_NAME = 'Open-Meteo';

/** The variables we ask for: the fixtures and the upstream simulator hold exactly these. */
export const OPEN_METEO_CURRENT = [
  'temperature_2m',
  'relative_humidity_2m',
  'apparent_temperature',
  'precipitation',
  'weather_code',
  'pressure_msl',
  'wind_speed_10m',
  'wind_direction_10m',
  'wind_gusts_10m',
] as const;

export const OPEN_METEO_DAILY = [
  'weather_code',
  'temperature_2m_max',
  'temperature_2m_min',
  'precipitation_sum',
  'snowfall_sum',
  'wind_speed_10m_max',
  'wind_gusts_10m_max',
] as const;

// Open-Meteo sends null where a model has no value; the schemas say which nulls we can live with.
const value = z.number();
const maybe = z.number().nullable().optional();

const CurrentResponse = z.object({
  utc_offset_seconds: z.number().default(0),
  current: z.object({
    time: z.string(),
    temperature_2m: value,
    relative_humidity_2m: value,
    apparent_temperature: value,
    precipitation: maybe,
    weather_code: maybe,
    pressure_msl: maybe,
    wind_speed_10m: value,
    wind_direction_10m: maybe,
    wind_gusts_10m: maybe,
  }),
});

const column = z.array(z.number().nullable());
const DailyResponse = z.object({
  daily: z.object({
    time: z.array(z.string()),
    weather_code: column,
    temperature_2m_max: column,
    temperature_2m_min: column,
    precipitation_sum: column,
    snowfall_sum: column.optional(),
    wind_speed_10m_max: column,
    wind_gusts_10m_max: column,
  }),
});

const GeocodingResponse = z.object({
  // No match is an answer without `results` at all (empty fields are not serialized).
  results: z
    .array(
      z.object({
        name: z.string(),
        latitude: z.number(),
        longitude: z.number(),
        country_code: z.string().optional(),
      }),
    )
    .optional(),
});

/** Open-Meteo times are local wall-clock times; `utc_offset_seconds` turns them into instants. */
export function localTimeToIso(time: string, utcOffsetSeconds: number): string {
  const local = Date.parse(`${time.length === 16 ? `${time}:00` : time}Z`);
  if (Number.isNaN(local)) return new Date().toISOString();
  return new Date(local - utcOffsetSeconds * 1000).toISOString();
}

export interface OpenMeteoOptions {
  /** API root, e.g. https://api.open-meteo.com/v1 (we append /forecast). */
  baseUrl: string;
  /** Geocoding API root, e.g. https://geocoding-api.open-meteo.com/v1 (we append /search). */
  geocodingBaseUrl: string;
  timeoutMs: number;
  /** Language of geocoded place names. */
  language?: string;
  geocodingTtlMs?: number;
  guard?: Guard;
}

/** Open-Meteo: forecast + geocoding, no key. Kelvin is computed from Celsius. */
export class OpenMeteoProvider implements WeatherProvider {
  readonly name = 'open-meteo' as const;
  readonly maxForecastDays = 16;
  private readonly http: JsonClient;
  private readonly places: GeocodingCache;

  constructor(private readonly options: OpenMeteoOptions) {
    this.http = createJsonClient({
      provider: DISPLAY_NAME,
      timeoutMs: options.timeoutMs,
      guard: options.guard ?? noGuard,
      errorMessage: (body) => (body as { reason?: unknown } | undefined)?.reason?.toString(),
      // "Minutely API request limit exceeded. Please try again in one minute." carries no header.
      defaultRetryAfterS: (message) => (message && /minute/i.test(message) ? 60 : undefined),
    });
    this.places = new GeocodingCache(options.geocodingTtlMs ?? 24 * 3600_000);
  }

  async current(location: string, units: Units, options: CallOptions = {}): Promise<CurrentWeather> {
    const place = await this.place(location, options.signal);
    const url = withQuery(this.options.baseUrl, '/forecast', {
      latitude: place.latitude,
      longitude: place.longitude,
      current: OPEN_METEO_CURRENT.join(','),
      timezone: 'auto',
      ...openMeteoUnitParams(units),
    });
    const body = parseAnswer(
      DISPLAY_NAME,
      CurrentResponse,
      await this.http(url, options.signal),
      'current weather',
    );
    const now = body.current;
    return {
      location: stripFlag(place),
      provider: this.name,
      units,
      temperature: openMeteoTemperature(now.temperature_2m, units),
      feels_like: openMeteoTemperature(now.apparent_temperature, units),
      humidity: now.relative_humidity_2m,
      pressure: round(now.pressure_msl ?? 0, 1),
      wind_speed: round(now.wind_speed_10m, 2),
      wind_direction: now.wind_direction_10m ?? 0,
      ...(now.wind_gusts_10m != null ? { wind_gust: round(now.wind_gusts_10m, 2) } : {}),
      precipitation: round(now.precipitation ?? 0, 2),
      ...(now.weather_code != null ? { weather_code: now.weather_code } : {}),
      description: describeWmo(now.weather_code ?? undefined),
      observed_at: localTimeToIso(now.time, body.utc_offset_seconds),
      units_legend: unitsLegend(units),
    };
  }

  async forecast(location: string, days: number, units: Units, options: CallOptions = {}): Promise<Forecast> {
    const place = await this.place(location, options.signal);
    const url = withQuery(this.options.baseUrl, '/forecast', {
      latitude: place.latitude,
      longitude: place.longitude,
      daily: OPEN_METEO_DAILY.join(','),
      forecast_days: days,
      timezone: 'auto',
      ...openMeteoUnitParams(units),
    });
    const { daily } = parseAnswer(
      DISPLAY_NAME,
      DailyResponse,
      await this.http(url, options.signal),
      'forecast',
    );
    const at = (values: readonly (number | null)[] | undefined, i: number) => values?.[i] ?? 0;
    return {
      location: stripFlag(place),
      provider: this.name,
      units,
      days: daily.time.slice(0, days).map((date, i) => {
        const code = at(daily.weather_code, i);
        const snow = daily.snowfall_sum?.[i];
        return {
          date,
          temperature_min: openMeteoTemperature(at(daily.temperature_2m_min, i), units),
          temperature_max: openMeteoTemperature(at(daily.temperature_2m_max, i), units),
          precipitation_sum: round(at(daily.precipitation_sum, i), 2),
          ...(snow != null ? { snowfall_sum: round(snow, 2) } : {}),
          wind_speed_max: round(at(daily.wind_speed_10m_max, i), 2),
          wind_gust_max: round(at(daily.wind_gusts_10m_max, i), 2),
          weather_code: code,
          description: describeWmo(code),
        };
      }),
      units_legend: unitsLegend(units),
    };
  }

  private place(location: string, signal: AbortSignal | undefined) {
    return resolvePlace(location, this.places, (name) => this.geocode(name, signal));
  }

  private async geocode(name: string, signal: AbortSignal | undefined): Promise<Place> {
    const url = withQuery(this.options.geocodingBaseUrl, '/search', {
      name,
      count: 1,
      language: this.options.language ?? 'en',
      format: 'json',
    });
    const body = parseAnswer(DISPLAY_NAME, GeocodingResponse, await this.http(url, signal), 'geocoding');
    const first = body.results?.[0];
    if (!first) throw placeNotFound(name, DISPLAY_NAME);
    return {
      name: first.name,
      ...(first.country_code ? { country: first.country_code } : {}),
      latitude: first.latitude,
      longitude: first.longitude,
    };
  }
}
