import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import { ErrorCode, RequestCancelledError, RpcError, ToolError } from '../protocol/errors.js';
import type { RequestId } from '../protocol/jsonrpc.js';
import { Authenticator, canonicalJson } from '../safety/auth.js';
import { CircuitBreaker, CircuitOpenError } from '../safety/circuit-breaker.js';
import type { RateLimiter } from '../safety/rate-limit.js';
import type { ResultCache } from '../safety/result-cache.js';
import { untilAborted } from '../scheduling/abort.js';
import { Coalescer } from '../scheduling/coalescer.js';
import type { ConcurrencyLimit } from '../scheduling/concurrency-limit.js';
import { DEFAULT_PRIORITY, type Priority } from '../scheduling/priority.js';
import type { Scheduler } from '../scheduling/scheduler.js';
import { type Catalog, type CatalogTool, invalidArguments } from './catalog.js';
import type { Caller, LockKeys, ToolResult } from './define.js';

export const DEFAULT_TOOL_TIMEOUT_MS = 30_000;

/** What a tool call produced, before it is shaped for `tools/call` or `mcp.call_tool`. */
export interface ToolOutcome {
  value: ToolResult;
  isError: boolean;
  /** Served from cache (`stale` when past its TTL because the upstream circuit is open). */
  cache?: { stale: boolean; storedAt: number };
}

export interface ToolCall {
  caller: Caller;
  requestId: RequestId | null;
  /** The caller's `mcp_metadata.priority`, when it asked for one. */
  priority?: Priority | undefined;
  /**
   * The call's own controller, aborted by its caller to cancel it; the runner aborts it too, on
   * timeout and when the service stops. One controller per call, shared with the endpoint that
   * tracks the request: no second one following the first. Without it, the call gets its own.
   */
  controller?: AbortController | undefined;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

function limitOf(uses: ConcurrencyLimit | CircuitBreaker | undefined): ConcurrencyLimit | undefined {
  return uses instanceof CircuitBreaker ? uses.limit : uses;
}

/**
 * The per-tool pipeline: permissions → strict arguments → per-call permissions → rate limit →
 * cache → coalescing → (timeout from here) per-key lock → dependency slot → handler → result.
 * Each step that refuses throws the RpcError of the wire rules; a failing tool becomes isError.
 */
export class ToolRunner {
  /** One child logger per tool, built once: pino serialises a child's bindings eagerly. */
  private readonly toolLoggers = new Map<string, Logger>();
  private readonly coalescer = new Coalescer<ToolResult>();
  /** The controllers of the calls running now (`abortRunning`). */
  private readonly running = new Set<AbortController>();

  constructor(
    private readonly catalog: Catalog,
    private readonly deps: {
      logger: Logger;
      metrics: Metrics;
      cache: ResultCache;
      rateLimiter: RateLimiter;
      scheduler: Scheduler;
      shutdownSignal: AbortSignal;
    },
  ) {}

  async call(name: string, args: unknown, call: ToolCall): Promise<ToolOutcome> {
    const tool = this.catalog.tool(name);
    try {
      const outcome = await this.run(tool, args, call);
      this.deps.metrics.toolCalls.inc({ tool: name, outcome: outcome.isError ? 'tool_error' : 'ok' });
      return outcome;
    } catch (error) {
      this.deps.metrics.toolCalls.inc({ tool: name, outcome: 'rpc_error' });
      throw error;
    }
  }

  /**
   * Aborts every call running now, with `reason`: the service stopping. One call for all of them,
   * from the one listener on the shutdown signal: a listener per call would cost more than the
   * call's own bookkeeping.
   */
  abortRunning(reason: unknown): void {
    for (const controller of this.running) controller.abort(reason);
  }

  /** Forgets cached results of a tool: all of them, or the one stored under `key` (its cache key). */
  invalidate(tool: string, key?: string): number {
    const prefix = `${tool}\u0000`;
    return key === undefined
      ? this.deps.cache.deleteWhere((k) => k.startsWith(prefix))
      : this.deps.cache.deleteWhere((k) => k === `${prefix}${key}`);
  }

  private async run(tool: CatalogTool, args: unknown, call: ToolCall): Promise<ToolOutcome> {
    const { definition } = tool;
    const name = definition.name;
    Authenticator.authorize(call.caller, definition.permissions);
    const parsed = tool.schema.safeParse(args ?? {});
    if (!parsed.success) throw invalidArguments(parsed.error, args ?? {});
    Authenticator.authorize(call.caller, definition.permissionsFor?.(parsed.data));
    if (definition.rateLimit)
      this.deps.rateLimiter.take(`${name}\u0000${call.caller.id}`, definition.rateLimit);

    // The same arguments written twice (key order, or a tool's own cache key) are one key.
    const argsKey =
      definition.cache || definition.coalesce
        ? (definition.cache?.key?.(parsed.data) ?? canonicalJson(parsed.data))
        : '';
    const cacheKey = definition.cache ? `${name}\u0000${argsKey}` : undefined;
    if (cacheKey) {
      const hit = this.deps.cache.get(cacheKey);
      this.deps.metrics.cache.inc({ tool: name, result: hit ? 'hit' : 'miss' });
      if (hit) return { value: hit.value, isError: false, cache: { stale: false, storedAt: hit.storedAt } };
    }

    const priority = call.priority ?? definition.priority ?? DEFAULT_PRIORITY;
    const timeoutMs = definition.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
    const controller = call.controller ?? new AbortController();
    const { signal } = controller;
    const stopTimer = this.bound(controller, name, timeoutMs);
    try {
      const execute = (workSignal: AbortSignal) =>
        this.execute(tool, parsed.data, call, priority, workSignal);
      const value = definition.coalesce
        ? await this.coalescer.run(`${name}\u0000${argsKey}`, signal, execute, () =>
            this.deps.metrics.coalesced.inc({ tool: name }),
          )
        : // execute() races every wait and the handler with the signal already.
          await execute(signal);
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
      return this.failure(name, error);
    } finally {
      stopTimer();
    }
  }

  /**
   * Aborts the call's controller at its timeout (-32004) and when the service stops (at once if
   * it has stopped already), until the returned function is called.
   */
  private bound(controller: AbortController, name: string, timeoutMs: number): () => void {
    const shutdown = this.deps.shutdownSignal;
    if (shutdown.aborted) controller.abort(shutdown.reason);
    this.running.add(controller);
    const timer = setTimeout(
      () =>
        controller.abort(
          new RpcError(ErrorCode.Timeout, `Timeout: ${name} did not finish within ${timeoutMs} ms`, {
            timeout_ms: timeoutMs,
          }),
        ),
      timeoutMs,
    );
    return () => {
      clearTimeout(timer);
      this.running.delete(controller);
    };
  }

  private failure(name: string, error: unknown): ToolOutcome {
    if (error instanceof RpcError || error instanceof RequestCancelledError) throw error;
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

  private toolLogger(name: string): Logger {
    let logger = this.toolLoggers.get(name);
    if (!logger) {
      logger = this.deps.logger.child({ tool: name });
      this.toolLoggers.set(name, logger);
    }
    return logger;
  }

  /** Lock, slot, handler — every wait bounded by `signal`. */
  private async execute(
    tool: CatalogTool,
    args: unknown,
    call: ToolCall,
    priority: Priority,
    signal: AbortSignal,
  ): Promise<ToolResult> {
    const { definition } = tool;
    const { scheduler } = this.deps;
    const declared = definition.serialize?.(args, { signal });
    // Keys computed synchronously are used at once: calls keep their exact arrival order.
    const keys = lockKeys(declared instanceof Promise ? await untilAborted(declared, signal) : declared);
    const releaseLocks: (() => void)[] = [];
    try {
      for (const key of keys) releaseLocks.push(await scheduler.lock(key, priority, signal));
      const limit = limitOf(definition.uses);
      const releaseSlot = limit ? await limit.acquire(priority, signal) : undefined;
      const finished = scheduler.started();
      try {
        const returned = definition.handler(args, {
          signal,
          logger: this.toolLogger(definition.name),
          caller: call.caller,
          requestId: call.requestId,
          priority,
          lockKey: keys[0],
          lockKeys: keys,
        });
        // Only a pending promise can outlive the signal: a plain value needs no race.
        const value = isThenable(returned) ? await untilAborted(Promise.resolve(returned), signal) : returned;
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          throw new TypeError('a tool must return an object');
        }
        return value as ToolResult;
      } finally {
        finished();
        releaseSlot?.();
      }
    } finally {
      for (const release of releaseLocks.reverse()) release();
    }
  }
}

/** The distinct keys a `serialize` result names, in the one order every call takes them. */
function lockKeys(keys: LockKeys): readonly string[] {
  if (keys === undefined) return [];
  if (typeof keys === 'string') return [keys];
  return [...new Set(keys)].sort();
}

/** Whole seconds since a cached result was stored: how old the data a caller gets is. */
function cacheAgeS(storedAt: number): number {
  return Math.max(0, Math.round((Date.now() - storedAt) / 1000));
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
            age_s: cacheAgeS(outcome.cache.storedAt),
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
    ...(outcome.cache?.stale ? { stale: true, age_s: cacheAgeS(outcome.cache.storedAt) } : {}),
    ...toMcpResult(outcome),
  };
}
