import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HaSimulator } from '../../src/index.js';
import { type Json, rest, simulator, sleep } from '../helpers.js';

let sim: HaSimulator;
beforeAll(async () => {
  sim = await simulator();
});
afterAll(() => sim.close());

const isoHoursAgo = (h: number) => encodeURIComponent(new Date(Date.now() - h * 3600_000).toISOString());

describe('GET /api/history/period', () => {
  it('answers a list of lists, one per asked entity, starting with the state at the start time', async () => {
    const res = await rest(
      sim,
      'GET',
      `/api/history/period/${isoHoursAgo(48)}?filter_entity_id=sensor.outdoor_temperature,light.kitchen&end_time=${isoHoursAgo(0)}`,
    );
    expect(res.status).toBe(200);
    const lists = res.json() as Json[][];
    expect(lists).toHaveLength(2);
    expect(lists[0]?.[0]).toMatchObject({ entity_id: 'sensor.outdoor_temperature' });
    expect(Object.keys(lists[0]?.[0] ?? {})).toEqual([
      'entity_id',
      'state',
      'attributes',
      'last_changed',
      'last_updated',
    ]);
    expect(lists[0]?.length).toBeGreaterThan(40);
    expect(lists[1]?.every((row) => row.entity_id === 'light.kitchen')).toBe(true);
    const last = lists[0]?.at(-1);
    expect(last?.state).toBe(sim.hass.states.get('sensor.outdoor_temperature')?.state);
  });

  it('keeps only state and last_changed after the first row with minimal_response, no attributes with no_attributes', async () => {
    const minimal = (
      await rest(
        sim,
        'GET',
        `/api/history/period/${isoHoursAgo(30)}?filter_entity_id=binary_sensor.hallway_motion&minimal_response&no_attributes`,
      )
    ).json() as Json[][];
    const [first, ...rest_] = minimal[0] ?? [];
    expect(first).toMatchObject({ entity_id: 'binary_sensor.hallway_motion', attributes: {} });
    expect(rest_.length).toBeGreaterThan(0);
    for (const row of rest_) expect(Object.keys(row)).toEqual(['state', 'last_changed']);
  });

  it('defaults to one day from the start, and refuses missing or bad parameters', async () => {
    const day = (
      await rest(
        sim,
        'GET',
        `/api/history/period/${isoHoursAgo(48)}?filter_entity_id=sensor.outdoor_temperature`,
      )
    ).json() as Json[][];
    const times = (day[0] ?? []).map((r) => Date.parse(String(r.last_updated)));
    expect(Math.max(...times) - Math.min(...times)).toBeLessThanOrEqual(24 * 3600_000);
    expect((await rest(sim, 'GET', '/api/history/period')).json()).toEqual({
      message: 'filter_entity_id is missing',
    });
    expect(
      (await rest(sim, 'GET', '/api/history/period/not-a-date?filter_entity_id=light.kitchen')).json(),
    ).toEqual({ message: 'Invalid datetime' });
    expect(
      (await rest(sim, 'GET', '/api/history/period?filter_entity_id=light.kitchen&end_time=x')).json(),
    ).toEqual({ message: 'Invalid end_time' });
    expect((await rest(sim, 'GET', '/api/history/period?filter_entity_id=Not-An-Id')).json()).toEqual({
      message: 'Invalid filter_entity_id',
    });
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect(
      (
        await rest(
          sim,
          'GET',
          `/api/history/period/${encodeURIComponent(future)}?filter_entity_id=light.kitchen`,
        )
      ).json(),
    ).toEqual([]);
  });
});

describe('GET /api/logbook', () => {
  it('lists state changes of one entity with when/state/entity_id/name, leaving continuous sensors out', async () => {
    const entries = (
      await rest(
        sim,
        'GET',
        `/api/logbook/${isoHoursAgo(47)}?entity=binary_sensor.hallway_motion&end_time=${isoHoursAgo(0)}`,
      )
    ).json() as Json[];
    expect(entries.length).toBeGreaterThan(2);
    expect(entries[0]).toMatchObject({ entity_id: 'binary_sensor.hallway_motion', name: 'Hallway Motion' });
    expect(Object.keys(entries[0] ?? {}).slice(0, 4)).toEqual(['when', 'state', 'entity_id', 'name']);
    const sensors = (
      await rest(
        sim,
        'GET',
        `/api/logbook/${isoHoursAgo(47)}?entity=sensor.outdoor_temperature&end_time=${isoHoursAgo(0)}`,
      )
    ).json();
    expect(sensors).toEqual([]);
  });

  it('says what caused a change: a service call by the user, or an automation', async () => {
    // The seeded coffee machine runs around 7:00: start from off, so the automation's action changes it.
    await rest(sim, 'POST', '/api/services/switch/turn_off', {
      body: { entity_id: 'switch.coffee_machine' },
    });
    await sleep(5); // the ISO start below is in milliseconds: keep that change before it
    const start = new Date().toISOString();
    await rest(sim, 'POST', '/api/services/switch/toggle', {
      body: { entity_id: 'switch.garden_irrigation' },
    });
    await rest(sim, 'POST', '/api/services/automation/trigger', {
      body: { entity_id: 'automation.good_morning' },
    });
    const entries = (await rest(sim, 'GET', `/api/logbook/${encodeURIComponent(start)}`)).json() as Json[];
    expect(entries.find((e) => e.entity_id === 'switch.garden_irrigation')).toMatchObject({
      context_user_id: sim.hass.user.id,
      context_domain: 'switch',
      context_service: 'toggle',
      context_event_type: 'call_service',
    });
    expect(entries.find((e) => e.domain === 'automation')).toMatchObject({
      name: 'Good morning',
      message: 'triggered by action automation.trigger',
      entity_id: 'automation.good_morning',
    });
    expect(entries.find((e) => e.entity_id === 'switch.coffee_machine')).toMatchObject({
      context_event_type: 'automation_triggered',
      context_domain: 'automation',
      context_entity_id: 'automation.good_morning',
    });
  });

  it('refuses combining entity with context_id', async () => {
    expect((await rest(sim, 'GET', '/api/logbook?entity=light.kitchen&context_id=abc')).json()).toEqual({
      message: "Can't combine entity with context_id",
    });
  });
});

describe('automation configuration', () => {
  const config = {
    alias: 'Garden lights at dusk',
    description: 'Created through the config API',
    triggers: [{ trigger: 'sun', event: 'sunset' }],
    conditions: [],
    actions: [{ action: 'light.turn_on', target: { entity_id: 'light.garden' } }],
    mode: 'single',
  };

  it('creates an automation that then exists as an entity, reads it back, deletes it', async () => {
    expect(await rest(sim, 'GET', '/api/config/automation/config/9001')).toMatchObject({ status: 404 });
    const created = await rest(sim, 'POST', '/api/config/automation/config/9001', { body: config });
    expect(created.json()).toEqual({ result: 'ok' });
    const state = (await rest(sim, 'GET', '/api/states/automation.garden_lights_at_dusk')).json() as Json;
    expect(state).toMatchObject({
      state: 'on',
      attributes: { id: '9001', friendly_name: 'Garden lights at dusk', last_triggered: null },
    });
    const read = (await rest(sim, 'GET', '/api/config/automation/config/9001')).json() as Json;
    expect(Object.keys(read).slice(0, 6)).toEqual([
      'id',
      'alias',
      'description',
      'triggers',
      'conditions',
      'actions',
    ]);
    await rest(sim, 'POST', '/api/services/light/turn_off', { body: { entity_id: 'light.garden' } });
    await rest(sim, 'POST', '/api/services/automation/trigger', {
      body: { entity_id: 'automation.garden_lights_at_dusk' },
    });
    expect(sim.hass.states.get('light.garden')?.state).toBe('on');
    expect((await rest(sim, 'DELETE', '/api/config/automation/config/9001')).json()).toEqual({
      result: 'ok',
    });
    expect((await rest(sim, 'GET', '/api/states/automation.garden_lights_at_dusk')).status).toBe(404);
  });

  it('refuses malformed configurations with Home Assistant’s message', async () => {
    const noTriggers = await rest(sim, 'POST', '/api/config/automation/config/9002', {
      body: { alias: 'x', actions: [] },
    });
    expect(noTriggers.status).toBe(400);
    expect(noTriggers.json()).toEqual({
      message: "Message malformed: required key not provided @ data['triggers']",
    });
    const badTrigger = await rest(sim, 'POST', '/api/config/automation/config/9002', {
      body: { ...config, triggers: [{ trigger: 'moon' }] },
    });
    expect(badTrigger.json()).toEqual({ message: "Message malformed: Invalid trigger 'moon' specified" });
    expect((await rest(sim, 'POST', '/api/config/automation/config/9002', { raw: 'nope' })).json()).toEqual({
      message: 'Invalid JSON specified',
    });
    expect((await rest(sim, 'DELETE', '/api/config/automation/config/9002')).json()).toEqual({
      message: 'Resource not found',
    });
  });
});
