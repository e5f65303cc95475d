/**
 * The provider contract and the normalized shapes every tool returns, whatever the upstream.
 * Shapes are `type` aliases (not interfaces) so they are assignable to the core's `ToolResult`.
 */

export const UNITS = ['metric', 'imperial', 'kelvin'] as const;
/** metric = °C, m/s, hPa, mm · imperial = °F, mph, hPa, inch · kelvin = K, m/s, hPa, mm. */
export type Units = (typeof UNITS)[number];

export const PROVIDER_NAMES = ['open-meteo', 'openweathermap'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export type Place = {
  name: string;
  country?: string;
  latitude: number;
  longitude: number;
};

export type UnitsLegend = {
  temperature: string;
  feels_like: string;
  humidity: string;
  pressure: string;
  wind_speed: string;
  wind_direction: string;
  precipitation: string;
  snowfall: string;
};

export type CurrentWeather = {
  location: Place;
  provider: ProviderName;
  units: Units;
  temperature: number;
  feels_like: number;
  humidity: number;
  pressure: number;
  wind_speed: number;
  wind_direction: number;
  wind_gust?: number;
  precipitation: number;
  /** WMO 4677 code (OpenWeatherMap condition ids are mapped onto it). */
  weather_code?: number;
  description: string;
  /** ISO 8601, UTC. */
  observed_at: string;
  units_legend: UnitsLegend;
};

export type ForecastDay = {
  /** Local date at the location, YYYY-MM-DD. */
  date: string;
  temperature_min: number;
  temperature_max: number;
  precipitation_sum: number;
  snowfall_sum?: number;
  wind_speed_max: number;
  wind_gust_max: number;
  /** The most severe WMO code of the day. */
  weather_code: number;
  description: string;
};

export type Forecast = {
  location: Place;
  provider: ProviderName;
  units: Units;
  days: ForecastDay[];
  units_legend: UnitsLegend;
};

export interface CallOptions {
  /** The tool's signal (timeout, shutdown): aborts the HTTP request. */
  signal?: AbortSignal;
}

export interface WeatherProvider {
  readonly name: ProviderName;
  /** The longest forecast the provider serves (Open-Meteo 16 days, OpenWeatherMap free plan 5). */
  readonly maxForecastDays: number;
  /** `location` is a place name (geocoded by the provider itself) or `lat,lon`. */
  current(location: string, units: Units, options?: CallOptions): Promise<CurrentWeather>;
  forecast(location: string, days: number, units: Units, options?: CallOptions): Promise<Forecast>;
}

/** What a provider needs around its HTTP calls: the circuit breaker from the core, or a stand-in. */
export interface Guard {
  run<T>(operation: () => Promise<T>): Promise<T>;
}

export const noGuard: Guard = { run: (operation) => operation() };
