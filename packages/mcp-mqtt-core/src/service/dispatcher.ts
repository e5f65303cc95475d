import type { Logger } from 'pino';
import type { z } from 'zod';
import { ErrorCode, RpcError } from '../protocol/errors.js';
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
import type { Catalog } from './catalog.js';
import type { Caller } from './define.js';
import type { HealthReport } from './health.js';
import { type ToolRunner, toMcpResult, toSeedResult } from './tool-runner.js';

export interface DispatchContext {
  /** Identifies the caller when the service runs open (its client topic segment). */
  callerHint: string;
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

type Handler = (params: Record<string, unknown> | undefined, caller: Caller, id: RequestId | null) => unknown;

/**
 * Executes one JSON-RPC request against the service: authentication first, then the method.
 * Knows nothing of MQTT, so it is unit-tested on its own.
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
    },
  ) {
    const listTools: Handler = (params) => this.listTools(params);
    const callToolMcp: Handler = async (params, caller, id) =>
      toMcpResult(await this.callTool(params, caller, id));
    const callToolSeed: Handler = async (params, caller, id) =>
      toSeedResult(await this.callTool(params, caller, id));
    const listResources: Handler = (params) => this.listResources(params);
    this.methods = {
      initialize: (params) => this.initialize(params),
      ping: () => ({}),
      'mcp.health_check': () => this.deps.health(),
      'tools/list': listTools,
      'mcp.list_tools': listTools,
      'tools/call': callToolMcp,
      'mcp.call_tool': callToolSeed,
      'resources/list': listResources,
      'mcp.list_resources': listResources,
      'resources/templates/list': () => ({ resourceTemplates: [] }),
      'resources/read': async (params, caller) => (await this.readResource(params, caller)).mcp,
      'mcp.get_resource': async (params, caller) => {
        const read = await this.readResource(params, caller);
        return { ...read.mcp, ...read.seed };
      },
    };
  }

  knows(method: string): boolean {
    return Object.hasOwn(this.methods, method);
  }

  /** Runs one request; throws RpcError for every protocol-level refusal. */
  async dispatch(request: Request, id: RequestId | null, context: DispatchContext): Promise<unknown> {
    const caller = this.deps.authenticator.authenticate(request, context.callerHint);
    const handler = this.knows(request.method) ? this.methods[request.method] : undefined;
    if (!handler) {
      throw new RpcError(ErrorCode.MethodNotFound, `Method not found: ${request.method}`, {
        method: request.method,
      });
    }
    return handler(request.params, caller, id);
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
    const tools = [...this.deps.catalog.tools.values()]
      .filter((tool) => filter === undefined || tool.definition.category === filter)
      .map((tool) => tool.descriptor);
    return { tools };
  }

  private async callTool(params: Record<string, unknown> | undefined, caller: Caller, id: RequestId | null) {
    const parsed = paramsOf(CallToolParamsSchema, params);
    const name = (parsed.name ?? parsed.tool_name)!;
    const started = performance.now();
    try {
      const outcome = await this.deps.tools.call(name, parsed.arguments ?? {}, caller, id);
      this.audit(caller, name, id, outcome.isError ? 'tool_error' : 'ok', started);
      return outcome;
    } catch (error) {
      this.audit(caller, name, id, error instanceof RpcError ? `rpc_error ${error.code}` : 'error', started);
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
