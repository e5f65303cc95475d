import type { ToolCache } from '@neurhomia/mcp-mqtt-core';
import { describe, expect, it } from 'vitest';
import { CacheIndex } from '../../src/cache/cache-index.js';

function recordingCache() {
  const dropped: string[] = [];
  const cache: ToolCache = {
    invalidate(tool, key) {
      dropped.push(key === undefined ? `${tool} *` : `${tool} ${key}`);
      return 1;
    },
  };
  return { cache, dropped };
}

describe('CacheIndex', () => {
  it('drops exactly the answers that show a changed entity', () => {
    const { cache, dropped } = recordingCache();
    const index = new CacheIndex(cache);
    index.record('get_entities', 'lights', ['light.a', 'light.b']);
    index.record('get_entities', 'sensors', ['sensor.t']);
    index.record('get_entity_state', 'light.a|compact', ['light.a']);
    expect(index.changed(['light.a'])).toBe(2);
    expect(dropped.sort()).toEqual(['get_entities lights', 'get_entity_state light.a|compact']);
    // Dropped answers are forgotten: a second change drops nothing more.
    dropped.length = 0;
    expect(index.changed(['light.a', 'light.b'])).toBe(0);
    expect(dropped).toEqual([]);
    expect(index.changed(['sensor.t'])).toBe(1);
  });

  it('drops every answer of a tool on reset', () => {
    const { cache, dropped } = recordingCache();
    const index = new CacheIndex(cache);
    index.record('get_entities', 'lights', ['light.a']);
    index.reset(['get_entities', 'search_entities']);
    expect(dropped).toEqual(['get_entities *', 'search_entities *']);
    dropped.length = 0;
    index.changed(['light.a']);
    expect(dropped).toEqual([]);
  });
});
