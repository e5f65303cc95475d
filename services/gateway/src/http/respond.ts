import type { ServerResponse } from 'node:http';
import { MCP_CODE_OF } from '../errors.js';

/** An HTTP answer decided before any handler ran (size, origin, auth, parse): status and body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly options: {
      /** The error's code in the project's table (seed 000); /mcp answers it in MCP's (errors.ts). */
      code: number;
      data?: Record<string, unknown>;
      headers?: Record<string, string>;
    },
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...SECURITY_HEADERS,
    ...headers,
  });
  res.end(text);
}

/**
 * Answers an HttpError: at /mcp a JSON-RPC error in MCP's codes (`id` of the request when known),
 * elsewhere (seed 002's API, the dashboard's) `{error: {code, message, data}}` in the project's.
 */
export function sendHttpError(
  res: ServerResponse,
  error: HttpError,
  style: 'mcp' | 'http',
  id: unknown = null,
) {
  const { code, data, headers } = error.options;
  const mcpCode = MCP_CODE_OF[code];
  if (style === 'http') {
    sendJson(
      res,
      error.status,
      { error: { code, message: error.message, ...(data ? { data } : {}) } },
      headers,
    );
    return;
  }
  const mcpData = mcpCode === undefined ? data : { ...data, mqtt_code: code };
  sendJson(
    res,
    error.status,
    {
      jsonrpc: '2.0',
      id,
      error: { code: mcpCode ?? code, message: error.message, ...(mcpData ? { data: mcpData } : {}) },
    },
    headers,
  );
}

export function sendFile(res: ServerResponse, body: Buffer, contentType: string) {
  res.writeHead(200, {
    'content-type': contentType,
    'content-length': String(body.length),
    ...SECURITY_HEADERS,
    // The page loads only its own script and style, and talks only to this origin.
    'content-security-policy':
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    'referrer-policy': 'no-referrer',
  });
  res.end(body);
}
