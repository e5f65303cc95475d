import { defineTool } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import { compactEntity } from '../format/entity.js';
import {
  asOf,
  type Bridge,
  entityIdArg,
  haCall,
  notFound,
  READ_TIMEOUT_MS,
  readTool,
  requireVisible,
} from './common.js';

const NAME = 'get_entity_state';

const InputSchema = z.object({
  entity_id: entityIdArg,
  attributes: z
    .enum(['compact', 'all'])
    .default('compact')
    .describe(
      'compact: the attributes that matter for the domain (default) · all: every attribute, each bounded',
    ),
});

/** One entity, read from Home Assistant (cached 10 s, dropped at once when it changes). */
export function createGetEntityStateTool(bridge: Bridge) {
  const key = (args: z.infer<typeof InputSchema>) => `${args.entity_id}|${args.attributes}`;
  return defineTool({
    name: NAME,
    description:
      "One entity's current state, name, area and attributes (compact by default; attributes=all for every " +
      'attribute). Always current: a change in Home Assistant drops the cached answer at once.',
    ...readTool(bridge, 'Entity state', 'critical'),
    input: InputSchema,
    cache: { ttlMs: bridge.config.HA_CACHE_STATE_TTL_S * 1000, key },
    handler: async (args, ctx) => {
      requireVisible(bridge, args.entity_id);
      const state = await bridge.freshness.read(
        () => bridge.api.state(args.entity_id, haCall(ctx, READ_TIMEOUT_MS)),
        () => [args.entity_id],
        () => bridge.invalidate(NAME, key(args)),
      );
      if (!state) throw notFound(args.entity_id);
      bridge.index.record(NAME, key(args), [args.entity_id]);
      return {
        ...compactEntity(state, bridge.link.registries, args.attributes),
        last_updated: state.last_updated,
        as_of: asOf(),
      };
    },
  });
}
