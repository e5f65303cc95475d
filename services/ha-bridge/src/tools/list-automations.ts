import { defineTool } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import { page } from '../format/bounds.js';
import { entityName } from '../format/entity.js';
import { domainOf } from '../ha/types.js';
import { asOf, type Bridge, byEntityId, freshStates, limitArg, readTool, visibleStates } from './common.js';

export const LIST_AUTOMATIONS = 'list_automations';

const InputSchema = z.object({ limit: limitArg(100, 500) });

/** The automations: entity id, name, on/off, their config id, last run and mode. */
export function createListAutomationsTool(bridge: Bridge) {
  const key = (args: z.infer<typeof InputSchema>) => String(args.limit);
  return defineTool({
    name: LIST_AUTOMATIONS,
    description:
      'The automations: entity id, name, whether enabled (on/off), their config id, when each last ran and ' +
      'its mode. Use trigger_automation to run one.',
    ...readTool(bridge, 'Automations', 'high'),
    input: InputSchema,
    cache: { ttlMs: bridge.config.HA_CACHE_ENTITIES_TTL_S * 1000, key },
    handler: async (args, ctx) => {
      const automations = await freshStates(
        bridge,
        ctx,
        { tool: LIST_AUTOMATIONS, key: key(args) },
        (states) =>
          visibleStates(bridge, states)
            .filter((state) => domainOf(state.entity_id) === 'automation')
            .sort(byEntityId),
        (state) => state.entity_id,
      );
      const { items, total, truncated } = page(automations, args.limit);
      return {
        count: items.length,
        total,
        truncated,
        automations: items.map((state) => ({
          entity_id: state.entity_id,
          name: entityName(state, bridge.link.registries),
          state: state.state,
          ...(typeof state.attributes.id === 'string' ? { id: state.attributes.id } : {}),
          last_triggered: state.attributes.last_triggered ?? null,
          ...(typeof state.attributes.mode === 'string' ? { mode: state.attributes.mode } : {}),
        })),
        as_of: asOf(),
      };
    },
  });
}
