import type { CoreConfig } from '../config.js';
import type { RequestId } from '../protocol/jsonrpc.js';
import type { Priority } from '../scheduling/priority.js';
import { type BuildOptions, buildService, type ServiceCore, stoppingError } from './build.js';
import type { ServiceDefinition } from './define.js';
import type { Outcome, RequestContext } from './endpoint.js';

export interface ServerOptions extends BuildOptions {
  /** Receives the events the service publishes (default: kept in `server.events`). */
  onEvent?: (event: string, payload: Record<string, unknown>) => void;
}

export interface RequestOptions {
  id?: RequestId;
  /** Sent as `auth.api_key`. */
  apiKey?: string;
  /** Sent as `mcp_metadata.priority`. */
  priority?: Priority | string;
  /** Who is calling (cancellation matches on it); default `local`. */
  origin?: string;
}

/** The JSON-RPC answer of one request: its result, or its error. */
export type LocalAnswer =
  | { result: unknown; error?: undefined }
  | { error: { code: number; message: string; data?: Record<string, unknown> }; result?: undefined };

/**
 * A service without a broker: its whole JSON-RPC side (every wire rule but MQTT's own) behind
 * `handle`, for unit tests and for other bindings. Tasks start with `start()`, not by themselves.
 */
export interface LocalServer<Config extends CoreConfig = CoreConfig> extends AsyncDisposable {
  readonly core: ServiceCore<Config>;
  /** Events published so far (when no `onEvent` was given). */
  readonly events: Array<{ event: string; payload: Record<string, unknown> }>;
  /** Answers raw bytes or a parsed JSON value exactly as the MQTT binding would. */
  handle(input: Buffer | string | unknown, context?: Partial<RequestContext>): Promise<Outcome>;
  /** Sends one request and returns its decoded answer. */
  request(method: string, params?: Record<string, unknown>, options?: RequestOptions): Promise<LocalAnswer>;
  /** Sends `notifications/cancelled` for a request id of the same origin. */
  cancel(
    requestId: RequestId,
    options?: { apiKey?: string; origin?: string; reason?: string },
  ): Promise<void>;
  /** Starts the service's background tasks. */
  start(): Promise<void>;
  close(): Promise<void>;
}

let sequence = 0;

/** Builds a service from its definition and an environment, with no broker: see `LocalServer`. */
export async function createServer<Config extends CoreConfig>(
  definition: ServiceDefinition<Config>,
  options: ServerOptions = {},
): Promise<LocalServer<Config>> {
  const core = await buildService(definition, options);
  const events: LocalServer['events'] = [];
  core.setEventSink(async (event, payload) => {
    if (options.onEvent) options.onEvent(event, payload);
    else events.push({ event, payload });
  });
  let started = false;
  let closed = false;
  const context = (partial: Partial<RequestContext> = {}): RequestContext => ({
    origin: partial.origin ?? 'local',
    callerHint: partial.callerHint ?? 'local',
    ...(partial.inbox !== undefined ? { inbox: partial.inbox } : {}),
    ...(partial.maxAnswerBytes !== undefined ? { maxAnswerBytes: partial.maxAnswerBytes } : {}),
  });
  const envelope = (
    method: string,
    params: Record<string, unknown> | undefined,
    options: RequestOptions,
  ) => ({
    jsonrpc: '2.0',
    method,
    ...(params ? { params } : {}),
    ...(options.apiKey ? { auth: { api_key: options.apiKey } } : {}),
    ...(options.priority ? { mcp_metadata: { priority: options.priority } } : {}),
  });

  const server: LocalServer<Config> = {
    core,
    events,
    handle: (input, partial) => core.endpoint.handle(input, context(partial)),
    async request(method, params, options = {}) {
      const id = options.id ?? `local-${++sequence}`;
      const outcome = await core.endpoint.handle(
        { ...envelope(method, params, options), id },
        context({ origin: options.origin }),
      );
      if (outcome.kind !== 'answer') throw new Error(`no answer to ${method} (${outcome.kind})`);
      return JSON.parse(outcome.body) as LocalAnswer;
    },
    async cancel(requestId, options = {}) {
      await core.endpoint.handle(
        envelope(
          'notifications/cancelled',
          { requestId, ...(options.reason ? { reason: options.reason } : {}) },
          options,
        ),
        context({ origin: options.origin }),
      );
    },
    async start() {
      if (started) return;
      started = true;
      for (const task of core.parts.tasks) {
        await task.start({ logger: core.logger.child({ task: task.name }), signal: core.shutdown.signal });
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await core.endpoint.inFlight.idle(1_000);
      core.shutdown.abort(stoppingError());
      if (started) for (const task of [...core.parts.tasks].reverse()) await task.stop();
      core.warnings.close();
      core.setEventSink(undefined);
    },
    [Symbol.asyncDispose]: () => server.close(),
  };
  return server;
}
