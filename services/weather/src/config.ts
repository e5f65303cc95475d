import { CoreConfigSchema, wholeNumber } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import { parseCoordinates } from './providers/location.js';
import { PROVIDER_NAMES, type ProviderName } from './providers/provider.js';

/** A place the alert watcher polls: `label` names it in events, `location` is what is looked up. */
export type WatchLocation = { label: string; location: string };

/**
 * WEATHER_WATCH syntax: entries separated by `|` (or new lines); each entry is
 *   `Label;lat,lon`   e.g. `Paris;48.85,2.35` (coordinates, shown as "Paris")
 *   `lat,lon`         e.g. `45.76,4.84`
 *   `Label;Place`     e.g. `Home;Lyon, FR` (geocoded by the provider, shown as "Home")
 *   `Place`           e.g. `Brest` (geocoded, shown as typed)
 * Empty entries are ignored; a malformed one fails the start with its text in the message.
 */
export function parseWatchList(text: string): { locations: WatchLocation[]; problems: string[] } {
  const locations: WatchLocation[] = [];
  const problems: string[] = [];
  for (const raw of text.split(/[|\n]/)) {
    const entry = raw.trim();
    if (entry === '') continue;
    const separator = entry.indexOf(';');
    const label = (separator === -1 ? entry : entry.slice(0, separator)).trim();
    const location = (separator === -1 ? entry : entry.slice(separator + 1)).trim();
    if (label === '' || location === '') {
      problems.push(`"${entry}" needs a label and a location ("Label;lat,lon" or "Label;Place")`);
      continue;
    }
    if (location.includes(';')) {
      problems.push(`"${entry}" has more than one ";" (separate entries with "|")`);
      continue;
    }
    try {
      parseCoordinates(location);
    } catch (error) {
      problems.push(`"${entry}": ${(error as Error).message}`);
      continue;
    }
    locations.push({ label, location });
  }
  return { locations, problems };
}

const positiveInt = (fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER) =>
  wholeNumber(fallback, { min, max });
const number = (fallback: number) => z.coerce.number({ error: 'must be a number' }).default(fallback);
const httpUrl = (fallback: string) =>
  z
    .string()
    .regex(/^https?:\/\/\S+$/, 'must be an http(s) URL')
    .default(fallback);

export const WeatherConfigSchema = CoreConfigSchema.extend({
  /** open-meteo (default) or openweathermap; unset = openweathermap when a key is set. */
  WEATHER_PROVIDER: z
    .enum(PROVIDER_NAMES, { error: `must be one of ${PROVIDER_NAMES.join(', ')}` })
    .optional(),
  /** Secret: also read from OPENWEATHER_API_KEY_FILE by the core. */
  OPENWEATHER_API_KEY: z.string().min(1).optional(),
  OPEN_METEO_BASE_URL: httpUrl('https://api.open-meteo.com/v1'),
  OPEN_METEO_GEOCODING_BASE_URL: httpUrl('https://geocoding-api.open-meteo.com/v1'),
  OPENWEATHER_BASE_URL: httpUrl('https://api.openweathermap.org'),
  /** Deadline of one upstream HTTP request (headers and body). */
  WEATHER_HTTP_TIMEOUT_MS: positiveInt(10_000, 100, 120_000),
  /** Language of geocoded names (Open-Meteo) and condition texts (OpenWeatherMap). */
  WEATHER_LANGUAGE: z
    .string()
    .regex(/^[a-z]{2}(_[a-z]{2})?$/i, 'must be a language code like en, fr or zh_cn')
    .default('en'),
  WEATHER_CACHE_CURRENT_TTL_S: positiveInt(600),
  WEATHER_CACHE_FORECAST_TTL_S: positiveInt(1800),
  WEATHER_GEOCODING_TTL_S: positiveInt(86_400),
  /** Consecutive upstream failures (5xx, timeouts, network) that open the circuit. */
  WEATHER_BREAKER_FAILURES: positiveInt(5, 1, 1000),
  WEATHER_BREAKER_RESET_S: positiveInt(30),
  WEATHER_WATCH: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const { locations, problems } = parseWatchList(text);
      for (const problem of problems) ctx.issues.push({ code: 'custom', message: problem, input: text });
      return locations;
    }),
  WEATHER_WATCH_INTERVAL: positiveInt(1800, 60),
  /** Days ahead (today included) the alert tool and the watcher look at. */
  WEATHER_ALERT_DAYS: positiveInt(3, 1, 5),
  WEATHER_ALERT_GUST_KMH: number(80).pipe(z.number().positive('must be above 0')),
  WEATHER_ALERT_RAIN_MM: number(30).pipe(z.number().positive('must be above 0')),
  WEATHER_ALERT_SNOW_CM: number(5).pipe(z.number().positive('must be above 0')),
  WEATHER_ALERT_HEAT_C: number(35),
  WEATHER_ALERT_FROST_C: number(-5),
}).refine((config) => config.WEATHER_PROVIDER !== 'openweathermap' || Boolean(config.OPENWEATHER_API_KEY), {
  path: ['WEATHER_PROVIDER'],
  message: 'openweathermap needs OPENWEATHER_API_KEY (or OPENWEATHER_API_KEY_FILE)',
  // Checked even when other variables are bad: the operator gets every problem at once.
  when: () => true,
});

export type WeatherConfig = z.infer<typeof WeatherConfigSchema>;

/** The provider in use: explicit WEATHER_PROVIDER, else OpenWeatherMap when a key is set. */
export function providerName(
  config: Pick<WeatherConfig, 'WEATHER_PROVIDER' | 'OPENWEATHER_API_KEY'>,
): ProviderName {
  return config.WEATHER_PROVIDER ?? (config.OPENWEATHER_API_KEY ? 'openweathermap' : 'open-meteo');
}
