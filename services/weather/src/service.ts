import { defineService, periodicTask, type SetupContext, type Task } from '@neurhomia/mcp-mqtt-core';
import { thresholdsFromConfig } from './alerts/thresholds.js';
import { AlertWatcher, WEATHER_ALERT_EVENT } from './alerts/watcher.js';
import { providerName, type WeatherConfig, WeatherConfigSchema } from './config.js';
import { isUpstreamFailure } from './providers/http.js';
import { OpenMeteoProvider } from './providers/open-meteo.js';
import { OpenWeatherMapProvider } from './providers/openweathermap.js';
import type { Guard, WeatherProvider } from './providers/provider.js';
import { createWeatherWidgetResource } from './resources/weather-widget.js';
import { createGetCurrentWeatherTool } from './tools/get-current-weather.js';
import { createGetForecastTool } from './tools/get-forecast.js';
import { createGetWeatherAlertsTool } from './tools/get-weather-alerts.js';

/** The provider the configuration asks for, its HTTP calls inside the given circuit breaker. */
export function createProvider(config: WeatherConfig, guard: Guard): WeatherProvider {
  const common = {
    timeoutMs: config.WEATHER_HTTP_TIMEOUT_MS,
    language: config.WEATHER_LANGUAGE,
    geocodingTtlMs: config.WEATHER_GEOCODING_TTL_S * 1000,
    guard,
  };
  if (providerName(config) === 'openweathermap') {
    // The schema refuses openweathermap without a key; an explicit check keeps the types honest.
    if (!config.OPENWEATHER_API_KEY) throw new Error('OPENWEATHER_API_KEY is required for openweathermap');
    return new OpenWeatherMapProvider({
      ...common,
      apiKey: config.OPENWEATHER_API_KEY,
      baseUrl: config.OPENWEATHER_BASE_URL,
    });
  }
  return new OpenMeteoProvider({
    ...common,
    baseUrl: config.OPEN_METEO_BASE_URL,
    geocodingBaseUrl: config.OPEN_METEO_GEOCODING_BASE_URL,
  });
}

export function setupWeather(ctx: SetupContext<WeatherConfig>) {
  const { config } = ctx;
  const name = providerName(config);
  // Only upstream trouble (5xx, timeouts, network) opens the circuit; "place not found" does not.
  const breaker = ctx.dependencies.circuitBreaker(name, {
    isFailure: isUpstreamFailure,
    failureThreshold: config.WEATHER_BREAKER_FAILURES,
    resetTimeoutMs: config.WEATHER_BREAKER_RESET_S * 1000,
  });
  const provider = createProvider(config, breaker);
  const thresholds = thresholdsFromConfig(config);
  ctx.logger.info(
    { provider: name, watch: config.WEATHER_WATCH.map((w) => w.label), thresholds },
    'weather service configured',
  );
  const tasks: Task[] = [];
  if (config.WEATHER_WATCH.length > 0) {
    const watcher = new AlertWatcher({
      provider,
      locations: config.WEATHER_WATCH,
      days: config.WEATHER_ALERT_DAYS,
      thresholds,
      events: ctx.events,
      logger: ctx.logger.child({ task: ALERT_WATCHER }),
    });
    tasks.push(
      periodicTask({
        name: ALERT_WATCHER,
        intervalMs: config.WEATHER_WATCH_INTERVAL * 1000,
        run: async (signal) => {
          await watcher.poll(signal);
        },
      }),
    );
  } else {
    ctx.logger.info('WEATHER_WATCH is empty: no weather_alert events will be published');
  }
  return {
    tools: [
      createGetCurrentWeatherTool(provider, { cacheTtlMs: config.WEATHER_CACHE_CURRENT_TTL_S * 1000 }),
      createGetForecastTool(provider, { cacheTtlMs: config.WEATHER_CACHE_FORECAST_TTL_S * 1000 }),
      createGetWeatherAlertsTool(provider, {
        thresholds,
        days: config.WEATHER_ALERT_DAYS,
        cacheTtlMs: config.WEATHER_CACHE_FORECAST_TTL_S * 1000,
      }),
    ],
    resources: [
      createWeatherWidgetResource({
        version: ctx.version,
        provider: name,
        maxForecastDays: provider.maxForecastDays,
        alertTopic: ctx.events.topic(WEATHER_ALERT_EVENT),
      }),
    ],
    tasks,
  };
}

/** Polls the forecast of the WEATHER_WATCH places and publishes weather_alert events. */
const ALERT_WATCHER = 'weather-alert-watcher';

export const weatherService = defineService({
  id: 'weather',
  name: 'Weather Service',
  description:
    'Current weather, daily forecast and derived weather alerts (Open-Meteo by default, OpenWeatherMap with a key), ' +
    'a dashboard widget, and weather_alert events for watched places',
  config: WeatherConfigSchema,
  events: [WEATHER_ALERT_EVENT],
  setup: setupWeather,
});
