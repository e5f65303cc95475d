import { defineTool } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import { shortText } from '../format/bounds.js';
import {
  type Bridge,
  entityIdArg,
  haCall,
  LONG_TIMEOUT_MS,
  limitArg,
  readTool,
  requireVisible,
} from './common.js';
import { periodArgs, timeRange } from './time-range.js';

const InputSchema = z.object({
  ...periodArgs,
  entity_id: entityIdArg.optional().describe('Only the entries of this entity'),
  limit: limitArg(50, 200).describe('Most entries, the latest ones (default 50)'),
});

/**
 * The logbook (what happened, in words) over a period, latest entries kept. Entries of hidden
 * entities are left out, and so is a hidden entity named as the cause of a visible one's change.
 */
export function createGetLogbookTool(bridge: Bridge) {
  return defineTool({
    name: 'get_logbook',
    description:
      'The logbook: what happened in the home, in words ("Kitchen turned on triggered by automation Morning ' +
      'lights"), over a period (default: the last 24 hours), optionally for one entity; the latest `limit` ' +
      'entries, oldest first.',
    ...readTool(bridge, 'Logbook', 'bulk'),
    timeoutMs: LONG_TIMEOUT_MS,
    input: InputSchema,
    handler: async (args, ctx) => {
      if (args.entity_id) requireVisible(bridge, args.entity_id);
      const { start, end } = timeRange(args.start, args.end);
      const raw = await bridge.api.logbook(start, end, args.entity_id, haCall(ctx, LONG_TIMEOUT_MS));
      const { exposure } = bridge;
      const entries = raw
        .filter((entry) => !entry.entity_id || exposure.visible(entry.entity_id))
        .map((entry) => {
          const cause =
            entry.context_entity_id && exposure.visible(entry.context_entity_id) ? entry : undefined;
          const by = cause?.context_name ?? cause?.context_entity_id;
          return {
            when: typeof entry.when === 'number' ? new Date(entry.when * 1000).toISOString() : entry.when,
            ...(entry.name ? { name: shortText(entry.name, 100) } : {}),
            ...(entry.message ? { message: shortText(entry.message) } : {}),
            ...(entry.state ? { state: entry.state } : {}),
            ...(entry.entity_id ? { entity_id: entry.entity_id } : {}),
            ...(by ? { triggered_by: by } : {}),
            ...(cause?.context_event_type ? { trigger_event: cause.context_event_type } : {}),
          };
        });
      const kept = entries.slice(-args.limit);
      return {
        start,
        end,
        count: kept.length,
        total: entries.length,
        truncated: entries.length > kept.length,
        entries: kept,
      };
    },
  });
}
