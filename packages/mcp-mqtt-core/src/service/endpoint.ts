import type { Logger } from 'pino';
import type { LogLimiter } from '../observability/log-limiter.js';
import type { Metrics } from '../observability/metrics.js';
import { ErrorCode, RequestCancelledError, RpcError } from '../protocol/errors.js';
import {
  classify,
  type Envelope,
  type ErrorResponse,
  failure,
  type Parsed,
  parseMessage,
  type Request,
  type RequestId,
  type SuccessResponse,
  success,
} from '../protocol/jsonrpc.js';
import type { Authenticator } from '../safety/auth.js';
import type { Caller } from './define.js';
import { type Dispatcher, InboxRefusedError } from './dispatcher.js';
import { InFlightLimiter } from './in-flight.js';

export interface EndpointLimits {
  /** Largest request message, in bytes (-32600 past it). */
  maxPayloadBytes: number;
  /** Most elements in a batch (-32600 past it). */
  maxBatch: number;
  /** Requests executing at once; then a bounded queue; then -32005. */
  maxInFlight: number;
  /** Largest answer, in bytes: a larger one is replaced by a short -32000 error naming the limit. */
  maxAnswerBytes: number;
}

/** What a binding knows about where a message came from and where its answer goes. */
export interface RequestContext {
  /**
   * The sender as the binding sees it (MQTT: the Response Topic). Cancellation matches on it, so
   * a caller can only cancel its own requests.
   */
  origin: string;
  /** The caller's identity when the service runs open (MQTT: the client segment of its topic). */
  callerHint: string;
  /**
   * The client whose private inbox the answer goes to (`mcp/clients/{inbox}/…`). With API keys
   * configured, such an answer is given only to requests whose keys that client owns.
   */
  inbox?: string | undefined;
  /** A tighter answer bound from the transport (MQTT: the broker's Maximum Packet Size). */
  maxAnswerBytes?: number | undefined;
}

/** The endpoint's verdict on one message. */
export type Outcome =
  | { kind: 'answer'; body: string }
  /** Nothing is owed: notifications, or every request of the message was cancelled. */
  | { kind: 'none' }
  /** Not answered on purpose; the binding logs it (rate-limited). */
  | { kind: 'refused'; reason: 'inbox'; detail: string };

type Response = SuccessResponse | ErrorResponse;

interface ElementResult {
  response: Response | undefined;
  /** The answer may go to the context's inbox (its caller's key belongs to that client). */
  verified: boolean;
  refusal?: string;
}

interface Running {
  controller: AbortController;
  callerId: string | undefined;
}

/**
 * The transport-free JSON-RPC side of a service: bytes (or a parsed object) in, the serialised
 * answer out — parse, payload and batch limits, in-flight cap, dispatch, cancellation and answer
 * size. The MQTT binding only turns messages into calls of `handle` and outcomes into publishes;
 * tests (and other bindings) use it without a broker.
 */
export class Endpoint {
  readonly inFlight: InFlightLimiter;
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly deps: {
      dispatcher: Dispatcher;
      authenticator: Authenticator;
      metrics: Metrics;
      logger: Logger;
      /** Rate-limited warnings (a flood of oversized answers must not flood the log). */
      warnings: LogLimiter;
      limits: EndpointLimits;
      /** Clients whose inbox takes answers for any key (relays such as the HTTP gateway). */
      relays?: ReadonlySet<string>;
    },
  ) {
    this.inFlight = new InFlightLimiter(deps.limits.maxInFlight);
  }

  get limits(): EndpointLimits {
    return this.deps.limits;
  }

  /** Parses bytes (or an already parsed JSON value) under the payload and batch limits. */
  parse(input: Buffer | string | unknown): Parsed {
    const parsed =
      typeof input === 'string' || Buffer.isBuffer(input)
        ? parseMessage(input, this.deps.limits.maxPayloadBytes)
        : Array.isArray(input)
          ? input.length === 0
            ? {
                kind: 'error' as const,
                error: new RpcError(ErrorCode.InvalidRequest, 'Invalid Request: empty batch'),
              }
            : { kind: 'batch' as const, envelopes: input.map(classify) }
          : { kind: 'single' as const, envelope: classify(input) };
    if (parsed.kind === 'batch' && parsed.envelopes.length > this.deps.limits.maxBatch) {
      return {
        kind: 'error',
        error: new RpcError(
          ErrorCode.InvalidRequest,
          `Invalid Request: batch of ${parsed.envelopes.length} requests exceeds the limit of ${this.deps.limits.maxBatch}`,
          { max_batch: this.deps.limits.maxBatch, received: parsed.envelopes.length },
        ),
      };
    }
    return parsed;
  }

  handle(input: Buffer | string | unknown, context: RequestContext): Promise<Outcome> {
    return this.answer(this.parse(input), context);
  }

  /** Answers a parsed message. */
  async answer(parsed: Parsed, context: RequestContext): Promise<Outcome> {
    // With keys configured, an answer goes to a client's inbox only when that client asked.
    const mustVerify =
      context.inbox !== undefined && !this.deps.authenticator.open && !this.deps.relays?.has(context.inbox);
    // The dispatcher checks the key's owner only where it matters.
    const inbox = mustVerify ? context.inbox : undefined;
    let results: ElementResult[];
    if (parsed.kind === 'error') {
      this.countRejected(parsed.error);
      results = [{ response: failure(null, parsed.error), verified: false }];
    } else if (parsed.kind === 'single') {
      results = [await this.answerOne(parsed.envelope, context, inbox)];
    } else {
      results = await Promise.all(
        parsed.envelopes.map((envelope) => this.answerOne(envelope, context, inbox)),
      );
    }
    if (mustVerify) {
      const unverified = results.find((r) => !r.verified);
      if (unverified) {
        this.deps.metrics.rejected.inc({ reason: 'inbox' });
        return {
          kind: 'refused',
          reason: 'inbox',
          detail: unverified.refusal ?? 'request without a key of this client',
        };
      }
    }
    const owed = results.flatMap((r) => (r.response ? [r.response] : []));
    if (owed.length === 0) return { kind: 'none' };
    const body = parsed.kind === 'batch' ? owed : owed[0]!;
    return { kind: 'answer', body: this.serialise(body, context) };
  }

  /** Serialises under the answer limit; a larger answer becomes a short error that names it. */
  private serialise(body: Response | Response[], context: RequestContext): string {
    const text = JSON.stringify(body);
    const limit = Math.min(
      this.deps.limits.maxAnswerBytes,
      context.maxAnswerBytes ?? Number.POSITIVE_INFINITY,
    );
    // Bytes ≥ characters: the exact count is needed only near the limit.
    if (text.length * 3 <= limit || Buffer.byteLength(text) <= limit) return text;
    const size = Buffer.byteLength(text);
    this.deps.metrics.rejected.inc({ reason: 'answer_size' });
    this.deps.warnings.warn(
      'answer_size',
      { answer_bytes: size, max_bytes: limit },
      'answer too large: replaced by an error',
    );
    const id = Array.isArray(body) ? null : body.id;
    return JSON.stringify(
      failure(
        id,
        new RpcError(
          ErrorCode.ServerError,
          `Server error: the answer of ${size} bytes exceeds the ${limit}-byte limit`,
          { reason: 'answer_too_large', answer_bytes: size, max_bytes: limit },
        ),
      ),
    );
  }

  private countRejected(error: RpcError) {
    const reason =
      error.code === ErrorCode.ParseError
        ? 'parse'
        : error.data?.max_bytes
          ? 'oversized'
          : error.data?.max_batch
            ? 'batch'
            : 'invalid';
    this.deps.metrics.rejected.inc({ reason });
  }

  /** One element of a message; a request's result comes later (no async wrapper around it). */
  private answerOne(
    envelope: Envelope,
    context: RequestContext,
    inbox: string | undefined,
  ): ElementResult | Promise<ElementResult> {
    if (envelope.kind === 'invalid') {
      this.deps.metrics.rejected.inc({ reason: 'invalid' });
      this.deps.metrics.requests.inc({ method: 'invalid', code: envelope.error.code });
      return { response: failure(envelope.id, envelope.error), verified: false };
    }
    if (envelope.kind === 'notification') {
      if (envelope.request.method === 'notifications/cancelled') this.cancel(envelope.request, context);
      else this.deps.logger.debug({ method: envelope.request.method }, 'notification received');
      return { response: undefined, verified: true };
    }
    return this.execute(envelope.request, envelope.id, context, inbox);
  }

  private async execute(
    request: Request,
    id: RequestId | null,
    context: RequestContext,
    inbox: string | undefined,
  ): Promise<ElementResult> {
    const { dispatcher, metrics } = this.deps;
    // A label per known method only: junk method names must not grow the metrics without bound.
    const method = dispatcher.knows(request.method) ? request.method : 'other';
    const stopTimer = metrics.duration.startTimer({ method });
    const key = id === null ? undefined : `${context.origin}\u0000${JSON.stringify(id)}`;
    const running: Running = { controller: new AbortController(), callerId: undefined };
    if (key !== undefined) this.running.set(key, running);
    let verified = false;
    metrics.inFlight.inc();
    try {
      const result = await this.inFlight.run(() =>
        dispatcher.dispatch(request, id, {
          callerHint: context.callerHint,
          inbox,
          controller: running.controller,
          authenticated: (caller: Caller) => {
            verified = true;
            running.callerId = caller.id;
          },
        }),
      );
      metrics.requests.inc({ method, code: 0 });
      return { response: success(id, result), verified };
    } catch (err) {
      if (err instanceof RequestCancelledError) {
        metrics.requests.inc({ method, code: 'cancelled' });
        return { response: undefined, verified };
      }
      if (err instanceof InboxRefusedError)
        return { response: undefined, verified: false, refusal: err.message };
      const error =
        err instanceof RpcError
          ? err
          : new RpcError(ErrorCode.InternalError, 'Internal error', { request_id: id ?? null });
      if (!(err instanceof RpcError))
        this.deps.logger.error({ err, method }, 'unexpected error while handling a request');
      metrics.requests.inc({ method, code: error.code });
      return { response: failure(id, error), verified };
    } finally {
      if (key !== undefined && this.running.get(key) === running) this.running.delete(key);
      metrics.inFlight.dec();
      stopTimer();
    }
  }

  /**
   * MCP's `notifications/cancelled`: aborts the request `requestId` of the same origin and, when
   * keys are configured, of the same caller. Unknown or finished requests are ignored, as MCP says.
   */
  private cancel(request: Request, context: RequestContext) {
    const params = request.params as { requestId?: unknown; reason?: unknown } | undefined;
    const requestId = params?.requestId;
    if (typeof requestId !== 'string' && typeof requestId !== 'number') return;
    const running = this.running.get(`${context.origin}\u0000${JSON.stringify(requestId)}`);
    if (!running) return;
    if (!this.deps.authenticator.open) {
      let caller: Caller;
      try {
        caller = this.deps.dispatcher.authenticate(request, context.callerHint);
      } catch {
        return;
      }
      if (caller.id !== running.callerId) return;
    }
    const reason = typeof params?.reason === 'string' ? params.reason.slice(0, 200) : undefined;
    running.controller.abort(new RequestCancelledError(reason));
    this.deps.logger.debug({ request_id: requestId, reason }, 'request cancelled by its caller');
  }
}
