import { describe, expect, it } from 'vitest';
import { KEYS, useBridge } from '../helpers.js';

const bridge = useBridge();

type Changed = { entity_id: string; state: string; attributes?: Record<string, unknown> }[];

describe('call_service', () => {
  it('calls a service on an entity, waits, and answers with the changed state', async () => {
    const answer = await bridge.call('call_service', {
      domain: 'light',
      service: 'turn_on',
      target: { entity_id: 'light.kitchen' },
      data: { brightness_pct: 40 },
    });
    expect(answer.isError).toBe(false);
    expect(answer.structuredContent).toMatchObject({
      ok: true,
      service: 'light.turn_on',
      entity_ids: ['light.kitchen'],
    });
    const changed = answer.structuredContent.changed as Changed;
    expect(changed).toEqual([
      expect.objectContaining({
        entity_id: 'light.kitchen',
        state: 'on',
        attributes: expect.objectContaining({ brightness: 102 }),
      }),
    ]);
    expect(bridge.sim.hass.states.get('light.kitchen')?.state).toBe('on');
  });

  it('resolves an area to its entities of the service domain and sends Home Assistant explicit ids', async () => {
    bridge.sim.resetObservations();
    const answer = await bridge.call('call_service', {
      domain: 'light',
      service: 'turn_off',
      target: { area_id: 'Kitchen' },
    });
    expect(answer.structuredContent.entity_ids).toEqual(['light.kitchen', 'light.kitchen_under_cabinet']);
    const [call] = bridge.sim.calls;
    expect(call).toMatchObject({
      domain: 'light',
      service: 'turn_off',
      entityIds: ['light.kitchen', 'light.kitchen_under_cabinet'],
    });
    expect(call?.serviceData).toEqual({ entity_id: ['light.kitchen', 'light.kitchen_under_cabinet'] });
  });

  it('sends every write to Home Assistant, never answers one from a cache', async () => {
    bridge.sim.resetObservations();
    const write = {
      domain: 'switch',
      service: 'toggle',
      target: { entity_id: 'switch.tv' },
    };
    const first = await bridge.call('call_service', write);
    const second = await bridge.call('call_service', write);
    expect([first.isError, second.isError]).toEqual([false, false]);
    expect(first._meta?.cached).toBeUndefined();
    expect(second._meta?.cached).toBeUndefined();
    expect(bridge.sim.callsFor('switch.tv').map((c) => c.service)).toEqual(['toggle', 'toggle']);
  });

  it('takes target keys inside data, comma-separated ids, and "all"', async () => {
    const inData = await bridge.call('call_service', {
      domain: 'switch',
      service: 'turn_on',
      data: { entity_id: 'switch.tv, switch.coffee_machine' },
    });
    expect(inData.structuredContent.entity_ids).toEqual(['switch.coffee_machine', 'switch.tv']);
    const all = await bridge.call('call_service', {
      domain: 'switch',
      service: 'turn_off',
      target: { entity_id: 'all' },
    });
    expect(all.structuredContent.entity_ids).toEqual([
      'switch.coffee_machine',
      'switch.garden_irrigation',
      'switch.tv',
    ]);
  });

  it("returns a service's response when asked", async () => {
    const answer = await bridge.call('call_service', {
      domain: 'weather',
      service: 'get_forecasts',
      target: { entity_id: 'weather.home' },
      data: { type: 'daily' },
      return_response: true,
    });
    expect(answer.isError).toBe(false);
    expect(answer.structuredContent.service_response).toMatchObject({
      'weather.home': { forecast: expect.any(Array) },
    });
  });

  it("reports Home Assistant's refusal and names unknown entities, areas and devices", async () => {
    const refused = await bridge.call('call_service', {
      domain: 'climate',
      service: 'set_temperature',
      target: { entity_id: 'climate.living_room' },
      data: { temperature: 45 },
    });
    // Home Assistant's REST API answers a service's own error with a bare 500.
    expect(refused.isError).toBe(true);
    expect(refused.structuredContent).toMatchObject({ reason: 'service_failed', upstream_status: 500 });
    expect(refused.structuredContent.error).toMatch(/could not run climate\.set_temperature/);
    // Not Home Assistant failing: the circuit does not count it.
    expect(bridge.health().dependency_details['home-assistant']).toMatchObject({ consecutive_failures: 0 });
    const unknownService = await bridge.call('call_service', {
      domain: 'light',
      service: 'blink',
      target: { entity_id: 'light.kitchen' },
    });
    expect(unknownService.structuredContent).toMatchObject({ reason: 'http', upstream_status: 400 });
    const unknown = await bridge.call('call_service', {
      domain: 'light',
      service: 'turn_on',
      target: { entity_id: ['light.attic', 'light.kitchen'], area_id: 'Cellar', device_id: 'nope' },
    });
    expect(unknown.structuredContent.error).toMatch(
      /entity light\.attic not found; area "Cellar" not found \(areas: .*\); device nope not found/,
    );
    expect(bridge.sim.hass.states.get('light.attic')).toBeUndefined();
  });

  it('needs ha:write', async () => {
    const refused = await bridge.refusal(
      'call_service',
      { domain: 'light', service: 'toggle', target: { entity_id: 'light.kitchen' } },
      { apiKey: KEYS.reader },
    );
    expect(refused).toMatchObject({ code: -32002, data: { required_permission: 'ha:write' } });
  });

  it('calls a service without target (a notification)', async () => {
    const answer = await bridge.call('call_service', {
      domain: 'persistent_notification',
      service: 'create',
      data: { title: 'Test', message: 'From the bridge' },
    });
    expect(answer.structuredContent).toMatchObject({ ok: true, entity_ids: [] });
  });
});
