import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './respond.js';

/** Host names that are this machine: always accepted in the Host header. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** `example.com:3003` → `example.com`; `[::1]:3003` → `[::1]`. */
export function hostnameOf(hostHeader: string): string {
  const host = hostHeader.trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.split(':')[0]!;
}

export interface OriginPolicy {
  /** Host names accepted besides loopback; `*` accepts any. */
  allowedHosts: readonly string[];
  /** Origins (`scheme://host[:port]`) whose pages may call the gateway, besides its own. */
  allowedOrigins: readonly string[];
}

/**
 * DNS rebinding and cross-site protection (MCP's transport security rules): the Host header must
 * name this machine or an allowed host (403 otherwise), and a browser's Origin must be the
 * gateway's own or an allowed one (403 otherwise). Requests without Origin (not from a browser
 * page) pass the second check. Returns the Origin to grant CORS to, if any.
 */
export function checkRequestOrigin(req: IncomingMessage, policy: OriginPolicy): string | undefined {
  const host = req.headers.host;
  if (!policy.allowedHosts.includes('*')) {
    const name = host ? hostnameOf(host) : '';
    if (!LOOPBACK.has(name) && !policy.allowedHosts.includes(name)) {
      throw new HttpError(403, `Forbidden: Host "${(host ?? '').slice(0, 100)}" is not allowed`, {
        code: -32000,
        data: { reason: 'host_not_allowed', hint: 'add it to GATEWAY_ALLOWED_HOSTS' },
      });
    }
  }
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(origin);
  } catch {
    parsed = undefined;
  }
  if (parsed && host && parsed.host === host.toLowerCase()) return undefined;
  if (parsed && policy.allowedOrigins.includes(parsed.origin)) return parsed.origin;
  throw new HttpError(403, `Forbidden: Origin "${origin.slice(0, 100)}" is not allowed`, {
    code: -32000,
    data: { reason: 'origin_not_allowed', hint: 'add it to GATEWAY_ALLOWED_ORIGINS' },
  });
}

const CORS_REQUEST_HEADERS = [
  'authorization',
  'content-type',
  'accept',
  'mcp-session-id',
  'mcp-protocol-version',
  'last-event-id',
  'x-session-id',
  'x-priority',
  'x-timeout',
  'x-cache-control',
].join(', ');

/** CORS headers for an allowed foreign origin; answers its preflight (OPTIONS) itself. */
export function applyCors(req: IncomingMessage, res: ServerResponse, origin: string): boolean {
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'Origin');
  res.setHeader('access-control-expose-headers', 'mcp-session-id, www-authenticate, retry-after');
  if (req.method !== 'OPTIONS') return false;
  res.writeHead(204, {
    'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
    'access-control-allow-headers': CORS_REQUEST_HEADERS,
    'access-control-max-age': '600',
  });
  res.end();
  return true;
}
