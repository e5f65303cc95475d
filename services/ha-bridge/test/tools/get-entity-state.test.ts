import { describe, expect, it } from 'vitest';
import { useBridge } from '../helpers.js';

const bridge = useBridge();

describe('get_entity_state', () => {
  it("answers one entity's state with the attributes that matter for its domain", async () => {
    const answer = await bridge.call('get_entity_state', { entity_id: 'climate.living_room' });
    expect(answer.isError).toBe(false);
    expect(answer.structuredContent).toMatchObject({
      entity_id: 'climate.living_room',
      name: 'Living Room',
      state: 'heat',
      area: 'Living Room',
      attributes: { hvac_modes: ['off', 'heat', 'auto'], min_temp: 7, max_temp: 30 },
    });
    const attributes = answer.structuredContent.attributes as Record<string, unknown>;
    expect(attributes.current_temperature).toEqual(expect.any(Number));
    expect(attributes).not.toHaveProperty('supported_features');
    expect(answer.structuredContent.as_of).toEqual(expect.any(String));
  });

  it('gives every attribute with attributes=all', async () => {
    const answer = await bridge.call('get_entity_state', {
      entity_id: 'climate.living_room',
      attributes: 'all',
    });
    expect(answer.structuredContent.attributes).toHaveProperty('supported_features');
    expect(answer.structuredContent.attributes).toHaveProperty('preset_modes');
  });

  it('accepts an id in another case and reports an unknown one as not found', async () => {
    const upper = await bridge.call('get_entity_state', { entity_id: 'Light.Kitchen' });
    expect(upper.structuredContent.entity_id).toBe('light.kitchen');
    const missing = await bridge.call('get_entity_state', { entity_id: 'light.attic' });
    expect(missing).toMatchObject({
      isError: true,
      structuredContent: { error: 'entity light.attic not found' },
    });
  });

  it('refuses what is not an entity id with -32602', async () => {
    const refused = await bridge.refusal('get_entity_state', { entity_id: 'kitchen' });
    expect(refused).toMatchObject({ code: -32602, data: { param: 'entity_id' } });
  });

  it('serves a repeated read from the cache within its 10 s', async () => {
    bridge.sim.resetObservations();
    const first = await bridge.call('get_entity_state', { entity_id: 'sensor.outdoor_temperature' });
    const second = await bridge.call('get_entity_state', { entity_id: 'sensor.outdoor_temperature' });
    expect(first._meta).toBeUndefined();
    expect(second._meta).toMatchObject({ cached: true, stale: false, age_s: 0 });
    expect(bridge.sim.counters.rest['GET /api/states/{entity_id}']).toBe(1);
  });
});
