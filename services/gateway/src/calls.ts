import { ErrorCode, type Logger, type Priority, RequestCancelledError } from '@neurhomia/mcp-mqtt-core';
import type { CallToolResult, McpMqttClient } from '@neurhomia/mcp-mqtt-core/client';
import { type Activity, preview } from './activity.js';
import { protocolError, ServiceDownError, UnknownToolError } from './errors.js';
import type { Caller } from './http/caller.js';
import type { Metrics } from './metrics.js';
import type { Registry } from './mqtt/registry.js';
import type { ToolRef } from './naming.js';

export interface CallOptions {
  caller: Caller;
  via: 'mcp' | 'http';
  timeoutMs: number;
  priority?: Priority | undefined;
  signal?: AbortSignal | undefined;
  idempotencyKey?: string | undefined;
}

/** Error codes that may label a metric: a service cannot grow the label set with codes of its own. */
const KNOWN_CODES = new Set<number>(Object.values(ErrorCode));

/**
 * The one path of every call through the gateway: name → service and tool, the service must be
 * live (a call to a down service is answered at once, never left to time out), the caller's key
 * and priority go along, and each call is counted, timed and added to the activity feed.
 */
export class Calls {
  constructor(
    private readonly deps: {
      registry: Registry;
      client: McpMqttClient;
      activity: Activity;
      metrics: Metrics;
      logger: Logger;
    },
  ) {}

  /**
   * The tool behind a name: `{service}__{tool}` (or its shortened form). With `plainNames`
   * (seed 002's API), a bare tool name is accepted when exactly one live service has it.
   */
  resolve(name: string, plainNames = false): ToolRef {
    const { names } = this.deps.registry;
    const ref = names.resolve(name);
    if (ref) return ref;
    if (plainNames) {
      const services = names.servicesWith(name);
      if (services.length === 1) return { serviceId: services[0]!, tool: name };
      throw new UnknownToolError(
        name,
        services.map((serviceId) => names.nameOf({ serviceId, tool: name })),
      );
    }
    throw new UnknownToolError(name);
  }

  nameOf(ref: ToolRef): string {
    return this.deps.registry.names.nameOf(ref);
  }

  async callTool(ref: ToolRef, args: Record<string, unknown>, options: CallOptions): Promise<CallToolResult> {
    return (await this.request(ref.serviceId, 'tools/call', { name: ref.tool, arguments: args }, options, {
      tool: ref.tool,
    })) as CallToolResult;
  }

  /** Relays one request to a live service, with the bookkeeping; rejects with the service's error. */
  async request(
    serviceId: string,
    method: string,
    params: Record<string, unknown>,
    options: CallOptions,
    record: { tool?: string } = {},
  ): Promise<unknown> {
    const { registry, client, metrics, activity } = this.deps;
    const service = registry.get(serviceId);
    const started = performance.now();
    const finish = (outcome: 'ok' | 'tool_error' | 'error', extra: { result?: unknown; error?: unknown }) => {
      const durationMs = Math.round((performance.now() - started) * 1000) / 1000;
      const wire = extra.error === undefined ? undefined : protocolError(extra.error);
      const label = service ? serviceId : 'unknown';
      const code = wire && KNOWN_CODES.has(wire.code) ? String(wire.code) : 'error';
      metrics.calls.inc({ target_service: label, method, outcome: wire ? code : outcome });
      metrics.callDuration.observe({ target_service: label }, durationMs / 1000);
      metrics.relayInFlight.set(client.inFlight);
      activity.add(
        {
          kind: 'call',
          via: options.via,
          method,
          service: serviceId,
          ...(record.tool ? { tool: record.tool } : {}),
          duration_ms: durationMs,
          outcome,
          ...(wire ? { error: { code: wire.code, message: wire.message } } : {}),
          key_id: options.caller.keyId,
          ...(extra.result === undefined ? {} : { result: preview(extra.result) }),
        },
        options.caller.digest,
      );
    };
    try {
      if (service?.state !== 'up')
        throw new ServiceDownError(serviceId, service?.state ?? 'unknown', service?.since);
      const result = await client.request(serviceId, method, params, {
        apiKey: options.caller.apiKey,
        priority: options.priority,
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        idempotencyKey: options.idempotencyKey,
      });
      const toolResult = result as Partial<CallToolResult> | undefined;
      finish(toolResult?.isError ? 'tool_error' : 'ok', {
        result: toolResult?.structuredContent ?? toolResult?.content ?? result,
      });
      return result;
    } catch (error) {
      if (!(error instanceof RequestCancelledError)) finish('error', { error });
      const wire = protocolError(error);
      if (wire.code === ErrorCode.InternalError && wire.data?.reason === 'gateway_error')
        this.deps.logger.error({ err: error, service_id: serviceId, method }, 'relaying a request failed');
      throw error;
    }
  }
}
