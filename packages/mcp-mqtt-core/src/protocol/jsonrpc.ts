import { z } from 'zod';
import { ErrorCode, RpcError } from './errors.js';

export const JSONRPC_VERSION = '2.0';

export const RequestIdSchema = z.union([z.string(), z.number()]);
export type RequestId = z.infer<typeof RequestIdSchema>;

/** The seed's `auth` member: an API key, optionally signed (HMAC-SHA256, see safety/auth.ts). */
export const AuthSchema = z.object({
  api_key: z.string().min(1).max(512),
  service_id: z.string().max(128).optional(),
  timestamp: z.union([z.string().max(64), z.number()]).optional(),
  signature: z.string().max(256).optional(),
});
export type Auth = z.infer<typeof AuthSchema>;

/** A JSON-RPC request as it arrives; extra members (`auth`, `mcp_metadata`) are allowed. */
export const RequestSchema = z.looseObject({
  jsonrpc: z.literal(JSONRPC_VERSION),
  method: z.string().min(1).max(256),
  id: z.union([RequestIdSchema, z.null()]).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  auth: z.unknown().optional(),
});
export type Request = z.infer<typeof RequestSchema>;

export const ErrorObjectSchema = z.object({
  code: z.number().int(),
  message: z.string(),
  data: z.unknown().optional(),
});
export type ErrorObject = z.infer<typeof ErrorObjectSchema>;

export const ResponseSchema = z.union([
  z.object({
    jsonrpc: z.literal(JSONRPC_VERSION),
    id: z.union([RequestIdSchema, z.null()]),
    result: z.unknown(),
  }),
  z.object({
    jsonrpc: z.literal(JSONRPC_VERSION),
    id: z.union([RequestIdSchema, z.null()]),
    error: ErrorObjectSchema,
  }),
]);
export type Response = z.infer<typeof ResponseSchema>;

export type SuccessResponse = { jsonrpc: '2.0'; id: RequestId | null; result: unknown };
export type ErrorResponse = { jsonrpc: '2.0'; id: RequestId | null; error: ErrorObject };

export function success(id: RequestId | null, result: unknown): SuccessResponse {
  return { jsonrpc: JSONRPC_VERSION, id, result };
}

export function failure(id: RequestId | null, error: RpcError): ErrorResponse {
  return { jsonrpc: JSONRPC_VERSION, id, error: error.toJSON() };
}

/** One element of an incoming message, after the envelope rules of docs/protocol.md. */
export type Envelope =
  | { kind: 'request'; request: Request; id: RequestId | null }
  | { kind: 'notification'; request: Request }
  | { kind: 'invalid'; id: RequestId | null; error: RpcError };

function readableId(value: unknown): RequestId | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

/** Applies the envelope rules to one parsed JSON value (an element of a batch, or the whole). */
export function classify(value: unknown): Envelope {
  const id = readableId(value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      kind: 'invalid',
      id: null,
      error: new RpcError(ErrorCode.InvalidRequest, 'Invalid Request: not an object'),
    };
  }
  const params = (value as { params?: unknown }).params;
  if (Array.isArray(params)) {
    const request = RequestSchema.safeParse({ ...value, params: undefined });
    if (request.success) {
      return {
        kind: 'invalid',
        id,
        error: new RpcError(
          ErrorCode.InvalidParams,
          'Invalid params: params must be an object, not an array',
          {
            param: 'params',
            expected: 'object',
            received: 'array',
          },
        ),
      };
    }
  }
  const parsed = RequestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || 'request';
    return {
      kind: 'invalid',
      id,
      error: new RpcError(ErrorCode.InvalidRequest, `Invalid Request: ${field}: ${issue.message}`, { field }),
    };
  }
  if (!('id' in parsed.data) || parsed.data.id === undefined)
    return { kind: 'notification', request: parsed.data };
  return { kind: 'request', request: parsed.data, id: parsed.data.id ?? null };
}

/** Parses raw bytes: a single envelope, a batch of them, or a message-level error. */
export type Parsed =
  | { kind: 'single'; envelope: Envelope }
  | { kind: 'batch'; envelopes: Envelope[] }
  | { kind: 'error'; error: RpcError };

export function parseMessage(payload: Buffer | string, maxBytes: number): Parsed {
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  if (size > maxBytes) {
    return {
      kind: 'error',
      error: new RpcError(
        ErrorCode.InvalidRequest,
        `Invalid Request: payload of ${size} bytes exceeds the ${maxBytes}-byte limit`,
        {
          max_bytes: maxBytes,
          received_bytes: size,
        },
      ),
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch (err) {
    return {
      kind: 'error',
      error: new RpcError(ErrorCode.ParseError, `Parse error: ${(err as Error).message}`),
    };
  }
  if (Array.isArray(body)) {
    if (body.length === 0)
      return { kind: 'error', error: new RpcError(ErrorCode.InvalidRequest, 'Invalid Request: empty batch') };
    return { kind: 'batch', envelopes: body.map(classify) };
  }
  return { kind: 'single', envelope: classify(body) };
}
