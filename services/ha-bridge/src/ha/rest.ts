import type { CircuitBreaker } from '@neurhomia/mcp-mqtt-core';
import { Pool } from 'undici';
import { describeNetworkError, HaError, isHaFailure, TOKEN_HELP } from './errors.js';

/** Where Home Assistant is and the token to present; the token may change (the demo's file). */
export interface HaTarget {
  readonly url: string | undefined;
  token(): string | undefined;
}

export interface HaRequest {
  method: 'GET' | 'POST';
  /** Below the base URL, e.g. `/api/states`. Path segments must already be encoded. */
  path: string;
  query?: Record<string, string | boolean | undefined>;
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** One deadline for the headers and the body. */
  timeoutMs: number;
  /** Largest body accepted; past it the request fails with a message to narrow it. */
  maxBytes?: number;
  /** `json` (default) parses the body; `text` returns it as is (POST /api/template). */
  expect?: 'json' | 'text';
  /**
   * A service call: Home Assistant's REST API answers 500 when the service itself raised (invalid
   * data, an unreachable device), which says nothing about Home Assistant's health.
   */
  service?: string;
  /** An administrator's endpoint: a 401 there means the token's user is not one, not a bad token. */
  adminOnly?: boolean;
}

/** What the connection manager learns from every answer. */
export interface RestObserver {
  /** Throws a HaError when no request should be sent (not configured, token refused). */
  assertUsable(): void;
  answered(): void;
  unauthorized(reason: string): void;
}

/** /api/states of a large home is a few MB; history of a busy sensor more. */
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Home Assistant's REST API through one undici Pool of `connections` keep-alive connections.
 * The tools that call it share a concurrency limit of the same size (the breaker's `concurrency`),
 * so a request never waits inside the pool, where it would lose its priority: it waits in the
 * core's priority queue, then finds a free connection.
 */
export class HaRest {
  private connectionPool: Pool | undefined;
  private basePath = '';

  constructor(
    private readonly target: HaTarget,
    private readonly breaker: CircuitBreaker,
    private readonly observer: RestObserver,
    private readonly connections: number,
  ) {}

  /** Made on first use: a bridge with no Home Assistant configured opens nothing. */
  private get pool(): Pool {
    if (!this.connectionPool) {
      if (!this.target.url) throw new HaError('Home Assistant is not configured', 'not_configured');
      const url = new URL(this.target.url);
      this.basePath = url.pathname.replace(/\/+$/, '');
      this.connectionPool = new Pool(url.origin, {
        connections: this.connections,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        connect: { timeout: CONNECT_TIMEOUT_MS },
      });
    }
    return this.connectionPool;
  }

  /** Why the last request that counts as a failure failed: what an open circuit is about. */
  lastFailure: string | undefined;

  /** A request inside the circuit breaker, once the connection manager allows it. */
  async request(request: HaRequest): Promise<unknown> {
    this.observer.assertUsable();
    try {
      return await this.breaker.run(() => this.send(request));
    } catch (error) {
      if (isHaFailure(error)) this.lastFailure = (error as HaError).message;
      throw error;
    }
  }

  /** `GET /api/` outside the breaker: the connection manager's probe of reachability and token. */
  async probe(signal: AbortSignal): Promise<void> {
    await this.send({ method: 'GET', path: '/api/', signal, timeoutMs: CONNECT_TIMEOUT_MS * 2 });
  }

  async close(): Promise<void> {
    await this.connectionPool?.close();
  }

  private async send(request: HaRequest): Promise<unknown> {
    const token = this.target.token();
    if (!token) throw new HaError(`no access token: ${TOKEN_HELP}`, 'not_configured');
    const deadline = AbortSignal.timeout(request.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, deadline]) : deadline;
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      'user-agent': 'neurhomia-ha-bridge/0.1 (+mcp-mqtt)',
    };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    let status: number;
    let text: string;
    try {
      const pool = this.pool;
      const response = await pool.request({
        method: request.method,
        path: this.pathOf(request),
        headers,
        body,
        signal,
        headersTimeout: request.timeoutMs,
        bodyTimeout: request.timeoutMs,
      });
      status = response.statusCode;
      text = await readText(response.body, request.maxBytes ?? DEFAULT_MAX_BYTES);
    } catch (error) {
      throw this.transportError(error, request, deadline, signal);
    }
    if (status === 401 && request.adminOnly) {
      throw new HaError(
        "Home Assistant refused: the access token's user is not an administrator (needed to edit automations)",
        'http',
        401,
      );
    }
    if (status === 401) {
      const reason = `Home Assistant refused the access token (HTTP 401): ${TOKEN_HELP}`;
      this.observer.unauthorized(reason);
      throw new HaError(reason, 'unauthorized', 401);
    }
    if (status < 200 || status >= 300) throw httpError(status, text, request.service);
    this.observer.answered();
    if (request.expect === 'text') return text;
    try {
      return JSON.parse(text);
    } catch {
      throw new HaError(
        `Home Assistant sent an answer that is not JSON (HTTP ${status})`,
        'invalid_response',
        status,
      );
    }
  }

  private pathOf(request: HaRequest): string {
    const parts: string[] = [];
    for (const [key, value] of Object.entries(request.query ?? {})) {
      // Home Assistant tests flags by presence (`?minimal_response`, `?return_response`).
      if (value === true) parts.push(encodeURIComponent(key));
      else if (typeof value === 'string')
        parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
    }
    return `${this.basePath}${request.path}${parts.length > 0 ? `?${parts.join('&')}` : ''}`;
  }

  private transportError(error: unknown, request: HaRequest, deadline: AbortSignal, signal: AbortSignal) {
    if (error instanceof HaError) return error;
    const code = (error as { code?: string }).code;
    if (deadline.aborted || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      return new HaError(
        `Home Assistant did not answer within ${request.timeoutMs} ms; try again later`,
        'timeout',
        undefined,
        { cause: error },
      );
    }
    if (signal.aborted) return new HaError('request cancelled', 'cancelled', undefined, { cause: error });
    return new HaError(
      `Home Assistant at ${this.target.url} cannot be reached: ${describeNetworkError(error)}`,
      'network',
      undefined,
      { cause: error },
    );
  }
}

class TooLargeError extends HaError {
  constructor(maxBytes: number) {
    super(
      `Home Assistant's answer is larger than ${Math.round(maxBytes / 1024)} KiB: ask for less (fewer entities, a shorter period)`,
      'too_large',
    );
  }
}

async function readText(
  body: AsyncIterable<Buffer | Uint8Array> & { destroy?(): unknown },
  maxBytes: number,
) {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy?.();
      throw new TooLargeError(maxBytes);
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Home Assistant's error bodies: `{"message": "…"}` from its views, `400: Bad Request` from aiohttp. */
function httpError(status: number, text: string, service: string | undefined): HaError {
  let said: string | undefined;
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed?.message === 'string') said = parsed.message;
  } catch {
    // Plain text, or a proxy's HTML page: quote short text only.
    if (text.length > 0 && text.length <= 200 && !text.trimStart().startsWith('<')) said = text.trim();
  }
  const detail = said ? `: ${said.slice(0, 500)}` : '';
  if (status === 500 && service) {
    return new HaError(
      `Home Assistant could not run ${service} (HTTP 500): the service failed, usually because of its data ` +
        "(a value out of range, an unsupported option) or an unavailable device; Home Assistant's log has the details",
      'service_failed',
      status,
    );
  }
  if (status >= 500) {
    return new HaError(
      `Home Assistant is unavailable (HTTP ${status})${detail}; try again later`,
      'http',
      status,
    );
  }
  return new HaError(`Home Assistant refused the request (HTTP ${status})${detail}`, 'http', status, {
    data: said ? { upstream_message: said.slice(0, 500) } : {},
  });
}
