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

/** Current conditions; results are cached per (provider, location, units), 10 minutes by default. */
export function createGetCurrentWeatherTool(
  provider: WeatherProvider,
  options: { cacheTtlMs?: number } = {},
) {
  return defineTool({
    name: 'get_current_weather',
    description:
      'Current weather at a place: temperature, feels-like, humidity, pressure, wind, precipitation and ' +
      'conditions in words (WMO code), with the units of every value.',
    category: CATEGORY,
    input: z.object({ location: locationArg, units: unitsArg }),
    permissions: WEATHER_READ,
    annotations: { ...READ_ANNOTATIONS, title: 'Current weather' },
    timeoutMs: TOOL_TIMEOUT_MS,
    rateLimit: RATE_LIMIT,
    // Identical calls for a place not cached yet share one upstream request.
    coalesce: true,
    cache: {
      ttlMs: options.cacheTtlMs ?? 10 * 60_000,
      key: (args) => cacheKey(provider.name, args.location, args.units),
    },
    handler: (args, ctx) => provider.current(args.location, args.units, { signal: ctx.signal }),
  });
}
