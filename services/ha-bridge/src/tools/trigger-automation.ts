import { defineTool, ToolError } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import { writeRefused } from '../ha/api.js';
import { domainOf } from '../ha/types.js';
import { HA_WRITE } from '../policy/sensitive.js';
import { entityLocks } from './call-service.js';
import {
  type Bridge,
  CATEGORY,
  entityIdArg,
  haCall,
  notFound,
  rateLimit,
  requireVisible,
  WRITE_ANNOTATIONS,
  WRITE_TIMEOUT_MS,
} from './common.js';

const InputSchema = z.object({
  entity_id: entityIdArg.describe('An automation, e.g. automation.morning_lights'),
  skip_condition: z
    .boolean()
    .default(true)
    .describe("Run the actions even if the automation's conditions fail (default true)"),
});

/** Runs an automation's actions now (automation.trigger), one run per automation at a time. */
export function createTriggerAutomationTool(bridge: Bridge) {
  return defineTool({
    name: 'trigger_automation',
    description:
      "Run an automation's actions now, as if it had triggered (skip_condition=false to check its conditions " +
      'first). Waits for Home Assistant to start it.',
    category: CATEGORY,
    input: InputSchema,
    permissions: [HA_WRITE],
    annotations: { ...WRITE_ANNOTATIONS, title: 'Trigger an automation' },
    priority: 'medium',
    timeoutMs: WRITE_TIMEOUT_MS,
    rateLimit: rateLimit(bridge.config),
    serialize: (args) => entityLocks([args.entity_id]),
    uses: bridge.breaker,
    handler: async (args, ctx) => {
      if (domainOf(args.entity_id) !== 'automation') {
        throw new ToolError(`${args.entity_id} is not an automation (automation.…)`);
      }
      requireVisible(bridge, args.entity_id);
      const { states } = bridge.link;
      if (states.loaded && !states.get(args.entity_id)) throw notFound(args.entity_id);
      try {
        await bridge.api.callService(
          'automation',
          'trigger',
          { entity_id: args.entity_id, skip_condition: args.skip_condition },
          false,
          haCall(ctx, WRITE_TIMEOUT_MS),
        );
      } catch (error) {
        throw writeRefused(error, bridge.rest.lastFailure ?? bridge.link.reason);
      }
      bridge.freshness.markWritten([args.entity_id]);
      bridge.index.changed([args.entity_id]);
      return { ok: true, entity_id: args.entity_id, skip_condition: args.skip_condition };
    },
  });
}
