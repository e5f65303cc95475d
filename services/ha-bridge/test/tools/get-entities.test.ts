import { describe, expect, it } from 'vitest';
import { useBridge } from '../helpers.js';

const bridge = useBridge();

type Entity = {
  entity_id: string;
  name: string;
  state: string;
  area?: string;
  attributes?: Record<string, unknown>;
};
const entitiesOf = (answer: { structuredContent: Record<string, unknown> }) =>
  answer.structuredContent.entities as Entity[];

describe('get_entities', () => {
  it("lists a domain's entities, compact, sorted, with their area", async () => {
    const answer = await bridge.call('get_entities', { domain: 'light' });
    expect(answer.isError).toBe(false);
    const lights = entitiesOf(answer);
    expect(lights.map((e) => e.entity_id)).toEqual([
      'light.bedroom',
      'light.entrance_porch',
      'light.garden',
      'light.kitchen',
      'light.kitchen_under_cabinet',
      'light.living_room_ceiling',
      'light.living_room_floor_lamp',
      'light.office_desk',
    ]);
    expect(answer.structuredContent).toMatchObject({ count: 8, total: 8, truncated: false });
    // The area comes from the device (light.kitchen has no area of its own).
    expect(lights.find((e) => e.entity_id === 'light.kitchen')).toMatchObject({
      name: 'Kitchen',
      area: 'Kitchen',
    });
    // Compact: no supported_features, no icon, no friendly_name repeated.
    for (const light of lights) {
      expect(Object.keys(light.attributes ?? {})).not.toContain('supported_features');
      expect(Object.keys(light.attributes ?? {})).not.toContain('friendly_name');
    }
  });

  it('filters by area name or id, an entity area winning over its device area', async () => {
    const byName = entitiesOf(await bridge.call('get_entities', { area: 'Kitchen' })).map((e) => e.entity_id);
    const byId = entitiesOf(await bridge.call('get_entities', { area: 'kitchen' })).map((e) => e.entity_id);
    expect(byName).toEqual(byId);
    // The coffee machine's plug is a device of the office; the switch itself is in the kitchen.
    expect(byName).toContain('switch.coffee_machine');
    expect(byName).toContain('light.kitchen');
    expect(
      entitiesOf(await bridge.call('get_entities', { area: 'Office' })).map((e) => e.entity_id),
    ).not.toContain('switch.coffee_machine');
    // An alias works too.
    const lounge = entitiesOf(await bridge.call('get_entities', { area: 'lounge', domain: 'light' }));
    expect(lounge.map((e) => e.entity_id)).toEqual([
      'light.living_room_ceiling',
      'light.living_room_floor_lamp',
    ]);
  });

  it('names the known areas when an area does not exist', async () => {
    const answer = await bridge.call('get_entities', { area: 'Attic' });
    expect(answer.isError).toBe(true);
    expect(answer.structuredContent.error).toMatch(/area "Attic" not found \(areas: Bathroom, Bedroom/);
  });

  it('matches every search word against id, name and area', async () => {
    const answer = await bridge.call('get_entities', { search: 'living temperature' });
    expect(entitiesOf(answer).map((e) => e.entity_id)).toEqual(['sensor.living_room_temperature']);
  });

  it('bounds the answer with limit, total and truncated', async () => {
    const answer = await bridge.call('get_entities', { limit: 5 });
    expect(answer.structuredContent).toMatchObject({ count: 5, truncated: true });
    expect(answer.structuredContent.total).toBeGreaterThan(40);
    const all = await bridge.call('get_entities', { limit: 200 });
    expect(JSON.stringify(all.structuredContent).length).toBeLessThan(40_000);
  });

  it('refuses a limit out of range with -32602', async () => {
    const refused = await bridge.refusal('get_entities', { limit: 1000 });
    expect(refused).toMatchObject({ code: -32602, data: { param: 'limit' } });
  });
});
