import { LRUCache } from 'lru-cache';
import type { IConnackPacket, IPublishPacket, MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { LogLimiter } from '../observability/log-limiter.js';
import type { Metrics } from '../observability/metrics.js';
import { clientIdFromTopic, responseTopicRefusal, type ServiceTopics } from '../protocol/topics.js';
import { DuplicateFilter } from '../safety/duplicates.js';
import type { Endpoint, Outcome } from '../service/endpoint.js';
import { corkUntilNextTurn } from './connection.js';

/** A client counts in `active_connections` for this long after its last request. */
const ACTIVE_CALLER_WINDOW_MS = 5 * 60_000;
/**
 * Bytes of an MQTT 5 PUBLISH beyond its payload and topic: fixed header (≤ 5), topic length (2),
 * packet id (2), property length (≤ 4), correlation data property (3 + its bytes).
 */
const PUBLISH_OVERHEAD_BYTES = 16;

export interface ListenerLimits {
  maxResponseTopicBytes: number;
  maxCorrelationBytes: number;
}

/**
 * The MQTT binding of a service's endpoint: turns each message of the request topic into a call
 * of `endpoint.answer` and its outcome into a publish where the caller asked — after the checks
 * that belong to MQTT: retained messages, the Response Topic's safety and the properties' sizes,
 * and duplicates (QoS 1 redelivery, client retries).
 */
export class RequestListener {
  private readonly duplicates = new DuplicateFilter<Outcome>(10_000, 16 * 1024 * 1024, (outcome) =>
    outcome.kind === 'answer' ? outcome.body.length : 0,
  );
  private readonly activeCallers = new LRUCache<string, true>({
    max: 10_000,
    maxSize: 2 * 1024 * 1024,
    sizeCalculation: (_v, key) => 64 + key.length,
    ttl: ACTIVE_CALLER_WINDOW_MS,
  });
  /** Request topics that held a retained message (logged and cleared once each). */
  private readonly retainedSeen = new Set<string>();
  private lastActivity: number | undefined;
  private lastCaller: string | undefined;
  private lastCallerAt = 0;

  constructor(
    private readonly deps: {
      topics: ServiceTopics;
      endpoint: Endpoint;
      metrics: Metrics;
      logger: Logger;
      warnings: LogLimiter;
      limits: ListenerLimits;
      client: () => MqttClient | undefined;
      connected: () => boolean;
    },
  ) {}

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
    const client = this.deps.client();
    if (client) corkUntilNextTurn(client);
  }

  private refuse(reason: string, fields: Record<string, unknown>, message: string) {
    this.deps.metrics.rejected.inc({ reason });
    this.deps.warnings.warn(reason, fields, message);
  }

  /** Answers one message of the request topic (a request, a notification or a batch). */
  async handle(payload: Buffer, packet: IPublishPacket): Promise<void> {
    const client = this.deps.client();
    if (!client) return;
    if (packet.retain) {
      this.onRetained(packet.topic, client);
      return;
    }
    // An empty message clears a retained one (ours, or anyone's): it is never a request.
    if (payload.length === 0) return;
    this.corkUntilNextTurn();
    const { limits } = this.deps;
    const responseTopic = packet.properties?.responseTopic;
    const correlationData = packet.properties?.correlationData;
    if (responseTopic !== undefined) {
      // UTF-8 takes at most 3 bytes per UTF-16 unit: counting is needed only near the limit.
      const bytes =
        responseTopic.length * 3 <= limits.maxResponseTopicBytes ? 0 : Buffer.byteLength(responseTopic);
      if (bytes > limits.maxResponseTopicBytes) {
        this.refuse(
          'property_size',
          { response_topic_bytes: bytes, max_bytes: limits.maxResponseTopicBytes },
          'request refused: Response Topic too long',
        );
        return;
      }
      const refusal = responseTopicRefusal(responseTopic);
      if (refusal) {
        this.refuse(
          'response_topic',
          { response_topic: responseTopic, why: refusal },
          'request refused: unsafe response topic',
        );
        return;
      }
    }
    if (correlationData && correlationData.length > limits.maxCorrelationBytes) {
      this.refuse(
        'property_size',
        { correlation_bytes: correlationData.length, max_bytes: limits.maxCorrelationBytes },
        'request refused: Correlation Data too long',
      );
      return;
    }
    const now = Date.now();
    this.lastActivity = now;
    const target = responseTopic ?? this.deps.topics.response;
    const inbox = responseTopic === undefined ? undefined : clientIdFromTopic(responseTopic);
    const callerHint = inbox ?? 'anonymous';
    // The window is minutes long: a caller seen within the second needs no update.
    if (callerHint !== this.lastCaller || now - this.lastCallerAt >= 1000) {
      this.activeCallers.set(callerHint, true);
      this.lastCaller = callerHint;
      this.lastCallerAt = now;
    }
    const { endpoint } = this.deps;
    const parsed = endpoint.parse(payload);

    let id: unknown;
    if (parsed.kind === 'single' && parsed.envelope.kind === 'request') id = parsed.envelope.id;
    else if (parsed.kind === 'batch') id = 'batch';
    const key =
      parsed.kind === 'error' ? undefined : DuplicateFilter.key({ responseTopic, correlationData, id });
    const context = {
      origin: target,
      callerHint,
      inbox,
      maxAnswerBytes: this.answerLimit(client, target, correlationData),
    };
    const { answer, duplicate } = this.duplicates.run(key, payload, () => endpoint.answer(parsed, context));
    if (duplicate) this.deps.metrics.rejected.inc({ reason: 'duplicate' });
    const outcome = await answer;
    if (key !== undefined && !duplicate) this.duplicates.weigh(key, answer, outcome);
    if (outcome.kind === 'refused') {
      this.deps.warnings.warn(
        'inbox',
        { response_topic: target, why: outcome.detail },
        'request not answered: its key does not belong to the client of the Response Topic',
      );
      return;
    }
    if (outcome.kind === 'none') {
      // Nothing was owed (cancelled by its caller): a repeat of it runs again.
      if (key !== undefined && !duplicate) this.duplicates.forget(key, answer);
      return;
    }
    if (!this.deps.connected()) return;
    client.publish(target, outcome.body, {
      qos: 1,
      ...(correlationData ? { properties: { correlationData } } : {}),
    });
  }

  /**
   * The payload bytes an answer may take: the broker disconnects a client that publishes past its
   * Maximum Packet Size (CONNACK), and a service that re-sent such an answer after every
   * reconnect would be offline for good.
   */
  private answerLimit(client: MqttClient, topic: string, correlationData: Buffer | undefined) {
    // MQTT.js keeps the CONNACK it received, but does not type it as public.
    const { connackPacket } = client as unknown as { connackPacket?: IConnackPacket };
    const brokerMax = connackPacket?.properties?.maximumPacketSize;
    if (brokerMax === undefined) return undefined;
    return brokerMax - PUBLISH_OVERHEAD_BYTES - Buffer.byteLength(topic) - (correlationData?.length ?? 0);
  }

  /**
   * A retained request would run again at every restart of the service: it is never executed.
   * Logged once per topic and cleared (an empty retained message) where the ACL lets the service.
   */
  private onRetained(topic: string, client: MqttClient) {
    this.deps.metrics.rejected.inc({ reason: 'retained' });
    if (this.retainedSeen.has(topic)) return;
    this.retainedSeen.add(topic);
    this.deps.logger.warn({ topic }, 'retained request ignored (requests must not be retained); clearing it');
    client.publish(topic, '', { qos: 1, retain: true }, (err, packet) => {
      const reasonCode = (packet as { reasonCode?: number } | undefined)?.reasonCode;
      if (err || (reasonCode !== undefined && reasonCode >= 0x80)) {
        this.deps.logger.warn(
          { topic, reason_code: reasonCode ?? (err as { code?: unknown } | undefined)?.code },
          'could not clear the retained request (the broker ACL may not let this service write its request topic)',
        );
      }
    });
  }
}
