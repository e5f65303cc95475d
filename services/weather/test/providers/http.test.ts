import { ToolError } from '@neurhomia/mcp-mqtt-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createJsonClient,
  isUpstreamFailure,
  parseRetryAfter,
  UpstreamError,
  withQuery,
} from '../../src/providers/http.js';
import { noGuard } from '../../src/providers/provider.js';
import { failure } from '../helpers.js';
import { startUpstream, type Upstream } from '../upstream/server.js';

let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(() => upstream.close());
beforeEach(() => upstream.reset());

const openMeteoClient = () =>
  createJsonClient({
    provider: 'Open-Meteo',
    timeoutMs: 2_000,
    guard: noGuard,
    errorMessage: (body) => (body as { reason?: string }).reason,
  });
const owmClient = () =>
  createJsonClient({
    provider: 'OpenWeatherMap',
    timeoutMs: 2_000,
    guard: noGuard,
    errorMessage: (body) => (body as { message?: string }).message,
  });

describe('JSON over undici', () => {
  it("quotes Open-Meteo's error reason on a 400, which does not count against the circuit", async () => {
    const url = withQuery(upstream.url, '/v1/forecast', {
      latitude: 52.52,
      longitude: 13.41,
      current: 'tempeture_2m',
    });
    const error = await failure(openMeteoClient()(url));
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toBe(
      'Open-Meteo refused the request (HTTP 400): Cannot initialize WeatherVariable from invalid String value tempeture_2m for key current',
    );
    expect(isUpstreamFailure(error)).toBe(false);
  });

  it("quotes OpenWeatherMap's 404 city not found", async () => {
    const url = withQuery(upstream.url, '/data/2.5/weather', { q: 'Atlantis', appid: 'test-owm-key' });
    const error = await failure(owmClient()(url));
    expect(error.message).toBe('OpenWeatherMap found nothing (HTTP 404): city not found');
    expect((error as unknown as UpstreamError).status).toBe(404);
  });

  it('says to check the key on a 401, without leaking it', async () => {
    const url = withQuery(upstream.url, '/data/2.5/weather', { lat: 1, lon: 1, appid: 'secret-wrong-key' });
    const error = await failure(owmClient()(url));
    expect(error.message).toMatch(/^OpenWeatherMap refused the API key \(HTTP 401\): Invalid API key/);
    expect(error.message).toContain('OPENWEATHER_API_KEY');
    expect(error.message).not.toContain('secret-wrong-key');
    expect(upstream.requests[0]?.query.appid).toBe('***');
  });

  it('counts 5xx, timeouts and garbage as upstream failures', () => {
    const failing = new UpstreamError('x', { provider: 'p', kind: 'http', status: 503 });
    const refused = new UpstreamError('x', { provider: 'p', kind: 'http', status: 404 });
    const quota = new UpstreamError('x', { provider: 'p', kind: 'http', status: 429 });
    const timeout = new UpstreamError('x', { provider: 'p', kind: 'timeout' });
    const cancelled = new UpstreamError('x', { provider: 'p', kind: 'cancelled' });
    expect([failing, refused, quota, timeout, cancelled].map(isUpstreamFailure)).toEqual([
      true,
      false,
      false,
      true,
      false,
    ]);
    expect(isUpstreamFailure(new ToolError('Place not found'))).toBe(false);
  });

  it('reads Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('120')).toBe(120);
    expect(parseRetryAfter(new Date(Date.now() + 30_000).toUTCString())).toBeGreaterThanOrEqual(29);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
