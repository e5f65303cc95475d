import { describe, expect, it } from 'vitest';
import { type Event, EventBus, newContext } from '../src/event-bus.js';
import { StateMachine } from '../src/state-machine.js';
import { STATE_DICT_KEYS } from './shapes.js';

function machine() {
  const bus = new EventBus();
  const events: Event[] = [];
  bus.listen('*', (e) => events.push(e));
  const reported: Event[] = [];
  bus.listen('state_reported', (e) => reported.push(e));
  return { states: new StateMachine(bus), events, reported };
}

describe('state machine', () => {
  it('moves last_changed only when the value changes, last_updated when attributes change', () => {
    const { states } = machine();
    const first = states.set('sensor.t', '20', { unit_of_measurement: '°C' });
    const attrs = states.set('sensor.t', '20', { unit_of_measurement: '°C', battery: 90 });
    expect(attrs.lastChanged).toBe(first.lastChanged);
    expect(attrs.lastUpdated).toBeGreaterThan(first.lastUpdated);
    const value = states.set('sensor.t', '21', attrs.attributes);
    expect(value.lastChanged).toBe(value.lastUpdated);
    expect(value.lastChanged).toBeGreaterThan(attrs.lastChanged);
  });

  it('answers an unchanged write with state_reported, not state_changed', () => {
    const { states, events, reported } = machine();
    states.set('switch.a', 'on', { friendly_name: 'A' });
    const before = events.filter((e) => e.eventType === 'state_changed').length;
    const same = states.set('switch.a', 'on', { friendly_name: 'A' });
    expect(events.filter((e) => e.eventType === 'state_changed').length).toBe(before);
    // state_reported never reaches match-all listeners (EVENTS_EXCLUDED_FROM_MATCH_ALL).
    expect(events.some((e) => e.eventType === 'state_reported')).toBe(false);
    expect(reported).toHaveLength(1);
    expect(same.lastReported).toBeGreaterThan(same.lastUpdated);
    expect(same.asDict().last_reported).not.toBe(same.asDict().last_updated);
  });

  it('fires state_changed with old and new state, and null new_state on removal', () => {
    const { states, events } = machine();
    const context = newContext({ userId: 'u1' });
    states.set('light.x', 'off', {});
    states.set('light.x', 'on', {}, { context });
    states.remove('light.x');
    const changed = events.filter((e) => e.eventType === 'state_changed');
    expect(changed.map((e) => [e.data.old_state === null, e.data.new_state === null])).toEqual([
      [true, false],
      [false, false],
      [false, true],
    ]);
    expect(changed[1]?.context).toBe(context);
  });

  it('serializes as State.as_dict and as_compressed_state', () => {
    const { states } = machine();
    const plain = states.set('light.y', 'on', { brightness: 10 });
    expect(Object.keys(plain.asDict())).toEqual(STATE_DICT_KEYS);
    expect(plain.compressed()).toEqual({
      s: 'on',
      a: { brightness: 10 },
      c: plain.context.id,
      lc: plain.lastChanged / 1e6,
    });
    const updated = states.set('light.y', 'on', { brightness: 20 }, { context: newContext({ userId: 'u' }) });
    const compressed = updated.compressed();
    expect(compressed.lu).toBe(updated.lastUpdated / 1e6);
    expect(compressed.c).toEqual({ id: updated.context.id, parent_id: null, user_id: 'u' });
  });

  it('refuses invalid entity ids and over-long states', () => {
    const { states } = machine();
    expect(() => states.set('Not valid', 'on')).toThrow('Format should be <domain>.<object_id>');
    expect(() => states.set('sensor.long', 'x'.repeat(256))).toThrow('State max length is 255 characters');
  });
});
