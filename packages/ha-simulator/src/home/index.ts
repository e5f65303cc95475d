/**
 * Seed a Hass with the home: registries, 48 hours of recorded history ending in each entity's
 * current state, automations and scripts, then the services.
 */
import { DAY, HOUR, isoformat, MINUTE, nowUs } from '../clock.js';
import { newContext } from '../event-bus.js';
import type { Hass } from '../hass.js';
import { type ScriptConfig, scriptAttributes } from '../services/automation.js';
import { State } from '../state-machine.js';
import { ENTITIES } from './entities.js';
import { AREAS, DEVICES } from './layout.js';
import { type Gen, type Point, seededRandom } from './series.js';

export const SEED_AUTOMATIONS = [
  {
    id: '1718000000001',
    alias: 'Hallway motion light',
    description: 'Turn the porch light on when someone moves in the hallway after dark.',
    triggers: [{ trigger: 'state', entity_id: 'binary_sensor.hallway_motion', to: 'on' }],
    conditions: [{ condition: 'state', entity_id: 'sun.sun', state: 'below_horizon' }],
    actions: [{ action: 'light.turn_on', target: { entity_id: 'light.entrance_porch' } }],
    mode: 'restart',
  },
  {
    id: '1718000000002',
    alias: 'Good morning',
    description: 'Open the living room blinds and start the coffee machine.',
    triggers: [{ trigger: 'time', at: '07:00:00' }],
    conditions: [],
    actions: [
      { action: 'cover.open_cover', target: { entity_id: 'cover.living_room_blinds' } },
      { action: 'switch.turn_on', target: { entity_id: 'switch.coffee_machine' } },
    ],
    mode: 'single',
  },
  {
    id: '1718000000003',
    alias: 'Garage door left open',
    description: '',
    triggers: [{ trigger: 'state', entity_id: 'cover.garage_door', to: 'open', for: { minutes: 10 } }],
    conditions: [],
    actions: [
      {
        action: 'persistent_notification.create',
        data: { title: 'Garage', message: 'The garage door has been open for 10 minutes.' },
      },
    ],
    mode: 'single',
  },
  {
    id: '1718000000004',
    alias: 'Away mode',
    description: 'Everyone left: arm the alarm and turn the downstairs lights off.',
    triggers: [{ trigger: 'state', entity_id: ['person.alice', 'person.bob'], to: 'not_home' }],
    conditions: [{ condition: 'state', entity_id: 'zone.home', state: '0' }],
    actions: [
      { action: 'alarm_control_panel.alarm_arm_away', target: { entity_id: 'alarm_control_panel.home' } },
      { action: 'light.turn_off', target: { area_id: ['living_room', 'kitchen'] } },
    ],
    mode: 'single',
  },
];

export const SEED_SCRIPTS: Record<string, ScriptConfig> = {
  good_night: {
    alias: 'Good night',
    icon: 'mdi:weather-night',
    sequence: [
      { action: 'light.turn_off', target: { area_id: ['living_room', 'kitchen', 'office'] } },
      { action: 'lock.lock', target: { entity_id: 'lock.front_door' } },
      { action: 'alarm_control_panel.alarm_arm_night', target: { entity_id: 'alarm_control_panel.home' } },
    ],
  },
  movie_time: {
    alias: 'Movie time',
    icon: 'mdi:movie-open',
    sequence: [
      {
        action: 'light.turn_on',
        target: { entity_id: 'light.living_room_ceiling' },
        data: { brightness_pct: 20 },
      },
      { action: 'cover.close_cover', target: { entity_id: 'cover.living_room_blinds' } },
      { action: 'switch.turn_on', target: { entity_id: 'switch.tv' } },
    ],
  },
};

const hexId = (rand: () => number) =>
  Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');

function recordSeries(hass: Hass, entityId: string, points: Point[]): void {
  let previous: State | undefined;
  for (const point of points) {
    const sameState = previous?.state === point.state;
    const state = new State(
      entityId,
      point.state,
      Object.freeze(structuredClone(point.attrs)),
      sameState && previous ? previous.lastChanged : point.at,
      point.at,
      point.at,
      newContext({ atUs: point.at }),
    );
    hass.recorder.recordState(state, previous !== undefined);
    previous = state;
  }
  if (previous) hass.states.restore(previous);
}

export function seedHome(
  hass: Hass,
  { seed = 42, now = nowUs() }: { seed?: number; now?: number } = {},
): void {
  const rand = seededRandom(seed);
  const created = now - 400 * DAY;
  const reg = hass.registries;
  for (const area of AREAS) {
    reg.areas.set(area.id, {
      areaId: area.id,
      name: area.name,
      icon: area.icon,
      floorId: null,
      aliases: area.aliases ?? [],
      temperatureEntityId: null,
      humidityEntityId: null,
      createdAt: created,
      modifiedAt: created,
    });
  }
  const configEntries = new Map<string, string>();
  const entryFor = (integration: string) => {
    if (!configEntries.has(integration))
      configEntries.set(integration, hexId(rand).toUpperCase().slice(0, 26));
    return configEntries.get(integration) as string;
  };
  const deviceIds = new Map<string, string>();
  for (const key of Object.keys(DEVICES)) deviceIds.set(key, hexId(rand));
  for (const [key, d] of Object.entries(DEVICES)) {
    const id = deviceIds.get(key) as string;
    reg.devices.set(id, {
      id,
      name: d.name,
      manufacturer: d.manufacturer,
      model: d.model,
      modelId: d.modelId ?? null,
      swVersion: d.sw ?? null,
      hwVersion: null,
      serialNumber: null,
      areaId: d.area,
      configEntryId: entryFor(d.integration),
      identifiers: [[d.integration, key]],
      connections: [],
      viaDeviceId: d.via ? (deviceIds.get(d.via) ?? null) : null,
      nameByUser: null,
      createdAt: created,
      modifiedAt: created,
    });
  }

  const gen: Gen = { now, start: now - 48 * HOUR, timeZone: hass.options.timeZone, rand };
  for (const e of ENTITIES) {
    const deviceId = e.device ? (deviceIds.get(e.device) ?? null) : null;
    reg.entities.set(e.id, {
      entityId: e.id,
      id: hexId(rand),
      uniqueId: `${e.platform}-${e.id.split('.')[1]}`,
      platform: e.platform,
      deviceId,
      areaId: e.area ?? null,
      configEntryId: e.device ? entryFor(DEVICES[e.device]?.integration ?? e.platform) : null,
      name: null,
      originalName: e.originalName ?? null,
      icon: null,
      hasEntityName: e.device !== undefined,
      entityCategory: e.category ?? null,
      translationKey: null,
      disabledBy: null,
      hiddenBy: null,
      labels: [],
      createdAt: created,
      modifiedAt: created,
    });
    recordSeries(hass, e.id, e.series(gen));
  }
  const home = ['person.alice', 'person.bob'].filter((id) => hass.states.get(id)?.state === 'home');
  recordSeries(hass, 'zone.home', [
    {
      at: gen.start,
      state: String(home.length),
      attrs: {
        latitude: hass.options.latitude,
        longitude: hass.options.longitude,
        radius: 100,
        passive: false,
        persons: home,
        editable: true,
        icon: 'mdi:home',
        friendly_name: 'Home',
      },
    },
  ]);

  for (const [key, config] of Object.entries(SEED_SCRIPTS)) {
    hass.scripts.set(key, config);
    recordSeries(hass, `script.${key}`, [
      { at: gen.start, state: 'off', attrs: scriptAttributes(config, null) },
    ]);
  }
  hass.automations.configs = structuredClone(SEED_AUTOMATIONS);
  hass.automations.reload();
  // Automations that ran recently show it, as their entities would after a day of use.
  for (const [configId, ago] of [
    ['1718000000001', 95 * MINUTE],
    ['1718000000002', 26 * HOUR],
  ] as const) {
    const entityId = hass.automations.entityIdFor(configId);
    const state = entityId ? hass.states.get(entityId) : undefined;
    if (!entityId || !state) continue;
    hass.states.restore(
      new State(
        entityId,
        state.state,
        Object.freeze({ ...state.attributes, last_triggered: isoformat(now - ago) }),
        state.lastChanged,
        state.lastUpdated,
        state.lastReported,
        state.context,
      ),
    );
  }
  hass.registerServices();
}
