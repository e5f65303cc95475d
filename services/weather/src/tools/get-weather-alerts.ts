import { defineTool } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import { type AlertThresholds, deriveAlerts } from '../alerts/thresholds.js';
import type { WeatherProvider } from '../providers/provider.js';
import {
  CATEGORY,
  cacheKey,
  locationArg,
  RATE_LIMIT,
  READ_ANNOTATIONS,
  TOOL_TIMEOUT_MS,
  WEATHER_READ,
} from './common.js';

export interface WeatherAlertsToolOptions {
  thresholds: AlertThresholds;
  /** Days ahead looked at, today included (capped at what the provider serves). */
  days: number;
  cacheTtlMs?: number;
}

/**
 * Alerts derived from the forecast crossing thresholds (gusts, heavy rain or snow, thunderstorm,
 * heat, frost). Not official warnings: neither provider's free API offers those.
 */
export function createGetWeatherAlertsTool(provider: WeatherProvider, options: WeatherAlertsToolOptions) {
  const days = Math.min(options.days, provider.maxForecastDays);
  return defineTool({
    name: 'get_weather_alerts',
    description:
      `Weather alerts for a place over the next ${days} days, derived from the forecast crossing thresholds ` +
      '(wind gusts, heavy rain, heavy snow, thunderstorm, heat, frost). These are not official warnings.',
    category: CATEGORY,
    input: z.object({ location: locationArg }),
    permissions: WEATHER_READ,
    annotations: { ...READ_ANNOTATIONS, title: 'Weather alerts' },
    timeoutMs: TOOL_TIMEOUT_MS,
    rateLimit: RATE_LIMIT,
    // Identical calls for a place not cached yet share one upstream request.
    coalesce: true,
    cache: {
      ttlMs: options.cacheTtlMs ?? 30 * 60_000,
      key: (args) => cacheKey(provider.name, args.location),
    },
    handler: async (args, ctx) => {
      const forecast = await provider.forecast(args.location, days, 'metric', { signal: ctx.signal });
      return {
        location: forecast.location,
        provider: forecast.provider,
        days_checked: forecast.days.map((day) => day.date),
        thresholds: options.thresholds,
        alerts: deriveAlerts(forecast, options.thresholds),
      };
    },
  });
}
