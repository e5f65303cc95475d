import { defineTool } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import { page } from '../format/bounds.js';
import { entityName } from '../format/entity.js';
import { asOf, type Bridge, domainArg, freshStates, limitArg, readTool } from './common.js';
import { matchEntities } from './entity-query.js';

const NAME = 'domain_summary';

const InputSchema = z.object({
  domain: domainArg.describe('A domain: light, switch, sensor, climate, cover…'),
  limit: limitArg(50, 200),
});

/** One domain at a glance: how many entities in each state, and each entity in one line. */
export function createDomainSummaryTool(bridge: Bridge) {
  const key = (args: z.infer<typeof InputSchema>) => `${args.domain}|${args.limit}`;
  return defineTool({
    name: NAME,
    description:
      'Summary of one domain: how many entities are in each state (e.g. lights on/off), and every entity ' +
      'with its state and area in one line (at most `limit`).',
    ...readTool(bridge, 'Domain summary', 'high'),
    input: InputSchema,
    cache: { ttlMs: bridge.config.HA_CACHE_ENTITIES_TTL_S * 1000, key },
    handler: async (args, ctx) => {
      const states = await freshStates(
        bridge,
        ctx,
        { tool: NAME, key: key(args) },
        (all) => matchEntities(bridge, all, args),
        (state) => state.entity_id,
      );
      const byState: Record<string, number> = {};
      for (const state of states) byState[state.state] = (byState[state.state] ?? 0) + 1;
      const { items, total, truncated } = page(states, args.limit);
      const { registries } = bridge.link;
      return {
        domain: args.domain,
        total,
        by_state: byState,
        truncated,
        entities: items.map((state) => ({
          entity_id: state.entity_id,
          name: entityName(state, registries),
          state: state.state,
          ...(typeof state.attributes.unit_of_measurement === 'string'
            ? { unit: state.attributes.unit_of_measurement }
            : {}),
          ...(registries.areaOf(state.entity_id) ? { area: registries.areaOf(state.entity_id)?.name } : {}),
        })),
        as_of: asOf(),
      };
    },
  });
}
