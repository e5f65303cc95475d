import { describe, expect, it } from 'vitest';
import { useBridge } from '../helpers.js';

const bridge = useBridge();

const ids = (answer: { structuredContent: Record<string, unknown> }) =>
  (answer.structuredContent.entities as { entity_id: string }[]).map((e) => e.entity_id);

describe('search_entities', () => {
  it('puts the entities matching every word first', async () => {
    const answer = await bridge.call('search_entities', { query: 'kitchen light' });
    expect(ids(answer).slice(0, 2).sort()).toEqual(['light.kitchen', 'light.kitchen_under_cabinet']);
  });

  it('puts an exact name first', async () => {
    const answer = await bridge.call('search_entities', { query: 'Front Door' });
    expect(ids(answer)[0]).toMatch(/^(lock|binary_sensor)\.front_door$/);
    expect(ids(answer)).toContain('lock.front_door');
  });

  it('finds by area name and ignores case and accents', async () => {
    expect(ids(await bridge.call('search_entities', { query: 'GARÁGE' }))).toContain('cover.garage_door');
  });

  it('answers no match with an empty list', async () => {
    const answer = await bridge.call('search_entities', { query: 'spaceship' });
    expect(answer.structuredContent).toMatchObject({ count: 0, total: 0, entities: [] });
  });

  it('bounds the answer', async () => {
    const answer = await bridge.call('search_entities', { query: 'sensor', limit: 3 });
    expect(answer.structuredContent).toMatchObject({ count: 3, truncated: true });
  });
});
