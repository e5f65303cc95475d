import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, PRIORITIES, type Priority } from '@neurhomia/mcp-mqtt-core';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { Calls } from '../calls.js';
import type { Catalog } from '../catalog.js';
import { httpStatusOf, protocolError } from '../errors.js';
import { readJson } from '../http/body.js';
import { type Caller, refusedKey } from '../http/caller.js';
import { HttpError, sendJson } from '../http/respond.js';
import { PROTOCOL_VERSIONS } from '../mcp/server.js';

const SessionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._~-]{1,128}$/, 'must be 1-128 characters among A-Z a-z 0-9 . _ ~ -');

const InitializeBodySchema = z.looseObject({
  protocolVersion: z.string().max(64).optional(),
  capabilities: z.record(z.string(), z.unknown()).optional(),
  clientInfo: z.looseObject({ name: z.string().max(200), version: z.string().max(100) }).optional(),
  session_id: SessionIdSchema.optional(),
  id: z.union([z.string().max(128), z.number()]).optional(),
});

const ToolsListBodySchema = z.object({ service: z.string().max(64).optional() }).strict();

const ToolsCallBodySchema = z.object({
  name: z.string().min(1).max(256),
  arguments: z.record(z.string(), z.unknown()).default({}),
  request_id: z.union([z.string().min(1).max(128), z.number().int()]).optional(),
});

interface RestSession {
  keyDigest: string;
  createdAt: number;
  lastSeen: number;
  client?: { name: string; version: string } | undefined;
}

function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const param = issue.path.map(String).join('.') || 'body';
  throw new HttpError(400, `Invalid params: ${param}: ${issue.message}`, {
    code: ErrorCode.InvalidParams,
    data: {
      param,
      issues: parsed.error.issues.map((i) => ({ param: i.path.join('.'), message: i.message })),
    },
  });
}

/** `X-Priority: HIGH` → high (seed 002 writes levels in capitals; `normal` is medium). */
export function parsePriority(header: string | string[] | undefined): Priority | undefined {
  if (header === undefined) return undefined;
  const value = String(header).trim().toLowerCase();
  const priority = value === 'normal' ? 'medium' : value;
  if ((PRIORITIES as readonly string[]).includes(priority)) return priority as Priority;
  throw new HttpError(
    400,
    `Invalid X-Priority "${value.slice(0, 20)}": use one of ${PRIORITIES.join(', ')}`,
    {
      code: ErrorCode.InvalidParams,
      data: { param: 'X-Priority', expected: [...PRIORITIES, 'normal'] },
    },
  );
}

/** `X-Timeout: 30` (seconds, fractions allowed) → ms, within 0 < t ≤ the configured maximum. */
export function parseTimeout(
  header: string | string[] | undefined,
  fallbackMs: number,
  maxS: number,
): number {
  if (header === undefined) return fallbackMs;
  const seconds = Number(String(header).trim());
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > maxS) {
    throw new HttpError(400, `Invalid X-Timeout: a number of seconds above 0 and at most ${maxS}`, {
      code: ErrorCode.InvalidParams,
      data: { param: 'X-Timeout', max_s: maxS },
    });
  }
  return Math.round(seconds * 1000);
}

/** `X-Cache-Control: max-age=60` (or `no-cache`) → how old a cached list may be, in ms. */
export function parseMaxAge(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = String(header).toLowerCase();
  if (/\bno-cache\b/.test(value)) return 0;
  const match = /\bmax-age=(\d{1,9})\b/.exec(value);
  if (!match) {
    throw new HttpError(400, 'Invalid X-Cache-Control: use max-age=<seconds> or no-cache', {
      code: ErrorCode.InvalidParams,
      data: { param: 'X-Cache-Control' },
    });
  }
  return Number(match[1]) * 1000;
}

/**
 * Seed 002's HTTP API for clients that are not MCP clients (n8n's HTTP node, curl): initialize,
 * tools/list with a cache the caller steers, tools/call with priority and timeout headers. Same
 * keys as /mcp; answers in the project's own error codes with the matching HTTP status.
 */
export class SeedApi {
  private readonly sessions = new LRUCache<string, RestSession>({
    max: 1000,
    ttl: 3600_000,
    updateAgeOnGet: true,
  });

  constructor(
    private readonly deps: {
      catalog: Catalog;
      calls: Calls;
      version: string;
      maxBodyBytes: number;
      callTimeoutMs: number;
      maxTimeoutS: number;
    },
  ) {}

  get activeSessions(): number {
    return this.sessions.size;
  }

  async initialize(req: IncomingMessage, res: ServerResponse, caller: Caller) {
    const body = parseBody(InitializeBodySchema, await readJson(req, this.deps.maxBodyBytes));
    if ((await this.deps.catalog.verdict(caller)) === 'refused') throw refusedKey(caller);
    const id = body.session_id ?? randomUUID();
    const existing = this.sessions.get(id);
    if (existing && existing.keyDigest !== caller.digest) {
      throw new HttpError(403, 'Forbidden: this session id belongs to another API key', {
        code: ErrorCode.Forbidden,
        data: { reason: 'session_key_mismatch' },
      });
    }
    const now = Date.now();
    this.sessions.set(id, {
      keyDigest: caller.digest,
      createdAt: existing?.createdAt ?? now,
      lastSeen: now,
      client: body.clientInfo,
    });
    const requested = body.protocolVersion;
    sendJson(
      res,
      200,
      {
        jsonrpc: '2.0',
        id: body.id ?? 1,
        result: {
          protocolVersion:
            requested && (PROTOCOL_VERSIONS as readonly string[]).includes(requested)
              ? requested
              : PROTOCOL_VERSIONS[0],
          capabilities: { tools: { listChanged: true }, resources: { listChanged: true } },
          serverInfo: { name: 'neurhomia-gateway', version: this.deps.version },
          session_id: id,
        },
      },
      { 'x-session-id': id },
    );
  }

  async toolsList(req: IncomingMessage, res: ServerResponse, caller: Caller) {
    this.touchSession(req, caller);
    const maxAgeMs = parseMaxAge(req.headers['x-cache-control']);
    const { service } = parseBody(ToolsListBodySchema, await readJson(req, this.deps.maxBodyBytes));
    const listing = await this.deps.catalog.tools(caller, maxAgeMs);
    if (listing.services.length > 0 && listing.services.every((s) => s.outcome === 'refused'))
      throw refusedKey(caller);
    const tools = listing.items
      .filter((tool) => service === undefined || tool._meta['neurhomia/service'] === service)
      .map(({ _meta, ...tool }) => ({
        ...tool,
        service: _meta['neurhomia/service'],
        tool: _meta['neurhomia/tool'],
        ...(_meta['neurhomia/permissions'] ? { permissions: _meta['neurhomia/permissions'] } : {}),
      }));
    sendJson(res, 200, {
      tools,
      cached: listing.cached,
      cache_expires: new Date(listing.expiresAt).toISOString(),
      services: listing.services.map((s) => ({
        service: s.serviceId,
        outcome: s.outcome,
        ...(s.error ? { error: s.error } : {}),
      })),
    });
  }

  async toolsCall(req: IncomingMessage, res: ServerResponse, caller: Caller) {
    this.touchSession(req, caller);
    const priority = parsePriority(req.headers['x-priority']);
    const timeoutMs = parseTimeout(req.headers['x-timeout'], this.deps.callTimeoutMs, this.deps.maxTimeoutS);
    const body = parseBody(ToolsCallBodySchema, await readJson(req, this.deps.maxBodyBytes));
    const requestId = body.request_id ?? randomUUID();
    const started = performance.now();
    try {
      const ref = this.deps.calls.resolve(body.name, true);
      const result = await this.deps.calls.callTool(ref, body.arguments, {
        caller,
        via: 'http',
        timeoutMs,
        priority,
        // Only the caller's own id makes a repeat idempotent; a generated one never repeats.
        idempotencyKey: body.request_id === undefined ? undefined : String(body.request_id),
      });
      sendJson(res, 200, {
        request_id: requestId,
        name: this.deps.calls.nameOf(ref),
        service: ref.serviceId,
        tool: ref.tool,
        duration_ms: Math.round((performance.now() - started) * 100) / 100,
        ...result,
      });
    } catch (err) {
      const error = protocolError(err);
      const status = httpStatusOf(error);
      const headers: Record<string, string> = {};
      const retryAfter = error.data?.retry_after_s;
      if (typeof retryAfter === 'number') headers['retry-after'] = String(Math.ceil(retryAfter));
      if (status === 401) headers['www-authenticate'] = 'Bearer realm="mcp-gateway", error="invalid_token"';
      sendJson(res, status, { request_id: requestId, error }, headers);
    }
  }

  /** X-Session-ID, when sent, must name a session of this key (404 otherwise: initialize first). */
  private touchSession(req: IncomingMessage, caller: Caller) {
    const header = req.headers['x-session-id'];
    if (header === undefined) return;
    const session = typeof header === 'string' ? this.sessions.get(header) : undefined;
    if (!session || session.keyDigest !== caller.digest) {
      throw new HttpError(
        404,
        'Unknown X-Session-ID: POST /mcp/initialize first (sessions expire after an hour idle)',
        {
          code: ErrorCode.InvalidRequest,
          data: { param: 'X-Session-ID' },
        },
      );
    }
    session.lastSeen = Date.now();
  }
}
