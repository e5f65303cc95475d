import { type ErrorCode, RpcError } from '../protocol/errors.js';

/** No answer within the client's timeout. The request may or may not have run. */
export class RequestTimeoutError extends Error {
  constructor(
    readonly serviceId: string,
    readonly method: string,
    readonly timeoutMs: number,
    /** True when the request carried no API key: a service with keys may not answer it at all. */
    readonly withoutApiKey = false,
  ) {
    super(
      `no answer from ${serviceId} to ${method} within ${timeoutMs} ms${
        withoutApiKey
          ? ' (no API key was sent: a service that requires keys may not answer a caller without one)'
          : ''
      }`,
    );
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

/**
 * The service's retained discovery document says `offline`: the request was not sent. Only
 * raised by a client that follows discovery (`watchServices()` or the `watchServices` option).
 */
export class ServiceOfflineError extends Error {
  constructor(
    readonly serviceId: string,
    readonly method: string,
    /** The `timestamp` of the offline discovery document. */
    readonly since: string,
  ) {
    super(`${serviceId} is offline (since ${since}, per its discovery document): ${method} not sent`);
    this.name = 'ServiceOfflineError';
  }
}

/**
 * The client has `maxPending` calls waiting for answers already: this one was not sent. A relay
 * passes it on as "rate limited, try again shortly".
 */
export class TooManyPendingError extends Error {
  constructor(readonly limit: number) {
    super(`${limit} requests are waiting for answers already: try again shortly`);
    this.name = 'TooManyPendingError';
  }
}

/** The service answered with a JSON-RPC error. */
export class RemoteError extends RpcError {
  constructor(code: number, message: string, data?: Record<string, unknown>) {
    super(code as ErrorCode, message, data);
    this.name = 'RemoteError';
  }
}
