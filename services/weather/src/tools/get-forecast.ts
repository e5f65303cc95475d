import { defineTool } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import type { WeatherProvider } from '../providers/provider.js';
import {
  CATEGORY,
  cacheKey,
  locationArg,
  RATE_LIMIT,
  READ_ANNOTATIONS,
  TOOL_TIMEOUT_MS,
  unitsArg,
  WEATHER_READ,
} from './common.js';

/** Daily forecast, 1–16 days (OpenWeatherMap's free plan: 5); cached 30 minutes by default. */
export function createGetForecastTool(provider: WeatherProvider, options: { cacheTtlMs?: number } = {}) {
  return defineTool({
    name: 'get_forecast',
    description:
      'Daily weather forecast for a place: minimum and maximum temperature, precipitation, snowfall, wind ' +
      `and gusts, conditions in words. Up to 16 days with Open-Meteo, 5 with OpenWeatherMap (current provider: ${provider.name}).`,
    category: CATEGORY,
    input: z.object({
      location: locationArg,
      days: z
        .number()
        .int()
        .min(1)
        .max(16)
        .default(5)
        .describe('Number of days, today included (1–16, default 5)'),
      units: unitsArg,
    }),
    permissions: WEATHER_READ,
    annotations: { ...READ_ANNOTATIONS, title: 'Weather forecast' },
    timeoutMs: TOOL_TIMEOUT_MS,
    rateLimit: RATE_LIMIT,
    // Identical calls for a place not cached yet share one upstream request.
    coalesce: true,
    cache: {
      ttlMs: options.cacheTtlMs ?? 30 * 60_000,
      key: (args) => cacheKey(provider.name, args.location, args.units, args.days),
    },
    handler: (args, ctx) => provider.forecast(args.location, args.days, args.units, { signal: ctx.signal }),
  });
}
