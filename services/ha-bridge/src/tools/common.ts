import {
  type CircuitBreaker,
  type Priority,
  type RateLimitOptions,
  type ToolAnnotations,
  type ToolContext,
  ToolError,
} from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import type { CacheIndex } from '../cache/cache-index.js';
import type { Freshness } from '../cache/freshness.js';
import type { HaBridgeConfig } from '../config.js';
import type { Call, HaApi } from '../ha/api.js';
import type { HaLink } from '../ha/link.js';
import type { HaRest } from '../ha/rest.js';
import type { HaState } from '../ha/types.js';
import type { Exposure } from '../policy/exposure.js';
import { ENTITY_ID } from '../policy/patterns.js';
import { HA_READ } from '../policy/sensitive.js';

/** Everything the tools share: Home Assistant's API and live view, the rules, the cache helpers. */
export interface Bridge {
  config: HaBridgeConfig;
  api: HaApi;
  rest: HaRest;
  link: HaLink;
  breaker: CircuitBreaker;
  exposure: Exposure;
  index: CacheIndex;
  freshness: Freshness;
  /** Drops one cached answer of a tool (the core's cache). */
  invalidate(tool: string, key?: string): void;
}

export const CATEGORY = 'home-assistant';

export const READ_ANNOTATIONS: ToolAnnotations = { readOnlyHint: true, openWorldHint: true };
export const WRITE_ANNOTATIONS: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  openWorldHint: true,
};

/** Seed 002's timeouts: reads 10 s, service calls 30 s, automations and bulk reads 60 s. */
export const READ_TIMEOUT_MS = 10_000;
export const WRITE_TIMEOUT_MS = 30_000;
export const LONG_TIMEOUT_MS = 60_000;

/** The HTTP deadline inside a tool: a second under its timeout, so Home Assistant's own timeout is what callers see. */
export function haCall(ctx: Pick<ToolContext, 'signal'>, toolTimeoutMs: number): Call {
  return { signal: ctx.signal, timeoutMs: toolTimeoutMs - 1_000 };
}

export function rateLimit(config: HaBridgeConfig): RateLimitOptions {
  return { capacity: config.HA_RATE_LIMIT_BURST, refillPerSecond: config.HA_RATE_LIMIT_PER_S };
}

export const entityIdArg = z
  .string()
  .min(3)
  .max(255)
  .transform((id) => id.trim().toLowerCase())
  .pipe(z.string().regex(ENTITY_ID, 'must be an entity id like light.kitchen'))
  .describe('An entity id, e.g. light.kitchen');

export const domainArg = z
  .string()
  .min(1)
  .max(64)
  .transform((domain) => domain.trim().toLowerCase())
  .pipe(z.string().regex(/^[a-z0-9_]+$/, 'must be a domain like light or sensor'));

export const areaArg = z.string().min(1).max(100).describe("An area's name or id, e.g. Kitchen or kitchen");

export function limitArg(fallback: number, max: number) {
  return z
    .number()
    .int()
    .min(1)
    .max(max)
    .default(fallback)
    .describe(`Most items in the answer (default ${fallback}, at most ${max})`);
}

/** An entity the caller may see, or the same "not found" as for one that does not exist. */
export function requireVisible(bridge: Bridge, entityId: string): void {
  if (!bridge.exposure.visible(entityId)) throw notFound(entityId);
}

export function notFound(entityId: string): ToolError {
  return new ToolError(`entity ${entityId} not found`, { data: { entity_id: entityId } });
}

export function visibleStates(bridge: Bridge, states: readonly HaState[]): HaState[] {
  return states.filter((state) => bridge.exposure.visible(state.entity_id));
}

export function byEntityId(a: { entity_id: string }, b: { entity_id: string }): number {
  return a.entity_id < b.entity_id ? -1 : a.entity_id > b.entity_id ? 1 : 0;
}

/** When the answer's data was read from Home Assistant; a stale answer (circuit open) shows its age by it. */
export function asOf(): string {
  return new Date().toISOString();
}

/** What every read of Home Assistant shares: scope, hints, timeout, rate limit, coalescing, slots. */
export function readTool(bridge: Bridge, title: string, priority: Priority) {
  return {
    category: CATEGORY,
    permissions: [HA_READ],
    annotations: { ...READ_ANNOTATIONS, title },
    priority,
    timeoutMs: READ_TIMEOUT_MS,
    rateLimit: rateLimit(bridge.config),
    coalesce: true,
    uses: bridge.breaker,
  };
}

/**
 * `GET /api/states` narrowed by `select`, kept fresh (see Freshness), and the entities of the
 * answer recorded under the cache key the core stores it with: a change to one of them drops it.
 */
export async function freshStates<T>(
  bridge: Bridge,
  ctx: Pick<ToolContext, 'signal'>,
  answer: { tool: string; key: string },
  select: (states: HaState[]) => T[],
  entityOf: (item: T) => string,
): Promise<T[]> {
  const items = await bridge.freshness.read(
    async () => select(await bridge.api.states(haCall(ctx, READ_TIMEOUT_MS))),
    (selected) => selected.map(entityOf),
    () => bridge.invalidate(answer.tool, answer.key),
  );
  bridge.index.record(answer.tool, answer.key, items.map(entityOf));
  return items;
}
