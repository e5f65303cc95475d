import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IClientOptions, MqttClient } from 'mqtt';
import { connect } from '../mqtt/connection.js';
import { ResponseSchema } from '../protocol/jsonrpc.js';
import { type DiscoveryDocument, DiscoveryDocumentSchema, HeartbeatSchema } from '../protocol/mcp.js';
import { anyService, clientTopics, parseServiceTopic, serviceTopics } from '../protocol/topics.js';
import { signRequest } from '../safety/auth.js';
import type { ToolDescriptor } from '../service/catalog.js';
import { ConnectionLostError, RemoteError, RequestTimeoutError } from './errors.js';

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
  mqtt?: IClientOptions;
}

interface Pending {
  serviceId: string;
  method: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export interface ServiceStatus {
  serviceId: string;
  discovery: DiscoveryDocument;
  lastHeartbeat: number | undefined;
  up: boolean;
}

export interface CallToolResult {
  content: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
  _meta?: Record<string, unknown>;
}

/**
 * Calls services over MQTT 5 with a private response topic and Correlation Data. Every call
 * ends: with the result, a RemoteError, a RequestTimeoutError or a ConnectionLostError.
 */
export class McpMqttClient extends EventEmitter<{
  up: [ServiceStatus];
  down: [ServiceStatus, string];
  event: [{ serviceId: string; event: string; payload: unknown }];
}> {
  readonly responseTopic: string;
  private readonly pending = new Map<string, Pending>();
  private readonly services = new Map<string, ServiceStatus>();
  /** Connected and subscribed to the response topic: requests may go out. */
  private isReady = false;
  private readyWaiters: Array<() => void> = [];
  private sequence = 0;
  private readonly instance = randomBytes(4).toString('hex');
  private readonly topicFilters = new Set<string>();
  private watchTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly mqtt: MqttClient,
    private readonly options: McpMqttClientOptions,
  ) {
    super();
    this.responseTopic = clientTopics(
      options.clientId ?? options.username ?? `anonymous-${this.instance}`,
      this.instance,
    ).response;
    this.topicFilters.add(this.responseTopic);
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
    const timeoutMs = options.timeoutMs ?? 10_000;
    const refused = new Promise<never>((_, reject) => {
      // A CONNACK refusal (bad credentials, not authorized) is final: say so instead of retrying.
      mqtt.once('error', (err) => {
        if (!mqtt.connected) reject(err);
      });
    });
    try {
      await Promise.race([
        client.whenReady(
          timeoutMs,
          () => new Error(`could not connect to ${options.url} within ${timeoutMs} ms`),
        ),
        refused,
      ]);
    } catch (err) {
      await mqtt.endAsync(true);
      throw err;
    }
    return client;
  }

  get connected(): boolean {
    return this.mqtt.connected;
  }

  private async onConnect() {
    const filters = Object.fromEntries([...this.topicFilters].map((topic) => [topic, { qos: 1 as const }]));
    try {
      await this.mqtt.subscribeAsync(filters);
      this.isReady = true;
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
    if (rest === 'discovery') this.onDiscovery(serviceId, body);
    else if (rest === 'heartbeat') this.onHeartbeat(serviceId, body);
    else if (rest.startsWith('events/'))
      this.emit('event', { serviceId, event: rest.slice('events/'.length), payload: body });
  }

  private onDiscovery(serviceId: string, body: unknown) {
    const parsed = DiscoveryDocumentSchema.safeParse(body);
    if (!parsed.success) {
      if (body === undefined) this.services.delete(serviceId);
      return;
    }
    const previous = this.services.get(serviceId);
    const status: ServiceStatus = {
      serviceId,
      discovery: parsed.data,
      // Heartbeats are counted from when we first heard of the service, not from the retained
      // document's timestamp (which may be older than the last heartbeat interval).
      lastHeartbeat: previous?.lastHeartbeat ?? Date.now(),
      up: parsed.data.status === 'ready',
    };
    this.services.set(serviceId, status);
    if (status.up && !previous?.up) this.emit('up', status);
    if (!status.up && previous?.up !== false) this.emit('down', status, 'offline');
  }

  private onHeartbeat(serviceId: string, body: unknown) {
    if (!HeartbeatSchema.safeParse(body).success) return;
    const status = this.services.get(serviceId);
    if (!status) return;
    status.lastHeartbeat = Date.now();
    if (!status.up && status.discovery.status === 'ready') {
      status.up = true;
      this.emit('up', status);
    }
  }

  private async addFilters(filters: string[]) {
    const added = filters.filter((f) => !this.topicFilters.has(f));
    for (const filter of added) this.topicFilters.add(filter);
    if (added.length > 0 && this.mqtt.connected) {
      await this.mqtt.subscribeAsync(Object.fromEntries(added.map((f) => [f, { qos: 1 as const }])));
    }
  }

  /** Sends one JSON-RPC request and waits for its answer. */
  async request<T = unknown>(
    serviceId: string,
    method: string,
    params?: Record<string, unknown>,
    options: { timeoutMs?: number } = {},
  ): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    const key = `${this.instance}-${++this.sequence}`;
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
    await this.whenReady(timeoutMs, () => new RequestTimeoutError(serviceId, method, timeoutMs));
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.pending.delete(key);
          reject(new RequestTimeoutError(serviceId, method, timeoutMs));
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

  /** Watches discovery and heartbeats; emits `up` and `down` (offline, or 3 missed heartbeats). */
  async watchServices(): Promise<void> {
    await this.addFilters([anyService.discovery, anyService.heartbeat]);
    this.watchTimer ??= setInterval(() => this.checkHeartbeats(), 500).unref();
  }

  private checkHeartbeats() {
    const now = Date.now();
    for (const status of this.services.values()) {
      if (!status.up) continue;
      const last = status.lastHeartbeat ?? Date.now();
      if (now - last > 3 * status.discovery.heartbeat_interval * 1000) {
        status.up = false;
        this.emit('down', status, 'missed 3 heartbeats');
      }
    }
  }

  /** Services known from retained discovery; waits briefly for the retained messages to arrive. */
  async listServices(settleMs = 300): Promise<ServiceStatus[]> {
    const fresh = !this.topicFilters.has(anyService.discovery);
    await this.watchServices();
    if (fresh) await new Promise((resolve) => setTimeout(resolve, settleMs));
    return [...this.services.values()].sort((a, b) => a.serviceId.localeCompare(b.serviceId));
  }

  service(serviceId: string): ServiceStatus | undefined {
    return this.services.get(serviceId);
  }

  /** Subscribes to business events; `serviceId` and `event` may be `+` / `#` wildcards. */
  async subscribeEvents(serviceId = '+', event = '#'): Promise<void> {
    await this.addFilters([`mcp/${serviceId}/events/${event}`]);
  }

  async close(): Promise<void> {
    clearInterval(this.watchTimer);
    this.failPending();
    await this.mqtt.endAsync();
  }

  async [Symbol.asyncDispose]() {
    await this.close();
  }
}
