import { describe, expect, it } from 'vitest';
import { HOUR, nowUs } from '../../src/clock.js';
import { Hass } from '../../src/hass.js';
import { seedHome } from '../../src/home/index.js';

const NOW = nowUs();

function home(seed = 42) {
  const hass = new Hass();
  seedHome(hass, { seed, now: NOW });
  return hass;
}

describe('seeded home', () => {
  const hass = home();

  it('has a realistic home of 40–60 entities over the expected domains', () => {
    const states = hass.states.all();
    expect(states.length).toBeGreaterThanOrEqual(40);
    expect(states.length).toBeLessThanOrEqual(60);
    const domains = new Set(states.map((s) => s.domain));
    for (const d of [
      'light',
      'switch',
      'climate',
      'cover',
      'lock',
      'alarm_control_panel',
      'sensor',
      'binary_sensor',
      'automation',
      'sun',
      'weather',
      'person',
    ]) {
      expect(domains.has(d), d).toBe(true);
    }
    expect(hass.states.get('cover.garage_door')?.attributes.device_class).toBe('garage');
    expect(hass.states.get('cover.driveway_gate')?.attributes.device_class).toBe('gate');
    expect(hass.states.get('lock.front_door')?.state).toMatch(/^(locked|unlocked)$/);
  });

  it('resolves areas from the entity first, else from its device', () => {
    const reg = hass.registries;
    const coffee = reg.entities.get('switch.coffee_machine');
    expect(coffee?.areaId).toBe('kitchen');
    expect(reg.devices.get(coffee?.deviceId ?? '')?.areaId).toBe('office');
    expect(reg.areaOf('switch.coffee_machine')).toBe('kitchen');
    expect(reg.entities.get('light.kitchen')?.areaId).toBeNull();
    expect(reg.areaOf('light.kitchen')).toBe('kitchen');
    expect(reg.entities.get('alarm_control_panel.home')?.deviceId).toBeNull();
    expect(reg.areaOf('alarm_control_panel.home')).toBe('entrance');
    expect(reg.areaOf('sun.sun')).toBeNull();
  });

  it('records 48 hours of history that ends in the current state', () => {
    const rows = hass.recorder.stateRows('sensor.outdoor_temperature');
    expect(rows.length).toBeGreaterThan(50);
    const span = (rows.at(-1)?.state.lastUpdated ?? 0) - (rows[0]?.state.lastUpdated ?? 0);
    expect(span).toBeGreaterThan(47 * HOUR);
    for (const id of ['sensor.outdoor_temperature', 'light.kitchen', 'binary_sensor.hallway_motion']) {
      const last = hass.recorder.stateRows(id).at(-1)?.state;
      expect(last?.state).toBe(hass.states.get(id)?.state);
      expect(last?.lastChanged).toBe(hass.states.get(id)?.lastChanged);
    }
    expect(
      hass.recorder.stateRows('binary_sensor.hallway_motion').filter((r) => r.state.state === 'on').length,
    ).toBeGreaterThan(3);
  });

  it('is the same home for the same seed', () => {
    const again = home();
    const other = home(7);
    const values = (h: Hass) => h.recorder.stateRows('sensor.home_power').map((r) => r.state.state);
    expect(values(again).slice(0, 50)).toEqual(values(hass).slice(0, 50));
    expect(values(other).slice(0, 50)).not.toEqual(values(hass).slice(0, 50));
  });

  it('has automations with ids and configurations, and their entities', () => {
    expect(hass.automations.configs.length).toBeGreaterThanOrEqual(4);
    for (const config of hass.automations.configs) {
      const entityId = hass.automations.entityIdFor(config.id);
      expect(entityId).toMatch(/^automation\./);
      expect(hass.states.get(entityId ?? '')?.attributes.id).toBe(config.id);
    }
  });
});
