import { ToolError } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import { createJsonClient, type JsonClient, parseAnswer, withQuery } from './http.js';
import { GeocodingCache, placeNotFound, resolvePlace, stripFlag } from './location.js';
import {
  type CallOptions,
  type CurrentWeather,
  type Forecast,
  type ForecastDay,
  type Guard,
  noGuard,
  type Place,
  type Units,
  type WeatherProvider,
} from './provider.js';
import {
  openWeatherPrecipitation,
  openWeatherSnowfall,
  openWeatherUnits,
  round,
  unitsLegend,
} from './units.js';
import { describeWmo, mostSevere, owmToWmo } from './wmo.js';

const DISPLAY_NAME = 'OpenWeatherMap';
/** The free "5 day / 3 hour forecast" (/data/2.5/forecast): 40 steps of 3 hours. */
export const OPENWEATHER_FREE_FORECAST_DAYS = 5;

const Volume = z.object({ '1h': z.number().optional(), '3h': z.number().optional() }).optional();
const Condition = z.object({ id: z.number(), description: z.string().optional() });

const CurrentResponse = z.object({
  weather: z.array(Condition).min(1),
  main: z.object({ temp: z.number(), feels_like: z.number(), pressure: z.number(), humidity: z.number() }),
  wind: z
    .object({ speed: z.number(), deg: z.number().optional(), gust: z.number().optional() })
    .default({ speed: 0 }),
  rain: Volume,
  snow: Volume,
  dt: z.number(),
  sys: z.object({ country: z.string().optional() }).optional(),
  name: z.string().optional(),
});

const ForecastResponse = z.object({
  list: z.array(
    z.object({
      dt: z.number(),
      main: z.object({ temp_min: z.number(), temp_max: z.number() }),
      weather: z.array(Condition).min(1),
      wind: z.object({ speed: z.number(), gust: z.number().optional() }).default({ speed: 0 }),
      rain: Volume,
      snow: Volume,
    }),
  ),
  city: z.object({ timezone: z.number().default(0) }),
});

const DirectGeocodingResponse = z.array(
  z.object({ name: z.string(), lat: z.number(), lon: z.number(), country: z.string().optional() }),
);

export interface OpenWeatherMapOptions {
  apiKey: string;
  /** API root, e.g. https://api.openweathermap.org (we append /data/2.5/… and /geo/1.0/direct). */
  baseUrl: string;
  timeoutMs: number;
  /** Language of OpenWeatherMap's condition descriptions. */
  language?: string;
  geocodingTtlMs?: number;
  guard?: Guard;
}

type ForecastStep = z.infer<typeof ForecastResponse>['list'][number];

/** Three-hour steps grouped by local date, in order. */
export function groupByLocalDate(
  list: readonly ForecastStep[],
  timezoneOffsetS: number,
): Map<string, ForecastStep[]> {
  const days = new Map<string, ForecastStep[]>();
  for (const step of list) {
    const date = new Date((step.dt + timezoneOffsetS) * 1000).toISOString().slice(0, 10);
    const steps = days.get(date) ?? [];
    steps.push(step);
    days.set(date, steps);
  }
  return days;
}

/** One forecast day from its three-hour steps (the first and last days may be partial). */
export function summarizeDay(date: string, steps: readonly ForecastStep[], units: Units): ForecastDay {
  const decimals = units === 'kelvin' ? 2 : 1;
  const rain = steps.reduce((sum, s) => sum + (s.rain?.['3h'] ?? 0), 0);
  const snow = steps.reduce((sum, s) => sum + (s.snow?.['3h'] ?? 0), 0);
  const code = mostSevere(steps.map((s) => owmToWmo(s.weather[0]?.id ?? 800)));
  return {
    date,
    temperature_min: round(Math.min(...steps.map((s) => s.main.temp_min)), decimals),
    temperature_max: round(Math.max(...steps.map((s) => s.main.temp_max)), decimals),
    precipitation_sum: openWeatherPrecipitation(rain + snow, units),
    snowfall_sum: openWeatherSnowfall(snow, units),
    wind_speed_max: round(Math.max(...steps.map((s) => s.wind.speed)), 2),
    wind_gust_max: round(Math.max(...steps.map((s) => s.wind.gust ?? s.wind.speed)), 2),
    weather_code: code,
    description: describeWmo(code),
  };
}

/**
 * OpenWeatherMap with the free plan's endpoints: current weather, the 5 day / 3 hour forecast
 * (aggregated into days here) and direct geocoding. One Call (and its official alerts) needs a
 * paid subscription and is not used.
 */
export class OpenWeatherMapProvider implements WeatherProvider {
  readonly name = 'openweathermap' as const;
  readonly maxForecastDays = OPENWEATHER_FREE_FORECAST_DAYS;
  private readonly http: JsonClient;
  private readonly places: GeocodingCache;

  constructor(private readonly options: OpenWeatherMapOptions) {
    this.http = createJsonClient({
      provider: DISPLAY_NAME,
      timeoutMs: options.timeoutMs,
      guard: options.guard ?? noGuard,
      errorMessage: (body) => (body as { message?: unknown } | undefined)?.message?.toString(),
    });
    this.places = new GeocodingCache(options.geocodingTtlMs ?? 24 * 3600_000);
  }

  async current(location: string, units: Units, options: CallOptions = {}): Promise<CurrentWeather> {
    const place = await this.place(location, options.signal);
    const url = this.url('/data/2.5/weather', place, units);
    const body = parseAnswer(
      DISPLAY_NAME,
      CurrentResponse,
      await this.http(url, options.signal),
      'current weather',
    );
    const decimals = units === 'kelvin' ? 2 : 1;
    const condition = body.weather[0];
    const code = condition ? owmToWmo(condition.id) : undefined;
    const named: Place =
      place.fromCoordinates && body.name
        ? {
            name: body.name,
            ...(body.sys?.country ? { country: body.sys.country } : {}),
            latitude: place.latitude,
            longitude: place.longitude,
          }
        : stripFlag(place);
    return {
      location: named,
      provider: this.name,
      units,
      temperature: round(body.main.temp, decimals),
      feels_like: round(body.main.feels_like, decimals),
      humidity: body.main.humidity,
      pressure: body.main.pressure,
      wind_speed: round(body.wind.speed, 2),
      wind_direction: body.wind.deg ?? 0,
      ...(body.wind.gust !== undefined ? { wind_gust: round(body.wind.gust, 2) } : {}),
      precipitation: openWeatherPrecipitation((body.rain?.['1h'] ?? 0) + (body.snow?.['1h'] ?? 0), units),
      ...(code !== undefined ? { weather_code: code } : {}),
      description: condition?.description ?? describeWmo(code),
      observed_at: new Date(body.dt * 1000).toISOString(),
      units_legend: unitsLegend(units),
    };
  }

  async forecast(location: string, days: number, units: Units, options: CallOptions = {}): Promise<Forecast> {
    if (days > OPENWEATHER_FREE_FORECAST_DAYS) {
      throw new ToolError(
        `OpenWeatherMap's free forecast covers ${OPENWEATHER_FREE_FORECAST_DAYS} days: ask for at most ` +
          `${OPENWEATHER_FREE_FORECAST_DAYS} days (or run the service with WEATHER_PROVIDER=open-meteo for up to 16).`,
        { data: { provider: this.name, max_days: OPENWEATHER_FREE_FORECAST_DAYS, requested_days: days } },
      );
    }
    const place = await this.place(location, options.signal);
    const body = parseAnswer(
      DISPLAY_NAME,
      ForecastResponse,
      await this.http(this.url('/data/2.5/forecast', place, units), options.signal),
      'forecast',
    );
    const grouped = [...groupByLocalDate(body.list, body.city.timezone)].slice(0, days);
    return {
      location: stripFlag(place),
      provider: this.name,
      units,
      days: grouped.map(([date, steps]) => summarizeDay(date, steps, units)),
      units_legend: unitsLegend(units),
    };
  }

  private url(path: string, place: Place, units: Units): URL {
    return withQuery(this.options.baseUrl, path, {
      lat: place.latitude,
      lon: place.longitude,
      appid: this.options.apiKey,
      units: openWeatherUnits(units),
      lang: this.options.language ?? 'en',
    });
  }

  private place(location: string, signal: AbortSignal | undefined) {
    return resolvePlace(location, this.places, (name) => this.geocode(name, signal));
  }

  private async geocode(name: string, signal: AbortSignal | undefined): Promise<Place> {
    const url = withQuery(this.options.baseUrl, '/geo/1.0/direct', {
      q: name,
      limit: 1,
      appid: this.options.apiKey,
    });
    const [first] = parseAnswer(
      DISPLAY_NAME,
      DirectGeocodingResponse,
      await this.http(url, signal),
      'geocoding',
    );
    if (!first) throw placeNotFound(name, DISPLAY_NAME);
    return {
      name: first.name,
      ...(first.country ? { country: first.country } : {}),
      latitude: first.lat,
      longitude: first.lon,
    };
  }
}
