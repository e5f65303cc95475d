import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode } from '@neurhomia/mcp-mqtt-core';
import type { Catalog } from '../catalog.js';
import { readJson } from '../http/body.js';
import { type Caller, refusedKey } from '../http/caller.js';
import { HttpError, sendHttpError } from '../http/respond.js';
import { authInfoOf, PROTOCOL_VERSIONS } from './server.js';
import type { Session, Sessions } from './sessions.js';

/** The request id of a single JSON-RPC message, for the error answered before the SDK sees it. */
export function requestIdOf(body: unknown): string | number | null {
  const id = (body as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

const badRequest = (message: string, status = 400) =>
  new HttpError(status, message, { code: ErrorCode.InvalidRequest });

/**
 * `/mcp`, the Streamable HTTP endpoint. The gateway's own rules come first — key check before a
 * session exists, one key per session, the protocol versions it speaks, a bounded number of
 * sessions — then the SDK's transport does the rest (SSE stream on GET, DELETE, JSON-RPC).
 */
export class McpEndpoint {
  constructor(
    private readonly deps: {
      sessions: Sessions;
      catalog: Catalog;
      maxBodyBytes: number;
    },
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<void> {
    let body: unknown;
    try {
      await this.serve(req, res, caller, (parsed) => {
        body = parsed;
      });
    } catch (err) {
      // Refused before the SDK saw the request: answer with the request's own id when known.
      if (!(err instanceof HttpError)) throw err;
      sendHttpError(res, err, 'mcp', requestIdOf(body));
    }
  }

  private async serve(
    req: IncomingMessage,
    res: ServerResponse,
    caller: Caller,
    read: (body: unknown) => void,
  ) {
    const { sessions } = this.deps;
    if (req.method === 'POST') {
      const body = await readJson(req, this.deps.maxBodyBytes);
      read(body);
      const session = this.sessionOf(req, caller);
      if (session) {
        session.lastSeen = Date.now();
        await session.transport.handleRequest(withAuth(req, caller), res, body);
        return;
      }
      if (!isInitializeRequest(body)) {
        throw badRequest(
          Array.isArray(body)
            ? 'Bad Request: initialize must be sent alone, without a batch'
            : 'Bad Request: Mcp-Session-Id header is required (send initialize first)',
        );
      }
      // A client asking for a revision this gateway does not speak gets the latest (MCP's negotiation).
      if (!(PROTOCOL_VERSIONS as readonly string[]).includes(body.params.protocolVersion)) {
        body.params.protocolVersion = PROTOCOL_VERSIONS[0];
      }
      if ((await this.deps.catalog.verdict(caller)) === 'refused') throw refusedKey(caller);
      if (!sessions.makeRoom()) {
        throw new HttpError(503, 'Service unavailable: too many MCP sessions are open', {
          code: ErrorCode.ServiceUnavailable,
          headers: { 'retry-after': '5' },
        });
      }
      await sessions.open(withAuth(req, caller), res, body, caller.digest);
      return;
    }
    if (req.method === 'GET' || req.method === 'DELETE') {
      const session = this.sessionOf(req, caller);
      if (!session) throw badRequest('Bad Request: Mcp-Session-Id header is required');
      session.lastSeen = Date.now();
      if (req.method === 'GET') sessions.trackStream(session, res);
      await session.transport.handleRequest(withAuth(req, caller), res);
      return;
    }
    throw new HttpError(405, 'Method not allowed: use POST, GET or DELETE', {
      code: ErrorCode.InvalidRequest,
      headers: { allow: 'GET, POST, DELETE' },
    });
  }

  /** The session named by Mcp-Session-Id (404 if unknown, 403 for another key), or none. */
  private sessionOf(req: IncomingMessage, caller: Caller): Session | undefined {
    const id = req.headers['mcp-session-id'];
    if (id === undefined) return undefined;
    const session = typeof id === 'string' ? this.deps.sessions.get(id) : undefined;
    // 404 tells the client to start a new session (MCP's rule for an expired one).
    if (!session) throw badRequest('Session not found: it expired or was closed; send initialize again', 404);
    if (session.keyDigest !== caller.digest) {
      throw new HttpError(403, 'Forbidden: this session was opened with another API key', {
        code: ErrorCode.Forbidden,
        data: { reason: 'session_key_mismatch' },
      });
    }
    const version = req.headers['mcp-protocol-version'];
    if (version !== undefined && !(PROTOCOL_VERSIONS as readonly string[]).includes(String(version))) {
      throw badRequest(
        `Bad Request: unsupported MCP-Protocol-Version ${String(version).slice(0, 40)} (supported: ${PROTOCOL_VERSIONS.join(', ')})`,
      );
    }
    return session;
  }
}

function withAuth(req: IncomingMessage, caller: Caller): IncomingMessage & { auth: AuthInfo } {
  return Object.assign(req, { auth: authInfoOf(caller) });
}
