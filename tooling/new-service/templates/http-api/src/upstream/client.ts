import { type CircuitBreaker, ToolError } from '@neurhomia/mcp-mqtt-core';
import { request } from 'undici';
import type { z } from 'zod';

/** The upstream as messages name it. */
export const UPSTREAM_NAME = 'the {{title}} API';
/** Answers of a few KiB are expected: anything far larger is not what was asked for. */
const MAX_BODY_BYTES = 1024 * 1024;

export type FailureKind = 'http' | 'timeout' | 'network' | 'invalid-response';

/**
 * An upstream call that failed, as a message a person can act on: a ToolError, so the caller
 * gets `isError: true` with the message. Never the URL or the key. `countsAsFailure` tells the
 * circuit breaker whether the upstream itself is in trouble (5xx, timeout, network, an unreadable
 * answer) or merely refused this request (4xx: unknown item, bad key, quota): only the former
 * opens the circuit, or one caller's typo would cut every caller off.
 */
export class UpstreamError extends ToolError {
  readonly kind: FailureKind;
  readonly status: number | undefined;
  readonly countsAsFailure: boolean;

  constructor(
    message: string,
    details: { kind: FailureKind; status?: number; retryAfterS?: number; cause?: unknown },
  ) {
    super(message, {
      ...(details.retryAfterS !== undefined ? { retryAfterS: details.retryAfterS } : {}),
      ...(details.status !== undefined ? { data: { upstream_status: details.status } } : {}),
      cause: details.cause,
    });
    this.name = 'UpstreamError';
    this.kind = details.kind;
    this.status = details.status;
    this.countsAsFailure = details.kind !== 'http' || (details.status ?? 0) >= 500;
  }
}

/** The circuit breaker's `isFailure`: upstream trouble counts; refusals and our own bugs do not. */
export const isUpstreamFailure = (error: unknown): boolean =>
  error instanceof UpstreamError && error.countsAsFailure;

export type UpstreamOptions = {
  baseUrl: string;
  apiKey?: string | undefined;
  timeoutMs: number;
  /** From ctx.dependencies.circuitBreaker(): every call runs inside it. */
  breaker: CircuitBreaker;
};

export type UpstreamClient = {
  /** GET {baseUrl}{path}: the JSON answer, checked by `schema` (fields it does not name are dropped). */
  getJson<T>(path: string, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T>;
};

/** Retry-After is either seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfter(value: string | string[] | undefined): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function refusal(status: number, retryAfterS: number | undefined): UpstreamError {
  if (status === 429) {
    const when = retryAfterS === undefined ? 'retry later' : `retry in ${retryAfterS} s`;
    return new UpstreamError(`${UPSTREAM_NAME} is rate-limiting us (HTTP 429): ${when}`, {
      kind: 'http',
      status,
      ...(retryAfterS === undefined ? {} : { retryAfterS }),
    });
  }
  if (status === 401 || status === 403)
    return new UpstreamError(`${UPSTREAM_NAME} refused the key (HTTP ${status}): check {{ENV}}_API_KEY`, {
      kind: 'http',
      status,
    });
  if (status >= 500)
    return new UpstreamError(`${UPSTREAM_NAME} is unavailable (HTTP ${status}): try again later`, {
      kind: 'http',
      status,
    });
  return new UpstreamError(`${UPSTREAM_NAME} refused the request (HTTP ${status})`, { kind: 'http', status });
}

async function readBody(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new UpstreamError(`${UPSTREAM_NAME} sent more than ${MAX_BODY_BYTES} bytes`, {
        kind: 'invalid-response',
      });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The upstream through undici: one deadline for headers and body (`timeoutMs`, below the tool's
 * own timeout so that callers see this message rather than the core's -32004), the caller's
 * signal (a tool timeout or a shutdown cancels the request), every failure an UpstreamError.
 */
export function createUpstreamClient(options: UpstreamOptions): UpstreamClient {
  const { baseUrl, apiKey, timeoutMs, breaker } = options;
  const headers = {
    accept: 'application/json',
    'user-agent': 'neurhomia-{{id}}/0.1 (+mcp-mqtt)',
    ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
  };
  return {
    getJson: (path, schema, signal) =>
      breaker.run(async () => {
        const deadline = AbortSignal.timeout(timeoutMs);
        try {
          const response = await request(`${baseUrl.replace(/\/+$/, '')}${path}`, {
            headers,
            headersTimeout: timeoutMs,
            bodyTimeout: timeoutMs,
            signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
          });
          const text = await readBody(response.body);
          if (response.statusCode < 200 || response.statusCode >= 300)
            throw refusal(response.statusCode, retryAfter(response.headers['retry-after']));
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            throw new UpstreamError(`${UPSTREAM_NAME} sent an answer that is not JSON`, {
              kind: 'invalid-response',
            });
          }
          const parsed = schema.safeParse(body);
          if (!parsed.success)
            throw new UpstreamError(
              `${UPSTREAM_NAME} sent an unexpected answer (${parsed.error.issues[0]?.message})`,
              { kind: 'invalid-response' },
            );
          return parsed.data;
        } catch (error) {
          if (error instanceof UpstreamError) throw error;
          // Our own caller gave up (tool timeout, shutdown): not the upstream's fault.
          if (signal?.aborted) throw error;
          const code = (error as { code?: string }).code;
          if (deadline.aborted || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
            throw new UpstreamError(
              `${UPSTREAM_NAME} did not answer within ${timeoutMs} ms: try again later`,
              {
                kind: 'timeout',
                cause: error,
              },
            );
          throw new UpstreamError(
            `${UPSTREAM_NAME} could not be reached (${code ?? (error as Error).message})`,
            {
              kind: 'network',
              cause: error,
            },
          );
        }
      }),
  };
}
