import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import { ErrorCode, RpcError, ToolError } from '../protocol/errors.js';
import type { RequestId } from '../protocol/jsonrpc.js';
import { Authenticator } from '../safety/auth.js';
import { CircuitOpenError } from '../safety/circuit-breaker.js';
import type { RateLimiter } from '../safety/rate-limit.js';
import type { ResultCache } from '../safety/result-cache.js';
import { type Catalog, type CatalogTool, invalidArguments } from './catalog.js';
import type { Caller, ToolResult } from './define.js';

export const DEFAULT_TOOL_TIMEOUT_MS = 30_000;

/** What a tool call produced, before it is shaped for `tools/call` or `mcp.call_tool`. */
export interface ToolOutcome {
  value: ToolResult;
  isError: boolean;
  /** Served from cache (`stale` when past its TTL because the upstream circuit is open). */
  cache?: { stale: boolean; storedAt: number };
}

/**
 * The per-tool pipeline: permissions → strict arguments → rate limit → cache → timeout and
 * circuit breaker → result. Each step that refuses throws the RpcError of the wire rules.
 */
export class ToolRunner {
  /** One child logger per tool, built once: pino serialises a child's bindings eagerly. */
  private readonly toolLoggers = new Map<string, Logger>();

  constructor(
    private readonly catalog: Catalog,
    private readonly deps: {
      logger: Logger;
      metrics: Metrics;
      cache: ResultCache;
      rateLimiter: RateLimiter;
      shutdownSignal: AbortSignal;
    },
  ) {}

  async call(name: string, args: unknown, caller: Caller, requestId: RequestId | null): Promise<ToolOutcome> {
    const tool = this.catalog.tool(name);
    try {
      const outcome = await this.run(tool, args, caller, requestId);
      this.deps.metrics.toolCalls.inc({ tool: name, outcome: outcome.isError ? 'tool_error' : 'ok' });
      return outcome;
    } catch (error) {
      this.deps.metrics.toolCalls.inc({ tool: name, outcome: 'rpc_error' });
      throw error;
    }
  }

  private async run(
    tool: CatalogTool,
    args: unknown,
    caller: Caller,
    requestId: RequestId | null,
  ): Promise<ToolOutcome> {
    const name = tool.definition.name;
    const { definition } = tool;
    Authenticator.authorize(caller, definition.permissions);
    const parsed = tool.schema.safeParse(args ?? {});
    if (!parsed.success) throw invalidArguments(parsed.error, args ?? {});
    if (definition.rateLimit) this.deps.rateLimiter.take(`${name}\u0000${caller.id}`, definition.rateLimit);

    const cacheKey = definition.cache
      ? `${name}\u0000${definition.cache.key?.(parsed.data) ?? JSON.stringify(parsed.data)}`
      : undefined;
    if (cacheKey) {
      const hit = this.deps.cache.get(cacheKey);
      this.deps.metrics.cache.inc({ tool: name, result: hit ? 'hit' : 'miss' });
      if (hit) return { value: hit.value, isError: false, cache: { stale: false, storedAt: hit.storedAt } };
    }

    try {
      const value = await this.execute(tool, parsed.data, caller, requestId);
      if (cacheKey && definition.cache) this.deps.cache.set(cacheKey, value, definition.cache.ttlMs);
      return { value, isError: false };
    } catch (error) {
      if (error instanceof CircuitOpenError && cacheKey && definition.annotations?.readOnlyHint) {
        const stale = this.deps.cache.getStale(cacheKey);
        if (stale) {
          this.deps.metrics.cache.inc({ tool: name, result: 'stale' });
          return { value: stale.value, isError: false, cache: { stale: true, storedAt: stale.storedAt } };
        }
      }
      if (error instanceof RpcError) throw error;
      if (error instanceof ToolError) {
        return {
          value: {
            error: error.message,
            ...(error.retryAfterS !== undefined ? { retry_after_s: error.retryAfterS } : {}),
            ...error.data,
          },
          isError: true,
        };
      }
      // A bug in a tool is still the tool's failure, not the protocol's: the caller sees it.
      this.deps.logger.error({ err: error, tool: name }, 'tool threw an unexpected error');
      return {
        value: { error: `${name} failed: ${(error as Error)?.message ?? String(error)}` },
        isError: true,
      };
    }
  }

  private toolLogger(name: string): Logger {
    let logger = this.toolLoggers.get(name);
    if (!logger) {
      logger = this.deps.logger.child({ tool: name });
      this.toolLoggers.set(name, logger);
    }
    return logger;
  }

  private async execute(
    tool: CatalogTool,
    args: unknown,
    caller: Caller,
    requestId: RequestId | null,
  ): Promise<ToolResult> {
    const { definition } = tool;
    const timeoutMs = definition.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
    const controller = new AbortController();
    const onShutdown = () => controller.abort(this.deps.shutdownSignal.reason);
    this.deps.shutdownSignal.addEventListener('abort', onShutdown, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new RpcError(
          ErrorCode.Timeout,
          `Timeout: ${definition.name} did not finish within ${timeoutMs} ms`,
          {
            timeout_ms: timeoutMs,
          },
        );
        controller.abort(error);
        reject(error);
      }, timeoutMs);
    });
    try {
      const run = Promise.resolve().then(() =>
        definition.handler(args, {
          signal: controller.signal,
          logger: this.toolLogger(definition.name),
          caller,
          requestId,
        }),
      );
      const value = await Promise.race([run, timeout]);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new TypeError('a tool must return an object');
      }
      return value as ToolResult;
    } finally {
      clearTimeout(timer);
      this.deps.shutdownSignal.removeEventListener('abort', onShutdown);
    }
  }
}

/** `tools/call` result (MCP). */
export function toMcpResult(outcome: ToolOutcome) {
  return {
    content: [{ type: 'text' as const, text: JSON.stringify(outcome.value) }],
    structuredContent: outcome.value,
    isError: outcome.isError,
    ...(outcome.cache
      ? {
          _meta: {
            cached: true,
            stale: outcome.cache.stale,
            cached_at: new Date(outcome.cache.storedAt).toISOString(),
          },
        }
      : {}),
  };
}

/** `mcp.call_tool` result: the MCP result plus seed 000's `success` and `data`. */
export function toSeedResult(outcome: ToolOutcome) {
  return {
    success: !outcome.isError,
    data: outcome.value,
    ...(outcome.cache?.stale ? { stale: true } : {}),
    ...toMcpResult(outcome),
  };
}
