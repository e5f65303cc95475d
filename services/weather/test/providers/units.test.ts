import { describe, expect, it } from 'vitest';
import {
  celsiusToFahrenheit,
  celsiusToKelvin,
  openMeteoTemperature,
  openMeteoUnitParams,
  openWeatherPrecipitation,
  openWeatherSnowfall,
  openWeatherUnits,
  round,
  unitsLegend,
  windToKmh,
} from '../../src/providers/units.js';

describe('units', () => {
  it('maps our units to Open-Meteo parameters (kelvin asks for celsius)', () => {
    expect(openMeteoUnitParams('metric')).toEqual({
      temperature_unit: 'celsius',
      wind_speed_unit: 'ms',
      precipitation_unit: 'mm',
    });
    expect(openMeteoUnitParams('imperial')).toEqual({
      temperature_unit: 'fahrenheit',
      wind_speed_unit: 'mph',
      precipitation_unit: 'inch',
    });
    expect(openMeteoUnitParams('kelvin')).toEqual(openMeteoUnitParams('metric'));
  });

  it('maps our units to OpenWeatherMap units', () => {
    expect(openWeatherUnits('metric')).toBe('metric');
    expect(openWeatherUnits('imperial')).toBe('imperial');
    expect(openWeatherUnits('kelvin')).toBe('standard');
  });

  it('converts temperatures', () => {
    expect(celsiusToFahrenheit(0)).toBe(32);
    expect(celsiusToFahrenheit(100)).toBe(212);
    expect(celsiusToKelvin(0)).toBe(273.15);
    expect(openMeteoTemperature(0.6, 'kelvin')).toBe(273.75);
    expect(openMeteoTemperature(33.08, 'imperial')).toBe(33.1);
  });

  it('converts OpenWeatherMap precipitation (always mm upstream) and snow water to depth', () => {
    expect(openWeatherPrecipitation(25.4, 'imperial')).toBe(1);
    expect(openWeatherPrecipitation(3.16, 'metric')).toBe(3.16);
    expect(openWeatherSnowfall(10, 'metric')).toBe(7);
    expect(openWeatherSnowfall(10, 'imperial')).toBe(round(7 / 2.54, 2));
  });

  it('converts wind to km/h for thresholds', () => {
    expect(windToKmh(10, 'metric')).toBe(36);
    expect(round(windToKmh(10, 'imperial'), 2)).toBe(16.09);
  });

  it('names the unit of every value', () => {
    expect(unitsLegend('metric')).toMatchObject({
      temperature: '°C',
      wind_speed: 'm/s',
      pressure: 'hPa',
      precipitation: 'mm',
    });
    expect(unitsLegend('imperial')).toMatchObject({
      temperature: '°F',
      wind_speed: 'mph',
      precipitation: 'inch',
    });
    expect(unitsLegend('kelvin')).toMatchObject({ temperature: 'K', wind_speed: 'm/s', precipitation: 'mm' });
  });
});
