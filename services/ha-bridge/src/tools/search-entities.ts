import { canonicalJson, defineTool } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import { fitWithin, page } from '../format/bounds.js';
import { compactEntity, entityName } from '../format/entity.js';
import { normaliseName } from '../ha/registries.js';
import type { HaState } from '../ha/types.js';
import { asOf, type Bridge, freshStates, limitArg, readTool, visibleStates } from './common.js';
import { searchText } from './entity-query.js';

const NAME = 'search_entities';

const InputSchema = z.object({
  query: z
    .string()
    .min(1)
    .max(100)
    .describe('Words to look for: "kitchen light", "front door", "temperature"'),
  limit: limitArg(20, 100),
});

/**
 * How well an entity matches: its exact id or name first, then entities matching every word
 * (names before ids and areas), then those matching some words. 0 = no match.
 */
function score(bridge: Bridge, state: HaState, query: string, words: readonly string[]): number {
  const name = normaliseName(entityName(state, bridge.link.registries));
  if (state.entity_id === query.trim().toLowerCase() || name === normaliseName(query)) return 1000;
  const text = searchText(bridge, state);
  const found = words.filter((word) => text.includes(word));
  if (found.length === 0) return 0;
  const inName = words.filter((word) => name.includes(word)).length;
  return (found.length === words.length ? 100 : 0) + found.length * 10 + inName;
}

/** Entities ranked by how well they match free words (id, name, area). */
export function createSearchEntitiesTool(bridge: Bridge) {
  const key = (args: z.infer<typeof InputSchema>) =>
    canonicalJson({ ...args, query: normaliseName(args.query) });
  return defineTool({
    name: NAME,
    description:
      'Find entities by words in their id, name or area ("kitchen light", "front door"), best matches first, ' +
      'each with its state and area. Use it when you do not know the exact entity id.',
    ...readTool(bridge, 'Search entities', 'high'),
    input: InputSchema,
    cache: { ttlMs: bridge.config.HA_CACHE_ENTITIES_TTL_S * 1000, key },
    handler: async (args, ctx) => {
      const words = normaliseName(args.query).split(' ').filter(Boolean);
      const ranked = await freshStates(
        bridge,
        ctx,
        { tool: NAME, key: key(args) },
        (states) =>
          visibleStates(bridge, states)
            .map((state) => ({ state, score: score(bridge, state, args.query, words) }))
            .filter((match) => match.score > 0)
            .sort((a, b) => b.score - a.score || (a.state.entity_id < b.state.entity_id ? -1 : 1)),
        (match) => match.state.entity_id,
      );
      const { items, total, truncated } = page(ranked, args.limit);
      const shown = fitWithin(items.map((m) => compactEntity(m.state, bridge.link.registries)));
      return {
        query: args.query,
        count: shown.items.length,
        total,
        truncated: truncated || shown.cut,
        entities: shown.items,
        as_of: asOf(),
      };
    },
  });
}
