import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { RequestCancelledError } from '@neurhomia/mcp-mqtt-core';
import type { Calls } from '../calls.js';
import type { Catalog } from '../catalog.js';
import { MCP_CODE_OF, McpFacingError, mcpError } from '../errors.js';
import { type Caller, callerFor, refusedKey } from '../http/caller.js';
import { parseName } from '../naming.js';

/** The protocol revisions the gateway speaks (Streamable HTTP exists since 2025-03-26). */
export const PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26'] as const;

export interface McpServerDeps {
  catalog: Catalog;
  calls: Calls;
  version: string;
  /** Default time a tools/call waits for its service. */
  callTimeoutMs: number;
}

/** What the HTTP layer attaches to each request (`req.auth`): the SDK hands it to the handlers. */
export function authInfoOf(caller: Caller): AuthInfo {
  return { token: caller.apiKey ?? '', clientId: caller.keyId ?? 'anonymous', scopes: [], extra: { caller } };
}

function callerOfExtra(extra: { authInfo?: AuthInfo | undefined }): Caller {
  const caller = extra.authInfo?.extra?.caller as Caller | undefined;
  // Every request reaches the handlers through the HTTP layer, which always sets it.
  return caller ?? callerFor(undefined);
}

const INSTRUCTIONS =
  'Tools of the NeurHomIA home services (weather, Docker, Home Assistant…), reached over MQTT. ' +
  'A tool is named {service}__{tool}; the list changes as services start and stop ' +
  '(notifications/tools/list_changed).';

/**
 * One MCP server (the SDK's low-level `Server`) per session. Handlers throw McpFacingError for a
 * refusal or a failure of the protocol, so that the SDK answers a JSON-RPC error — never a tool
 * result with `isError`, which the SDK's high-level McpServer would make of a thrown error. A
 * tool's own failure comes back from its service as `isError: true` and is passed on as is.
 */
export function createMcpServer(deps: McpServerDeps): Server {
  const server = new Server(
    { name: 'neurhomia-gateway', title: 'NeurHomIA MCP gateway', version: deps.version },
    {
      capabilities: { tools: { listChanged: true }, resources: { listChanged: true }, logging: {} },
      instructions: INSTRUCTIONS,
    },
  );

  server.setRequestHandler(ListToolsRequestSchema, async (_request, extra) => {
    const caller = callerOfExtra(extra);
    const listing = await deps.catalog.tools(caller);
    if (listing.services.length > 0 && listing.services.every((s) => s.outcome === 'refused'))
      throw unauthorized(caller);
    return { tools: listing.items };
  });

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const caller = callerOfExtra(extra);
    try {
      const ref = deps.calls.resolve(request.params.name);
      const result = await deps.calls.callTool(ref, request.params.arguments ?? {}, {
        caller,
        via: 'mcp',
        timeoutMs: deps.callTimeoutMs,
        signal: extra.signal,
      });
      return result as { content: [] };
    } catch (err) {
      // A cancelled request gets no answer (the SDK sends none once the signal is aborted).
      if (err instanceof RequestCancelledError) throw err;
      throw mcpError(err);
    }
  });

  server.setRequestHandler(ListResourcesRequestSchema, async (_request, extra) => {
    const listing = await deps.catalog.resources(callerOfExtra(extra));
    return { resources: listing.items };
  });

  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({ resourceTemplates: [] }));

  server.setRequestHandler(ReadResourceRequestSchema, async (request, extra) => {
    const caller = callerOfExtra(extra);
    const { uri } = request.params;
    const listing = await deps.catalog.resources(caller);
    const serviceId =
      listing.items.find((r) => r.uri === uri)?._meta['neurhomia/service'] ?? serviceOfUri(uri);
    if (!serviceId) throw new McpFacingError(-32002, `Resource not found: ${uri.slice(0, 200)}`, { uri });
    try {
      return (await deps.calls.request(
        serviceId,
        'resources/read',
        { uri },
        {
          caller,
          via: 'mcp',
          timeoutMs: deps.callTimeoutMs,
          signal: extra.signal,
        },
      )) as { contents: [] };
    } catch (err) {
      if (err instanceof RequestCancelledError) throw err;
      throw mcpError(err);
    }
  });

  return server;
}

/** The services' default resource URIs are `mcp://{service}/{type}/{id}`. */
function serviceOfUri(uri: string): string | undefined {
  const match = /^mcp:\/\/([a-z][a-z0-9-]{0,62})\//.exec(uri);
  return match ? parseName(`${match[1]}__x`)?.serviceId : undefined;
}

/** Every live service refused the key (it was revoked after the session began). */
function unauthorized(caller: Caller) {
  const { message, options } = refusedKey(caller);
  return new McpFacingError(MCP_CODE_OF[options.code] ?? options.code, message, {
    ...options.data,
    mqtt_code: options.code,
  });
}
