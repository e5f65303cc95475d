import type { Units, UnitsLegend } from './provider.js';

/** Rounds for display: upstream values carry one or two decimals; conversions must not add noise. */
export function round(value: number, decimals = 1): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

export const celsiusToFahrenheit = (c: number) => (c * 9) / 5 + 32;
export const celsiusToKelvin = (c: number) => c + 273.15;
export const kelvinToCelsius = (k: number) => k - 273.15;
export const msToKmh = (ms: number) => ms * 3.6;
export const mphToKmh = (mph: number) => mph * 1.609344;
export const mmToInch = (mm: number) => mm / 25.4;
export const cmToInch = (cm: number) => cm / 2.54;
/**
 * Snow depth from its water equivalent. Open-Meteo documents 7 cm of snow per 10 mm of water;
 * OpenWeatherMap reports snow as water volume (mm), so its snowfall is converted the same way.
 */
export const snowWaterMmToCm = (mm: number) => mm * 0.7;

const METRIC: UnitsLegend = {
  temperature: '°C',
  feels_like: '°C',
  humidity: '%',
  pressure: 'hPa',
  wind_speed: 'm/s',
  wind_direction: '°',
  precipitation: 'mm',
  snowfall: 'cm',
};

const LEGENDS: Record<Units, UnitsLegend> = {
  metric: METRIC,
  imperial: {
    temperature: '°F',
    feels_like: '°F',
    humidity: '%',
    pressure: 'hPa',
    wind_speed: 'mph',
    wind_direction: '°',
    precipitation: 'inch',
    snowfall: 'inch',
  },
  // Kelvin differs from metric in temperatures only.
  kelvin: { ...METRIC, temperature: 'K', feels_like: 'K' },
};

export function unitsLegend(units: Units): UnitsLegend {
  return { ...LEGENDS[units] };
}

/**
 * Open-Meteo query parameters for our units. Kelvin is not offered by Open-Meteo: we ask for
 * Celsius and convert (see `openMeteoTemperature`).
 */
export function openMeteoUnitParams(units: Units): Record<string, string> {
  return units === 'imperial'
    ? { temperature_unit: 'fahrenheit', wind_speed_unit: 'mph', precipitation_unit: 'inch' }
    : { temperature_unit: 'celsius', wind_speed_unit: 'ms', precipitation_unit: 'mm' };
}

/** A temperature as Open-Meteo sent it (°C or °F), in the caller's units. */
export function openMeteoTemperature(value: number, units: Units): number {
  return units === 'kelvin' ? round(celsiusToKelvin(value), 2) : round(value, 1);
}

/** OpenWeatherMap's own `units`: standard is Kelvin with m/s. */
export function openWeatherUnits(units: Units): 'metric' | 'imperial' | 'standard' {
  return units === 'kelvin' ? 'standard' : units;
}

/** OpenWeatherMap always reports rain and snow in mm, whatever `units` says. */
export function openWeatherPrecipitation(mm: number, units: Units): number {
  return units === 'imperial' ? round(mmToInch(mm), 2) : round(mm, 2);
}

export function openWeatherSnowfall(waterMm: number, units: Units): number {
  const cm = snowWaterMmToCm(waterMm);
  return units === 'imperial' ? round(cmToInch(cm), 2) : round(cm, 2);
}

/** Gust or wind speed in km/h from a value in our units (thresholds are set in km/h). */
export function windToKmh(value: number, units: Units): number {
  return units === 'imperial' ? mphToKmh(value) : msToKmh(value);
}
