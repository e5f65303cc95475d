import type { Logger } from 'pino';
import type { z } from 'zod';
import type { CoreConfig } from '../config.js';
import type { RequestId } from '../protocol/jsonrpc.js';
import type { CircuitBreaker, CircuitBreakerOptions } from '../safety/circuit-breaker.js';
import type { ConcurrencyLimit, ConcurrencyLimitOptions } from '../scheduling/concurrency-limit.js';
import type { Priority } from '../scheduling/priority.js';

export type { Logger } from 'pino';

/** MCP tool annotations (hints for the assistant; the core enforces nothing from them). */
export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** Who is calling: the API key id when authenticated, else the client segment of its topic. */
export interface Caller {
  /** Stable key for per-caller limits and the audit trail. Never the API key itself. */
  id: string;
  keyId: string | undefined;
  /** The client the key belongs to (`name:key=…` in MCP_API_KEYS), when the key names one. */
  owner?: string | undefined;
  scopes: readonly string[];
}

export interface ToolContext {
  /**
   * Aborted when the call's timeout fires, the caller cancels it (`notifications/cancelled`) or
   * the service shuts down: pass it to I/O. A coalesced call's signal aborts only when every
   * caller sharing it has gone.
   */
  signal: AbortSignal;
  logger: Logger;
  caller: Caller;
  requestId: RequestId | null;
  /** The priority the call runs at (the caller's `mcp_metadata.priority`, else the tool's). */
  priority: Priority;
  /** The `serialize` key this call holds (the first in sorted order when it holds several). */
  lockKey?: string | undefined;
  /** Every `serialize` key this call holds, sorted (resolved, when `serialize` returned a promise). */
  lockKeys: readonly string[];
}

/** What `serialize` returns: one key, several, or none (no lock). */
export type LockKeys = string | readonly string[] | undefined;

export interface RateLimitOptions {
  /** Bucket size: calls a caller may burst. */
  capacity: number;
  /** Tokens added back per second. */
  refillPerSecond: number;
}

export interface CacheOptions<Args> {
  ttlMs: number;
  /** Cache key from the validated arguments; defaults to their JSON. */
  key?: (args: Args) => string;
}

export type ToolResult = Record<string, unknown>;

export interface ToolDefinition<
  Input extends z.ZodObject = z.ZodObject,
  Output extends ToolResult = ToolResult,
> {
  name: string;
  description: string;
  /** Seed 000's category, usable as a `tools/list` filter. */
  category?: string;
  /** Arguments; the core makes the schema strict (unknown arguments are refused). */
  input: Input;
  /** Scopes a caller's API key needs, e.g. `weather:read`. */
  permissions?: readonly string[];
  annotations?: ToolAnnotations;
  /** Run-time limit; past it the caller gets -32004 and `ctx.signal` aborts. Default 30 s. */
  timeoutMs?: number;
  rateLimit?: RateLimitOptions;
  cache?: CacheOptions<z.infer<Input>>;
  /**
   * Scopes this particular call needs beyond `permissions`, from its validated arguments (e.g.
   * `ha:admin` to unlock a lock). Checked before the call is queued: a refused call never runs.
   */
  permissionsFor?: (args: z.infer<Input>) => readonly string[] | undefined;
  /** Seed 002's levels; a caller may ask another with `mcp_metadata.priority`. Default `medium`. */
  priority?: Priority;
  /**
   * Calls with the same key run one at a time, in arrival order (a per-entity or per-container
   * lock); `undefined` = no lock. A waiting call counts against its timeout.
   *
   * The key may come from a promise: an entity named several ways (a container by id, id prefix
   * or name) is resolved to one canonical key first, so that every spelling shares the lock.
   * Such calls queue in the order their keys resolve; a resolution that throws fails the call as
   * the handler would (a ToolError becomes `isError`). The handler sees its keys in `ctx.lockKeys`.
   *
   * A call that touches several entities at once (every light of a room) returns all their keys:
   * it holds every one of them while it runs, so no other call on any of them overlaps it. Keys
   * are taken in sorted order, which keeps two calls sharing keys from waiting on each other.
   */
  serialize?: (args: z.infer<Input>, ctx: { signal: AbortSignal }) => LockKeys | Promise<LockKeys>;
  /**
   * For reads: identical calls (same tool, same validated arguments — or the same cache key)
   * arriving while one runs share its execution and its answer.
   */
  coalesce?: boolean;
  /**
   * The upstream dependency the tool calls: its concurrency limit (and priority queue) applies.
   * From `dependencies.limit(…)` or a circuit breaker made with `concurrency`.
   */
  uses?: ConcurrencyLimit | CircuitBreaker;
  /**
   * Listed in `tools/list` and discovery (default true). An unlisted tool is still answered: a
   * service in a read-only mode hides its writes and refuses a call with a clear reason.
   */
  listed?: boolean;
  handler(args: z.infer<Input>, ctx: ToolContext): Promise<Output> | Output;
}

/** Identity helper that keeps the argument types flowing into `handler`. */
export function defineTool<Input extends z.ZodObject, Output extends ToolResult>(
  tool: ToolDefinition<Input, Output>,
): ToolDefinition<Input, Output> {
  return tool;
}

// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list of tools, each typed at its definition
export type AnyTool = ToolDefinition<any, any>;

export interface ResourceContext {
  logger: Logger;
  caller: Caller;
}

export interface ResourceDefinition {
  /** Seed 000's `resource_id`. */
  id: string;
  name: string;
  description?: string;
  /** Seed 000's `resource_type`: widget, page, data… */
  type: string;
  /** Defaults to `application/json`. */
  mimeType?: string;
  /** Defaults to `mcp://{service}/{type}/{id}`. */
  uri?: string;
  permissions?: readonly string[];
  /** An object is served as JSON text (and as seed 000's `config`); a string as is. */
  read(ctx: ResourceContext): unknown | Promise<unknown>;
}

export function defineResource(resource: ResourceDefinition): ResourceDefinition {
  return resource;
}

export interface TaskContext {
  logger: Logger;
  /** Aborted when the service stops. */
  signal: AbortSignal;
}

/** Background work of a service (pollers, watchers). Constructors do nothing; `start` does. */
export interface Task {
  name: string;
  start(ctx: TaskContext): void | Promise<void>;
  stop(): void | Promise<void>;
}

export interface EventPublisher {
  /** Publishes on `mcp/{service}/events/{event}` (QoS 1, not retained). Names must be declared. */
  publish(event: string, payload: Record<string, unknown>): Promise<void>;
  /** The topic an event goes out on (for widgets and docs that point clients at it). */
  topic(event: string): string;
}

/** `ok` works; `degraded` works partly or slowly; `down` does not work. */
export type DependencyStatus = 'ok' | 'degraded' | 'down';

/** A dependency's live state: its status, and details a person can act on. */
export interface DependencyReport {
  status: DependencyStatus;
  /** Why it is not ok, in words (`invalid access token`, `connection refused`…). */
  reason?: string;
  [detail: string]: unknown;
}

export interface Dependencies {
  /**
   * A circuit breaker around an upstream, reported live in health (`ok` closed, `degraded`
   * half-open, `down` open). With `concurrency`, it is also the upstream's concurrency limit.
   */
  circuitBreaker(
    name: string,
    options?: Partial<CircuitBreakerOptions> & Partial<ConcurrencyLimitOptions>,
  ): CircuitBreaker;
  /** At most `concurrency` calls of the tools that use it (`uses`) at once; a priority queue behind. */
  limit(name: string, options: ConcurrencyLimitOptions | number): ConcurrencyLimit;
  /** Any other live dependency (a WebSocket, a daemon): probed on every health report. */
  register(name: string, probe: () => DependencyStatus | DependencyReport): void;
}

export interface ToolCache {
  /**
   * Forgets cached results of `tool`: every entry, or the one under `key` (what the tool's
   * `cache.key` returns). For data that changed upstream before its TTL (a state_changed event).
   */
  invalidate(tool: string, key?: string): number;
}

export interface SetupContext<Config> {
  serviceId: string;
  /** The version announced in discovery (the definition's, or its package.json's). */
  version: string;
  config: Config;
  logger: Logger;
  events: EventPublisher;
  dependencies: Dependencies;
  cache: ToolCache;
}

export interface ServiceParts {
  tools: readonly AnyTool[];
  resources?: readonly ResourceDefinition[];
  tasks?: readonly Task[];
}

export interface ServiceDefinition<Config extends CoreConfig = CoreConfig> {
  /** Default service id; `MCP_SERVICE_ID` overrides it. */
  id: string;
  name: string;
  /**
   * Announced in discovery and health. Default: the `version` of the service's package.json (the
   * nearest one above the process's entry module, else above the working directory).
   */
  version?: string;
  description: string;
  /** The service's config schema: `CoreConfigSchema.extend({…})`. */
  config: z.ZodType<Config>;
  /** Event names the service publishes (announced in discovery). */
  events?: readonly string[];
  /** Builds the service's parts from its validated config. Runs once, before connecting. */
  setup(ctx: SetupContext<Config>): ServiceParts | Promise<ServiceParts>;
}

export function defineService<Config extends CoreConfig>(
  service: ServiceDefinition<Config>,
): ServiceDefinition<Config> {
  return service;
}
