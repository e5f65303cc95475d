import { canonicalJson, defineTool } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import { fitWithin, page } from '../format/bounds.js';
import { compactEntity } from '../format/entity.js';
import { areaArg, asOf, type Bridge, domainArg, freshStates, limitArg, readTool } from './common.js';
import { matchEntities } from './entity-query.js';

const NAME = 'get_entities';

const InputSchema = z.object({
  domain: domainArg.optional().describe('Only this domain, e.g. light, switch, sensor'),
  area: areaArg.optional(),
  search: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('Words that must all appear in the id, name or area'),
  limit: limitArg(50, 200),
});

/** Entities, filtered by domain, area and words; compact, sorted by id, at most `limit`. */
export function createGetEntitiesTool(bridge: Bridge) {
  const key = (args: z.infer<typeof InputSchema>) => canonicalJson(args);
  return defineTool({
    name: NAME,
    description:
      'List Home Assistant entities with their state, name, area and key attributes. Filter by domain ' +
      '(light, switch, sensor…), area (name or id) and search words; sorted by entity id, at most `limit` ' +
      '(default 50), with `total` and `truncated` telling what was left out.',
    ...readTool(bridge, 'Entities', 'high'),
    input: InputSchema,
    cache: { ttlMs: bridge.config.HA_CACHE_ENTITIES_TTL_S * 1000, key },
    handler: async (args, ctx) => {
      const matched = await freshStates(
        bridge,
        ctx,
        { tool: NAME, key: key(args) },
        (states) => matchEntities(bridge, states, args),
        (state) => state.entity_id,
      );
      const { items, total, truncated } = page(matched, args.limit);
      const shown = fitWithin(items.map((state) => compactEntity(state, bridge.link.registries)));
      return {
        count: shown.items.length,
        total,
        truncated: truncated || shown.cut,
        entities: shown.items,
        as_of: asOf(),
      };
    },
  });
}
