import { describe, expect, it } from 'vitest';
import { useBridge } from '../helpers.js';

const bridge = useBridge();

describe('list_areas', () => {
  it('lists the areas with their entities per domain, from the live registries', async () => {
    bridge.sim.resetObservations();
    const answer = await bridge.call('list_areas');
    expect(answer.isError).toBe(false);
    const areas = answer.structuredContent.areas as {
      area_id: string;
      name: string;
      aliases?: string[];
      domains: Record<string, number>;
    }[];
    expect(areas.map((a) => a.name)).toEqual([
      'Bathroom',
      'Bedroom',
      'Entrance',
      'Garage',
      'Garden',
      'Kitchen',
      'Living Room',
      'Office',
    ]);
    expect(areas.find((a) => a.area_id === 'living_room')).toMatchObject({ aliases: ['lounge'] });
    // The kitchen holds the coffee machine (an entity area) and its light (a device area).
    expect(areas.find((a) => a.area_id === 'kitchen')?.domains).toMatchObject({ light: 2, switch: 1 });
    // The alarm panel has an area and no device.
    expect(areas.find((a) => a.area_id === 'entrance')?.domains.alarm_control_panel).toBe(1);
    expect(answer.structuredContent.entities_without_area).toBeGreaterThan(0);
    // Nothing was asked of Home Assistant.
    expect(bridge.sim.counters.rest).toEqual({});
  });
});
