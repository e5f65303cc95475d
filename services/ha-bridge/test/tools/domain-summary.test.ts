import { describe, expect, it } from 'vitest';
import { useBridge } from '../helpers.js';

const bridge = useBridge();

describe('domain_summary', () => {
  it('counts the entities of a domain by state and lists each in one line', async () => {
    const answer = await bridge.call('domain_summary', { domain: 'cover' });
    expect(answer.isError).toBe(false);
    const summary = answer.structuredContent as {
      total: number;
      by_state: Record<string, number>;
      entities: { entity_id: string; state: string; area?: string }[];
    };
    expect(summary.total).toBe(4);
    expect(Object.values(summary.by_state).reduce((a, b) => a + b, 0)).toBe(4);
    expect(summary.entities.find((e) => e.entity_id === 'cover.garage_door')).toMatchObject({
      area: 'Garage',
    });
    for (const entity of summary.entities) expect(summary.by_state[entity.state]).toBeGreaterThan(0);
  });

  it('gives the unit of sensors', async () => {
    const answer = await bridge.call('domain_summary', { domain: 'sensor', limit: 100 });
    const entities = answer.structuredContent.entities as { entity_id: string; unit?: string }[];
    expect(entities.find((e) => e.entity_id === 'sensor.home_power')?.unit).toBe('W');
  });

  it('answers an empty summary for a domain without entities', async () => {
    const answer = await bridge.call('domain_summary', { domain: 'vacuum' });
    expect(answer.structuredContent).toMatchObject({ total: 0, by_state: {}, entities: [] });
  });
});
