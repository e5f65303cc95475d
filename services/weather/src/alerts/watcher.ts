import { CircuitOpenError, type EventPublisher, type Logger } from '@neurhomia/mcp-mqtt-core';
import { LRUCache } from 'lru-cache';
import type { WatchLocation } from '../config.js';
import type { WeatherProvider } from '../providers/provider.js';
import { type AlertThresholds, deriveAlerts, type WeatherAlert } from './thresholds.js';

export const WEATHER_ALERT_EVENT = 'weather_alert';

export interface AlertWatcherOptions {
  provider: WeatherProvider;
  locations: readonly WatchLocation[];
  /** Forecast days looked at (today included), capped at what the provider serves. */
  days: number;
  thresholds: AlertThresholds;
  events: EventPublisher;
  logger: Logger;
  now?: () => Date;
}

/** What goes out on `mcp/{service}/events/weather_alert`. */
export type WeatherAlertEvent = WeatherAlert & {
  location: { name: string; country?: string; latitude: number; longitude: number; query: string };
  provider: string;
  detected_at: string;
};

/**
 * Checks the forecast of each WEATHER_WATCH location and publishes `weather_alert` once per
 * (location, alert kind, day): the same storm seen by twenty polls is one event. The memory of
 * what was sent is bounded and forgets days long past. The core's `periodicTask` runs `poll`.
 */
export class AlertWatcher {
  private readonly sent = new LRUCache<string, true>({ max: 10_000, ttl: 8 * 24 * 3600_000 });
  private readonly now: () => Date;

  constructor(private readonly options: AlertWatcherOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** One round over every location; resolves to the number of events published. */
  async poll(signal: AbortSignal): Promise<number> {
    const { provider, locations, logger } = this.options;
    const days = Math.min(this.options.days, provider.maxForecastDays);
    let published = 0;
    for (const watch of locations) {
      if (signal.aborted) break;
      try {
        const forecast = await provider.forecast(watch.location, days, 'metric', { signal });
        const location = { ...forecast.location, name: watch.label };
        const alerts = deriveAlerts({ ...forecast, location }, this.options.thresholds);
        for (const alert of alerts) {
          const key = `${watch.label.toLowerCase()}|${alert.kind}|${alert.date}`;
          if (this.sent.has(key)) continue;
          const event: WeatherAlertEvent = {
            ...alert,
            location: { ...location, query: watch.location },
            provider: forecast.provider,
            detected_at: this.now().toISOString(),
          };
          await this.options.events.publish(WEATHER_ALERT_EVENT, event);
          // Remembered only once published: a failed publish is retried on the next poll.
          this.sent.set(key, true);
          published += 1;
          logger.info(
            { location: watch.label, kind: alert.kind, date: alert.date },
            'weather alert published',
          );
        }
      } catch (error) {
        if (error instanceof CircuitOpenError) {
          logger.warn(
            { dependency: error.dependency },
            'weather provider circuit open: alert poll postponed',
          );
          break;
        }
        logger.warn(
          { location: watch.label, err: (error as Error).message },
          'could not check weather alerts',
        );
      }
    }
    return published;
  }
}
