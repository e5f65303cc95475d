import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HaSimulator } from '../../src/index.js';
import { type Json, rest, simulator } from '../helpers.js';
import { STATE_DICT_KEYS } from '../shapes.js';

let sim: HaSimulator;
beforeAll(async () => {
  sim = await simulator();
});
afterAll(() => sim.close());

describe('REST authentication and routing', () => {
  it('answers 401 "401: Unauthorized" as text without or with a wrong token', async () => {
    for (const token of [null, 'wrong-token']) {
      const res = await rest(sim, 'GET', '/api/', { token });
      expect(res.status).toBe(401);
      expect(res.type).toBe('text/plain; charset=utf-8');
      expect(res.text).toBe('401: Unauthorized');
    }
  });

  it('routes before authenticating: unknown paths are 404, wrong methods 405', async () => {
    expect(await rest(sim, 'GET', '/api/nothing', { token: null })).toMatchObject({
      status: 404,
      text: '404: Not Found',
    });
    expect(await rest(sim, 'PUT', '/api/states', { token: null })).toMatchObject({
      status: 405,
      text: '405: Method Not Allowed',
    });
  });

  it('GET /api/ says the API runs', async () => {
    const res = await rest(sim, 'GET', '/api/');
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/json');
    expect(res.json()).toEqual({ message: 'API running.' });
  });

  it('GET /api/config has the core configuration keys', async () => {
    const config = (await rest(sim, 'GET', '/api/config')).json() as Json;
    expect(Object.keys(config)).toEqual(
      expect.arrayContaining(['components', 'location_name', 'time_zone', 'unit_system', 'version', 'state']),
    );
    expect(config).toMatchObject({
      state: 'RUNNING',
      version: '2025.6.0',
      unit_system: { temperature: '°C' },
    });
  });
});

describe('REST states', () => {
  it('lists states and reads one, 404 {"message":"Entity not found."} otherwise', async () => {
    const all = (await rest(sim, 'GET', '/api/states')).json() as Json[];
    expect(all.length).toBe(sim.hass.states.all().length);
    const one = await rest(sim, 'GET', '/api/states/lock.front_door');
    expect(Object.keys(one.json() as Json)).toEqual(STATE_DICT_KEYS);
    const missing = await rest(sim, 'GET', '/api/states/light.attic');
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({ message: 'Entity not found.' });
  });

  it('POST /api/states creates (201 + Location) then updates (200), and refuses bad input', async () => {
    const created = await rest(sim, 'POST', '/api/states/sensor.made_up', {
      body: { state: '1', attributes: { unit_of_measurement: 'W' } },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/states/sensor.made_up');
    expect((await rest(sim, 'POST', '/api/states/sensor.made_up', { body: { state: '2' } })).status).toBe(
      200,
    );
    expect((await rest(sim, 'POST', '/api/states/sensor.made_up', { body: {} })).json()).toEqual({
      message: 'No state attribute specified.',
    });
    expect((await rest(sim, 'POST', '/api/states/not-valid', { body: { state: '1' } })).json()).toEqual({
      message: 'Invalid entity ID specified.',
    });
    expect((await rest(sim, 'POST', '/api/states/sensor.made_up', { body: [1] })).json()).toEqual({
      message: 'State data should be a JSON object',
    });
  });
});

describe('REST services', () => {
  it('GET /api/services lists domains with their services', async () => {
    const list = (await rest(sim, 'GET', '/api/services')).json() as Array<{
      domain: string;
      services: Json;
    }>;
    const light = list.find((d) => d.domain === 'light');
    expect(Object.keys(light?.services ?? {})).toEqual(['turn_on', 'turn_off', 'toggle']);
  });

  it('calls a service and answers the states it changed', async () => {
    await rest(sim, 'POST', '/api/services/light/turn_off', { body: { entity_id: 'light.office_desk' } });
    const res = await rest(sim, 'POST', '/api/services/light/turn_on', {
      body: { entity_id: 'light.office_desk', brightness: 100 },
    });
    expect(res.status).toBe(200);
    const changed = res.json() as Json[];
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({
      entity_id: 'light.office_desk',
      state: 'on',
      attributes: { brightness: 100 },
    });
    expect((changed[0] as { context: Json }).context.user_id).toBe(sim.hass.user.id);
    const noop = await rest(sim, 'POST', '/api/services/light/turn_on', {
      body: { entity_id: 'light.office_desk', brightness: 100 },
    });
    expect(noop.json()).toEqual([]);
  });

  it('answers {changed_states, service_response} with ?return_response', async () => {
    const res = await rest(sim, 'POST', '/api/services/weather/get_forecasts?return_response', {
      body: { entity_id: 'weather.home', type: 'daily' },
    });
    const body = res.json() as {
      changed_states: unknown[];
      service_response: Record<string, { forecast: unknown[] }>;
    };
    expect(body.changed_states).toEqual([]);
    expect(body.service_response['weather.home']?.forecast).toHaveLength(7);
  });

  it('has Home Assistant’s 400s: unknown service, response flags, bad JSON, bad data', async () => {
    expect(await rest(sim, 'POST', '/api/services/light/explode', { body: {} })).toMatchObject({
      status: 400,
      text: '400: Bad Request',
    });
    const flag = await rest(sim, 'POST', '/api/services/light/turn_on?return_response', { body: {} });
    expect(flag.json()).toEqual({
      message: 'Service does not support responses. Remove return_response from request.',
    });
    const only = await rest(sim, 'POST', '/api/services/weather/get_forecasts', {
      body: { entity_id: 'weather.home', type: 'daily' },
    });
    expect(only.json()).toEqual({
      message:
        'Service call requires responses but caller did not ask for responses. Add ?return_response to query parameters.',
    });
    expect((await rest(sim, 'POST', '/api/services/light/turn_on', { raw: '{nope' })).json()).toEqual({
      message: 'Data should be valid JSON.',
    });
    expect(
      await rest(sim, 'POST', '/api/services/light/turn_on', {
        body: { entity_id: 'light.kitchen', brightness_pct: 500 },
      }),
    ).toMatchObject({
      status: 400,
      text: '400: Bad Request',
    });
  });

  it('a service that raises is a 500, as aiohttp answers an unhandled error', async () => {
    const res = await rest(sim, 'POST', '/api/services/climate/set_temperature', {
      body: { entity_id: 'climate.bedroom', temperature: 99 },
    });
    expect(res.status).toBe(500);
    expect(res.text).toBe('500 Internal Server Error\n\nServer got itself in trouble');
  });

  it('refuses bodies over 1 MiB with 413', async () => {
    const res = await rest(sim, 'POST', '/api/services/light/turn_on', {
      raw: `"${'x'.repeat(1024 * 1024 + 10)}"`,
    });
    expect(res.status).toBe(413);
  });
});

describe('REST template and events', () => {
  it('renders a template as text, 400 with the error otherwise', async () => {
    const ok = await rest(sim, 'POST', '/api/template', {
      body: {
        template: "{{ states('cover.garage_door') in ['open', 'closed'] }} {{ x }}",
        variables: { x: 5 },
      },
    });
    expect(ok).toMatchObject({ status: 200, type: 'text/plain; charset=utf-8', text: 'True 5' });
    const bad = await rest(sim, 'POST', '/api/template', { body: { template: '{{ 1 + }}' } });
    expect(bad.status).toBe(400);
    expect((bad.json() as Json).message).toMatch(/^Error rendering template: TemplateSyntaxError: /);
  });

  it('fires events and lists listeners', async () => {
    const res = await rest(sim, 'POST', '/api/events/doorbell_pressed', { body: { button: 1 } });
    expect(res.json()).toEqual({ message: 'Event doorbell_pressed fired.' });
    expect((await rest(sim, 'POST', '/api/events/x', { body: [1] })).json()).toEqual({
      message: 'Event data should be a JSON object',
    });
    const listeners = (await rest(sim, 'GET', '/api/events')).json() as Array<{
      event: string;
      listener_count: number;
    }>;
    expect(listeners.find((l) => l.event === 'state_changed')?.listener_count).toBeGreaterThan(0);
  });
});
