import type { WeatherConfig } from '../config.js';
import type { Forecast } from '../providers/provider.js';
import { windToKmh } from '../providers/units.js';
import { HAIL_CODES, THUNDERSTORM_CODES } from '../providers/wmo.js';

/**
 * Neither Open-Meteo nor OpenWeatherMap's free plan publishes official warnings, so alerts are
 * derived from the daily forecast crossing thresholds. Every alert says so (`derived: true`).
 */
export type AlertThresholds = {
  /** Maximum wind gust, km/h (at or above). */
  gust_kmh: number;
  /** Daily precipitation, mm (at or above). */
  rain_mm: number;
  /** Daily snowfall, cm (at or above). */
  snow_cm: number;
  /** Daily maximum temperature, °C (at or above). */
  heat_c: number;
  /** Daily minimum temperature, °C (at or below). */
  frost_c: number;
};

export const DEFAULT_THRESHOLDS: AlertThresholds = {
  gust_kmh: 80,
  rain_mm: 30,
  snow_cm: 5,
  heat_c: 35,
  frost_c: -5,
};

export function thresholdsFromConfig(config: WeatherConfig): AlertThresholds {
  return {
    gust_kmh: config.WEATHER_ALERT_GUST_KMH,
    rain_mm: config.WEATHER_ALERT_RAIN_MM,
    snow_cm: config.WEATHER_ALERT_SNOW_CM,
    heat_c: config.WEATHER_ALERT_HEAT_C,
    frost_c: config.WEATHER_ALERT_FROST_C,
  };
}

export const ALERT_KINDS = [
  'wind_gust',
  'heavy_rain',
  'heavy_snow',
  'thunderstorm',
  'heat',
  'frost',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export type AlertSeverity = 'moderate' | 'severe';

export type WeatherAlert = {
  kind: AlertKind;
  severity: AlertSeverity;
  /** Local date of the forecast day, YYYY-MM-DD. */
  date: string;
  message: string;
  value: number;
  threshold: number;
  unit: string;
  derived: true;
};

/**
 * When "moderate" becomes "severe": gusts 30 % above the threshold, twice the rain or snow,
 * 5 °C hotter or 10 °C colder than the threshold, or hail in a thunderstorm.
 */
export const SEVERE_WHEN = {
  gustFactor: 1.3,
  rainFactor: 2,
  snowFactor: 2,
  heatMarginC: 5,
  frostMarginC: 10,
} as const;

const fixed = (value: number) => Math.round(value * 10) / 10;

/** Alerts of a metric forecast (m/s, mm, cm, °C: the units the thresholds are set in, gusts in km/h). */
export function deriveAlerts(forecast: Forecast, thresholds: AlertThresholds): WeatherAlert[] {
  if (forecast.units !== 'metric') {
    throw new Error('deriveAlerts needs a metric forecast (thresholds are metric)');
  }
  const alerts: WeatherAlert[] = [];
  const where = forecast.location.name;
  for (const day of forecast.days) {
    const { date } = day;
    const gust = fixed(windToKmh(day.wind_gust_max, 'metric'));
    if (gust >= thresholds.gust_kmh) {
      alerts.push({
        kind: 'wind_gust',
        severity: gust >= thresholds.gust_kmh * SEVERE_WHEN.gustFactor ? 'severe' : 'moderate',
        date,
        message: `Wind gusts up to ${gust} km/h expected in ${where} on ${date}`,
        value: gust,
        threshold: thresholds.gust_kmh,
        unit: 'km/h',
        derived: true,
      });
    }
    if (day.precipitation_sum >= thresholds.rain_mm) {
      alerts.push({
        kind: 'heavy_rain',
        severity:
          day.precipitation_sum >= thresholds.rain_mm * SEVERE_WHEN.rainFactor ? 'severe' : 'moderate',
        date,
        message: `Heavy precipitation, ${day.precipitation_sum} mm, expected in ${where} on ${date}`,
        value: day.precipitation_sum,
        threshold: thresholds.rain_mm,
        unit: 'mm',
        derived: true,
      });
    }
    const snow = day.snowfall_sum ?? 0;
    if (snow >= thresholds.snow_cm) {
      alerts.push({
        kind: 'heavy_snow',
        severity: snow >= thresholds.snow_cm * SEVERE_WHEN.snowFactor ? 'severe' : 'moderate',
        date,
        message: `Heavy snowfall, ${snow} cm, expected in ${where} on ${date}`,
        value: snow,
        threshold: thresholds.snow_cm,
        unit: 'cm',
        derived: true,
      });
    }
    if (THUNDERSTORM_CODES.has(day.weather_code)) {
      const hail = HAIL_CODES.has(day.weather_code);
      alerts.push({
        kind: 'thunderstorm',
        severity: hail ? 'severe' : 'moderate',
        date,
        message: `${hail ? 'Thunderstorm with hail' : 'Thunderstorm'} expected in ${where} on ${date}`,
        value: day.weather_code,
        threshold: 95,
        unit: 'wmo code',
        derived: true,
      });
    }
    if (day.temperature_max >= thresholds.heat_c) {
      alerts.push({
        kind: 'heat',
        severity: day.temperature_max >= thresholds.heat_c + SEVERE_WHEN.heatMarginC ? 'severe' : 'moderate',
        date,
        message: `Heat: up to ${day.temperature_max} °C expected in ${where} on ${date}`,
        value: day.temperature_max,
        threshold: thresholds.heat_c,
        unit: '°C',
        derived: true,
      });
    }
    if (day.temperature_min <= thresholds.frost_c) {
      alerts.push({
        kind: 'frost',
        severity:
          day.temperature_min <= thresholds.frost_c - SEVERE_WHEN.frostMarginC ? 'severe' : 'moderate',
        date,
        message: `Frost: down to ${day.temperature_min} °C expected in ${where} on ${date}`,
        value: day.temperature_min,
        threshold: thresholds.frost_c,
        unit: '°C',
        derived: true,
      });
    }
  }
  return alerts;
}
