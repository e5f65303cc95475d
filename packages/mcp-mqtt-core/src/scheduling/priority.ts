import { ErrorCode, RpcError } from '../protocol/errors.js';

/** Seed 002's five levels, most urgent first. */
export const PRIORITIES = ['critical', 'high', 'medium', 'low', 'bulk'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const DEFAULT_PRIORITY: Priority = 'medium';

/** Seed 001 spells the middle level `normal`. */
const ALIASES: Record<string, Priority> = { normal: 'medium' };

/** 0 for critical … 4 for bulk. */
export function rankOf(priority: Priority): number {
  return PRIORITIES.indexOf(priority);
}

/**
 * A caller's `mcp_metadata.priority`, or undefined when absent. Anything else than one of the
 * five levels (or `normal`) is refused: a typo must not silently run at the default level.
 */
export function requestedPriority(metadata: unknown): Priority | undefined {
  if (metadata === undefined || metadata === null) return undefined;
  if (typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new RpcError(ErrorCode.InvalidParams, 'Invalid params: mcp_metadata must be an object', {
      param: 'mcp_metadata',
      expected: 'object',
      received: Array.isArray(metadata) ? 'array' : typeof metadata,
    });
  }
  const value = (metadata as { priority?: unknown }).priority;
  if (value === undefined) return undefined;
  const priority = typeof value === 'string' ? (ALIASES[value] ?? value) : value;
  if (typeof priority === 'string' && (PRIORITIES as readonly string[]).includes(priority)) {
    return priority as Priority;
  }
  const expected = `one of ${[...PRIORITIES, 'normal'].join(', ')}`;
  throw new RpcError(
    ErrorCode.InvalidParams,
    `Invalid params: mcp_metadata.priority: expected ${expected}, received ${JSON.stringify(value)}`,
    { param: 'mcp_metadata.priority', expected, received: JSON.stringify(value) ?? String(value) },
  );
}

/** Counts per level, every level present (health and metrics show zeros too). */
export function emptyByPriority(): Record<Priority, number> {
  return { critical: 0, high: 0, medium: 0, low: 0, bulk: 0 };
}
