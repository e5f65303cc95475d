import { defineTool } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import { entityName } from '../format/entity.js';
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
  entity_ids: z
    .union([entityIdArg, z.array(entityIdArg).min(1).max(10)])
    .describe('One entity id or up to 10'),
  ...periodArgs,
  max_points: limitArg(100, 500).describe(
    'Most state changes listed per entity (evenly spread; default 100)',
  ),
});

interface Point {
  state: string;
  at: string;
}

/** `max` points evenly spread over `points`, the first and the last always kept. */
function spread(points: readonly Point[], max: number): Point[] {
  if (points.length <= max) return [...points];
  if (max === 1) return [points[points.length - 1] as Point];
  const step = (points.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => points[Math.round(i * step)] as Point);
}

/** min/max/mean/last of the numeric states (unavailable and unknown left out), if there are any. */
function numericSummary(points: readonly Point[]) {
  const values = points
    .filter((p) => p.state.trim() !== '')
    .map((p) => Number(p.state))
    .filter(Number.isFinite);
  // A sensor that is mostly numbers; a switch with one "1" among "on"/"off" is not.
  if (values.length === 0 || values.length < points.length / 2) return undefined;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return {
    min: round(Math.min(...values)),
    max: round(Math.max(...values)),
    mean: round(values.reduce((sum, v) => sum + v, 0) / values.length),
    last: round(values[values.length - 1] as number),
  };
}

/** State changes of a few entities over a period (default: the last 24 hours), bounded per entity. */
export function createGetHistoryTool(bridge: Bridge) {
  return defineTool({
    name: 'get_history',
    description:
      'State history of up to 10 entities over a period (default: the last 24 hours, at most 7 days): the ' +
      'state changes (evenly thinned to max_points), and min/max/mean for numeric sensors.',
    ...readTool(bridge, 'History', 'bulk'),
    timeoutMs: LONG_TIMEOUT_MS,
    input: InputSchema,
    handler: async (args, ctx) => {
      const ids = [...new Set(typeof args.entity_ids === 'string' ? [args.entity_ids] : args.entity_ids)];
      for (const id of ids) requireVisible(bridge, id);
      const { start, end } = timeRange(args.start, args.end);
      const lists = await bridge.api.history(ids, start, end, haCall(ctx, LONG_TIMEOUT_MS));
      const byEntity = new Map<string, Point[]>();
      for (const list of lists) {
        const entityId = list[0]?.entity_id;
        if (entityId)
          byEntity.set(
            entityId,
            list.map((item) => ({ state: item.state, at: item.last_changed })),
          );
      }
      const { states, registries } = bridge.link;
      return {
        start,
        end,
        entities: ids.map((entityId) => {
          const points = byEntity.get(entityId) ?? [];
          const live = states.get(entityId);
          const summary = numericSummary(points);
          const unit = live?.attributes.unit_of_measurement;
          return {
            entity_id: entityId,
            ...(live ? { name: entityName(live, registries) } : {}),
            ...(typeof unit === 'string' ? { unit } : {}),
            changes: points.length,
            truncated: points.length > args.max_points,
            points: spread(points, args.max_points),
            ...(summary ? { summary } : {}),
            ...(points.length === 0 ? { note: 'no recorded state in this period' } : {}),
          };
        }),
      };
    },
  });
}
