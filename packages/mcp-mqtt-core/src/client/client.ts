import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IClientOptions } from 'mqtt';
import { connect, corkAfterFirstWrite } from '../mqtt/connection.js';
import { RequestCancelledError } from '../protocol/errors.js';
import type { Heartbeat } from '../protocol/mcp.js';
import { clientTopics, eventFilter, parseServiceTopic, serviceTopics } from '../protocol/topics.js';
import type { Priority } from '../scheduling/priority.js';
import type { ToolDescriptor } from '../service/catalog.js';
import { type Call, PendingCalls, reasonOf } from './calls.js';
import { ConnectionLostError, RequestTimeoutError, ServiceOfflineError } from './errors.js';
import { cancelBody, type RequestParts, requestBody, SentRequests } from './messages.js';
import { type DownReason, ServiceDirectory, type ServiceStatus } from './services.js';
import { BrokerSession } from './session.js';

export interface McpMqttClientOptions {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  /** Sent as `auth.api_key` with every request (a request's own `apiKey` overrides it). */
  apiKey?: string | undefined;
  /** Sign every request with HMAC-SHA256 (the key is the API key). */
  sign?: boolean;
  /** Segment of the private response topic `mcp/clients/{clientId}/…`; defaults to the username. */
  clientId?: string | undefined;
  /** Default per-call timeout. */
  timeoutMs?: number;
  /** Bound on connecting and subscribing (default: `timeoutMs`, else 10 s). */
  connectTimeoutMs?: number;
  /**
   * Follow discovery and heartbeats from the start, as `watchServices()` does: `connect` then
   * resolves once the retained discovery documents are in, and a call to a service whose
   * document says `offline` fails at once with `ServiceOfflineError`.
   */
  watchServices?: boolean;
  /** Aborts `connect` (e.g. on Ctrl-C while the broker is unreachable). */
  signal?: AbortSignal;
  /** Calls waiting for answers at once (default 10 000); past it `TooManyPendingError`, at once. */
  maxPending?: number;
  /**
   * While the broker connection is down, a call waits for the reconnection within its timeout
   * (default), or, with `false`, fails at once with `ConnectionLostError` (a relay answers its
   * callers at once rather than holding them).
   */
  waitForReconnect?: boolean;
  mqtt?: IClientOptions;
}

/** Options of one request. */
export interface RequestOptions {
  /** Default: the client's `timeoutMs`, else 10 s. On timeout the service is told to stop. */
  timeoutMs?: number | undefined;
  /** This request's key, sent as `auth.api_key` (and signed with, with `sign`) instead of the client's. */
  apiKey?: string | undefined;
  /** Sent as `mcp_metadata.priority`: the service's queues serve it at that level. */
  priority?: Priority | undefined;
  /** Aborting sends `notifications/cancelled` to the service and rejects the call at once. */
  signal?: AbortSignal | undefined;
  /**
   * The caller's own id for this request: repeated by the same caller (same key) to the same
   * service within the services' duplicate window (30 s), it gets the first answer again instead
   * of a second execution; a repeat while the first is pending waits for the same answer.
   */
  idempotencyKey?: string | undefined;
}

export interface CallToolResult {
  content: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
  _meta?: Record<string, unknown>;
}

/**
 * Calls services over MQTT 5 with a private response topic and Correlation Data. Every call
 * ends: with the result, a RemoteError, a RequestTimeoutError, a ConnectionLostError, a
 * RequestCancelledError (its signal aborted), a TooManyPendingError, or (when following
 * discovery) a ServiceOfflineError.
 */
export class McpMqttClient extends EventEmitter<{
  up: [ServiceStatus];
  down: [ServiceStatus, DownReason];
  heartbeat: [ServiceStatus, Heartbeat];
  event: [{ serviceId: string; event: string; payload: unknown }];
  /** The broker connection dropped; MQTT.js reconnects with backoff. */
  disconnected: [];
  /** Connected and subscribed again after a drop. */
  reconnected: [];
}> {
  readonly responseTopic: string;
  private readonly calls: PendingCalls;
  private readonly sent = new SentRequests();
  private readonly directory = new ServiceDirectory();
  private readonly instance = randomBytes(8).toString('hex');
  private watchTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly session: BrokerSession,
    private readonly options: McpMqttClientOptions,
  ) {
    super();
    this.calls = new PendingCalls({
      maxPending: options.maxPending ?? 10_000,
      cancel: (call, reason) => this.sendCancel(call, reason),
    });
    this.responseTopic = clientTopics(
      options.clientId ?? options.username ?? `anonymous-${this.instance}`,
      this.instance,
    ).response;
    // QoS 0: the session is clean, so QoS 1 would survive no reconnect; it would only add a
    // PUBACK per answer (and, without TCP_NODELAY, a delayed ACK per call). See protocol.md.
    session.record({ [this.responseTopic]: 0 });
    if (options.watchServices) void this.watchServices();
    session.on('disconnected', () => this.emit('disconnected'));
    session.on('reconnected', () => this.emit('reconnected'));
    // Every pending call ends: the broker connection they were waiting on is gone.
    session.on('lost', () => this.calls.failAll((c) => new ConnectionLostError(c.serviceId, c.method)));
    session.mqtt.on('message', (topic, payload, packet) =>
      this.onMessage(topic, payload, packet.properties?.correlationData),
    );
    this.directory.on('up', (status) => this.emit('up', status));
    this.directory.on('down', (status, reason) => this.emit('down', status, reason));
    this.directory.on('heartbeat', (status, beat) => this.emit('heartbeat', status, beat));
  }

  static async connect(options: McpMqttClientOptions): Promise<McpMqttClient> {
    const mqtt = connect(options.url, {
      clientId: `mcp-client-${randomBytes(4).toString('hex')}`,
      ...(options.username ? { username: options.username } : {}),
      ...(options.password ? { password: options.password } : {}),
      clean: true,
      resubscribe: false,
      ...options.mqtt,
    });
    const client = new McpMqttClient(new BrokerSession(mqtt), options);
    const timeoutMs = options.connectTimeoutMs ?? options.timeoutMs ?? 10_000;
    try {
      await client.session.opened(options.url, timeoutMs, options.signal);
    } catch (err) {
      clearInterval(client.watchTimer);
      throw err;
    }
    return client;
  }

  get connected(): boolean {
    return this.session.mqtt.connected;
  }

  /** Calls waiting for an answer. */
  get inFlight(): number {
    return this.calls.size;
  }

  /** One broker round trip (SUBSCRIBE → SUBACK of a topic under the client's own inbox), in ms. */
  brokerRoundTrip(timeoutMs = 2000): Promise<number> {
    return this.session.roundTrip(this.responseTopic.replace(/response$/, 'probe'), timeoutMs);
  }

  private onMessage(topic: string, payload: Buffer, correlationData: Buffer | undefined) {
    if (topic === this.responseTopic) {
      if (correlationData) this.calls.answer(correlationData, payload);
      return;
    }
    const parsedTopic = parseServiceTopic(topic);
    if (!parsedTopic) return;
    const { serviceId, rest } = parsedTopic;
    let body: unknown;
    try {
      body = payload.length === 0 ? undefined : JSON.parse(payload.toString());
    } catch {
      return;
    }
    if (rest === 'discovery') this.directory.onDiscovery(serviceId, body);
    else if (rest === 'heartbeat') this.directory.onHeartbeat(serviceId, body);
    else if (rest.startsWith('events/'))
      this.emit('event', { serviceId, event: rest.slice('events/'.length), payload: body });
  }

  /** Sends one JSON-RPC request and waits for its answer. */
  async request<T = unknown>(
    serviceId: string,
    method: string,
    params?: Record<string, unknown>,
    options: RequestOptions = {},
  ): Promise<T> {
    const offline = this.directory.get(serviceId);
    if (offline?.discovery.status === 'offline') {
      throw new ServiceOfflineError(serviceId, method, offline.discovery.timestamp);
    }
    const { signal, idempotencyKey } = options;
    if (signal?.aborted) throw new RequestCancelledError(reasonOf(signal));
    const apiKey = options.apiKey ?? this.options.apiKey;
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    const withoutApiKey = !apiKey;
    if (!this.session.ready) {
      if (this.options.waitForReconnect === false) throw new ConnectionLostError(serviceId, method);
      const timedOut = () => new RequestTimeoutError(serviceId, method, timeoutMs, withoutApiKey);
      await this.session.whenReady(timeoutMs, timedOut, signal);
    }
    const id = this.calls.idFor(serviceId, apiKey, idempotencyKey);
    const { answer, fresh } = this.calls.wait(
      id,
      { serviceId, method, apiKey },
      { timeoutMs, deadline, signal, withoutApiKey },
    );
    if (fresh) {
      const parts: RequestParts = {
        serviceId,
        method,
        params,
        apiKey,
        sign: this.options.sign,
        priority: options.priority,
      };
      this.send(
        id,
        serviceId,
        idempotencyKey === undefined ? requestBody(id, parts) : this.sent.body(id, parts),
      );
    }
    return answer as Promise<T>;
  }

  private send(id: string, serviceId: string, body: string) {
    const { mqtt } = this.session;
    // A burst of requests in one event-loop turn (a relay's many callers) leaves in two writes.
    corkAfterFirstWrite(mqtt);
    mqtt.publish(
      serviceTopics(serviceId).request,
      body,
      { qos: 1, properties: { responseTopic: this.responseTopic, correlationData: Buffer.from(id) } },
      (err) => {
        if (err) this.calls.settle(id, (waiter) => waiter.reject(err));
      },
    );
  }

  /**
   * Nobody waits for `call` any more: `notifications/cancelled` from the same inbox (its origin)
   * and with the same key, which the service requires to stop it.
   */
  private sendCancel(call: Call, reason: string) {
    const body = cancelBody(call.id, reason, {
      serviceId: call.serviceId,
      apiKey: call.apiKey,
      sign: this.options.sign,
    });
    this.session.mqtt.publish(serviceTopics(call.serviceId).request, body, {
      qos: 1,
      properties: { responseTopic: this.responseTopic },
    });
  }

  async listTools(serviceId: string, filter?: string): Promise<ToolDescriptor[]> {
    const result = await this.request<{ tools: ToolDescriptor[] }>(
      serviceId,
      'tools/list',
      filter ? { filter } : undefined,
    );
    return result.tools;
  }

  callTool(
    serviceId: string,
    name: string,
    args: Record<string, unknown> = {},
    options: RequestOptions = {},
  ) {
    return this.request<CallToolResult>(serviceId, 'tools/call', { name, arguments: args }, options);
  }

  /**
   * Follows discovery and heartbeats: emits `up`, `down` (`"offline"`, or `"missed 3
   * heartbeats"`) and `heartbeat`; from then on a call to a service announced offline fails at
   * once with `ServiceOfflineError`. Resolves once the retained documents are in.
   */
  async watchServices(): Promise<void> {
    this.watchTimer ??= setInterval(() => this.directory.checkHeartbeats(), 500).unref();
    await this.session.followServices();
  }

  /** The services known from retained discovery (starts following discovery if needed). */
  async listServices(): Promise<ServiceStatus[]> {
    await this.watchServices();
    return this.directory.list();
  }

  /** The last known status of a service (when following discovery). */
  service(serviceId: string): ServiceStatus | undefined {
    return this.directory.get(serviceId);
  }

  /** Subscribes to business events; `serviceId` and `event` may be `+` / `#` wildcards. */
  async subscribeEvents(serviceId = '+', event = '#'): Promise<void> {
    await this.session.add({ [eventFilter(serviceId, event)]: 1 });
  }

  async close(): Promise<void> {
    clearInterval(this.watchTimer);
    this.calls.failAll((call) => new ConnectionLostError(call.serviceId, call.method));
    await this.session.close();
  }

  async [Symbol.asyncDispose]() {
    await this.close();
  }
}
