import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HaSimulator } from '../../src/index.js';
import { type Json, RawClient, simulator } from '../helpers.js';

let sim: HaSimulator;
let client: RawClient;
beforeAll(async () => {
  sim = await simulator();
});
afterAll(() => sim.close());
beforeEach(async () => {
  client = await RawClient.authenticated(sim);
});
afterEach(() => client.close());

describe('reading', () => {
  it('get_states, get_config, get_services answer the same as the core holds', async () => {
    const states = (await client.command({ id: 1, type: 'get_states' })).result as Json[];
    expect(states.length).toBe(sim.hass.states.all().length);
    expect(states.find((s) => s.entity_id === 'sun.sun')).toMatchObject({
      attributes: { friendly_name: 'Sun' },
    });
    const config = (await client.command({ id: 2, type: 'get_config' })).result as Json;
    expect(config.location_name).toBe('Home');
    const services = (await client.command({ id: 3, type: 'get_services' })).result as Record<
      string,
      Record<string, Json>
    >;
    expect(services.light?.turn_on?.fields).toHaveProperty('brightness_pct');
    expect(services.weather?.get_forecasts?.response).toEqual({ optional: false });
  });

  it('lists areas, devices and entities with the registries’ field names', async () => {
    const areas = (await client.command({ id: 1, type: 'config/area_registry/list' })).result as Json[];
    expect(areas.map((a) => a.area_id)).toContain('garage');
    expect(Object.keys(areas[0] ?? {}).sort()).toEqual(
      [
        'aliases',
        'area_id',
        'created_at',
        'floor_id',
        'humidity_entity_id',
        'icon',
        'labels',
        'modified_at',
        'name',
        'picture',
        'temperature_entity_id',
      ].sort(),
    );
    const devices = (await client.command({ id: 2, type: 'config/device_registry/list' })).result as Json[];
    const entities = (await client.command({ id: 3, type: 'config/entity_registry/list' })).result as Json[];
    const coffee = entities.find((e) => e.entity_id === 'switch.coffee_machine');
    const plug = devices.find((d) => d.id === coffee?.device_id);
    expect(coffee).toMatchObject({ area_id: 'kitchen', platform: 'shelly', has_entity_name: true });
    expect(plug).toMatchObject({ area_id: 'office', manufacturer: 'Shelly', name: 'Smart Plug 1' });
    const kitchen = entities.find((e) => e.entity_id === 'light.kitchen');
    expect(kitchen?.area_id).toBeNull();
    expect(devices.find((d) => d.id === kitchen?.device_id)?.area_id).toBe('kitchen');
    for (const key of [
      'unique_id',
      'config_entry_id',
      'disabled_by',
      'entity_category',
      'original_name',
      'translation_key',
      'labels',
      'options',
    ]) {
      expect(coffee).toHaveProperty(key);
    }
  });

  it('history/history_during_period answers compressed rows by entity', async () => {
    const start = new Date(Date.now() - 6 * 3600_000).toISOString();
    const res = await client.command({
      id: 1,
      type: 'history/history_during_period',
      start_time: start,
      entity_ids: ['sensor.outdoor_temperature'],
      minimal_response: true,
    });
    const rows = (res.result as Record<string, Json[]>)['sensor.outdoor_temperature'] ?? [];
    expect(rows[0]).toMatchObject({
      s: expect.any(String),
      a: { unit_of_measurement: '°C' },
      lu: expect.any(Number),
    });
    expect(Object.keys(rows[1] ?? {})).toEqual(['s', 'lu']);
    expect(
      (
        await client.command({
          id: 2,
          type: 'history/history_during_period',
          start_time: 'x',
          entity_ids: [],
        })
      ).error,
    ).toEqual({
      code: 'invalid_start_time',
      message: 'Invalid start_time',
    });
  });

  it('logbook/get_events answers entries with float timestamps', async () => {
    const start = new Date(Date.now() - 47 * 3600_000).toISOString();
    const res = await client.command({
      id: 1,
      type: 'logbook/get_events',
      start_time: start,
      entity_ids: ['lock.front_door'],
    });
    const entries = res.result as Json[];
    expect(entries.length).toBeGreaterThan(0);
    expect(entries[0]).toMatchObject({ entity_id: 'lock.front_door', when: expect.any(Number) });
  });
});

describe('call_service', () => {
  it('answers once the service ran, with the context of the change', async () => {
    sim.setState('cover.living_room_blinds', 'open'); // the seeded blinds are closed at night
    const res = await client.command({
      id: 1,
      type: 'call_service',
      domain: 'cover',
      service: 'close_cover',
      target: { entity_id: 'cover.living_room_blinds' },
    });
    expect(res.success).toBe(true);
    const context = (res.result as { context: Json }).context;
    expect(context).toEqual({
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      parent_id: null,
      user_id: sim.hass.user.id,
    });
    expect(sim.hass.states.get('cover.living_room_blinds')?.state).toBe('closed');
    expect(sim.hass.states.get('cover.living_room_blinds')?.context.id).toBe(context.id);
  });

  it('returns the response with return_response, and Home Assistant’s errors otherwise', async () => {
    const res = await client.command({
      id: 1,
      type: 'call_service',
      domain: 'weather',
      service: 'get_forecasts',
      service_data: { type: 'daily' },
      target: { entity_id: 'weather.home' },
      return_response: true,
    });
    expect(Object.keys((res.result as Json).response as Json)).toEqual(['weather.home']);
    expect(
      (await client.command({ id: 2, type: 'call_service', domain: 'light', service: 'fly' })).error,
    ).toEqual({
      code: 'not_found',
      message: 'Service light.fly not found.',
      translation_key: 'service_not_found',
      translation_placeholders: { domain: 'light', service: 'fly' },
      translation_domain: 'homeassistant',
    });
    expect(
      (
        await client.command({
          id: 3,
          type: 'call_service',
          domain: 'light',
          service: 'turn_on',
          return_response: true,
        })
      ).error,
    ).toMatchObject({
      code: 'service_validation_error',
      message:
        "Validation error: An action which does not return responses can't be called with return_response=True.",
      translation_key: 'service_does_not_support_response',
    });
    expect(
      (
        await client.command({
          id: 4,
          type: 'call_service',
          domain: 'light',
          service: 'turn_on',
          service_data: { brightness_pct: 'bright' },
        })
      ).error,
    ).toEqual({
      code: 'invalid_format',
      message: "expected float for dictionary value @ data['brightness_pct']",
    });
    expect(
      (
        await client.command({
          id: 5,
          type: 'call_service',
          domain: 'weather',
          service: 'get_forecasts',
          service_data: { type: 'twice_daily' },
          target: { entity_id: 'weather.home' },
          return_response: true,
        })
      ).error,
    ).toEqual({
      code: 'home_assistant_error',
      message: "Weather entity 'weather.home' does not support 'twice_daily' forecast",
    });
  });
});

describe('subscriptions', () => {
  it('subscribe_entities sends everything, then compressed diffs with +, - and r', async () => {
    const result = await client.command({ id: 7, type: 'subscribe_entities' });
    expect(result).toEqual({ id: 7, type: 'result', success: true, result: null });
    const initial = (await client.next((m) => m.id === 7 && m.type === 'event')).event as {
      a: Record<string, Json>;
    };
    expect(Object.keys(initial.a).length).toBe(sim.hass.states.all().length);
    const lamp = initial.a['light.living_room_floor_lamp'];
    expect(Object.keys(lamp ?? {}).filter((k) => k !== 'lu')).toEqual(['s', 'a', 'c', 'lc']);

    const from = client.messages.length;
    // Off by an outside change (no user): the call's diff then carries its user and context id.
    sim.setState('light.living_room_floor_lamp', 'off', {
      supported_color_modes: ['brightness'],
      color_mode: null,
      brightness: null,
      friendly_name: 'Floor Lamp',
      supported_features: 32,
    });
    const call = await client.command({
      id: 9,
      type: 'call_service',
      domain: 'light',
      service: 'turn_on',
      target: { entity_id: 'light.living_room_floor_lamp' },
      service_data: { brightness: 42 },
    });
    const diff = (
      await client.next(
        (m) => m.id === 7 && m.type === 'event' && JSON.stringify(m.event).includes('"brightness":42'),
        { from },
      )
    ).event as {
      c: Record<string, { '+': Json }>;
    };
    const plus = diff.c['light.living_room_floor_lamp']?.['+'];
    expect(plus).toMatchObject({
      s: 'on',
      lc: expect.any(Number),
      a: { brightness: 42, color_mode: 'brightness' },
    });
    expect(plus?.c).toEqual({ user_id: sim.hass.user.id, id: ((call.result as Json).context as Json).id });
    expect(plus).not.toHaveProperty('lu');

    sim.setState('light.living_room_floor_lamp', 'on', {
      friendly_name: 'Floor Lamp',
      supported_color_modes: ['brightness'],
    });
    const removal = (
      await client.next((m) => m.id === 7 && m.type === 'event' && JSON.stringify(m.event).includes('"-"'), {
        from,
      })
    ).event as {
      c: Record<string, { '+': Json; '-': { a: string[] } }>;
    };
    const change = removal.c['light.living_room_floor_lamp'];
    expect(change?.['-'].a.sort()).toEqual(['brightness', 'color_mode', 'supported_features']);
    expect(change?.['+']).toHaveProperty('lu');
    expect(change?.['+']).not.toHaveProperty('lc');

    await fetch(`${sim.url}/api/states/light.living_room_floor_lamp`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${sim.token}` },
    });
    expect(
      (await client.next((m) => m.id === 7 && JSON.stringify(m.event).includes('"r"'), { from })).event,
    ).toEqual({ r: ['light.living_room_floor_lamp'] });
  });

  it('subscribe_entities with entity_ids only sends those', async () => {
    await client.command({ id: 1, type: 'subscribe_entities', entity_ids: ['switch.tv'] });
    const initial = (await client.next((m) => m.id === 1 && m.type === 'event')).event as { a: Json };
    expect(Object.keys(initial.a)).toEqual(['switch.tv']);
    const from = client.messages.length;
    sim.setState('switch.coffee_machine', 'on');
    sim.setState('switch.tv', sim.hass.states.get('switch.tv')?.state === 'on' ? 'off' : 'on');
    const next = await client.next((m) => m.id === 1 && m.type === 'event', { from });
    expect(Object.keys((next.event as { c: Json }).c)).toEqual(['switch.tv']);
  });

  it('subscribe_events forwards state_changed as Event.as_dict, until unsubscribed', async () => {
    await client.command({ id: 1, type: 'subscribe_events', event_type: 'state_changed' });
    let from = client.messages.length;
    sim.setState('input_boolean.guest_mode', 'on');
    const event = (await client.next((m) => m.id === 1 && m.type === 'event', { from })).event as Json;
    expect(Object.keys(event)).toEqual(['event_type', 'data', 'origin', 'time_fired', 'context']);
    expect(event).toMatchObject({
      event_type: 'state_changed',
      origin: 'LOCAL',
      data: { entity_id: 'input_boolean.guest_mode', new_state: { state: 'on' } },
    });
    expect(await client.command({ id: 2, type: 'unsubscribe_events', subscription: 1 })).toMatchObject({
      success: true,
    });
    expect((await client.command({ id: 3, type: 'unsubscribe_events', subscription: 1 })).error).toEqual({
      code: 'not_found',
      message: 'Subscription not found.',
    });
    from = client.messages.length;
    sim.setState('input_boolean.guest_mode', 'off');
    expect((await client.command({ id: 4, type: 'ping' })).type).toBe('pong');
    expect(client.messages.slice(from).filter((m) => m.type === 'event')).toEqual([]);
  });

  it('render_template answers null, then the result and listeners, and renders again on change', async () => {
    expect(
      await client.command({
        id: 1,
        type: 'render_template',
        template: "{{ states('switch.tv') }} {{ 1 + 1 }}",
      }),
    ).toMatchObject({ success: true, result: null });
    const first = (await client.next((m) => m.id === 1 && m.type === 'event')).event as Json;
    expect(first).toEqual({
      result: `${sim.hass.states.get('switch.tv')?.state} 2`,
      listeners: { all: false, entities: ['switch.tv'], domains: [], time: false },
    });
    const from = client.messages.length;
    sim.setState('switch.tv', sim.hass.states.get('switch.tv')?.state === 'on' ? 'off' : 'on');
    const again = (await client.next((m) => m.id === 1 && m.type === 'event', { from })).event as Json;
    expect(again.result).toBe(`${sim.hass.states.get('switch.tv')?.state} 2`);
    await client.command({ id: 2, type: 'render_template', template: '{{ 20 + 1.5 }}' });
    expect(((await client.next((m) => m.id === 2 && m.type === 'event')).event as Json).result).toBe(21.5);
    await client.command({ id: 3, type: 'render_template', template: '{{ 1 + }}', report_errors: true });
    expect(((await client.next((m) => m.id === 3 && m.type === 'event')).event as Json).error).toMatch(
      /^TemplateSyntaxError/,
    );
  });
});
