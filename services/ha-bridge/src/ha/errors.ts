import { ToolError } from '@neurhomia/mcp-mqtt-core';

export type HaFailureKind =
  | 'not_configured'
  | 'unauthorized'
  | 'network'
  | 'timeout'
  | 'http'
  | 'service_failed'
  | 'invalid_response'
  | 'too_large'
  | 'cancelled';

/**
 * A Home Assistant call that failed, as a message a person can act on. `countsAsFailure` tells
 * the circuit breaker whether Home Assistant itself is in trouble (unreachable, slow, 5xx,
 * garbage) or merely refused this request (400 bad service data, 404 unknown entity) or was never
 * asked (not configured, token refused): only the former opens the circuit.
 */
export class HaError extends ToolError {
  readonly countsAsFailure: boolean;

  constructor(
    message: string,
    readonly kind: HaFailureKind,
    readonly status?: number,
    options: { cause?: unknown; data?: Record<string, unknown> } = {},
  ) {
    super(message, {
      cause: options.cause,
      data: {
        reason: kind,
        ...(status !== undefined ? { upstream_status: status } : {}),
        ...options.data,
      },
    });
    this.name = 'HaError';
    this.countsAsFailure =
      kind === 'network' ||
      kind === 'timeout' ||
      kind === 'invalid_response' ||
      (kind === 'http' && (status ?? 0) >= 500);
  }
}

/** The circuit breaker's `isFailure`. */
export function isHaFailure(error: unknown): boolean {
  return error instanceof HaError && error.countsAsFailure;
}

/** Error codes of Node's sockets and DNS, in words. */
const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed',
  UND_ERR_CLOSED: 'connection closed',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed TLS certificate in chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host name',
};

/** The code of a network error, looking through undici's and fetch's `cause` chains. */
export function networkCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function describeNetworkError(error: unknown): string {
  const code = networkCode(error);
  if (code) return NETWORK_CODES[code] ? `${NETWORK_CODES[code]} (${code})` : code;
  return (error as Error)?.message || String(error);
}

/** `unreachable` once the name resolves nowhere: the demo's simulator is not running. */
export function isUnknownHost(error: unknown): boolean {
  const code = networkCode(error);
  return code === 'ENOTFOUND' || code === 'EAI_AGAIN';
}

export const TOKEN_HELP =
  'create a long-lived access token in Home Assistant (your user profile → Security → Long-lived access tokens) ' +
  'and set HA_TOKEN (or HA_TOKEN_FILE)';
