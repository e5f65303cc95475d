/**
 * JSON-RPC error codes. -32700…-32603 are JSON-RPC 2.0; -32000…-32006 follow the NeurHomIA
 * seed table. Note: the MCP SDK uses -32001 for its own request timeout and -32002 for
 * resource-not-found; on this wire those codes mean Unauthorized and Forbidden.
 */
export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  ServerError: -32000,
  Unauthorized: -32001,
  Forbidden: -32002,
  ResourceNotFound: -32003,
  Timeout: -32004,
  RateLimited: -32005,
  ServiceUnavailable: -32006,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const errorMessages: Record<ErrorCode, string> = {
  [ErrorCode.ParseError]: 'Parse error',
  [ErrorCode.InvalidRequest]: 'Invalid Request',
  [ErrorCode.MethodNotFound]: 'Method not found',
  [ErrorCode.InvalidParams]: 'Invalid params',
  [ErrorCode.InternalError]: 'Internal error',
  [ErrorCode.ServerError]: 'Server error',
  [ErrorCode.Unauthorized]: 'Unauthorized',
  [ErrorCode.Forbidden]: 'Forbidden',
  [ErrorCode.ResourceNotFound]: 'Resource not found',
  [ErrorCode.Timeout]: 'Timeout',
  [ErrorCode.RateLimited]: 'Rate limited',
  [ErrorCode.ServiceUnavailable]: 'Service unavailable',
};

/** A protocol-level failure: becomes the `error` member of a JSON-RPC response. */
export class RpcError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = errorMessages[code],
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'RpcError';
  }

  toJSON(): { code: number; message: string; data?: Record<string, unknown> } {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

/**
 * A tool that ran but could not do its job (upstream down, place not found, provider 429).
 * Becomes a tool result with `isError: true`, not a JSON-RPC error: the caller gets a message a
 * person can act on, plus `retry_after_s` when the upstream said when to come back.
 */
export class ToolError extends Error {
  readonly retryAfterS: number | undefined;
  readonly data: Record<string, unknown> | undefined;

  constructor(
    message: string,
    options: { retryAfterS?: number; data?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ToolError';
    this.retryAfterS = options.retryAfterS;
    this.data = options.data;
  }
}

/**
 * The caller cancelled the request (`notifications/cancelled`): the work stops and, as MCP asks,
 * no answer is sent for it.
 */
export class RequestCancelledError extends Error {
  constructor(reason?: string) {
    super(reason ? `request cancelled: ${reason}` : 'request cancelled');
    this.name = 'RequestCancelledError';
  }
}
