import {
  type AnyTool,
  type ConcurrencyLimit,
  ErrorCode,
  type RateLimitOptions,
  RpcError,
  type ToolAnnotations,
} from '@neurhomia/mcp-mqtt-core';
import type { DockerManagerConfig } from '../config.js';
import type { Engine } from '../docker/engine.js';
import type { SafetyPolicy } from '../safety/policy.js';

/** What every tool of the service is built from. */
export interface DockerDeps {
  engine: Engine;
  policy: SafetyPolicy;
  config: DockerManagerConfig;
  /** The engine's concurrency limit (DOCKER_CONCURRENCY), a priority queue behind it. */
  limit: ConcurrencyLimit;
}

export const CATEGORY = 'docker';
export const DOCKER_READ = ['docker:read'] as const;
export const DOCKER_ADMIN = ['docker:admin'] as const;

export const READ_ANNOTATIONS: ToolAnnotations = { readOnlyHint: true, openWorldHint: false };
export const WRITE_ANNOTATIONS: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: true,
  openWorldHint: false,
};

/** Reads: a dashboard refreshing every few seconds fits; a scraper looping on logs does not. */
export const READ_RATE_LIMIT: RateLimitOptions = { capacity: 60, refillPerSecond: 5 };
/** Writes: a burst of 20 (a stack restarted container by container), then one every 2 s. */
export const WRITE_RATE_LIMIT: RateLimitOptions = { capacity: 20, refillPerSecond: 0.5 };
/** Above the Engine API deadline, so that the engine's own timeout is what callers see. */
export const READ_TIMEOUT_MS = 30_000;

/**
 * What every read tool shares: docker:read, read-only hints, the read rate limit and deadline,
 * identical concurrent calls coalesced, and the engine's concurrency limit.
 */
export function readTool(deps: Pick<DockerDeps, 'limit'>, title: string) {
  return {
    category: CATEGORY,
    permissions: DOCKER_READ,
    annotations: { ...READ_ANNOTATIONS, title },
    timeoutMs: READ_TIMEOUT_MS,
    rateLimit: READ_RATE_LIMIT,
    coalesce: true,
    uses: deps.limit,
  } as const;
}

/**
 * A tool that changes something. With DOCKER_READ_ONLY=true it is not listed (tools/list,
 * discovery) and a call is refused with -32002, `data.reason: "read_only"` — before anything
 * is looked up on the engine.
 */
export function mutating(tool: AnyTool, readOnly: boolean): AnyTool {
  if (!readOnly) return tool;
  const { serialize: _serialize, ...rest } = tool;
  return {
    ...rest,
    listed: false,
    handler: () => {
      throw new RpcError(
        ErrorCode.Forbidden,
        `Forbidden: ${tool.name} is disabled, the service runs read-only (DOCKER_READ_ONLY=true)`,
        { reason: 'read_only', tool: tool.name },
      );
    },
  };
}

/** At most `max` items, and whether some were left out. */
export function bounded<T>(
  items: readonly T[],
  max: number,
): { items: T[]; total: number; truncated: boolean } {
  return { items: items.slice(0, max), total: items.length, truncated: items.length > max };
}

/** Unix seconds → RFC 3339 (null for the engine's "never", 0). */
export function isoFromSeconds(seconds: number | undefined): string | null {
  return seconds ? new Date(seconds * 1000).toISOString() : null;
}

/** The engine's zero time (`0001-01-01T00:00:00Z`) means "never": null. */
export function isoOrNull(text: string | undefined): string | null {
  return !text || text.startsWith('0001-01-01') ? null : text;
}

/** A string cut to `max` characters, with a mark when it was. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… [${text.length - max} more characters]` : text;
}
