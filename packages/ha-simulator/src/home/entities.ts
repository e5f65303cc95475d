import { COVER_CLOSE, COVER_OPEN, COVER_SET_POSITION, COVER_STOP } from '../services/cover.js';
import { LIGHT_EFFECT, LIGHT_TRANSITION } from '../services/light.js';
import { alarmAttributes, LOCK_OPEN, lockAttributes } from '../services/security.js';
import { BEDROOM, climate, cover, dimmable, HUE_EFFECTS, LIVING, light, onoff } from './behaviours.js';
import { SENSOR_ENTITIES } from './sensors.js';
import { constant, type Gen, type Point, windows } from './series.js';

export type EntitySeed = {
  id: string;
  platform: string;
  device?: string;
  /** The entity's own area, overriding its device's. */
  area?: string;
  /** Registry name parts: with `hasEntityName`, the friendly name is "<device> <originalName>". */
  originalName?: string | null;
  category?: 'diagnostic' | 'config';
  series: (g: Gen) => Point[];
};

export const ENTITIES: EntitySeed[] = [
  {
    id: 'light.living_room_ceiling',
    platform: 'hue',
    device: 'living_ceiling',
    originalName: null,
    series: light(
      {
        name: 'Living Room Ceiling',
        modes: ['color_temp', 'xy'],
        minKelvin: 2000,
        maxKelvin: 6535,
        effects: HUE_EFFECTS,
        features: LIGHT_EFFECT | LIGHT_TRANSITION | 8,
      },
      [[18, 23.3]],
      180,
      2700,
    ),
  },
  {
    id: 'light.living_room_floor_lamp',
    platform: 'zha',
    device: 'floor_lamp',
    originalName: null,
    series: light(dimmable('Floor Lamp'), [[19.5, 23]], 120),
  },
  {
    id: 'light.kitchen',
    platform: 'shelly',
    device: 'kitchen_dimmer',
    originalName: null,
    series: light(
      dimmable('Kitchen'),
      [
        [6.8, 8.2],
        [18.5, 21],
      ],
      230,
    ),
  },
  {
    id: 'light.kitchen_under_cabinet',
    platform: 'shelly',
    device: 'kitchen_strip',
    originalName: null,
    series: light(
      { name: 'Under Cabinet Strip', modes: ['hs'], features: LIGHT_TRANSITION },
      [[19, 21.5]],
      90,
      undefined,
      [30, 60],
    ),
  },
  {
    id: 'light.bedroom',
    platform: 'hue',
    device: 'bedside_lamp',
    originalName: null,
    series: light(
      {
        name: 'Bedside Lamp',
        modes: ['color_temp'],
        minKelvin: 2200,
        maxKelvin: 6535,
        features: LIGHT_TRANSITION,
      },
      [
        [6.9, 7.3],
        [22.3, 23.2],
      ],
      100,
      2700,
    ),
  },
  {
    id: 'light.office_desk',
    platform: 'hue',
    device: 'desk_lamp',
    originalName: null,
    series: light(
      {
        name: 'Desk Lamp',
        modes: ['color_temp'],
        minKelvin: 2200,
        maxKelvin: 6535,
        features: LIGHT_TRANSITION,
      },
      [
        [9, 12.5],
        [14, 18],
      ],
      255,
      4000,
    ),
  },
  {
    id: 'light.entrance_porch',
    platform: 'shelly',
    device: 'porch_relay',
    originalName: null,
    series: light(onoff('Porch Light'), [[19.8, 23.5]], 0),
  },
  {
    id: 'light.garden',
    platform: 'shelly',
    device: 'garden_relay',
    originalName: 'Garden Lights',
    series: light(onoff('Garden Relay Garden Lights'), [[20.5, 23]], 0),
  },

  {
    id: 'switch.coffee_machine',
    platform: 'shelly',
    device: 'office_plug',
    area: 'kitchen',
    originalName: null,
    series: (g) =>
      windows(g, [[6.9, 7.4]], () => null).map((p) => ({ ...p, attrs: { friendly_name: 'Coffee Machine' } })),
  },
  {
    id: 'switch.tv',
    platform: 'shelly',
    device: 'tv_plug',
    originalName: null,
    series: (g) =>
      windows(g, [[19.7, 22.8]], () => null).map((p) => ({ ...p, attrs: { friendly_name: 'TV Plug' } })),
  },
  {
    id: 'switch.garden_irrigation',
    platform: 'shelly',
    device: 'garden_relay',
    originalName: 'Irrigation',
    series: (g) =>
      windows(g, [[6, 6.4]], () => null).map((p) => ({
        ...p,
        attrs: { icon: 'mdi:sprinkler', friendly_name: 'Garden Relay Irrigation' },
      })),
  },
  {
    id: 'input_boolean.guest_mode',
    platform: 'input_boolean',
    series: (g) =>
      constant(g, 'off', { editable: true, icon: 'mdi:account-multiple', friendly_name: 'Guest mode' }),
  },

  {
    id: 'climate.living_room',
    platform: 'netatmo',
    device: 'thermostat',
    originalName: null,
    series: climate(LIVING, 20.5, 18, 20.2),
  },
  {
    id: 'climate.bedroom',
    platform: 'netatmo',
    device: 'radiator_valve',
    originalName: null,
    series: climate(BEDROOM, 19, 17, 18.4),
  },

  {
    id: 'cover.garage_door',
    platform: 'shelly',
    device: 'garage_opener',
    originalName: null,
    series: cover('Garage Door', 'garage', COVER_OPEN | COVER_CLOSE, [
      [8.1, 8.2],
      [18.4, 18.5],
    ]),
  },
  {
    id: 'cover.driveway_gate',
    platform: 'shelly',
    device: 'gate_controller',
    originalName: null,
    series: cover('Driveway Gate', 'gate', COVER_OPEN | COVER_CLOSE | COVER_STOP, [
      [8.05, 8.15],
      [18.35, 18.45],
    ]),
  },
  {
    id: 'cover.living_room_blinds',
    platform: 'shelly',
    device: 'living_blinds',
    originalName: null,
    series: cover('Living Room Blinds', 'blind', COVER_OPEN | COVER_CLOSE | COVER_SET_POSITION | COVER_STOP, [
      [8, 21.5],
    ]),
  },
  {
    id: 'cover.bedroom_shutter',
    platform: 'shelly',
    device: 'bedroom_shutter',
    originalName: null,
    series: cover('Bedroom Shutter', 'shutter', COVER_OPEN | COVER_CLOSE | COVER_SET_POSITION | COVER_STOP, [
      [7.5, 22],
    ]),
  },

  {
    id: 'lock.front_door',
    platform: 'nuki',
    device: 'front_lock',
    originalName: null,
    series: (g) =>
      windows(
        g,
        [
          [7.9, 8.3],
          [18.3, 18.6],
        ],
        () => null,
        ['unlocked', 'locked'],
      ).map((p) => ({ ...p, attrs: lockAttributes('Front Door', LOCK_OPEN) })),
  },
  {
    id: 'alarm_control_panel.home',
    platform: 'manual',
    area: 'entrance',
    series: (g) =>
      windows(g, [[23.5, 30.7]], () => null, ['armed_night', 'disarmed']).map((p) => ({
        ...p,
        attrs: alarmAttributes('Home Alarm'),
      })),
  },

  ...SENSOR_ENTITIES,
];
