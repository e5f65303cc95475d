import { defineTool } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import { page } from '../format/bounds.js';
import { entityName } from '../format/entity.js';
import { domainOf } from '../ha/types.js';
import { HA_READ } from '../policy/sensitive.js';
import {
  asOf,
  type Bridge,
  byEntityId,
  CATEGORY,
  haCall,
  limitArg,
  READ_ANNOTATIONS,
  READ_TIMEOUT_MS,
  rateLimit,
  visibleStates,
} from './common.js';

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
    category: CATEGORY,
    input: InputSchema,
    permissions: [HA_READ],
    annotations: { ...READ_ANNOTATIONS, title: 'Automations' },
    priority: 'high',
    timeoutMs: READ_TIMEOUT_MS,
    rateLimit: rateLimit(bridge.config),
    coalesce: true,
    cache: { ttlMs: bridge.config.HA_CACHE_ENTITIES_TTL_S * 1000, key },
    uses: bridge.breaker,
    handler: async (args, ctx) => {
      const automations = await bridge.freshness.read(
        async () =>
          visibleStates(bridge, await bridge.api.states(haCall(ctx, READ_TIMEOUT_MS)))
            .filter((state) => domainOf(state.entity_id) === 'automation')
            .sort(byEntityId),
        (states) => states.map((s) => s.entity_id),
        () => bridge.invalidate(LIST_AUTOMATIONS, key(args)),
      );
      bridge.index.record(
        LIST_AUTOMATIONS,
        key(args),
        automations.map((s) => s.entity_id),
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
