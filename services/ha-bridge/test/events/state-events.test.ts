import { describe, expect, it } from 'vitest';
import { changedParts } from '../../src/events/state-events.js';
import { flipState, startBridge } from '../helpers.js';

type Event = {
  entity_id: string;
  domain: string;
  changed: string[];
  old_state: { state: string; attributes?: Record<string, unknown> } | null;
  new_state: { state: string; area?: string; name: string; attributes?: Record<string, unknown> } | null;
  time: string;
};

describe('state_changed events', () => {
  it('are published for the domains, ids and globs of HA_EVENT_FILTER, with old and new state', async () => {
    await using bridge = await startBridge({
      HA_EVENT_FILTER: 'light, binary_sensor.front_door, sensor.*_temperature',
    });
    const all = () =>
      bridge.server.events.filter((e) => e.event === 'state_changed').map((e) => e.payload as Event);
    // The seeded home follows the wall clock (the kitchen light is on at breakfast and in the
    // evening, the front door opens now and then by day): start both from off whatever the time,
    // and look only at what follows.
    const states = bridge.sim.hass.states;
    const notOff = ['light.kitchen', 'binary_sensor.front_door'].filter(
      (id) => states.get(id)?.state !== 'off',
    );
    if (notOff.includes('light.kitchen')) {
      await bridge.call('call_service', {
        domain: 'light',
        service: 'turn_off',
        target: { entity_id: 'light.kitchen' },
      });
    }
    if (notOff.includes('binary_sensor.front_door')) {
      const door = 'binary_sensor.front_door';
      bridge.sim.setState(door, 'off', states.get(door)?.attributes);
    }
    await expect.poll(() => all().length).toBe(notOff.length);
    const seen = all().length;
    const events = () => all().slice(seen);
    await bridge.call('call_service', {
      domain: 'light',
      service: 'turn_on',
      target: { entity_id: 'light.kitchen' },
      data: { brightness: 128 },
    });
    bridge.sim.setState('binary_sensor.front_door', 'on');
    bridge.sim.setState('binary_sensor.hallway_motion', 'on'); // not in the filter
    bridge.sim.setState('sensor.bedroom_humidity', '77'); // not in the filter
    const outdoor = bridge.sim.hass.states.get('sensor.outdoor_temperature');
    bridge.sim.setState('sensor.outdoor_temperature', '3.5', outdoor?.attributes);
    await expect.poll(() => events().length).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events().map((e) => e.entity_id)).toEqual([
      'light.kitchen',
      'binary_sensor.front_door',
      'sensor.outdoor_temperature',
    ]);
    const [light, door, sensor] = events();
    expect(light).toMatchObject({
      domain: 'light',
      changed: expect.arrayContaining(['state', 'attributes.brightness']),
      old_state: { state: 'off' },
      new_state: { state: 'on', name: 'Kitchen', area: 'Kitchen', attributes: { brightness: 128 } },
    });
    expect(Date.parse(light?.time ?? '')).toBeGreaterThan(Date.now() - 10_000);
    expect(door).toMatchObject({ changed: ['state'], new_state: { state: 'on' } });
    expect(sensor).toMatchObject({
      changed: ['state'],
      old_state: { state: outdoor?.state },
      new_state: { state: '3.5' },
    });
    expect(bridge.server.events.every((e) => e.event === 'state_changed')).toBe(true);
  });

  it('are not published without HA_EVENT_FILTER', async () => {
    await using bridge = await startBridge();
    flipState(bridge.sim, 'light.kitchen');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(bridge.server.events).toEqual([]);
  });
});

describe('changedParts', () => {
  const state = (value: string, attributes: Record<string, unknown>) => ({
    entity_id: 'light.x',
    state: value,
    attributes,
    last_changed: '',
    last_updated: '',
    context: { id: '', parent_id: null, user_id: null },
  });

  it('names the state and each attribute that changed, added or removed', () => {
    expect(changedParts(state('on', { a: 1, b: [1] }), state('on', { a: 2, b: [1], c: 3 }))).toEqual([
      'attributes.a',
      'attributes.c',
    ]);
    expect(changedParts(state('on', { a: 1 }), state('off', {}))).toEqual(['state', 'attributes.a']);
    expect(changedParts(null, state('on', {}))).toEqual(['state']);
  });
});
