import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { ErrorCode, RpcError } from '../protocol/errors.js';
import { AuthSchema, type Request } from '../protocol/jsonrpc.js';
import type { Caller } from '../service/define.js';

/** How far a signed request's timestamp may be from the service clock. */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

export interface ApiKey {
  digest: Buffer;
  keyId: string;
  /** The client the key belongs to: answers to `mcp/clients/{owner}/…` need a key it owns. */
  owner: string | undefined;
  scopes: readonly string[];
}

/** A short, stable, non-reversible name for a key: safe in logs and metrics. */
export function keyId(key: string): string {
  return keyIdOfDigest(digest(key));
}

function keyIdOfDigest(value: Buffer): string {
  return `key_${value.toString('hex').slice(0, 8)}`;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The same character set as MQTT user names in the stack (mosquitto/bootstrap/init-secrets.sh). */
const OWNER = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const DIGEST = /^sha256:([0-9a-f]{64})$/i;

/** The digest form of a key entry, as services in the stack receive them: `name:sha256:<hex>=scopes`. */
export function keyDigestEntry(owner: string, key: string, scopes: readonly string[]): string {
  return `${owner}:sha256:${digest(key).toString('hex')}=${scopes.join('|')}`;
}

/**
 * `MCP_API_KEYS`, entries separated by commas or new lines:
 *   `key=scope|scope`                  a key (legacy: it names no owner)
 *   `name:key=scope|scope`             a key owned by client `name` (its MQTT user name)
 *   `name:sha256:<64 hex>=scope|scope` the same with only the key's SHA-256: nothing to leak
 * Throws with the entry number (never its text: it holds a secret) on a malformed entry.
 */
export function parseApiKeys(spec: string): ApiKey[] {
  return spec
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0 && !entry.startsWith('#'))
    .map((entry, index) => {
      const bad = (what: string) =>
        new Error(`MCP_API_KEYS: entry ${index + 1} ${what} (expected [name:]key=scope|scope)`);
      const eq = entry.lastIndexOf('=');
      if (eq === -1) throw bad('has no "="');
      const left = entry.slice(0, eq).trim();
      const scopes = entry
        .slice(eq + 1)
        .split('|')
        .map((s) => s.trim())
        .filter(Boolean);
      if (scopes.length === 0) throw bad('grants no scope');
      if (/^sha256:/i.test(left)) throw bad('gives a digest without an owner name');
      const colon = left.indexOf(':');
      const owner = colon > 0 && OWNER.test(left.slice(0, colon)) ? left.slice(0, colon) : undefined;
      const secret = owner === undefined ? left : left.slice(colon + 1);
      const hashed = DIGEST.exec(secret);
      if (!hashed && /^sha256:/i.test(secret))
        throw bad('has a malformed digest (sha256: and 64 hex digits)');
      if (hashed) {
        const value = Buffer.from(hashed[1]!.toLowerCase(), 'hex');
        return { digest: value, keyId: keyIdOfDigest(value), owner, scopes };
      }
      if (secret.length < 8) throw bad('has a key shorter than 8 characters');
      const value = digest(secret);
      return { digest: value, keyId: keyIdOfDigest(value), owner, scopes };
    });
}

/** `weather:*` grants `weather:read`; `*` grants everything. */
export function grants(scopes: readonly string[], required: string): boolean {
  return scopes.some(
    (scope) =>
      scope === '*' ||
      scope === required ||
      (scope.endsWith(':*') && required.startsWith(scope.slice(0, -1))),
  );
}

/**
 * The string a client signs: stable across JSON key order, and bound to one service so that a
 * request captured on its way to one service cannot be replayed to another.
 */
export function canonicalRequest(
  request: { method: string; id?: unknown; params?: unknown },
  serviceId: string,
  timestamp: string | number,
) {
  const id = request.id === undefined ? '' : JSON.stringify(request.id);
  return `${timestamp}\n${serviceId}\n${request.method}\n${id}\n${canonicalJson(request.params ?? {})}`;
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Client side: the `auth` member of a signed request to `serviceId`. */
export function signRequest(
  request: { method: string; id?: unknown; params?: unknown },
  apiKey: string,
  serviceId: string,
  now = Date.now(),
) {
  const timestamp = new Date(now).toISOString();
  const signature = createHmac('sha256', apiKey)
    .update(canonicalRequest(request, serviceId, timestamp))
    .digest('hex');
  return { api_key: apiKey, service_id: serviceId, timestamp, signature };
}

function timestampMs(value: string | number): number {
  if (typeof value === 'number') return value < 1e12 ? value * 1000 : value;
  return /^\d+$/.test(value) ? timestampMs(Number(value)) : Date.parse(value);
}

const unauthorized = (reason: string) =>
  new RpcError(ErrorCode.Unauthorized, `Unauthorized: ${reason}`, { reason });

export interface AuthenticatorOptions {
  /** The service these requests are for: a signature covers it. */
  serviceId: string;
  keys: readonly ApiKey[];
  requireSignature: boolean;
  now?: () => number;
}

/**
 * Resolves a request's `auth` member to a Caller. With no keys configured the service runs open:
 * every caller holds every scope (and the service logs a warning at start).
 */
export class Authenticator {
  /** Signatures seen inside the window: a replay is refused. Bounded like every map. */
  private readonly seen = new LRUCache<string, true>({ max: 50_000, ttl: 2 * SIGNATURE_WINDOW_MS });
  private readonly now: () => number;

  constructor(private readonly options: AuthenticatorOptions) {
    this.now = options.now ?? Date.now;
  }

  get open(): boolean {
    return this.options.keys.length === 0;
  }

  authenticate(request: Request, fallbackCallerId: string): Caller {
    if (this.open) return { id: fallbackCallerId, keyId: undefined, scopes: ['*'] };
    if (request.auth === undefined) throw unauthorized('missing auth.api_key');
    const parsed = AuthSchema.safeParse(request.auth);
    if (!parsed.success)
      throw unauthorized(`malformed auth member (${parsed.error.issues[0]?.path.join('.') || 'auth'})`);
    const auth = parsed.data;
    const presented = digest(auth.api_key);
    // Compare every key in constant time, without an early exit that would time the match.
    let match: ApiKey | undefined;
    for (const key of this.options.keys) {
      if (timingSafeEqual(presented, key.digest)) match = key;
    }
    if (!match) throw unauthorized('unknown API key');
    if (auth.signature !== undefined || this.options.requireSignature) this.verifySignature(request, auth);
    return { id: match.keyId, keyId: match.keyId, owner: match.owner, scopes: match.scopes };
  }

  /** Keys that name no owner: their callers may have answers sent to any client's inbox. */
  get unownedKeys(): number {
    return this.options.keys.filter((key) => key.owner === undefined).length;
  }

  /**
   * Whether an answer may go to the private inbox of client `inbox` (`mcp/clients/{inbox}/…`):
   * always in open mode; else only for a key that `inbox` owns (or a legacy key naming no owner).
   */
  mayAnswer(caller: Caller, inbox: string): boolean {
    return this.open || caller.owner === undefined || caller.owner === inbox;
  }

  private verifySignature(
    request: Request,
    auth: {
      api_key: string;
      service_id?: string | undefined;
      timestamp?: string | number | undefined;
      signature?: string | undefined;
    },
  ) {
    if (auth.signature === undefined) throw unauthorized('signature required');
    if (auth.timestamp === undefined) throw unauthorized('signed request without auth.timestamp');
    // One spelling only (64 lowercase hex): otherwise "AB…" and "ab…" would be two entries of
    // the replay cache for the same signature.
    if (!/^[0-9a-f]{64}$/.test(auth.signature)) throw unauthorized('bad signature');
    if (auth.service_id !== undefined && auth.service_id !== this.options.serviceId) {
      throw unauthorized(`signed for service ${auth.service_id.slice(0, 64)}, not this one`);
    }
    const at = timestampMs(auth.timestamp);
    if (!Number.isFinite(at) || Math.abs(this.now() - at) > SIGNATURE_WINDOW_MS) {
      throw unauthorized('timestamp outside the ±5 min window');
    }
    const expected = createHmac('sha256', auth.api_key)
      .update(canonicalRequest(request, this.options.serviceId, auth.timestamp))
      .digest();
    const given = Buffer.from(auth.signature, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw unauthorized('bad signature');
    if (this.seen.has(auth.signature)) throw unauthorized('replayed signature');
    this.seen.set(auth.signature, true);
  }

  /** Throws -32002 naming the first missing scope. */
  static authorize(caller: Caller, required: readonly string[] | undefined) {
    for (const permission of required ?? []) {
      if (!grants(caller.scopes, permission)) {
        throw new RpcError(ErrorCode.Forbidden, `Forbidden: requires ${permission}`, {
          required_permission: permission,
        });
      }
    }
  }
}
