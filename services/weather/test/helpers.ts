import { silentLogger, type ToolContext } from '@neurhomia/mcp-mqtt-core';
import { type OpenMeteoOptions, OpenMeteoProvider } from '../src/providers/open-meteo.js';
import { type OpenWeatherMapOptions, OpenWeatherMapProvider } from '../src/providers/openweathermap.js';
import type { Upstream } from './upstream/server.js';

export const OWM_KEY = 'test-owm-key';

/** What the core hands a tool handler, minus the runtime. */
export function toolContext(signal: AbortSignal = new AbortController().signal): ToolContext {
  return {
    signal,
    logger: silentLogger(),
    caller: { id: 'test', keyId: undefined, scopes: ['weather:read'] },
    requestId: 1,
    priority: 'medium',
    lockKeys: [],
  };
}

export function openMeteo(upstream: Upstream, options: Partial<OpenMeteoOptions> = {}) {
  return new OpenMeteoProvider({
    baseUrl: `${upstream.url}/v1`,
    geocodingBaseUrl: `${upstream.url}/v1`,
    timeoutMs: 2_000,
    ...options,
  });
}

export function openWeatherMap(upstream: Upstream, options: Partial<OpenWeatherMapOptions> = {}) {
  return new OpenWeatherMapProvider({ apiKey: OWM_KEY, baseUrl: upstream.url, timeoutMs: 2_000, ...options });
}

/** Runs a promise expected to fail and returns its error, for property assertions. */
export async function failure(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected a failure, got a result');
}
