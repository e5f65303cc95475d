import type { RateLimitOptions, ToolAnnotations } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import { locationKey } from '../providers/location.js';
import { UNITS } from '../providers/provider.js';

/** What every weather tool shares: the scope it needs, its hints and its limits. */
export const WEATHER_READ = ['weather:read'] as const;
export const CATEGORY = 'weather';
export const READ_ANNOTATIONS: ToolAnnotations = { readOnlyHint: true, openWorldHint: true };
/** A burst of 30 calls per caller, then one a second: plenty for a dashboard, not for a scraper. */
export const RATE_LIMIT: RateLimitOptions = { capacity: 30, refillPerSecond: 1 };
/** Above the HTTP deadline (10 s by default) so that the upstream's own timeout is what users see. */
export const TOOL_TIMEOUT_MS = 15_000;

export const locationArg = z
  .string()
  .min(1)
  .max(200)
  .describe(
    'A place name geocoded by the provider ("Paris", "Lyon, FR") or coordinates "lat,lon" ("48.85,2.35")',
  );

export const unitsArg = z
  .enum(UNITS)
  .default('metric')
  .describe('metric = °C, m/s, hPa, mm (default) · imperial = °F, mph, hPa, inch · kelvin = K, m/s, hPa, mm');

/** Cache key parts: the same place written twice ("Paris", " paris ") shares one entry. */
export function cacheKey(provider: string, location: string, ...rest: (string | number)[]): string {
  return [provider, locationKey(location), ...rest].join('|');
}
