import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, deriveAlerts } from '../../src/alerts/thresholds.js';
import type { Forecast, ForecastDay } from '../../src/providers/provider.js';
import { unitsLegend } from '../../src/providers/units.js';

const calm: ForecastDay = {
  date: '2026-01-10',
  temperature_min: 2,
  temperature_max: 9,
  precipitation_sum: 1.2,
  snowfall_sum: 0,
  wind_speed_max: 4,
  wind_gust_max: 9,
  weather_code: 3,
  description: 'Overcast',
};

const forecast = (...days: Partial<ForecastDay>[]): Forecast => ({
  location: { name: 'Lyon', latitude: 45.76, longitude: 4.84 },
  provider: 'open-meteo',
  units: 'metric',
  days: days.map((day, i) => ({ ...calm, date: `2026-01-1${i}`, ...day })),
  units_legend: unitsLegend('metric'),
});

describe('deriveAlerts', () => {
  it('finds nothing on a calm day', () => {
    expect(deriveAlerts(forecast({}), DEFAULT_THRESHOLDS)).toEqual([]);
  });

  it('flags gusts at or above the threshold, converted from m/s to km/h', () => {
    const [alert] = deriveAlerts(forecast({ wind_gust_max: 95 / 3.6 }), DEFAULT_THRESHOLDS);
    expect(alert).toEqual({
      kind: 'wind_gust',
      severity: 'moderate',
      date: '2026-01-10',
      message: 'Wind gusts up to 95 km/h expected in Lyon on 2026-01-10',
      value: 95,
      threshold: 80,
      unit: 'km/h',
      derived: true,
    });
    expect(deriveAlerts(forecast({ wind_gust_max: 110 / 3.6 }), DEFAULT_THRESHOLDS)[0]?.severity).toBe(
      'severe',
    );
    expect(deriveAlerts(forecast({ wind_gust_max: 79 / 3.6 }), DEFAULT_THRESHOLDS)).toEqual([]);
  });

  it('flags heavy rain and heavy snow', () => {
    const alerts = deriveAlerts(forecast({ precipitation_sum: 65, snowfall_sum: 6 }), DEFAULT_THRESHOLDS);
    expect(alerts.map((a) => [a.kind, a.severity, a.value, a.unit])).toEqual([
      ['heavy_rain', 'severe', 65, 'mm'],
      ['heavy_snow', 'moderate', 6, 'cm'],
    ]);
  });

  it('flags thunderstorms, severe with hail', () => {
    const alerts = deriveAlerts(
      forecast({ weather_code: 95 }, { weather_code: 96 }, { weather_code: 99 }),
      DEFAULT_THRESHOLDS,
    );
    expect(alerts.map((a) => [a.kind, a.severity, a.value])).toEqual([
      ['thunderstorm', 'moderate', 95],
      ['thunderstorm', 'severe', 96],
      ['thunderstorm', 'severe', 99],
    ]);
    expect(alerts[1]?.message).toBe('Thunderstorm with hail expected in Lyon on 2026-01-11');
  });

  it('flags heat and frost', () => {
    const alerts = deriveAlerts(
      forecast({ temperature_max: 35, temperature_min: 20 }, { temperature_min: -16, temperature_max: -8 }),
      DEFAULT_THRESHOLDS,
    );
    expect(alerts.map((a) => [a.kind, a.severity, a.date])).toEqual([
      ['heat', 'moderate', '2026-01-10'],
      ['frost', 'severe', '2026-01-11'],
    ]);
  });

  it('honours configured thresholds', () => {
    const thresholds = { ...DEFAULT_THRESHOLDS, frost_c: 0, gust_kmh: 30 };
    const alerts = deriveAlerts(forecast({ temperature_min: -0.5, wind_gust_max: 9 }), thresholds);
    expect(alerts.map((a) => a.kind)).toEqual(['wind_gust', 'frost']);
    expect(alerts.every((a) => a.derived)).toBe(true);
  });

  it('refuses a forecast that is not metric', () => {
    expect(() => deriveAlerts({ ...forecast({}), units: 'imperial' }, DEFAULT_THRESHOLDS)).toThrow(/metric/);
  });
});
