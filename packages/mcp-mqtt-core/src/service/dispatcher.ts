import type { Logger } from 'pino';
import type { z } from 'zod';
import type { LogLimiter } from '../observability/log-limiter.js';
import type { Metrics } from '../observability/metrics.js';
import { ErrorCode, RequestCancelledError, RpcError } from '../protocol/errors.js';
import type { Request, RequestId } from '../protocol/jsonrpc.js';
import {
  CallToolParamsSchema,
  InitializeParamsSchema,
  LATEST_PROTOCOL_VERSION,
  ListResourcesParamsSchema,
  ListToolsParamsSchema,
  ReadResourceParamsSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
} from '../protocol/mcp.js';
import { Authenticator } from '../safety/auth.js';
import { type Priority, requestedPriority } from '../scheduling/priority.js';
import type { Catalog } from './catalog.js';
import type { Caller } from './define.js';
import type { HealthReport } from './health.js';
import { type ToolRunner, toMcpResult, toSeedResult } from './tool-runner.js';

export interface DispatchContext {
  /** Identifies the caller when the service runs open (its client topic segment). */
  callerHint: string;
  /** The client whose private inbox the answer goes to, when it goes to one. */
  inbox?: string | undefined;
  /** The request's controller: aborted when the caller cancels it (the tool runner bounds it too). */
  controller?: AbortController | undefined;
  /** Called once the caller is authenticated (the request may then be cancelled by it). */
  authenticated?: (caller: Caller) => void;
}

/**
 * The caller's key does not belong to the client whose inbox the answer would go to: the request
 * is not executed and nothing is answered (an answer there would be a forged message).
 */
export class InboxRefusedError extends Error {
  constructor(
    readonly inbox: string,
    readonly keyId: string | undefined,
  ) {
    super(`the key ${keyId ?? '(none)'} does not belong to client ${inbox}`);
    this.name = 'InboxRefusedError';
  }
}

function paramsOf<S extends z.ZodType>(schema: S, params: unknown): z.infer<S> {
  const parsed = schema.safeParse(params ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const param = issue.path.map(String).join('.') || 'params';
  throw new RpcError(ErrorCode.InvalidParams, `Invalid params: ${param}: ${issue.message}`, {
    param,
    expected: issue.code === 'invalid_type' ? issue.expected : issue.message,
    received: typeof (params as Record<string, unknown> | undefined)?.[param],
  });
}

interface Invocation {
  params: Record<string, unknown> | undefined;
  caller: Caller;
  id: RequestId | null;
  priority: Priority | undefined;
  controller: AbortController | undefined;
}

type Handler = (invocation: Invocation) => unknown;

const REFUSAL_REASON: Partial<Record<number, string>> = {
  [ErrorCode.Unauthorized]: 'unauthorized',
  [ErrorCode.Forbidden]: 'forbidden',
};

/**
 * Executes one JSON-RPC request against the service: authentication first, then the method.
 * Knows nothing of any transport, so it is unit-tested on its own.
 */
export class Dispatcher {
  private readonly methods: Record<string, Handler>;

  constructor(
    private readonly deps: {
      serviceId: string;
      name: string;
      version: string;
      description: string;
      catalog: Catalog;
      tools: ToolRunner;
      authenticator: Authenticator;
      health: () => HealthReport;
      logger: Logger;
      /** Where the audit trail goes (defaults to `logger`). */
      audit?: Logger;
      /** Rate-limited warnings about refused calls; without it they are not logged. */
      warnings?: LogLimiter;
      metrics?: Metrics;
    },
  ) {
    const listTools: Handler = ({ params }) => this.listTools(params);
    const callToolMcp: Handler = async (invocation) => toMcpResult(await this.callTool(invocation));
    const callToolSeed: Handler = async (invocation) => toSeedResult(await this.callTool(invocation));
    const listResources: Handler = ({ params }) => this.listResources(params);
    this.methods = {
      initialize: ({ params }) => this.initialize(params),
      ping: () => ({}),
      'mcp.health_check': () => this.deps.health(),
      'tools/list': listTools,
      'mcp.list_tools': listTools,
      'tools/call': callToolMcp,
      'mcp.call_tool': callToolSeed,
      'resources/list': listResources,
      'mcp.list_resources': listResources,
      'resources/templates/list': () => ({ resourceTemplates: [] }),
      'resources/read': async ({ params, caller }) => (await this.readResource(params, caller)).mcp,
      'mcp.get_resource': async ({ params, caller }) => {
        const read = await this.readResource(params, caller);
        return { ...read.mcp, ...read.seed };
      },
    };
  }

  knows(method: string): boolean {
    return Object.hasOwn(this.methods, method);
  }

  /** Authenticates a request (for `notifications/cancelled`, which must come from the same caller). */
  authenticate(request: Request, callerHint: string): Caller {
    return this.deps.authenticator.authenticate(request, callerHint);
  }

  /** Runs one request; throws RpcError for every protocol-level refusal. */
  async dispatch(request: Request, id: RequestId | null, context: DispatchContext): Promise<unknown> {
    let caller: Caller | undefined;
    try {
      caller = this.deps.authenticator.authenticate(request, context.callerHint);
      if (context.inbox !== undefined && !this.deps.authenticator.mayAnswer(caller, context.inbox)) {
        throw new InboxRefusedError(context.inbox, caller.keyId);
      }
      context.authenticated?.(caller);
      const priority = requestedPriority(request.mcp_metadata);
      const handler = this.knows(request.method) ? this.methods[request.method] : undefined;
      if (!handler) {
        throw new RpcError(ErrorCode.MethodNotFound, `Method not found: ${request.method}`, {
          method: request.method,
        });
      }
      return await handler({ params: request.params, caller, id, priority, controller: context.controller });
    } catch (error) {
      if (error instanceof RpcError && REFUSAL_REASON[error.code]) this.refused(request, caller, error);
      throw error;
    }
  }

  /** One warning line per refused call (rate-limited per reason): key id, method, tool, reason. */
  private refused(request: Request, caller: Caller | undefined, error: RpcError) {
    const reason = REFUSAL_REASON[error.code]!;
    this.deps.metrics?.refused.inc({ reason });
    const params = request.params as { name?: unknown; tool_name?: unknown } | undefined;
    const tool = params?.name ?? params?.tool_name;
    this.deps.warnings?.warn(
      reason,
      {
        key_id: caller?.keyId ?? null,
        method: request.method.slice(0, 64),
        ...(typeof tool === 'string' ? { tool: tool.slice(0, 128) } : {}),
        why: error.data?.reason ?? error.data?.required_permission ?? error.message,
      },
      `call refused: ${error.message}`,
    );
  }

  private initialize(params: Record<string, unknown> | undefined) {
    const { protocolVersion } = paramsOf(InitializeParamsSchema, params);
    const negotiated = (SUPPORTED_PROTOCOL_VERSIONS as readonly string[]).includes(protocolVersion)
      ? protocolVersion
      : LATEST_PROTOCOL_VERSION;
    return {
      protocolVersion: negotiated,
      capabilities: { tools: { listChanged: false }, resources: { listChanged: false, subscribe: false } },
      serverInfo: { name: this.deps.serviceId, title: this.deps.name, version: this.deps.version },
      instructions: this.deps.description,
    };
  }

  private listTools(params: Record<string, unknown> | undefined) {
    const { filter } = paramsOf(ListToolsParamsSchema, params);
    const tools = this.deps.catalog.listed
      .filter((tool) => filter === undefined || tool.definition.category === filter)
      .map((tool) => tool.descriptor);
    return { tools };
  }

  private async callTool({ params, caller, id, priority, controller }: Invocation) {
    const parsed = paramsOf(CallToolParamsSchema, params);
    const name = (parsed.name ?? parsed.tool_name)!;
    const started = performance.now();
    try {
      const outcome = await this.deps.tools.call(name, parsed.arguments ?? {}, {
        caller,
        requestId: id,
        priority,
        controller,
      });
      this.audit(caller, name, id, outcome.isError ? 'tool_error' : 'ok', started);
      return outcome;
    } catch (error) {
      const outcome =
        error instanceof RpcError
          ? `rpc_error ${error.code}`
          : error instanceof RequestCancelledError
            ? 'cancelled'
            : 'error';
      this.audit(caller, name, id, outcome, started);
      throw error;
    }
  }

  /** The audit trail: who called which tool, and how it ended. Never the key itself. */
  private audit(caller: Caller, tool: string, id: RequestId | null, outcome: string, started: number) {
    (this.deps.audit ?? this.deps.logger).info(
      {
        audit: true,
        caller: caller.id,
        key_id: caller.keyId,
        tool,
        request_id: id,
        outcome,
        ms: Math.round((performance.now() - started) * 100) / 100,
      },
      'tool call',
    );
  }

  private listResources(params: Record<string, unknown> | undefined) {
    const { resource_type } = paramsOf(ListResourcesParamsSchema, params);
    const resources = [...this.deps.catalog.resources.values()]
      .filter((entry) => resource_type === undefined || entry.definition.type === resource_type)
      .map((entry) => this.deps.catalog.resourceDescriptor(entry));
    return { resources };
  }

  private async readResource(params: Record<string, unknown> | undefined, caller: Caller) {
    const ref = paramsOf(ReadResourceParamsSchema, params);
    const entry = this.deps.catalog.resource(ref);
    Authenticator.authorize(caller, entry.definition.permissions);
    const content = await entry.definition.read({ logger: this.deps.logger, caller });
    const text = typeof content === 'string' ? content : JSON.stringify(content);
    return {
      mcp: { contents: [{ uri: entry.uri, mimeType: entry.mimeType, text }] },
      seed: { resource_type: entry.definition.type, resource_id: entry.definition.id, config: content },
    };
  }
}
