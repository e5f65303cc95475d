import type { Logger } from 'pino';
import type { z } from 'zod';
import type { CoreConfig } from '../config.js';
import type { RequestId } from '../protocol/jsonrpc.js';
import type { CircuitBreaker, CircuitBreakerOptions } from '../safety/circuit-breaker.js';

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
  scopes: readonly string[];
}

export interface ToolContext {
  /** Aborted when the tool's timeout fires or the service shuts down: pass it to I/O. */
  signal: AbortSignal;
  logger: Logger;
  caller: Caller;
  requestId: RequestId | null;
}

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

/** Background work of a service (pollers, watchers). Constructors do nothing; `start` does. */
export interface Task {
  name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

export interface EventPublisher {
  /** Publishes on `mcp/{service}/events/{event}` (QoS 1, not retained). Names must be declared. */
  publish(event: string, payload: Record<string, unknown>): Promise<void>;
}

export type DependencyState = string;

export interface Dependencies {
  /** A circuit breaker around an upstream, reported live in `mcp.health_check` dependencies. */
  circuitBreaker(name: string, options?: Partial<CircuitBreakerOptions>): CircuitBreaker;
  /** Any other live dependency state (`connected`, `disconnected`…); healthy states listed. */
  register(name: string, state: () => DependencyState, healthy?: readonly string[]): void;
}

export interface SetupContext<Config> {
  serviceId: string;
  config: Config;
  logger: Logger;
  events: EventPublisher;
  dependencies: Dependencies;
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
  version: string;
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
