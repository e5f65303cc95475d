import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ErrorCode } from '@neurhomia/mcp-mqtt-core';
import { HttpError } from './respond.js';

/** Who is calling, as far as the gateway can tell: the key it will pass on to the services. */
export interface Caller {
  /** `Authorization: Bearer <key>`, else GATEWAY_API_KEY, else none. Never logged. */
  apiKey: string | undefined;
  /** SHA-256 of the key (of "" without one): sessions, caches and the feed are keyed on it. */
  digest: string;
  /** What logs and the dashboard show: `key_` + 8 hex digits of the digest (the services' key id). */
  keyId: string | null;
  /** The key came from the request (not GATEWAY_API_KEY). */
  fromRequest: boolean;
}

const BEARER = /^Bearer[ \t]+([\x21-\x7e]{1,512})[ \t]*$/i;

export function callerFor(apiKey: string | undefined, fromRequest = false): Caller {
  const digest = createHash('sha256')
    .update(apiKey ?? '')
    .digest('hex');
  return { apiKey, digest, keyId: apiKey ? `key_${digest.slice(0, 8)}` : null, fromRequest };
}

/** The caller of an HTTP request; a malformed Authorization header is a 401, never ignored. */
export function callerOf(req: IncomingMessage, defaultKey: string | undefined): Caller {
  const header = req.headers.authorization;
  if (header === undefined || header === '') return callerFor(defaultKey);
  const match = BEARER.exec(header);
  if (!match) {
    throw new HttpError(401, 'Unauthorized: the Authorization header must be "Bearer <api key>"', {
      code: ErrorCode.Unauthorized,
      data: { reason: 'malformed_authorization' },
      headers: { 'www-authenticate': 'Bearer realm="mcp-gateway", error="invalid_request"' },
    });
  }
  return callerFor(match[1], true);
}

/** The 401 of a key every live service refused (or of no key where one is needed). */
export function refusedKey(caller: Caller): HttpError {
  return new HttpError(
    401,
    caller.apiKey
      ? 'Unauthorized: no live service accepts this API key'
      : 'Unauthorized: an API key is required (send Authorization: Bearer <api key>)',
    {
      code: ErrorCode.Unauthorized,
      data: { reason: caller.apiKey ? 'unknown_api_key' : 'missing_api_key' },
      headers: {
        'www-authenticate': caller.apiKey
          ? 'Bearer realm="mcp-gateway", error="invalid_token"'
          : 'Bearer realm="mcp-gateway"',
      },
    },
  );
}
