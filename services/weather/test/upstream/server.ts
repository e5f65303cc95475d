/**
 * Upstream simulator for Open-Meteo (forecast + geocoding) and OpenWeatherMap (current, 5 day
 * forecast, direct geocoding), serving the recorded bodies of ../fixtures (see SOURCES.md) at the
 * real paths, validating parameters as the real APIs do. Zero dependencies; `node server.ts`.
 *
 * Control (for tests): POST /__control {"mode":"normal"|"fail"|"slow"|"429","delayMs","status",
 * "retryAfterS"}, POST /__reset, GET /__requests (what was asked, API keys masked), GET /health.
 * Coordinates 1,1 serve the "storm" variants (thresholds crossed) for alert tests.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

type Json = Record<string, unknown>;
export type Mode = 'normal' | 'fail' | 'slow' | '429';
export type UpstreamControl = { mode: Mode; delayMs: number; status: number; retryAfterS: number | null };
export type RecordedRequest = { method: string; path: string; query: Record<string, string> };
export type Upstream = {
  url: string;
  port: number;
  server: Server;
  requests: RecordedRequest[];
  control(change: Partial<UpstreamControl>): void;
  reset(): void;
  close(): Promise<void>;
};

const fixturesDir = new URL('../fixtures/', import.meta.url);
const load = (path: string): unknown => JSON.parse(readFileSync(new URL(path, fixturesDir), 'utf8'));
const text = (path: string): string => readFileSync(new URL(path, fixturesDir), 'utf8');
const clone = <T>(value: T): T => structuredClone(value);
const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;

const OM_KNOWN_CURRENT = new Set([
  'temperature_2m',
  'relative_humidity_2m',
  'apparent_temperature',
  'precipitation',
  'weather_code',
  'pressure_msl',
  'wind_speed_10m',
  'wind_direction_10m',
  'wind_gusts_10m',
]);
const OM_KNOWN_DAILY = new Set([
  'weather_code',
  'temperature_2m_max',
  'temperature_2m_min',
  'precipitation_sum',
  'snowfall_sum',
  'wind_speed_10m_max',
  'wind_gusts_10m_max',
]);
const OM_UNITS: Record<string, string[]> = {
  temperature_unit: ['celsius', 'fahrenheit'],
  wind_speed_unit: ['kmh', 'ms', 'mph', 'kn'],
  precipitation_unit: ['mm', 'inch'],
};

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/html' : 'application/json; charset=utf-8';
  res.writeHead(status, { 'content-type': type, ...headers });
  res.end(payload);
}

const omError = (res: ServerResponse, reason: string) => send(res, 400, { error: true, reason });
const isStorm = (lat: number, lon: number) => Math.abs(lat - 1) < 0.01 && Math.abs(lon - 1) < 0.01;

/** Local wall-clock time at a UTC offset, as Open-Meteo prints it (YYYY-MM-DDTHH:MM). */
function localTime(offsetS: number, stepS = 900): string {
  const now = Math.floor(Date.now() / 1000 / stepS) * stepS + offsetS;
  return new Date(now * 1000).toISOString().slice(0, 16);
}

/** A recorded value converted to the requested unit, labels as Open-Meteo prints them. */
function omConvert(
  variable: string,
  value: number | null,
  q: URLSearchParams,
): [number | null, string | null] {
  if (value === null) return [null, null];
  if (variable.startsWith('temperature_2m') || variable === 'apparent_temperature') {
    if (q.get('temperature_unit') === 'fahrenheit') return [round((value * 9) / 5 + 32, 1), '°F'];
    return [value, '°C'];
  }
  if (variable.startsWith('wind_speed') || variable.startsWith('wind_gusts')) {
    const unit = q.get('wind_speed_unit') ?? 'kmh';
    if (unit === 'ms') return [round(value / 3.6, 2), 'm/s'];
    if (unit === 'mph') return [round(value / 1.609344, 1), 'mp/h'];
    if (unit === 'kn') return [round(value / 1.852, 1), 'kn'];
    return [value, 'km/h'];
  }
  if (variable.startsWith('precipitation') || variable === 'snowfall_sum') {
    if (q.get('precipitation_unit') !== 'inch') return [value, null];
    return [round(variable === 'snowfall_sum' ? value / 2.54 : value / 25.4, 3), 'inch'];
  }
  return [value, null];
}

function openMeteoForecast(q: URLSearchParams, res: ServerResponse) {
  const lat = Number(q.get('latitude'));
  const lon = Number(q.get('longitude'));
  if (q.get('latitude') === null || Number.isNaN(lat) || lat < -90 || lat > 90) {
    return omError(res, `Latitude must be in range of -90 to 90°. Given: ${q.get('latitude')}.`);
  }
  if (q.get('longitude') === null || Number.isNaN(lon) || lon < -180 || lon > 180) {
    return omError(res, `Longitude must be in range of -180 to 180°. Given: ${q.get('longitude')}.`);
  }
  for (const [key, allowed] of Object.entries(OM_UNITS)) {
    const given = q.get(key);
    if (given !== null && !allowed.includes(given)) {
      return omError(res, `Cannot initialize ${key} from invalid String value ${given} for key ${key}`);
    }
  }
  const days = q.get('forecast_days') === null ? 7 : Number(q.get('forecast_days'));
  if (!Number.isInteger(days) || days < 0 || days > 16) {
    return omError(res, `Forecast days is invalid. Allowed range 0 to 16. Given ${q.get('forecast_days')}.`);
  }
  const recorded = load(
    isStorm(lat, lon) ? 'open-meteo/forecast-storm.json' : 'open-meteo/forecast.json',
  ) as Json;
  const body: Json = {};
  for (const key of ['latitude', 'longitude', 'generationtime_ms', 'utc_offset_seconds', 'timezone']) {
    body[key] = recorded[key];
  }
  Object.assign(body, {
    timezone_abbreviation: recorded.timezone_abbreviation,
    elevation: recorded.elevation,
  });
  const offset = recorded.utc_offset_seconds as number;
  for (const [block, known] of [
    ['current', OM_KNOWN_CURRENT],
    ['daily', OM_KNOWN_DAILY],
  ] as const) {
    const asked = q.get(block);
    if (asked === null || asked === '') continue;
    const source = recorded[block] as Record<string, unknown>;
    const sourceUnits = recorded[`${block}_units`] as Record<string, string>;
    const values: Json = {};
    const units: Json = { time: 'iso8601' };
    if (block === 'current') {
      values.time = localTime(offset);
      values.interval = 900;
      units.interval = 'seconds';
    } else {
      const today = Date.parse(localTime(offset).slice(0, 10));
      values.time = Array.from({ length: days }, (_, i) =>
        new Date(today + i * 86_400_000).toISOString().slice(0, 10),
      );
    }
    for (const variable of asked.split(',')) {
      if (!known.has(variable)) {
        const type = block === 'daily' ? 'ForecastVariableDaily' : 'WeatherVariable';
        return omError(
          res,
          `Cannot initialize ${type} from invalid String value ${variable} for key ${block}`,
        );
      }
      const recordedValue = source[variable];
      if (Array.isArray(recordedValue)) {
        // Days past the recording repeat it (the recording holds 7 days, the API serves up to 16).
        const converted = Array.from({ length: days }, (_, i) =>
          omConvert(variable, recordedValue[i % recordedValue.length] as number, q),
        );
        values[variable] = converted.map(([v]) => v);
        units[variable] = converted[0]?.[1] ?? sourceUnits[variable];
      } else {
        const [v, unit] = omConvert(variable, recordedValue as number, q);
        values[variable] = v;
        units[variable] = unit ?? sourceUnits[variable];
      }
    }
    body[`${block}_units`] = units;
    body[block] = values;
  }
  send(res, 200, body);
}

function openMeteoSearch(q: URLSearchParams, res: ServerResponse) {
  const name = q.get('name');
  if (name === null) return omError(res, "Value of type 'String' required for key 'name'.");
  const count = q.get('count') === null ? 10 : Number(q.get('count'));
  if (!Number.isInteger(count) || count < 1 || count > 100)
    return send(res, 400, load('open-meteo/error-geocoding-count.json'));
  const berlin = load('open-meteo/geocoding-berlin.json') as { results: Json[] };
  // Fewer than 2 characters never match (as the real API); only the recorded place is known.
  const match = name.trim().length >= 2 && 'berlin'.startsWith(name.trim().toLowerCase().split(',')[0] ?? '');
  send(
    res,
    200,
    match
      ? { ...berlin, results: berlin.results.slice(0, count) }
      : load('open-meteo/geocoding-no-match.json'),
  );
}

const kelvinTo = (k: number, units: string) =>
  units === 'metric'
    ? round(k - 273.15, 2)
    : units === 'imperial'
      ? round(((k - 273.15) * 9) / 5 + 32, 2)
      : k;
const speedTo = (ms: number, units: string) => (units === 'imperial' ? round(ms * 2.236936, 2) : ms);

/** OpenWeatherMap: key, then place (q or lat/lon), as the real API checks them. */
function owmPlace(
  q: URLSearchParams,
  res: ServerResponse,
  validKey: string,
): { lat: number; lon: number } | null {
  if (q.get('appid') !== validKey) {
    send(res, 401, load('openweathermap/error-401.json'));
    return null;
  }
  if (q.get('q') !== null) {
    if ((q.get('q') ?? '').split(',')[0]?.trim().toLowerCase() !== 'london') {
      send(res, 404, load('openweathermap/error-404.json'));
      return null;
    }
    return { lat: 51.5085, lon: -0.1257 };
  }
  if (q.get('lat') === null || q.get('lon') === null) {
    send(res, 400, load('openweathermap/error-400-nothing-to-geocode.json'));
    return null;
  }
  const lat = Number(q.get('lat'));
  const lon = Number(q.get('lon'));
  if (Number.isNaN(lat) || lat < -90 || lat > 90) {
    send(res, 400, load('openweathermap/error-400-wrong-latitude.json'));
    return null;
  }
  if (Number.isNaN(lon) || lon < -180 || lon > 180) {
    send(res, 400, { cod: '400', message: 'wrong longitude' });
    return null;
  }
  return { lat, lon };
}

function owmUnits(q: URLSearchParams): string {
  const units = q.get('units');
  return units === 'metric' || units === 'imperial' ? units : 'standard'; // unknown values fall back, as upstream
}

function owmWeather(q: URLSearchParams, res: ServerResponse, key: string) {
  const place = owmPlace(q, res, key);
  if (!place) return;
  const body = clone(load('openweathermap/weather.json')) as Json & { main: Json; wind: Json };
  const units = owmUnits(q);
  for (const field of ['temp', 'feels_like', 'temp_min', 'temp_max'])
    body.main[field] = kelvinTo(body.main[field] as number, units);
  for (const field of ['speed', 'gust']) body.wind[field] = speedTo(body.wind[field] as number, units);
  body.coord = { lon: round(place.lon, 4), lat: round(place.lat, 4) };
  body.dt = Math.floor(Date.now() / 1000);
  send(res, 200, body);
}

function owmForecast(q: URLSearchParams, res: ServerResponse, key: string) {
  const place = owmPlace(q, res, key);
  if (!place) return;
  const body = clone(load('openweathermap/forecast.json')) as Json & { list: Json[]; city: Json };
  const units = owmUnits(q);
  const first = body.list[0]?.dt as number;
  const shift = (Math.floor(Date.now() / 1000 / 10_800) + 1) * 10_800 - first; // next 3 h slot
  body.list.forEach((step, i) => {
    const main = step.main as Json;
    const wind = step.wind as Json;
    for (const field of ['temp', 'feels_like', 'temp_min', 'temp_max']) {
      main[field] = units === 'metric' ? main[field] : kelvinTo((main[field] as number) + 273.15, units);
    }
    for (const field of ['speed', 'gust']) wind[field] = speedTo(wind[field] as number, units);
    if (isStorm(place.lat, place.lon) && i >= 2 && i <= 4) {
      // Storm variant: three steps of thunderstorm, 27 m/s gusts and 35 mm of rain each (so that any
      // day boundary between them still leaves one day above the 30 mm default threshold).
      step.weather = [{ id: 211, main: 'Thunderstorm', description: 'thunderstorm', icon: '11n' }];
      wind.gust = speedTo(27, units);
      step.rain = { '3h': 35 };
    }
    step.dt = (step.dt as number) + shift;
    step.dt_txt = new Date((step.dt as number) * 1000).toISOString().replace('T', ' ').slice(0, 19);
  });
  const cnt = q.get('cnt') === null ? 40 : Number(q.get('cnt'));
  body.list = body.list.slice(0, Math.max(1, Math.min(40, cnt)));
  body.cnt = body.list.length;
  body.city.coord = { lat: round(place.lat, 4), lon: round(place.lon, 4) };
  send(res, 200, body);
}

function owmDirect(q: URLSearchParams, res: ServerResponse, key: string) {
  if (q.get('appid') !== key) return send(res, 401, load('openweathermap/error-401.json'));
  const name = q.get('q');
  if (name === null || name.trim() === '')
    return send(res, 400, load('openweathermap/error-400-nothing-to-geocode.json'));
  const london = name.split(',')[0]?.trim().toLowerCase() === 'london';
  send(
    res,
    200,
    load(london ? 'openweathermap/geo-direct-london.json' : 'openweathermap/geo-direct-empty.json'),
  );
}

const ROUTES: Record<string, (q: URLSearchParams, res: ServerResponse, key: string) => void> = {
  '/v1/forecast': openMeteoForecast,
  '/v1/search': openMeteoSearch,
  '/data/2.5/weather': owmWeather,
  '/data/2.5/forecast': owmForecast,
  '/geo/1.0/direct': owmDirect,
};

async function readBody(req: IncomingMessage): Promise<Json> {
  let data = '';
  for await (const chunk of req) data += chunk;
  return data.trim() === '' ? {} : (JSON.parse(data) as Json);
}

export function startUpstream(
  options: { port?: number; host?: string; owmApiKey?: string } = {},
): Promise<Upstream> {
  const key = options.owmApiKey ?? process.env.OWM_API_KEY ?? 'test-owm-key';
  const initial: UpstreamControl = { mode: 'normal', delayMs: 5000, status: 503, retryAfterS: 30 };
  let state: UpstreamControl = { ...initial };
  const requests: RecordedRequest[] = [];

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://upstream');
    try {
      if (url.pathname === '/health') return send(res, 200, { status: 'ok' });
      if (url.pathname === '/__requests') return send(res, 200, { requests });
      if (url.pathname === '/__reset' && req.method === 'POST') {
        state = { ...initial };
        requests.length = 0;
        return send(res, 200, state);
      }
      if (url.pathname === '/__control') {
        if (req.method === 'POST')
          state = { ...state, ...((await readBody(req)) as Partial<UpstreamControl>) };
        return send(res, 200, state);
      }
      const route = ROUTES[url.pathname];
      if (!route) return send(res, 404, { error: true, reason: 'Not Found' });
      const query = Object.fromEntries(url.searchParams);
      if (query.appid !== undefined) query.appid = '***';
      requests.push({ method: req.method ?? 'GET', path: url.pathname, query });
      if (requests.length > 1000) requests.shift();
      const { mode } = state;
      if (mode === 'slow') {
        await new Promise<void>((done) => {
          const timer = setTimeout(done, state.delayMs);
          res.on('close', () => {
            clearTimeout(timer);
            done();
          });
        });
        if (res.destroyed || req.destroyed) return;
      }
      if (mode === 'fail') return send(res, state.status, text('common/bad-gateway.txt'));
      if (mode === '429') {
        const headers: Record<string, string> =
          state.retryAfterS === null ? {} : { 'retry-after': String(state.retryAfterS) };
        const body = url.pathname.startsWith('/v1/')
          ? load('open-meteo/error-rate-limit.json')
          : load('openweathermap/error-429.json');
        return send(res, 429, body, headers);
      }
      route(url.searchParams, res, key);
    } catch (error) {
      if (!res.headersSent) send(res, 500, { error: true, reason: (error as Error).message });
    }
  });

  return new Promise((resolvePromise) => {
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolvePromise({
        url: `http://127.0.0.1:${port}`,
        port,
        server,
        requests,
        control: (change) => {
          state = { ...state, ...change };
        },
        reset: () => {
          state = { ...initial };
          requests.length = 0;
        },
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

// `node server.ts`: listen on PORT (default 8080) on every interface, for containers.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8080);
  const upstream = await startUpstream({ port, host: process.env.HOST ?? '0.0.0.0' });
  process.stdout.write(`weather upstream simulator listening on :${upstream.port}\n`);
  const stop = () => upstream.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
