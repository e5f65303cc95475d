import { CircuitBreaker, type EventPublisher, silentLogger } from '@neurhomia/mcp-mqtt-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../src/alerts/thresholds.js';
import { AlertWatcher, WEATHER_ALERT_EVENT, type WeatherAlertEvent } from '../../src/alerts/watcher.js';
import { isUpstreamFailure } from '../../src/providers/http.js';
import type { WeatherProvider } from '../../src/providers/provider.js';
import { openMeteo, openWeatherMap } from '../helpers.js';
import { startUpstream, type Upstream } from '../upstream/server.js';

let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(() => upstream.close());
beforeEach(() => upstream.reset());

function recorder() {
  const events: { name: string; payload: WeatherAlertEvent }[] = [];
  const publisher: EventPublisher = {
    publish: async (name, payload) => {
      events.push({ name, payload: payload as WeatherAlertEvent });
    },
    topic: (name) => `mcp/weather/events/${name}`,
  };
  return { events, publisher };
}

function watcher(
  provider: WeatherProvider,
  publisher: EventPublisher,
  locations = [{ label: 'Storm', location: '1,1' }],
) {
  const watcher = new AlertWatcher({
    provider,
    locations,
    days: 3,
    thresholds: DEFAULT_THRESHOLDS,
    events: publisher,
    logger: silentLogger(),
    now: () => new Date('2026-01-01T00:00:00Z'),
  });
  return { pollOnce: () => watcher.poll(new AbortController().signal) };
}

describe('alert watcher', () => {
  it('publishes each (location, kind, day) once, however many polls see it', async () => {
    const { events, publisher } = recorder();
    const task = watcher(openMeteo(upstream), publisher);
    expect(await task.pollOnce()).toBe(5);
    expect(await task.pollOnce()).toBe(0);
    expect(events.map((e) => e.name)).toEqual(Array(5).fill(WEATHER_ALERT_EVENT));
    const kinds = events.map((e) => e.payload.kind).sort();
    expect(kinds).toEqual(['heat', 'heavy_rain', 'thunderstorm', 'thunderstorm', 'wind_gust']);
    const gust = events.find((e) => e.payload.kind === 'wind_gust')?.payload;
    expect(gust).toMatchObject({
      location: { name: 'Storm', latitude: 1, longitude: 1, query: '1,1' },
      provider: 'open-meteo',
      severity: 'moderate',
      value: 95,
      threshold: 80,
      unit: 'km/h',
      derived: true,
      detected_at: '2026-01-01T00:00:00.000Z',
      message: expect.stringContaining('in Storm on'),
    });
    // Metric is what thresholds are set in, whatever the tools are asked.
    expect(upstream.requests.every((r) => r.query.wind_speed_unit === 'ms')).toBe(true);
    expect(upstream.requests[0]?.query.forecast_days).toBe('3');
  });

  it('publishes nothing for a calm place', async () => {
    const { events, publisher } = recorder();
    expect(
      await watcher(openMeteo(upstream), publisher, [{ label: 'Calm', location: '48.85,2.35' }]).pollOnce(),
    ).toBe(0);
    expect(events).toEqual([]);
  });

  it('derives OpenWeatherMap alerts from its 3-hourly forecast', async () => {
    const { events, publisher } = recorder();
    await watcher(openWeatherMap(upstream), publisher).pollOnce();
    expect(new Set(events.map((e) => e.payload.kind))).toEqual(
      new Set(['thunderstorm', 'wind_gust', 'heavy_rain']),
    );
    expect(events.every((e) => e.payload.provider === 'openweathermap')).toBe(true);
  });

  it('retries a failed publish on the next poll', async () => {
    let fail = true;
    const published: string[] = [];
    const publisher: EventPublisher = {
      publish: async (_name, payload) => {
        if (fail) throw new Error('broker away');
        published.push(String(payload.kind));
      },
      topic: (name) => `mcp/weather/events/${name}`,
    };
    const task = watcher(openMeteo(upstream), publisher);
    expect(await task.pollOnce()).toBe(0);
    fail = false;
    expect(await task.pollOnce()).toBe(5);
    expect(published).toHaveLength(5);
  });

  it('keeps polling other places when one fails, and stops a round when the circuit opens', async () => {
    const { events, publisher } = recorder();
    const locations = [
      { label: 'Nowhere', location: 'Nowhereville' },
      { label: 'Storm', location: '1,1' },
    ];
    expect(await watcher(openMeteo(upstream), publisher, locations).pollOnce()).toBe(5);
    const guard = new CircuitBreaker('open-meteo', { failureThreshold: 1, isFailure: isUpstreamFailure });
    const task = watcher(openMeteo(upstream, { guard }), publisher, [
      { label: 'A', location: '1,1' },
      { label: 'B', location: '2,2' },
    ]);
    upstream.reset();
    upstream.control({ mode: 'fail' });
    expect(await task.pollOnce()).toBe(0);
    expect(upstream.requests).toHaveLength(1); // B was not tried: the circuit opened on A
    expect(events).toHaveLength(5);
  });

  it('stops a round when its signal aborts (the service stopping)', async () => {
    const { events, publisher } = recorder();
    const controller = new AbortController();
    const watcher = new AlertWatcher({
      provider: openMeteo(upstream),
      locations: [
        { label: 'A', location: '1,1' },
        { label: 'B', location: '2,2' },
      ],
      days: 3,
      thresholds: DEFAULT_THRESHOLDS,
      events: publisher,
      logger: silentLogger(),
    });
    controller.abort();
    expect(await watcher.poll(controller.signal)).toBe(0);
    expect(upstream.requests).toEqual([]);
    expect(events).toEqual([]);
  });
});
