import { ErrorCode } from '@neurhomia/mcp-mqtt-core';
import {
  ConnectionLostError,
  RemoteError,
  RequestTimeoutError,
  TooManyPendingError,
} from '@neurhomia/mcp-mqtt-core/client';
import type { ServiceState } from './mqtt/registry.js';

/** The service is not live (offline, or its heartbeats stopped): the call is not sent at all. */
export class ServiceDownError extends Error {
  constructor(
    readonly serviceId: string,
    readonly state: ServiceState | 'unknown',
    readonly since: number | undefined,
  ) {
    super(
      state === 'unknown'
        ? `Service unavailable: no service "${serviceId}" is announced on the broker`
        : `Service unavailable: ${serviceId} is ${state === 'stale' ? 'not answering (3 heartbeats missed)' : 'offline'}${
            since ? ` since ${new Date(since).toISOString()}` : ''
          }`,
    );
    this.name = 'ServiceDownError';
  }
}

/** No live service has a tool of that name. */
export class UnknownToolError extends Error {
  constructor(
    readonly toolName: string,
    readonly candidates: readonly string[] = [],
  ) {
    super(
      candidates.length > 1
        ? `Invalid params: tool "${toolName}" exists in several services: use one of ${candidates.join(', ')}`
        : `Invalid params: unknown tool "${toolName}"`,
    );
    this.name = 'UnknownToolError';
  }
}

export interface WireError {
  code: number;
  message: string;
  data?: Record<string, unknown>;
}

/**
 * Any failure of a call through the gateway, in the project's own codes (seed 000's table):
 * what the seed 002 HTTP API answers, and the starting point of the MCP mapping below.
 */
export function protocolError(err: unknown): WireError {
  if (err instanceof RemoteError)
    return { code: err.code, message: err.message, ...(err.data ? { data: err.data } : {}) };
  if (err instanceof RequestTimeoutError)
    return {
      code: ErrorCode.Timeout,
      message: `Timeout: ${err.serviceId} did not answer ${err.method} within ${err.timeoutMs} ms`,
      data: { service: err.serviceId, timeout_ms: err.timeoutMs },
    };
  if (err instanceof ServiceDownError)
    return {
      code: ErrorCode.ServiceUnavailable,
      message: err.message,
      data: {
        service: err.serviceId,
        state: err.state,
        ...(err.since ? { since: new Date(err.since).toISOString() } : {}),
      },
    };
  if (err instanceof ConnectionLostError)
    return {
      code: ErrorCode.ServiceUnavailable,
      message: `Service unavailable: ${err.message}`,
      data: { service: err.serviceId, reason: 'broker_connection_lost' },
    };
  if (err instanceof TooManyPendingError)
    return {
      code: ErrorCode.RateLimited,
      message: `Rate limited: the gateway has ${err.limit} requests waiting for the services already: try again shortly`,
      data: { retry_after_s: 1 },
    };
  if (err instanceof UnknownToolError)
    return {
      code: ErrorCode.InvalidParams,
      message: err.message,
      data: {
        param: 'name',
        received: err.toolName,
        ...(err.candidates.length ? { candidates: err.candidates } : {}),
      },
    };
  return { code: ErrorCode.InternalError, message: 'Internal error', data: { reason: 'gateway_error' } };
}

/**
 * Seed 000's codes that mean something else to MCP clients. The official SDK uses -32001 for
 * its own request timeout and MCP uses -32002 for "resource not found", so over MCP:
 * Unauthorized -32001 → -32011 and Forbidden -32002 → -32012 (the seed's code minus 10),
 * Resource not found -32003 → -32002 (MCP's), Timeout -32004 → -32001 (the SDK's timeout).
 * Every other code is the same on both sides. The original code stays in `data.mqtt_code`.
 */
export const MCP_CODE_OF: Readonly<Record<number, number>> = {
  [ErrorCode.Unauthorized]: -32011,
  [ErrorCode.Forbidden]: -32012,
  [ErrorCode.ResourceNotFound]: -32002,
  [ErrorCode.Timeout]: -32001,
};

/** Thrown from the MCP handlers: the SDK turns `code`, `message` and `data` into the JSON-RPC error. */
export class McpFacingError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'McpFacingError';
  }
}

export function mcpError(err: unknown): McpFacingError {
  const wire = protocolError(err);
  const code = MCP_CODE_OF[wire.code] ?? wire.code;
  const data = code === wire.code ? wire.data : { ...wire.data, mqtt_code: wire.code };
  return new McpFacingError(code, wire.message, data);
}

/** The HTTP status of a seed 002 answer carrying this error. */
export function httpStatusOf(error: WireError): number {
  switch (error.code) {
    case ErrorCode.ParseError:
    case ErrorCode.InvalidRequest:
      return 400;
    case ErrorCode.InvalidParams:
      return error.data?.param === 'name' ? 404 : 400;
    case ErrorCode.MethodNotFound:
    case ErrorCode.ResourceNotFound:
      return 404;
    case ErrorCode.Unauthorized:
      return 401;
    case ErrorCode.Forbidden:
      return 403;
    case ErrorCode.Timeout:
      return 504;
    case ErrorCode.RateLimited:
      return 429;
    case ErrorCode.ServiceUnavailable:
      return 503;
    default:
      // A service's own failure is a bad gateway answer; the gateway's own, a server error.
      return error.data?.reason === 'gateway_error' ? 500 : 502;
  }
}
