import type { Socket } from 'node:net';
import { LRUCache } from 'lru-cache';
import type { IPublishPacket, MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import { ErrorCode, RpcError } from '../protocol/errors.js';
import { type Envelope, failure, parseMessage, success } from '../protocol/jsonrpc.js';
import { clientIdFromTopic, responseTopicRefusal, type ServiceTopics } from '../protocol/topics.js';
import { DuplicateFilter } from '../safety/duplicates.js';
import type { Dispatcher } from './dispatcher.js';
import { InFlightLimiter } from './in-flight.js';

/** A client counts in `active_connections` for this long after its last request. */
const ACTIVE_CALLER_WINDOW_MS = 5 * 60_000;

/**
 * Everything between a message on the request topic and its answer: response-topic safety,
 * envelope rules, duplicates, the in-flight cap, dispatch, and publishing where the caller asked.
 */
export class RequestHandler {
  readonly inFlight: InFlightLimiter;
  private readonly duplicates = new DuplicateFilter<string | undefined>();
  private readonly activeCallers = new LRUCache<string, true>({ max: 10_000, ttl: ACTIVE_CALLER_WINDOW_MS });
  private lastActivity: number | undefined;
  private corked = false;

  constructor(
    private readonly deps: {
      topics: ServiceTopics;
      dispatcher: Dispatcher;
      metrics: Metrics;
      logger: Logger;
      maxInFlight: number;
      maxPayloadBytes: number;
      client: () => MqttClient | undefined;
      connected: () => boolean;
    },
  ) {
    this.inFlight = new InFlightLimiter(deps.maxInFlight);
  }

  /** Callers seen in the last five minutes (the heartbeat's `active_connections`). */
  get activeCallerCount(): number {
    return this.activeCallers.size;
  }

  /** When the last request arrived (the heartbeat's `last_activity`). */
  get lastActivityAt(): number | undefined {
    return this.lastActivity;
  }

  /**
   * Holds the socket's writes until the end of this turn of the event loop, so the PUBACK of a
   * request and an answer computed in the same turn leave in one TCP segment, not two.
   */
  private corkUntilNextTurn() {
    const stream = this.deps.client()?.stream as Partial<Socket> | undefined;
    if (this.corked || typeof stream?.cork !== 'function' || typeof stream.uncork !== 'function') return;
    stream.cork();
    this.corked = true;
    setImmediate(() => {
      this.corked = false;
      stream.uncork!();
    });
  }

  /** Answers one message of the request topic (a request, a notification or a batch). */
  async handle(payload: Buffer, packet: IPublishPacket): Promise<void> {
    this.corkUntilNextTurn();
    const client = this.deps.client();
    if (!client) return;
    const responseTopic = packet.properties?.responseTopic;
    const correlationData = packet.properties?.correlationData;
    if (responseTopic !== undefined) {
      const refusal = responseTopicRefusal(responseTopic);
      if (refusal) {
        this.deps.metrics.rejected.inc({ reason: 'response_topic' });
        this.deps.logger.warn(
          { response_topic: responseTopic.slice(0, 200), reason: refusal },
          'request refused: unsafe response topic',
        );
        return;
      }
    }
    this.lastActivity = Date.now();
    const target = responseTopic ?? this.deps.topics.response;
    const callerHint = (responseTopic && clientIdFromTopic(responseTopic)) ?? 'anonymous';
    this.activeCallers.set(callerHint, true);
    const parsed = parseMessage(payload, this.deps.maxPayloadBytes);

    let id: unknown;
    if (parsed.kind === 'single' && parsed.envelope.kind === 'request') id = parsed.envelope.id;
    else if (parsed.kind === 'batch') id = 'batch';
    const key =
      parsed.kind === 'error' ? undefined : DuplicateFilter.key({ responseTopic, correlationData, id });
    const { answer, duplicate } = this.duplicates.run(key, payload, () => this.answer(parsed, callerHint));
    if (duplicate) this.deps.metrics.rejected.inc({ reason: 'duplicate' });
    const body = await answer;
    if (body === undefined || !this.deps.connected()) return;
    client.publish(target, body, { qos: 1, ...(correlationData ? { properties: { correlationData } } : {}) });
  }

  /** The serialized answer to a message, or undefined when nothing is owed (notifications). */
  private async answer(
    parsed: ReturnType<typeof parseMessage>,
    callerHint: string,
  ): Promise<string | undefined> {
    if (parsed.kind === 'error') {
      const reason =
        parsed.error.code === ErrorCode.ParseError
          ? 'parse'
          : parsed.error.data?.max_bytes
            ? 'oversized'
            : 'invalid';
      this.deps.metrics.rejected.inc({ reason });
      return JSON.stringify(failure(null, parsed.error));
    }
    if (parsed.kind === 'single') {
      const response = await this.answerOne(parsed.envelope, callerHint);
      return response === undefined ? undefined : JSON.stringify(response);
    }
    const responses = await Promise.all(
      parsed.envelopes.map((envelope) => this.answerOne(envelope, callerHint)),
    );
    const owed = responses.filter((r) => r !== undefined);
    return owed.length === 0 ? undefined : JSON.stringify(owed);
  }

  private async answerOne(envelope: Envelope, callerHint: string) {
    if (envelope.kind === 'invalid') {
      this.deps.metrics.rejected.inc({ reason: 'invalid' });
      this.deps.metrics.requests.inc({ method: 'invalid', code: envelope.error.code });
      return failure(envelope.id, envelope.error);
    }
    if (envelope.kind === 'notification') {
      this.deps.logger.debug({ method: envelope.request.method }, 'notification received');
      return undefined;
    }
    const { request, id } = envelope;
    // A label per known method only: junk method names must not grow the metrics without bound.
    const method = this.deps.dispatcher.knows(request.method) ? request.method : 'other';
    const stopTimer = this.deps.metrics.duration.startTimer({ method });
    this.deps.metrics.inFlight.inc();
    try {
      const result = await this.inFlight.run(() =>
        this.deps.dispatcher.dispatch(request, id, { callerHint }),
      );
      this.deps.metrics.requests.inc({ method, code: 0 });
      return success(id, result);
    } catch (err) {
      const error =
        err instanceof RpcError
          ? err
          : new RpcError(ErrorCode.InternalError, 'Internal error', { request_id: id ?? null });
      if (!(err instanceof RpcError))
        this.deps.logger.error({ err, method }, 'unexpected error while handling a request');
      this.deps.metrics.requests.inc({ method, code: error.code });
      return failure(id, error);
    } finally {
      this.deps.metrics.inFlight.dec();
      stopTimer();
    }
  }
}
