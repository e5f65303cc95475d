import { type ErrorCode, RpcError } from '../protocol/errors.js';

/** No answer within the client's timeout. The request may or may not have run. */
export class RequestTimeoutError extends Error {
  constructor(
    readonly serviceId: string,
    readonly method: string,
    readonly timeoutMs: number,
  ) {
    super(`no answer from ${serviceId} to ${method} within ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}

/** The broker connection dropped while the request was pending. The request may or may not have run. */
export class ConnectionLostError extends Error {
  constructor(
    readonly serviceId: string,
    readonly method: string,
  ) {
    super(`connection to the broker lost while waiting for ${serviceId} to answer ${method}`);
    this.name = 'ConnectionLostError';
  }
}

/** The service answered with a JSON-RPC error. */
export class RemoteError extends RpcError {
  constructor(code: number, message: string, data?: Record<string, unknown>) {
    super(code as ErrorCode, message, data);
    this.name = 'RemoteError';
  }
}
