import { ToolError } from '@neurhomia/mcp-mqtt-core';
import { request } from 'undici';
import type { z } from 'zod';
import type { Guard } from './provider.js';

/** Weather answers are a few KiB; anything far larger is not what we asked for. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export type UpstreamFailureKind = 'http' | 'timeout' | 'network' | 'invalid-response' | 'cancelled';

/**
 * An upstream call that failed, as a message a person can act on. `countsAsFailure` tells the
 * circuit breaker whether the upstream itself is in trouble (5xx, timeout, network, garbage) or
 * merely refused this request (4xx: unknown place, bad key, quota) — only the former opens it.
 */
export class UpstreamError extends ToolError {
  readonly status: number | undefined;
  readonly kind: UpstreamFailureKind;
  readonly countsAsFailure: boolean;

  constructor(
    message: string,
    details: {
      provider: string;
      kind: UpstreamFailureKind;
      status?: number;
      retryAfterS?: number;
      cause?: unknown;
    },
  ) {
    const countsAsFailure =
      details.kind === 'timeout' ||
      details.kind === 'network' ||
      details.kind === 'invalid-response' ||
      (details.kind === 'http' && (details.status ?? 0) >= 500);
    super(message, {
      ...(details.retryAfterS !== undefined ? { retryAfterS: details.retryAfterS } : {}),
      data: {
        provider: details.provider,
        ...(details.status !== undefined ? { upstream_status: details.status } : {}),
      },
      cause: details.cause,
    });
    this.name = 'UpstreamError';
    this.status = details.status;
    this.kind = details.kind;
    this.countsAsFailure = countsAsFailure;
  }
}

/** The circuit breaker's `isFailure`: upstream trouble counts, refusals and our own bugs do not. */
/** Validates a provider's JSON answer; an unexpected shape is an upstream failure, named. */
export function parseAnswer<T>(provider: string, schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new UpstreamError(
      `${provider} sent an unexpected ${what} answer (${parsed.error.issues[0]?.message})`,
      {
        provider,
        kind: 'invalid-response',
      },
    );
  }
  return parsed.data;
}

export function isUpstreamFailure(error: unknown): boolean {
  return error instanceof UpstreamError && error.countsAsFailure;
}

/** Retry-After is either seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim());
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

export interface JsonClientOptions {
  /** Shown in messages: "Open-Meteo", "OpenWeatherMap". */
  provider: string;
  timeoutMs: number;
  /** The circuit breaker around every call. */
  guard: Guard;
  /** The provider's own error text from an error body (`reason`, `message`…). */
  errorMessage(body: unknown): string | undefined;
  /** A 429 without Retry-After: the provider's documented wait, if any. */
  defaultRetryAfterS?(message: string | undefined): number | undefined;
}

export type JsonClient = (url: URL, signal?: AbortSignal) => Promise<unknown>;

async function readText(body: AsyncIterable<Buffer | Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error(`body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function httpError(
  options: JsonClientOptions,
  status: number,
  body: unknown,
  retryAfter: string | string[] | undefined,
) {
  const { provider } = options;
  const said = options.errorMessage(body);
  const detail = said ? `: ${said}` : '';
  if (status === 429) {
    const retryAfterS = parseRetryAfter(retryAfter) ?? options.defaultRetryAfterS?.(said);
    const when = retryAfterS !== undefined ? ` Retry in ${retryAfterS} s.` : ' Retry later.';
    return new UpstreamError(`${provider} rate limit reached (HTTP 429)${detail}.${when}`, {
      provider,
      kind: 'http',
      status,
      ...(retryAfterS !== undefined ? { retryAfterS } : {}),
    });
  }
  if (status === 401 || status === 403) {
    return new UpstreamError(
      `${provider} refused the API key (HTTP ${status})${detail}. Check OPENWEATHER_API_KEY.`,
      {
        provider,
        kind: 'http',
        status,
      },
    );
  }
  if (status === 404) {
    return new UpstreamError(`${provider} found nothing (HTTP 404)${detail}`, {
      provider,
      kind: 'http',
      status,
    });
  }
  if (status >= 500) {
    return new UpstreamError(`${provider} is unavailable (HTTP ${status}); try again later`, {
      provider,
      kind: 'http',
      status,
    });
  }
  return new UpstreamError(`${provider} refused the request (HTTP ${status})${detail}`, {
    provider,
    kind: 'http',
    status,
  });
}

/**
 * GET → parsed JSON through undici, inside the circuit breaker, with one deadline for headers
 * and body (`timeoutMs`) and the caller's signal. Every failure becomes an UpstreamError whose
 * message never contains the URL (it may carry an API key).
 */
export function createJsonClient(options: JsonClientOptions): JsonClient {
  const { provider, timeoutMs } = options;
  return (url, signal) =>
    options.guard.run(async () => {
      const deadline = AbortSignal.timeout(timeoutMs);
      const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
      try {
        const response = await request(url, {
          method: 'GET',
          headers: { accept: 'application/json', 'user-agent': 'neurhomia-weather/0.1 (+mcp-mqtt)' },
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          signal: combined,
        });
        const text = await readText(response.body);
        const body = parseJson(text);
        if (response.statusCode >= 200 && response.statusCode < 300) {
          if (body === undefined) {
            throw new UpstreamError(`${provider} sent an answer that is not JSON`, {
              provider,
              kind: 'invalid-response',
            });
          }
          return body;
        }
        throw httpError(options, response.statusCode, body, response.headers['retry-after']);
      } catch (error) {
        if (error instanceof UpstreamError) throw error;
        if (signal?.aborted && !deadline.aborted) {
          throw new UpstreamError(`${provider} request cancelled`, {
            provider,
            kind: 'cancelled',
            cause: error,
          });
        }
        const code = (error as { code?: string }).code;
        if (deadline.aborted || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
          throw new UpstreamError(`${provider} did not answer within ${timeoutMs} ms; try again later`, {
            provider,
            kind: 'timeout',
            cause: error,
          });
        }
        throw new UpstreamError(`${provider} could not be reached (${code ?? (error as Error).message})`, {
          provider,
          kind: 'network',
          cause: error,
        });
      }
    });
}

/** Query strings built the same way everywhere: only defined values, in a stable order. */
export function withQuery(
  base: string,
  path: string,
  query: Record<string, string | number | undefined>,
): URL {
  const url = new URL(base.replace(/\/+$/, '') + path);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url;
}
