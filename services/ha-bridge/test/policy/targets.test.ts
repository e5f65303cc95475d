import type { HassEntities } from 'home-assistant-js-websocket';
import { describe, expect, it } from 'vitest';
import { LiveStates } from '../../src/ha/live-states.js';
import { Registries } from '../../src/ha/registries.js';
import { Exposure } from '../../src/policy/exposure.js';
import { EntityPatterns } from '../../src/policy/patterns.js';
import { MAX_TARGET_ENTITIES, resolveServiceTarget } from '../../src/policy/targets.js';

function entity(entityId: string, attributes: Record<string, unknown> = {}) {
  return {
    entity_id: entityId,
    state: 'off',
    attributes,
    last_changed: '2025-01-01T00:00:00+00:00',
    last_updated: '2025-01-01T00:00:00+00:00',
    context: { id: 'c', parent_id: null, user_id: null },
  };
}

function world(deny: string[] = []) {
  const states = new LiveStates();
  const map: HassEntities = {};
  for (const e of [
    entity('light.kitchen'),
    entity('light.kitchen_strip'),
    entity('light.hall'),
    entity('switch.kettle'),
    entity('sensor.kitchen_light_level'),
    entity('cover.garage', { device_class: 'garage' }),
    entity('cover.blinds', { device_class: 'blind' }),
    entity('lock.door'),
  ])
    map[e.entity_id] = e;
  states.apply(map);
  const registries = new Registries();
  registries.replace({
    areas: [
      { area_id: 'kitchen', name: 'Kitchen', aliases: ['cuisine'] },
      { area_id: 'garage', name: 'Garage', aliases: [] },
    ],
    devices: [
      { id: 'dev-dimmer', area_id: 'kitchen' },
      { id: 'dev-opener', area_id: 'garage' },
    ],
    entities: [
      { entity_id: 'light.kitchen', device_id: 'dev-dimmer' },
      // A diagnostic entity of the same device: left out of area and device targets.
      { entity_id: 'sensor.kitchen_light_level', device_id: 'dev-dimmer', entity_category: 'diagnostic' },
      { entity_id: 'light.kitchen_strip', area_id: 'kitchen' },
      { entity_id: 'switch.kettle', area_id: 'kitchen' },
      { entity_id: 'cover.garage', device_id: 'dev-opener' },
    ],
  });
  return { states, registries, exposure: new Exposure([], new EntityPatterns(deny)) };
}

describe('resolveServiceTarget', () => {
  it("resolves an area (name, id or alias) to its entities of the service's domain", () => {
    for (const area of ['Kitchen', 'kitchen', 'cuisine']) {
      const resolved = resolveServiceTarget(
        { domain: 'light', service: 'turn_on', target: { area_id: area } },
        world(),
      );
      expect(resolved.entityIds).toEqual(['light.kitchen', 'light.kitchen_strip']);
      expect(resolved.body).toEqual({ entity_id: ['light.kitchen', 'light.kitchen_strip'] });
    }
  });

  it('resolves homeassistant.* targets to every domain, skipping diagnostic entities', () => {
    const resolved = resolveServiceTarget(
      { domain: 'homeassistant', service: 'turn_off', target: { device_id: 'dev-dimmer' } },
      world(),
    );
    expect(resolved.entityIds).toEqual(['light.kitchen']);
  });

  it('moves target keys out of data and keeps the rest', () => {
    const resolved = resolveServiceTarget(
      {
        domain: 'light',
        service: 'turn_on',
        data: { entity_id: 'light.hall', brightness: 10, area_id: 'kitchen' },
      },
      world(),
    );
    expect(resolved.body).toEqual({
      brightness: 10,
      entity_id: ['light.hall', 'light.kitchen', 'light.kitchen_strip'],
    });
  });

  it('marks sensitive entities', () => {
    const resolved = resolveServiceTarget(
      { domain: 'cover', service: 'open_cover', target: { entity_id: ['cover.garage', 'cover.blinds'] } },
      world(),
    );
    expect(resolved.sensitive).toEqual(['cover.garage']);
    expect(
      resolveServiceTarget({ domain: 'lock', service: 'lock', target: { entity_id: 'lock.door' } }, world())
        .sensitive,
    ).toEqual(['lock.door']);
  });

  it('reports hidden and unknown entities alike, and unsupported target kinds', () => {
    const hidden = world(['light.hall']);
    expect(() =>
      resolveServiceTarget(
        { domain: 'light', service: 'turn_on', target: { entity_id: 'light.hall' } },
        hidden,
      ),
    ).toThrow('cannot call light.turn_on: entity light.hall not found');
    expect(() =>
      resolveServiceTarget({ domain: 'light', service: 'turn_on', data: { floor_id: 'ground' } }, world()),
    ).toThrow(/floor_id and label_id targets are not supported/);
    expect(() =>
      resolveServiceTarget(
        { domain: 'light', service: 'turn_on', target: { entity_id: 'kitchen' } },
        world(),
      ),
    ).toThrow(/"kitchen" is not an entity id/);
  });

  it('refuses area and device targets before the registries are known', () => {
    const w = world();
    const empty = { ...w, registries: new Registries() };
    expect(() =>
      resolveServiceTarget({ domain: 'light', service: 'turn_on', target: { area_id: 'kitchen' } }, empty),
    ).toThrow(/areas and devices are not known yet/);
  });

  it('bounds the number of entities of one call', () => {
    const w = world();
    const many: HassEntities = {};
    for (let i = 0; i <= MAX_TARGET_ENTITIES; i++) many[`light.l${i}`] = entity(`light.l${i}`);
    w.states.apply(many);
    expect(() =>
      resolveServiceTarget({ domain: 'light', service: 'turn_on', target: { entity_id: 'all' } }, w),
    ).toThrow(
      `the target matches ${MAX_TARGET_ENTITIES + 1} entities; at most ${MAX_TARGET_ENTITIES} per call`,
    );
  });
});
