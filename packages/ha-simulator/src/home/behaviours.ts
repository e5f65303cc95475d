/**
 * How the seeded home's entities behaved: attribute builders and 48-hour series per kind of device
 * (lights on in the evening, heating set back at night, doors opened on the way out...).
 */
import { HOUR, isoformat, MINUTE } from '../clock.js';
import { type ClimateSpec, climateAttributes } from '../services/climate.js';
import { WEATHER_FORECAST_DAILY, WEATHER_FORECAST_HOURLY } from '../services/core.js';
import { coverAttributes } from '../services/cover.js';
import { LIGHT_TRANSITION, type LightSpec, lightAttributes } from '../services/light.js';
import { type Attrs, type Gen, localHour, type Point, windows } from './series.js';

export const sensor = (
  name: string,
  unit: string,
  deviceClass: string,
  stateClass = 'measurement',
): Attrs => ({
  state_class: stateClass,
  unit_of_measurement: unit,
  device_class: deviceClass,
  friendly_name: name,
});
export const binary = (name: string, deviceClass: string): Attrs => ({
  device_class: deviceClass,
  friendly_name: name,
});

export function light(
  spec: LightSpec,
  spans: Array<[number, number]>,
  brightness: number,
  kelvin?: number,
  hs?: [number, number],
) {
  return (g: Gen) =>
    windows(g, spans, () => null).map((p) => ({
      ...p,
      attrs: lightAttributes(
        spec,
        p.state === 'on'
          ? {
              brightness,
              colorMode: hs ? (spec.modes[1] ?? 'hs') : kelvin ? 'color_temp' : (spec.modes[0] ?? 'onoff'),
              kelvin,
              hs,
              effect: spec.effects ? 'off' : null,
            }
          : null,
      ),
    }));
}

export const HUE_EFFECTS = ['off', 'candle', 'fire', 'prism', 'sparkle', 'colorloop'];
export const dimmable = (name: string): LightSpec => ({
  name,
  modes: ['brightness'],
  features: LIGHT_TRANSITION,
});
export const onoff = (name: string): LightSpec => ({ name, modes: ['onoff'] });

export function climate(spec: ClimateSpec, day: number, night: number, baseTemp: number) {
  return (g: Gen) => {
    const points: Point[] = [];
    for (let at = Math.floor(g.start / (30 * MINUTE)) * 30 * MINUTE; at <= g.now; at += 30 * MINUTE) {
      const h = localHour(g, at);
      const sleeping = h < 6.5 || h >= 22.5;
      const target = sleeping ? night : day;
      const current = Math.round((baseTemp + (sleeping ? -1.2 : 0.3) + (g.rand() - 0.5) * 0.6) * 10) / 10;
      const s = { mode: 'heat', current, target, preset: sleeping ? 'eco' : 'comfort' };
      points.push({ at: Math.max(at, g.start), state: 'heat', attrs: climateAttributes(spec, s) });
    }
    return points;
  };
}

export function cover(name: string, deviceClass: string, features: number, spans: Array<[number, number]>) {
  const spec = { name, deviceClass, features };
  return (g: Gen) =>
    windows(g, spans, () => null, ['open', 'closed']).map((p) => ({
      ...p,
      attrs: coverAttributes(spec, p.state === 'open' ? 100 : 0),
    }));
}

export function person(id: string, name: string, away: Array<[number, number]>) {
  return (g: Gen) =>
    windows(g, away, () => null, ['not_home', 'home']).map((p) => ({
      ...p,
      attrs: {
        editable: true,
        id,
        device_trackers: [`device_tracker.${id}_phone`],
        user_id: null,
        friendly_name: name,
      },
    }));
}

export function sun(g: Gen): Point[] {
  return windows(g, [[7.2, 20.6]], () => null, ['above_horizon', 'below_horizon']).map((p) => {
    const h = localHour(g, p.at);
    const next = (hour: number) => isoformat(p.at + ((hour - h + 24) % 24 || 24) * HOUR);
    return {
      ...p,
      attrs: {
        next_dawn: next(6.7),
        next_dusk: next(21.1),
        next_midnight: next(1.9),
        next_noon: next(13.9),
        next_rising: next(7.2),
        next_setting: next(20.6),
        elevation: Math.round(45 * Math.sin(((h - 7.2) / 13.4) * Math.PI) * 100) / 100,
        azimuth: Math.round((h / 24) * 360 * 100) / 100,
        rising: h < 13.9,
        friendly_name: 'Sun',
      },
    };
  });
}

export function weather(g: Gen): Point[] {
  const conditions = ['partlycloudy', 'sunny', 'cloudy', 'rainy', 'partlycloudy', 'sunny'];
  const points: Point[] = [];
  for (let at = Math.floor(g.start / (3 * HOUR)) * 3 * HOUR, i = 0; at <= g.now; at += 3 * HOUR, i++) {
    const t = Math.round((13 + 5 * Math.cos(((localHour(g, at) - 15) / 24) * 2 * Math.PI)) * 10) / 10;
    points.push({
      at: Math.max(at, g.start),
      state: conditions[i % conditions.length] ?? 'sunny',
      attrs: {
        temperature: t,
        apparent_temperature: Math.round((t - 1.5) * 10) / 10,
        dew_point: 7.4,
        temperature_unit: '°C',
        humidity: 62 + (i % 5) * 4,
        cloud_coverage: 40 + (i % 3) * 20,
        uv_index: 2.1,
        pressure: 1016.2,
        pressure_unit: 'hPa',
        wind_bearing: 225.4,
        wind_speed: 13.7,
        wind_speed_unit: 'km/h',
        visibility_unit: 'km',
        precipitation_unit: 'mm',
        attribution: 'Weather forecast from met.no, delivered by the Norwegian Meteorological Institute.',
        friendly_name: 'Forecast Home',
        supported_features: WEATHER_FORECAST_DAILY | WEATHER_FORECAST_HOURLY,
      },
    });
  }
  return points;
}

export const motionRate = (busy: number) => (h: number) => (h >= 7 && h < 23 ? busy : 0.1);
export const LIVING: ClimateSpec = {
  name: 'Living Room',
  hvacModes: ['off', 'heat', 'auto'],
  presetModes: ['none', 'eco', 'away', 'comfort'],
  minTemp: 7,
  maxTemp: 30,
  step: 0.5,
};
export const BEDROOM: ClimateSpec = { ...LIVING, name: 'Bedroom Radiator' };
