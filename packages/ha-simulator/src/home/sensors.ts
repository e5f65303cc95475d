/**
 * The seeded home's measurements, contacts, weather and people, with their 48-hour histories.
 */
import { HOUR, MINUTE } from '../clock.js';
import { binary, motionRate, person, sensor, sun, weather } from './behaviours.js';
import type { EntitySeed } from './entities.js';
import { DEVICES } from './layout.js';
import { bursts, type Curve, curve, windows } from './series.js';

/** A measured value of a device, named "<device> <entity name>" as entities with has_entity_name are. */
function measurement(
  id: string,
  platform: string,
  device: string,
  originalName: string,
  [unit, deviceClass, stateClass]: [string, string, string?],
  shape: Curve,
  category?: 'diagnostic',
): EntitySeed {
  const name = `${DEVICES[device]?.name ?? device} ${originalName}`;
  return {
    id,
    platform,
    device,
    originalName,
    ...(category ? { category } : {}),
    series: (g) => curve(g, shape, sensor(name, unit, deviceClass, stateClass)),
  };
}

export const SENSOR_ENTITIES: EntitySeed[] = [
  measurement(
    'sensor.living_room_temperature',
    'zha',
    'living_sensor',
    'Temperature',
    ['°C', 'temperature'],
    { every: 10 * MINUTE, base: 20.6, amplitude: 0.9, peakHour: 17, noise: 0.15, decimals: 1 },
  ),
  measurement('sensor.living_room_humidity', 'zha', 'living_sensor', 'Humidity', ['%', 'humidity'], {
    every: 15 * MINUTE,
    base: 46,
    amplitude: 4,
    peakHour: 8,
    noise: 1,
    decimals: 0,
  }),
  measurement('sensor.bedroom_temperature', 'zha', 'bedroom_sensor', 'Temperature', ['°C', 'temperature'], {
    every: 10 * MINUTE,
    base: 18.6,
    amplitude: 0.8,
    peakHour: 16,
    noise: 0.15,
    decimals: 1,
  }),
  measurement('sensor.bedroom_humidity', 'zha', 'bedroom_sensor', 'Humidity', ['%', 'humidity'], {
    every: 15 * MINUTE,
    base: 51,
    amplitude: 5,
    peakHour: 7,
    noise: 1,
    decimals: 0,
  }),
  measurement('sensor.bathroom_humidity', 'zha', 'bathroom_sensor', 'Humidity', ['%', 'humidity'], {
    every: 15 * MINUTE,
    base: 58,
    amplitude: 12,
    peakHour: 7.3,
    noise: 2,
    decimals: 0,
    max: 95,
  }),
  measurement(
    'sensor.kitchen_temperature',
    'zha',
    'kitchen_multisensor',
    'Temperature',
    ['°C', 'temperature'],
    { every: 10 * MINUTE, base: 21.1, amplitude: 1.2, peakHour: 19.5, noise: 0.2, decimals: 1 },
  ),
  measurement('sensor.outdoor_temperature', 'zha', 'outdoor_sensor', 'Temperature', ['°C', 'temperature'], {
    every: 10 * MINUTE,
    base: 12.5,
    amplitude: 5.5,
    peakHour: 15.5,
    noise: 0.3,
    decimals: 1,
  }),
  measurement('sensor.outdoor_humidity', 'zha', 'outdoor_sensor', 'Humidity', ['%', 'humidity'], {
    every: 15 * MINUTE,
    base: 70,
    amplitude: 15,
    peakHour: 5,
    noise: 2,
    decimals: 0,
    max: 100,
  }),
  measurement('sensor.home_power', 'shelly', 'energy_meter', 'Total active power', ['W', 'power'], {
    every: 5 * MINUTE,
    base: 620,
    amplitude: 380,
    peakHour: 19.5,
    noise: 120,
    decimals: 1,
    min: 180,
  }),
  measurement(
    'sensor.home_energy',
    'shelly',
    'energy_meter',
    'Total active energy',
    ['kWh', 'energy', 'total_increasing'],
    { every: 15 * MINUTE, base: 12483.2, amplitude: 0, peakHour: 0, noise: 0, decimals: 2, perHour: 0.62 },
  ),
  measurement(
    'sensor.front_door_lock_battery',
    'nuki',
    'front_lock',
    'Battery',
    ['%', 'battery'],
    { every: 2 * HOUR, base: 78, amplitude: 0, peakHour: 0, noise: 0, decimals: 0, perHour: -0.02 },
    'diagnostic',
  ),
  {
    id: 'sensor.coffee_machine_power',
    platform: 'shelly',
    device: 'office_plug',
    area: 'kitchen',
    originalName: 'Power',
    series: (g) =>
      windows(g, [[6.9, 7.4]], () => null, ['1180.4', '0.9']).map((p) => ({
        ...p,
        attrs: sensor('Coffee Machine Power', 'W', 'power'),
      })),
  },
  {
    id: 'sensor.tv_power',
    platform: 'shelly',
    device: 'tv_plug',
    originalName: 'Power',
    series: (g) =>
      windows(g, [[19.7, 22.8]], () => null, ['96.3', '0.5']).map((p) => ({
        ...p,
        attrs: sensor('TV Plug Power', 'W', 'power'),
      })),
  },
  {
    id: 'binary_sensor.front_door',
    platform: 'zha',
    device: 'front_contact',
    originalName: null,
    series: (g) => bursts(g, (h) => (h >= 7 && h < 22 ? 0.4 : 0), 2, binary('Front Door', 'door')),
  },
  {
    id: 'binary_sensor.hallway_motion',
    platform: 'zha',
    device: 'hallway_motion',
    originalName: 'Motion',
    series: (g) => bursts(g, motionRate(1.6), 3, binary('Hallway Motion', 'motion')),
  },
  {
    id: 'binary_sensor.kitchen_motion',
    platform: 'zha',
    device: 'kitchen_multisensor',
    originalName: 'Motion',
    series: (g) => bursts(g, motionRate(1.2), 4, binary('Kitchen Multisensor Motion', 'motion')),
  },
  {
    id: 'binary_sensor.bathroom_window',
    platform: 'zha',
    device: 'bathroom_window',
    originalName: null,
    series: (g) =>
      windows(g, [[7.4, 7.7]], () => null).map((p) => ({ ...p, attrs: binary('Bathroom Window', 'window') })),
  },
  { id: 'weather.home', platform: 'met', device: 'met', originalName: null, series: weather },
  { id: 'sun.sun', platform: 'sun', series: sun },
  { id: 'person.alice', platform: 'person', series: person('alice', 'Alice', [[8.3, 18.2]]) },
  { id: 'person.bob', platform: 'person', series: person('bob', 'Bob', [[9.5, 12.5]]) },
];
