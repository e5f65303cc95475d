/**
 * HTTP plumbing with aiohttp's and HomeAssistantView's response shapes: JSON bodies, `{"message"}`
 * bodies (json_message), and aiohttp's plain-text errors ("401: Unauthorized",
 * "500 Internal Server Error\n\nServer got itself in trouble").
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export const MAX_BODY_BYTES = 1024 * 1024;

/** An aiohttp HTTPException: `<status>: <reason>` as text/plain. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly text?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(text ?? String(status));
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
};

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

/** `HomeAssistantView.json_message`. */
export const sendMessage = (res: ServerResponse, status: number, message: string) =>
  sendJson(res, status, { message });

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendHttpError(res: ServerResponse, err: HttpError): void {
  sendText(res, err.status, err.text ?? `${err.status}: ${REASONS[err.status] ?? 'Error'}`, err.headers);
}

/** What aiohttp answers for an exception a view does not handle. */
export function sendInternalError(res: ServerResponse): void {
  sendText(res, 500, '500 Internal Server Error\n\nServer got itself in trouble');
}

/** The request body as text, refused past MAX_BODY_BYTES as aiohttp refuses past client_max_size. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new HttpError(
        413,
        `Maximum request body size ${MAX_BODY_BYTES} exceeded, actual body size ${size}`,
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export type RouteRequest = {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  body: () => Promise<string>;
};

export type Route = {
  method: string;
  /** Path pattern with `{name}` parameters; a trailing `{name:path}` takes the rest. */
  pattern: string;
  handler: (r: RouteRequest) => Promise<void> | void;
  /** Service calls spend the latency themselves. */
  ownLatency?: boolean;
};

export function compile(pattern: string): RegExp {
  const source = pattern
    .replace(/[.+?^$()[\]\\]/g, '\\$&')
    .replace(/\{(\w+):path\}/g, '(?<$1>.+)')
    .replace(/\{(\w+)\}/g, '(?<$1>[^/]+)');
  return new RegExp(`^${source}$`);
}
