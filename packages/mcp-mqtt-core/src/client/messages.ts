import { LRUCache } from 'lru-cache';
import { canonicalJson, signRequest } from '../safety/auth.js';
import { DUPLICATE_WINDOW_MS } from '../safety/duplicates.js';
import type { Priority } from '../scheduling/priority.js';

/** What a request carries besides its id: the JSON-RPC member `auth` comes from `apiKey`. */
export interface RequestParts {
  serviceId: string;
  method: string;
  params?: Record<string, unknown> | undefined;
  apiKey?: string | undefined;
  /** HMAC-sign with the API key (protocol.md §10). */
  sign?: boolean | undefined;
  priority?: Priority | undefined;
}

/** The `auth` member for `apiKey`, signed or not; none without a key. */
function authOf(request: { method: string; id?: string; params?: unknown }, parts: RequestParts) {
  if (!parts.apiKey) return undefined;
  return parts.sign
    ? signRequest(request, parts.apiKey, parts.serviceId)
    : { api_key: parts.apiKey, service_id: parts.serviceId };
}

/** The JSON text of request `id`. */
export function requestBody(id: string, parts: RequestParts): string {
  const { method, params } = parts;
  const auth = authOf({ method, id, params }, parts);
  return JSON.stringify({
    jsonrpc: '2.0',
    id,
    method,
    ...(params ? { params } : {}),
    ...(auth ? { auth } : {}),
    ...(parts.priority ? { mcp_metadata: { priority: parts.priority } } : {}),
  });
}

/** Longest cancellation reason sent (the service keeps no more). */
const MAX_REASON = 200;

/**
 * MCP's `notifications/cancelled` for request `requestId`, with the key the request carried: the
 * service lets only the request's own caller cancel it.
 */
export function cancelBody(
  requestId: string,
  reason: string,
  parts: Pick<RequestParts, 'serviceId' | 'apiKey' | 'sign'>,
): string {
  const method = 'notifications/cancelled';
  const params = { requestId, reason: reason.slice(0, MAX_REASON) };
  const auth = authOf({ method, params }, { ...parts, method });
  return JSON.stringify({ jsonrpc: '2.0', method, params, ...(auth ? { auth } : {}) });
}

/**
 * The bytes of recent idempotent requests. A service answers a repeat from memory only when it
 * carries the same Correlation Data *and* the same bytes (protocol.md §8, Duplicates): a signed
 * request signed again, or the same arguments in another key order, would run a second time. A
 * repeat of the same request within the services' window is therefore sent as the very same bytes.
 */
export class SentRequests {
  private readonly bodies = new LRUCache<string, { fingerprint: string; body: string }>({
    max: 10_000,
    maxSize: 16 * 1024 * 1024,
    sizeCalculation: (entry) => entry.fingerprint.length + entry.body.length + 64,
    // The service remembers a request from its arrival, which comes after it was sent.
    ttl: DUPLICATE_WINDOW_MS,
  });

  /** The body of request `id`: the one sent before when the same request was sent in the window. */
  body(id: string, parts: RequestParts): string {
    const fingerprint = canonicalJson([parts.method, parts.params ?? null, parts.priority ?? null]);
    const sent = this.bodies.get(id);
    if (sent?.fingerprint === fingerprint) return sent.body;
    const body = requestBody(id, parts);
    this.bodies.set(id, { fingerprint, body });
    return body;
  }
}
