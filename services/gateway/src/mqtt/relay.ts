import { createHmac, randomBytes } from 'node:crypto';
import {
  clientTopics,
  connectMqtt,
  corkMqttUntilNextTurn,
  type Logger,
  type Priority,
  RequestCancelledError,
  ResponseSchema,
  serviceTopics,
  subscribeMqtt,
} from '@neurhomia/mcp-mqtt-core';
import { ConnectionLostError, RemoteError, RequestTimeoutError } from '@neurhomia/mcp-mqtt-core/client';

export interface RelayOptions {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  /** The `mcp/clients/{clientId}/…` inbox segment: the MQTT user name, which the ACL lets read it. */
  clientId: string;
  /** Requests waiting for an answer at once; past it a request is refused at once. */
  maxInFlight: number;
  logger: Logger;
  connectTimeoutMs?: number;
}

export interface RelayCall {
  /** The caller's key, sent as `auth.api_key`: the service decides what it may do. */
  apiKey?: string | undefined;
  /** Sent as `mcp_metadata.priority` (the service's queues). */
  priority?: Priority | undefined;
  timeoutMs: number;
  /** Aborting sends `notifications/cancelled` to the service and ends the call. */
  signal?: AbortSignal | undefined;
  /**
   * A caller's own request id (seed 002's `request_id`). The same caller repeating it within the
   * services' duplicate window gets the first answer again instead of a second execution.
   */
  idempotencyKey?: string | undefined;
}

/** Too many requests waiting for answers already: refused before anything is sent. */
export class RelayBusyError extends Error {
  constructor(readonly limit: number) {
    super(`the gateway has ${limit} requests waiting for the services already: try again shortly`);
    this.name = 'RelayBusyError';
  }
}

interface Pending {
  promise: Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  serviceId: string;
  method: string;
}

/**
 * Sends other callers' requests to the services, each with the caller's own key, over one MQTT 5
 * connection with a private inbox (`mcp/clients/{clientId}/{instance}/response`). The services
 * answer a relay's inbox for any key (MCP_RELAY_CLIENTS), so an answer must be impossible to
 * forge or pre-empt: every Correlation Data is 128 random bits (or an HMAC under a per-process
 * secret for idempotent calls), never a counter another client could guess.
 */
export class Relay {
  readonly responseTopic: string;
  private readonly pending = new Map<string, Pending>();
  private readonly secret = randomBytes(32);
  private ready = false;
  private closing = false;

  private constructor(
    private readonly mqtt: ReturnType<typeof connectMqtt>,
    private readonly options: RelayOptions,
    instance: string,
  ) {
    this.responseTopic = clientTopics(options.clientId, instance).response;
  }

  static async connect(options: RelayOptions): Promise<Relay> {
    const instance = randomBytes(8).toString('hex');
    const mqtt = connectMqtt(options.url, {
      clientId: `${options.clientId}-relay-${instance}`,
      ...(options.username ? { username: options.username } : {}),
      ...(options.password ? { password: options.password } : {}),
      clean: true,
      resubscribe: false,
    });
    const relay = new Relay(mqtt, options, instance);
    mqtt.on('message', (topic, payload, packet) => {
      if (topic === relay.responseTopic) relay.onAnswer(payload, packet.properties?.correlationData);
    });
    mqtt.on('close', () => relay.onClose());
    const first = Promise.withResolvers<void>();
    mqtt.on('connect', () => {
      // QoS 0 on the inbox: no PUBACK to write per answer (a syscall per call). An answer can only
      // be lost with the connection, and a lost connection ends every pending call anyway.
      subscribeMqtt(mqtt, { [relay.responseTopic]: { qos: 0 } }).then(
        () => {
          relay.ready = true;
          first.resolve();
        },
        (err: Error) => {
          options.logger.error({ err }, 'could not subscribe to the gateway inbox');
          mqtt.stream?.destroy();
        },
      );
    });
    mqtt.on('error', (err) => {
      // A refused login before the first connection is final: say so instead of retrying forever.
      if (!relay.ready) first.reject(err);
    });
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    const timer = setTimeout(
      () => first.reject(new Error(`could not connect to ${options.url} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    try {
      await first.promise;
    } catch (err) {
      await mqtt.endAsync(true);
      throw err;
    } finally {
      clearTimeout(timer);
    }
    return relay;
  }

  get connected(): boolean {
    return this.ready && this.mqtt.connected;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** One broker round trip (SUBSCRIBE → SUBACK under the gateway's own inbox), in ms. */
  async brokerRoundTrip(timeoutMs = 2000): Promise<number> {
    if (!this.connected) throw new Error('not connected to the broker');
    const topic = this.responseTopic.replace(/response$/, 'probe');
    const started = performance.now();
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no SUBACK within ${timeoutMs} ms`)), timeoutMs).unref(),
    );
    await Promise.race([this.mqtt.subscribeAsync(topic, { qos: 0 }), timeout]);
    const ms = performance.now() - started;
    this.mqtt.unsubscribeAsync(topic).catch(() => {});
    return ms;
  }

  /** Sends one JSON-RPC request to a service and resolves with its result (or rejects). */
  request(serviceId: string, method: string, params: Record<string, unknown>, call: RelayCall) {
    const id = call.idempotencyKey
      ? createHmac('sha256', this.secret)
          .update(`${call.apiKey ?? ''}\u0000${serviceId}\u0000${call.idempotencyKey}`)
          .digest('base64url')
          .slice(0, 24)
      : randomBytes(16).toString('base64url');
    const joined = this.pending.get(id);
    if (joined) return joined.promise;
    if (!this.connected) return Promise.reject(new ConnectionLostError(serviceId, method));
    if (this.pending.size >= this.options.maxInFlight)
      return Promise.reject(new RelayBusyError(this.options.maxInFlight));
    const message = {
      jsonrpc: '2.0',
      id,
      method,
      params,
      ...(call.apiKey ? { auth: { api_key: call.apiKey, service_id: serviceId } } : {}),
      ...(call.priority ? { mcp_metadata: { priority: call.priority } } : {}),
    };
    const { promise, resolve, reject } = Promise.withResolvers<unknown>();
    const timer = setTimeout(() => {
      if (this.pending.get(id)?.promise !== promise) return;
      // Nobody waits for the answer any more: the service may stop the work too.
      this.sendCancel(id, serviceId, call.apiKey, `no answer within ${call.timeoutMs} ms`);
      this.settle(id, (entry) => entry.reject(new RequestTimeoutError(serviceId, method, call.timeoutMs)));
    }, call.timeoutMs);
    this.pending.set(id, { promise, resolve, reject, timer, serviceId, method });
    const onAbort = () => this.cancel(id, serviceId, call);
    call.signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      () => call.signal?.removeEventListener('abort', onAbort),
      () => call.signal?.removeEventListener('abort', onAbort),
    );
    // The requests of every caller handled in this turn of the event loop leave in one write(2).
    corkMqttUntilNextTurn(this.mqtt);
    this.mqtt.publish(
      serviceTopics(serviceId).request,
      JSON.stringify(message),
      { qos: 1, properties: { responseTopic: this.responseTopic, correlationData: Buffer.from(id) } },
      (err) => {
        if (err) this.settle(id, (entry) => entry.reject(err));
      },
    );
    return promise;
  }

  /** MCP's cancellation, forwarded: the service stops the work and sends no answer. */
  private cancel(id: string, serviceId: string, call: RelayCall) {
    if (!this.pending.has(id)) return;
    const reason =
      call.signal?.reason instanceof Error ? call.signal.reason.message : 'cancelled by the caller';
    this.sendCancel(id, serviceId, call.apiKey, reason);
    this.settle(id, (entry) => entry.reject(new RequestCancelledError(reason)));
  }

  /** `notifications/cancelled` from the same inbox and key: the service only lets the caller cancel. */
  private sendCancel(id: string, serviceId: string, apiKey: string | undefined, reason: string) {
    this.mqtt.publish(
      serviceTopics(serviceId).request,
      JSON.stringify({
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
        params: { requestId: id, reason: reason.slice(0, 200) },
        ...(apiKey ? { auth: { api_key: apiKey, service_id: serviceId } } : {}),
      }),
      { qos: 1, properties: { responseTopic: this.responseTopic, correlationData: randomBytes(16) } },
    );
  }

  private settle(id: string, finish: (entry: Pending) => void) {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    clearTimeout(entry.timer);
    finish(entry);
  }

  private onAnswer(payload: Buffer, correlationData: Buffer | undefined) {
    if (!correlationData) return;
    const id = correlationData.toString();
    const entry = this.pending.get(id);
    if (!entry) return;
    let parsed: ReturnType<typeof ResponseSchema.safeParse>;
    try {
      parsed = ResponseSchema.safeParse(JSON.parse(payload.toString()));
    } catch {
      parsed = { success: false } as ReturnType<typeof ResponseSchema.safeParse>;
    }
    this.settle(id, ({ resolve, reject, serviceId, method }) => {
      if (!parsed.success)
        reject(new Error(`${serviceId} answered ${method} with an invalid JSON-RPC response`));
      else if ('error' in parsed.data) {
        const { code, message, data } = parsed.data.error;
        reject(new RemoteError(code, message, data as Record<string, unknown> | undefined));
      } else resolve(parsed.data.result);
    });
  }

  private onClose() {
    if (this.ready && !this.closing) this.options.logger.warn('broker connection lost: reconnecting');
    this.ready = false;
    for (const [id, entry] of this.pending)
      this.settle(id, () => entry.reject(new ConnectionLostError(entry.serviceId, entry.method)));
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const [id, entry] of this.pending)
      this.settle(id, () => entry.reject(new ConnectionLostError(entry.serviceId, entry.method)));
    await this.mqtt.endAsync();
  }
}
