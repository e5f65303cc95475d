import type { HassEntities, HassEntity } from 'home-assistant-js-websocket';
import { describe, expect, it } from 'vitest';
import { type EntityChange, LiveStates } from '../../src/ha/live-states.js';

const state = (entityId: string, value: string, updated = '2025-01-01T00:00:00+00:00'): HassEntity => ({
  entity_id: entityId,
  state: value,
  attributes: {},
  last_changed: updated,
  last_updated: updated,
  context: { id: 'c', parent_id: null, user_id: null },
});

describe('LiveStates', () => {
  it('reports what changed, appeared and vanished, not the first map', () => {
    const live = new LiveStates();
    const changes: EntityChange[][] = [];
    live.onChange((c) => changes.push([...c]));
    const a = state('light.a', 'off');
    const b = state('light.b', 'off');
    live.apply({ 'light.a': a, 'light.b': b });
    expect(changes).toEqual([]);
    expect(live.loaded && live.live).toBe(true);
    const a2 = state('light.a', 'on', '2025-01-01T00:01:00+00:00');
    const c = state('light.c', 'on');
    live.apply({ 'light.a': a2, 'light.c': c });
    expect(changes).toEqual([
      [
        { entityId: 'light.a', oldState: a, newState: a2 },
        { entityId: 'light.c', oldState: null, newState: c },
        { entityId: 'light.b', oldState: b, newState: null },
      ],
    ]);
    expect([...live.ids()].sort()).toEqual(['light.a', 'light.c']);
  });

  it('after a reconnection, reports only the entities that changed meanwhile', () => {
    const live = new LiveStates();
    const changes: EntityChange[][] = [];
    live.onChange((c) => changes.push([...c]));
    const map: HassEntities = { 'light.a': state('light.a', 'off'), 'light.b': state('light.b', 'off') };
    live.apply(map);
    live.disconnected();
    expect(live.live).toBe(false);
    // A new subscription sends new objects for every entity.
    live.apply({
      'light.a': state('light.a', 'off'),
      'light.b': state('light.b', 'on', '2025-01-01T00:05:00+00:00'),
    });
    expect(changes.map((batch) => batch.map((c) => c.entityId))).toEqual([['light.b']]);
    expect(live.live).toBe(true);
  });
});
