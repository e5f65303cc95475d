import { describe, expect, it } from 'vitest';
import { flipState, KEYS, startBridge, useBridge } from './helpers.js';

/**
 * Exposure control: HA_ALLOW_DOMAINS and HA_DENY_ENTITIES hide entities from every tool and
 * event, as if they did not exist, and a call naming one never reaches Home Assistant.
 */
const bridge = useBridge({
  HA_ALLOW_DOMAINS: 'light,switch,sensor,cover,lock,automation,persistent_notification',
  HA_DENY_ENTITIES: 'switch.tv,sensor.*_power,light.living_room_*',
  HA_EVENT_FILTER: 'light,switch,sensor,climate',
});

const ids = (answer: { structuredContent: Record<string, unknown> }, key = 'entities') =>
  (answer.structuredContent[key] as { entity_id: string }[]).map((e) => e.entity_id);
const HIDDEN = [
  'switch.tv',
  'sensor.tv_power',
  'sensor.home_power',
  'light.living_room_ceiling',
  'climate.bedroom',
];

describe('hidden entities', () => {
  it('are absent from get_entities, search_entities and domain_summary', async () => {
    const all = ids(await bridge.call('get_entities', { limit: 200 }));
    for (const id of HIDDEN) expect(all).not.toContain(id);
    expect(new Set(all.map((id) => id.split('.')[0]))).toEqual(
      new Set(['light', 'switch', 'sensor', 'cover', 'lock', 'automation']),
    );
    expect(all).toContain('light.kitchen');
    expect(ids(await bridge.call('search_entities', { query: 'tv' }))).toEqual([]);
    const summary = await bridge.call('domain_summary', { domain: 'light' });
    expect(summary.structuredContent.total).toBe(6);
    expect((await bridge.call('domain_summary', { domain: 'climate' })).structuredContent.total).toBe(0);
  });

  it('are not found by get_entity_state and get_history, without asking Home Assistant', async () => {
    bridge.sim.resetObservations();
    for (const id of HIDDEN) {
      const answer = await bridge.call('get_entity_state', { entity_id: id });
      expect(answer.structuredContent.error).toBe(`entity ${id} not found`);
    }
    const history = await bridge.call('get_history', { entity_ids: ['light.kitchen', 'switch.tv'] });
    expect(history.structuredContent.error).toBe('entity switch.tv not found');
    expect(bridge.sim.counters.rest).toEqual({});
  });

  it('are left out of area counts and logbook entries, and of the service list', async () => {
    const areas = (await bridge.call('list_areas')).structuredContent.areas as {
      area_id: string;
      domains: Record<string, number>;
    }[];
    const living = areas.find((a) => a.area_id === 'living_room')?.domains ?? {};
    expect(living.light).toBeUndefined();
    expect(living.climate).toBeUndefined();
    expect(living.switch).toBeUndefined();
    const logbook = await bridge.call('get_logbook', { limit: 200 });
    const logged = (logbook.structuredContent.entries as { entity_id?: string }[]).map((e) => e.entity_id);
    for (const id of HIDDEN) expect(logged).not.toContain(id);
    const services = (await bridge.call('get_services')).structuredContent.domains as { domain: string }[];
    expect(services.map((s) => s.domain)).not.toContain('climate');
    expect(services.map((s) => s.domain)).not.toContain('homeassistant');
  });

  it('cannot be targeted by call_service: named, in an area, or by "all"', async () => {
    bridge.sim.resetObservations();
    const named = await bridge.call('call_service', {
      domain: 'switch',
      service: 'turn_on',
      target: { entity_id: 'switch.tv' },
    });
    expect(named.structuredContent.error).toMatch(/entity switch\.tv not found/);
    const area = await bridge.call('call_service', {
      domain: 'light',
      service: 'turn_off',
      target: { area_id: 'Living Room' },
    });
    expect(area.structuredContent.error).toBe('the target of light.turn_off matches no visible entity');
    const all = await bridge.call('call_service', {
      domain: 'switch',
      service: 'turn_off',
      target: { entity_id: 'all' },
    });
    expect(all.structuredContent.entity_ids).toEqual(['switch.coffee_machine', 'switch.garden_irrigation']);
    const domain = await bridge.call('call_service', {
      domain: 'climate',
      service: 'set_temperature',
      target: { entity_id: 'climate.bedroom' },
    });
    expect(domain.structuredContent.error).toBe('service climate.set_temperature not found');
    // Only the visible switches were touched.
    expect(bridge.sim.calls.flatMap((c) => c.entityIds)).toEqual([
      'switch.coffee_machine',
      'switch.garden_irrigation',
    ]);
  });

  it('publish no state_changed event', async () => {
    bridge.server.events.length = 0;
    flipState(bridge.sim, 'switch.tv');
    bridge.sim.setState('sensor.home_power', '999.9');
    flipState(bridge.sim, 'switch.garden_irrigation');
    await expect.poll(() => bridge.server.events.length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bridge.server.events.map((e) => e.payload.entity_id)).toEqual(['switch.garden_irrigation']);
  });
});

describe('sensitive entities', () => {
  it('need ha:admin to be written: locks, alarm panels, garage doors, gates', async () => {
    bridge.sim.resetObservations();
    const cases = [
      { domain: 'lock', service: 'unlock', target: { entity_id: 'lock.front_door' } },
      { domain: 'cover', service: 'open_cover', target: { entity_id: 'cover.garage_door' } },
      { domain: 'cover', service: 'open_cover', target: { entity_id: 'cover.driveway_gate' } },
      // Through an area: the garage's cover is the garage door.
      { domain: 'cover', service: 'open_cover', target: { area_id: 'Garage' } },
      // Named inside data rather than target.
      { domain: 'lock', service: 'unlock', data: { entity_id: 'lock.front_door' } },
    ];
    for (const args of cases) {
      expect(await bridge.refusal('call_service', args)).toMatchObject({
        code: -32002,
        data: { required_permission: 'ha:admin' },
      });
    }
    // None of them reached Home Assistant.
    expect(bridge.sim.calls).toEqual([]);
    const admin = await bridge.call('call_service', cases[0] as Record<string, unknown>, {
      apiKey: KEYS.admin,
    });
    expect(admin.structuredContent).toMatchObject({ ok: true, entity_ids: ['lock.front_door'] });
    expect(bridge.sim.hass.states.get('lock.front_door')?.state).toBe('unlocked');
  });

  it('do not include blinds and shutters, and reading a lock needs ha:read only', async () => {
    const blinds = await bridge.call('call_service', {
      domain: 'cover',
      service: 'close_cover',
      target: { entity_id: 'cover.living_room_blinds' },
    });
    expect(blinds.isError).toBe(false);
    const lock = await bridge.call(
      'get_entity_state',
      { entity_id: 'lock.front_door' },
      { apiKey: KEYS.reader },
    );
    expect(lock.isError).toBe(false);
  });
});

describe('HA_READ_ONLY', () => {
  it('removes every write tool from the list and refuses them', async () => {
    await using readOnly = await startBridge({ HA_READ_ONLY: 'true' });
    const listed = (await readOnly.server.request('tools/list', {}, { apiKey: KEYS.admin })).result as {
      tools: { name: string }[];
    };
    const names = listed.tools.map((t) => t.name);
    expect(names).not.toContain('call_service');
    expect(names).not.toContain('create_automation');
    expect(names).not.toContain('trigger_automation');
    expect(names).toContain('get_entities');
    readOnly.sim.resetObservations();
    const refused = await readOnly.refusal(
      'call_service',
      { domain: 'light', service: 'turn_on', target: { entity_id: 'light.kitchen' } },
      { apiKey: KEYS.admin },
    );
    expect(refused).toMatchObject({ code: -32002, data: { reason: 'read_only' } });
    expect(refused.message).toMatch(/read-only \(HA_READ_ONLY=true\)/);
    expect(readOnly.sim.calls).toEqual([]);
  });
});

describe('services that act on Home Assistant itself', () => {
  it('need ha:admin', async () => {
    await using open = await startBridge();
    open.sim.resetObservations();
    const refused = await open.refusal('call_service', { domain: 'homeassistant', service: 'restart' });
    expect(refused).toMatchObject({ code: -32002, data: { required_permission: 'ha:admin' } });
    expect(open.sim.calls).toEqual([]);
  });
});
