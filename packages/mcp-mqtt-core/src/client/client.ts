import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IClientOptions, MqttClient } from 'mqtt';
import { connect } from '../mqtt/connection.js';
import { ResponseSchema } from '../protocol/jsonrpc.js';
import type { Heartbeat } from '../protocol/mcp.js';
import { anyService, clientTopics, parseServiceTopic, serviceTopics } from '../protocol/topics.js';
import { signRequest } from '../safety/auth.js';
import type { ToolDescriptor } from '../service/catalog.js';
import { ConnectionLostError, RemoteError, RequestTimeoutError, ServiceOfflineError } from './errors.js';
import { type DownReason, ServiceDirectory, type ServiceStatus } from './services.js';

export interface McpMqttClientOptions {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  /** Sent as `auth.api_key` with every request. */
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
  mqtt?: IClientOptions;
}

interface Pending {
  serviceId: string;
  method: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export interface CallToolResult {
  content: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
  _meta?: Record<string, unknown>;
}

type QoS = 0 | 1;

/**
 * Once its SUBACK is in, the broker has delivered every retained discovery document: they are
 * sent right after the SUBACK of the discovery subscription, at QoS 0 (never held back by the
 * in-flight window), so the SUBACK of this second SUBSCRIBE of the same filter ("send no retained
 * messages") comes after all of them.
 */
const RETAINED_BARRIER = { [anyService.discovery]: { qos: 0 as const, rh: 2 } };

/**
 * Calls services over MQTT 5 with a private response topic and Correlation Data. Every call
 * ends: with the result, a RemoteError, a RequestTimeoutError, a ConnectionLostError, or (when
 * following discovery) a ServiceOfflineError.
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
  private readonly pending = new Map<string, Pending>();
  private readonly directory = new ServiceDirectory();
  /** Connected and subscribed to the response topic: requests may go out. */
  private isReady = false;
  private wasReady = false;
  private readyWaiters: Array<() => void> = [];
  private sequence = 0;
  private readonly instance = randomBytes(4).toString('hex');
  /**
   * Prefix of every call's id and Correlation Data: unguessable, so that nobody can forge an
   * answer to a pending call (relays such as the gateway take answers for any key).
   */
  private readonly callPrefix = randomBytes(12).toString('base64url');
  /** Every subscription with its QoS, renewed on each (re)connect (sessions are clean). */
  private readonly topicFilters = new Map<string, QoS>();
  private watchTimer: NodeJS.Timeout | undefined;
  private closing = false;

  private constructor(
    private readonly mqtt: MqttClient,
    private readonly options: McpMqttClientOptions,
  ) {
    super();
    this.responseTopic = clientTopics(
      options.clientId ?? options.username ?? `anonymous-${this.instance}`,
      this.instance,
    ).response;
    // QoS 0: the session is clean, so QoS 1 would survive no reconnect; it would only add a
    // PUBACK per answer (and, without TCP_NODELAY, a delayed ACK per call). See protocol.md.
    this.topicFilters.set(this.responseTopic, 0);
    if (options.watchServices) this.followServices();
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
    const client = new McpMqttClient(mqtt, options);
    mqtt.on('connect', () => void client.onConnect());
    mqtt.on('close', () => client.onClose());
    mqtt.on('message', (topic, payload, packet) =>
      client.onMessage(topic, payload, packet.properties?.correlationData),
    );
    mqtt.on('error', () => {}); // connection errors surface as close/reconnect; calls time out clearly
    const timeoutMs = options.connectTimeoutMs ?? options.timeoutMs ?? 10_000;
    const refused = new Promise<never>((_, reject) => {
      // A CONNACK refusal (bad credentials, not authorized) is final: say so instead of retrying.
      mqtt.once('error', (err) => {
        if (!mqtt.connected) reject(err);
      });
    });
    const { signal } = options;
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal?.reason ?? new Error('connect aborted'));
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([
        client.whenReady(
          timeoutMs,
          () => new Error(`could not connect to ${options.url} within ${timeoutMs} ms`),
        ),
        refused,
        aborted,
      ]);
    } catch (err) {
      clearInterval(client.watchTimer);
      await mqtt.endAsync(true);
      throw err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    return client;
  }

  get connected(): boolean {
    return this.mqtt.connected;
  }

  private async onConnect() {
    const filters = Object.fromEntries([...this.topicFilters].map(([topic, qos]) => [topic, { qos }]));
    try {
      await this.mqtt.subscribeAsync(filters);
      if (this.topicFilters.has(anyService.discovery)) await this.mqtt.subscribeAsync(RETAINED_BARRIER);
      this.isReady = true;
      if (this.wasReady) this.emit('reconnected');
      this.wasReady = true;
      const waiters = this.readyWaiters;
      this.readyWaiters = [];
      for (const waiter of waiters) waiter();
    } catch {
      this.mqtt.stream?.destroy();
    }
  }

  /** Resolves once connected and subscribed; rejects with `onTimeout()` after `timeoutMs`. */
  private whenReady(timeoutMs: number, onTimeout: () => Error): Promise<void> {
    if (this.isReady) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.readyWaiters = this.readyWaiters.filter((w) => w !== waiter);
        reject(onTimeout());
      }, timeoutMs);
      this.readyWaiters.push(waiter);
    });
  }

  private onClose() {
    if (this.isReady && !this.closing) this.emit('disconnected');
    this.isReady = false;
    this.failPending();
  }

  /** Every pending call ends: the broker connection they were waiting on is gone. */
  private failPending() {
    for (const [key, call] of this.pending) {
      clearTimeout(call.timer);
      this.pending.delete(key);
      call.reject(new ConnectionLostError(call.serviceId, call.method));
    }
  }

  private onMessage(topic: string, payload: Buffer, correlationData: Buffer | undefined) {
    if (topic === this.responseTopic) {
      if (!correlationData) return;
      const call = this.pending.get(correlationData.toString());
      if (!call) return;
      this.pending.delete(correlationData.toString());
      clearTimeout(call.timer);
      let parsed: ReturnType<typeof ResponseSchema.safeParse>;
      try {
        parsed = ResponseSchema.safeParse(JSON.parse(payload.toString()));
      } catch {
        call.reject(new Error(`${call.serviceId} answered ${call.method} with a body that is not JSON`));
        return;
      }
      if (!parsed.success)
        call.reject(new Error(`${call.serviceId} answered ${call.method} with an invalid JSON-RPC response`));
      else if ('error' in parsed.data) {
        const { code, message, data } = parsed.data.error;
        call.reject(new RemoteError(code, message, data as Record<string, unknown> | undefined));
      } else call.resolve(parsed.data.result);
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

  /** Subscribes now, and on every reconnect. */
  private async addFilters(filters: Record<string, QoS>): Promise<void> {
    const added = Object.entries(filters).filter(([f]) => !this.topicFilters.has(f));
    for (const [filter, qos] of added) this.topicFilters.set(filter, qos);
    if (added.length > 0 && this.mqtt.connected) {
      await this.subscribeNow(Object.fromEntries(added.map(([f, qos]) => [f, { qos }])));
    }
  }

  /**
   * Subscribes on the current connection. If that connection drops meanwhile, the filters are
   * already recorded and `onConnect` subscribes them on the next one: not an error.
   */
  private async subscribeNow(filters: Record<string, { qos: QoS; rh?: number }>) {
    try {
      await this.mqtt.subscribeAsync(filters);
    } catch (err) {
      if (this.mqtt.connected) throw err;
    }
  }

  private followServices() {
    // QoS 0: presence is state, re-sent on every reconnect as retained documents and beats.
    for (const filter of [anyService.discovery, anyService.heartbeat]) this.topicFilters.set(filter, 0);
    this.watchTimer ??= setInterval(() => this.directory.checkHeartbeats(), 500).unref();
  }

  /** Sends one JSON-RPC request and waits for its answer. */
  async request<T = unknown>(
    serviceId: string,
    method: string,
    params?: Record<string, unknown>,
    options: { timeoutMs?: number } = {},
  ): Promise<T> {
    const offline = this.directory.get(serviceId);
    if (offline?.discovery.status === 'offline') {
      throw new ServiceOfflineError(serviceId, method, offline.discovery.timestamp);
    }
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    const timedOut = () => new RequestTimeoutError(serviceId, method, timeoutMs, !this.options.apiKey);
    const key = `${this.callPrefix}-${++this.sequence}`;
    const message: Record<string, unknown> = {
      jsonrpc: '2.0',
      id: key,
      method,
      ...(params ? { params } : {}),
    };
    if (this.options.apiKey) {
      message.auth = this.options.sign
        ? signRequest({ method, id: key, params }, this.options.apiKey, serviceId)
        : { api_key: this.options.apiKey, service_id: serviceId };
    }
    await this.whenReady(timeoutMs, timedOut);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.pending.delete(key);
          reject(timedOut());
        },
        Math.max(1, deadline - Date.now()),
      );
      this.pending.set(key, { serviceId, method, resolve: resolve as (v: unknown) => void, reject, timer });
      this.mqtt.publish(
        serviceTopics(serviceId).request,
        JSON.stringify(message),
        { qos: 1, properties: { responseTopic: this.responseTopic, correlationData: Buffer.from(key) } },
        (err) => {
          if (err && this.pending.delete(key)) {
            clearTimeout(timer);
            reject(err);
          }
        },
      );
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
    options: { timeoutMs?: number } = {},
  ) {
    return this.request<CallToolResult>(serviceId, 'tools/call', { name, arguments: args }, options);
  }

  /**
   * Follows discovery and heartbeats: emits `up`, `down` (`"offline"`, or `"missed 3
   * heartbeats"`) and `heartbeat`; from then on a call to a service announced offline fails at
   * once with `ServiceOfflineError`. Resolves once the retained documents are in.
   */
  async watchServices(): Promise<void> {
    const fresh = !this.topicFilters.has(anyService.discovery);
    this.followServices();
    if (fresh && this.mqtt.connected) {
      await this.subscribeNow({ [anyService.discovery]: { qos: 0 }, [anyService.heartbeat]: { qos: 0 } });
      await this.subscribeNow(RETAINED_BARRIER);
    }
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
    await this.addFilters({ [`mcp/${serviceId}/events/${event}`]: 1 });
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.watchTimer);
    this.failPending();
    await this.mqtt.endAsync();
  }

  async [Symbol.asyncDispose]() {
    await this.close();
  }
}
