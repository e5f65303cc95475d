import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { IPublishPacket, MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { brokerUrl, type CoreConfig } from '../config.js';
import { connect, subscribe } from '../mqtt/connection.js';
import { RequestListener } from '../mqtt/request-listener.js';
import { startHttpServer } from '../observability/http.js';
import type { Metrics } from '../observability/metrics.js';
import { DiscoveryDocumentSchema } from '../protocol/mcp.js';
import { type ServiceTopics, serviceTopics, systemTopics } from '../protocol/topics.js';
import { type BuildOptions, buildService, type ServiceCore, stoppingError } from './build.js';
import type { ServiceDefinition, Task } from './define.js';
import type { Endpoint } from './endpoint.js';
import type { HealthReport } from './health.js';
import { discoveryDocument, heartbeat } from './presence.js';

/** Longest a graceful stop waits for requests in flight. */
const DRAIN_TIMEOUT_MS = 10_000;
/** `mcp/system/discovery` makes every service re-announce, at most this often. */
const REANNOUNCE_MIN_INTERVAL_MS = 1_000;

export type RuntimeOptions = BuildOptions;

/**
 * One running service: owns its MQTT connection, presence (discovery, Last Will, heartbeat),
 * the MQTT binding of its endpoint and its background tasks. `start`/`stop` do the work; the
 * constructor only wires.
 */
export class ServiceRuntime<Config extends CoreConfig = CoreConfig> {
  readonly serviceId: string;
  readonly topics: ServiceTopics;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly config: Config;
  readonly endpoint: Endpoint;
  private client: MqttClient | undefined;
  private readonly startedAt = Date.now();
  private readonly requests: RequestListener;
  private readonly timers: NodeJS.Timeout[] = [];
  private http: Server | undefined;
  private stopping = false;
  private announcedOnce: PromiseWithResolvers<void> = Promise.withResolvers();
  private lastAnnounce = 0;
  private reannounceTimer: NodeJS.Timeout | undefined;
  private connectionState: 'connecting' | 'connected' | 'disconnected' = 'connecting';
  private subscribed = false;

  private constructor(readonly core: ServiceCore<Config>) {
    this.serviceId = core.serviceId;
    this.config = core.config;
    this.logger = core.logger;
    this.metrics = core.metrics;
    this.endpoint = core.endpoint;
    this.topics = serviceTopics(this.serviceId, core.config.MCP_SHARE_GROUP);
    core.dependencies.registerEssential('mqtt', () =>
      this.connectionState === 'connected'
        ? { status: 'ok', connection: 'connected' }
        : { status: 'down', connection: this.connectionState, reason: 'not connected to the broker' },
    );
    core.setEventSink((event, payload) => this.publishEvent(event, payload));
    this.requests = new RequestListener({
      topics: this.topics,
      endpoint: core.endpoint,
      metrics: core.metrics,
      logger: core.logger,
      warnings: core.warnings,
      limits: {
        maxResponseTopicBytes: core.config.MAX_RESPONSE_TOPIC_BYTES,
        maxCorrelationBytes: core.config.MAX_CORRELATION_BYTES,
      },
      client: () => this.client,
      connected: () => this.connectionState === 'connected',
    });
  }

  /** Validates config (throws ConfigError naming every bad variable) and runs the service's setup. */
  static async create<Config extends CoreConfig>(
    definition: ServiceDefinition<Config>,
    options: RuntimeOptions = {},
  ): Promise<ServiceRuntime<Config>> {
    return new ServiceRuntime(await buildService(definition, options));
  }

  get definition(): ServiceDefinition<Config> {
    return this.core.definition;
  }

  health(): HealthReport {
    return this.core.health();
  }

  /** Connects, subscribes, announces; resolves once discovery is published the first time. */
  async start(): Promise<void> {
    const { config, topics, logger, core } = this;
    if (core.authenticator.open) {
      logger.warn('MCP_API_KEYS is not set: the service accepts every caller (open mode)');
    } else if (core.authenticator.unownedKeys > 0) {
      logger.warn(
        { keys: core.authenticator.unownedKeys },
        'some API keys name no owner (key=scopes): their callers may have answers sent to any ' +
          "client's inbox; write them name:key=scopes",
      );
    }
    if (config.HTTP_PORT !== undefined) {
      this.http = await startHttpServer({
        host: config.HTTP_HOST,
        port: config.HTTP_PORT,
        health: () => this.health(),
        registry: this.metrics.registry,
        logger,
      });
    }
    // Unguessable: a client must not take the service's session over by reusing its client id.
    const instance = randomBytes(16).toString('hex');
    const client = connect(brokerUrl(config), {
      clientId: `${this.serviceId}-${instance}`,
      ...(config.MQTT_USERNAME ? { username: config.MQTT_USERNAME } : {}),
      ...(config.MQTT_PASSWORD ? { password: config.MQTT_PASSWORD } : {}),
      clean: true,
      resubscribe: false,
      // A refused login is retried with backoff: the broker may learn this user on its next
      // reload (a service added to a running stack), and a service must not give up for good.
      reconnectOnConnackError: true,
      properties: { receiveMaximum: config.MAX_IN_FLIGHT, sessionExpiryInterval: 0 },
      will: {
        topic: topics.discovery,
        payload: Buffer.from(JSON.stringify(discoveryDocument(core.presence, 'offline'))),
        qos: 1,
        retain: true,
      },
    });
    this.client = client;
    client.on('connect', () => void this.onConnect());
    client.on('close', () => {
      if (this.connectionState === 'connected' && !this.stopping)
        logger.warn('disconnected from the broker; reconnecting');
      this.connectionState = 'disconnected';
      this.subscribed = false;
      this.metrics.connected.set(0);
    });
    client.on('error', (err) =>
      logger.error({ err: { message: err.message, code: (err as { code?: unknown }).code } }, 'mqtt error'),
    );
    client.on('message', (topic, payload, packet) => this.onMessage(topic, payload, packet));
    core.mirror.attach((line) => {
      if (this.connectionState === 'connected') client.publish(topics.logs, line, { qos: 0 });
    });
    await this.announcedOnce.promise;
    for (const task of core.parts.tasks) await this.startTask(task);
  }

  private async startTask(task: Task) {
    try {
      await task.start({ logger: this.logger.child({ task: task.name }), signal: this.core.shutdown.signal });
      this.logger.debug({ task: task.name }, 'task started');
    } catch (err) {
      this.logger.error({ err, task: task.name }, 'task failed to start');
    }
  }

  private async onConnect() {
    const { client, topics, logger, config } = this;
    if (!client || this.stopping) return;
    this.connectionState = 'connected';
    this.metrics.connected.set(1);
    try {
      await subscribe(client, {
        // Retain As Published: a request published with the retain flag while the service runs
        // keeps the flag, so that it is refused like one delivered at subscription time.
        [topics.sharedRequest]: { qos: 1, rap: true },
        [topics.discovery]: { qos: 1 },
        [systemTopics.discovery]: { qos: 0 },
      });
      this.subscribed = true;
      await this.announce();
      this.publishHeartbeat();
      logger.info(
        { broker: brokerUrl(config).replace(/\/\/[^@/]*@/, '//'), service_id: this.serviceId },
        'connected and announced',
      );
      if (this.timers.length === 0) {
        this.timers.push(
          setInterval(() => this.publishHeartbeat(), config.HEARTBEAT_INTERVAL * 1000).unref(),
        );
        this.timers.push(
          setInterval(() => void this.announce().catch(() => {}), config.DISCOVERY_INTERVAL * 1000).unref(),
        );
      }
      this.announcedOnce.resolve();
    } catch (err) {
      logger.error({ err }, 'could not subscribe and announce; will retry on the next connection');
      client.stream?.destroy();
    }
  }

  private async announce() {
    if (!this.client || this.stopping || this.connectionState !== 'connected') return;
    this.lastAnnounce = Date.now();
    await this.client.publishAsync(
      this.topics.discovery,
      JSON.stringify(discoveryDocument(this.core.presence, 'ready')),
      {
        qos: 1,
        retain: true,
      },
    );
  }

  /** Coalesces re-announce triggers: at most one per REANNOUNCE_MIN_INTERVAL_MS, none lost. */
  private scheduleAnnounce(immediate: boolean) {
    if (this.reannounceTimer) return;
    const wait = immediate ? 0 : Math.max(0, this.lastAnnounce + REANNOUNCE_MIN_INTERVAL_MS - Date.now());
    this.reannounceTimer = setTimeout(() => {
      this.reannounceTimer = undefined;
      this.announce().catch((err: unknown) => this.logger.warn({ err }, 're-announce failed'));
    }, wait);
  }

  private publishHeartbeat() {
    if (!this.client || this.connectionState !== 'connected' || this.stopping) return;
    const body = heartbeat(
      this.serviceId,
      this.startedAt,
      this.requests.activeCallerCount,
      this.requests.lastActivityAt,
    );
    this.client.publish(this.topics.heartbeat, JSON.stringify(body), { qos: 0 });
  }

  async publishEvent(event: string, payload: Record<string, unknown>) {
    if (!this.client) throw new Error('not started');
    const body = { event, service_id: this.serviceId, timestamp: new Date().toISOString(), data: payload };
    await this.client.publishAsync(this.topics.event(event), JSON.stringify(body), { qos: 1 });
  }

  private onMessage(topic: string, payload: Buffer, packet: IPublishPacket) {
    if (topic === this.topics.request) {
      this.requests
        .handle(payload, packet)
        .catch((err: unknown) => this.logger.error({ err }, 'request handling failed'));
    } else if (topic === this.topics.discovery) {
      this.onPeerDiscovery(payload);
    } else if (topic === systemTopics.discovery) {
      this.scheduleAnnounce(false);
    }
  }

  /** A replica's Last Will (or graceful stop) marks the whole service offline: say we are here. */
  private onPeerDiscovery(payload: Buffer) {
    if (this.stopping) return;
    let status: string | undefined;
    try {
      status = DiscoveryDocumentSchema.pick({ status: true }).parse(JSON.parse(payload.toString())).status;
    } catch {
      status = payload.length === 0 ? 'offline' : undefined;
    }
    if (status === 'offline') this.scheduleAnnounce(true);
  }

  /** Stop accepting, finish in-flight work, stop tasks, publish offline, disconnect. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const { client, logger, core } = this;
    for (const timer of this.timers) clearInterval(timer);
    clearTimeout(this.reannounceTimer);
    if (client?.connected && this.subscribed) {
      await client.unsubscribeAsync(this.topics.sharedRequest).catch(() => {});
    }
    await this.endpoint.inFlight.idle(DRAIN_TIMEOUT_MS);
    core.shutdown.abort(stoppingError());
    for (const task of [...core.parts.tasks].reverse()) {
      try {
        await task.stop();
      } catch (err) {
        logger.warn({ err, task: task.name }, 'task failed to stop cleanly');
      }
    }
    core.warnings.close();
    core.mirror.attach(undefined);
    core.setEventSink(undefined);
    if (client) {
      if (client.connected) {
        await client
          .publishAsync(this.topics.discovery, JSON.stringify(discoveryDocument(core.presence, 'offline')), {
            qos: 1,
            retain: true,
          })
          .catch(() => {});
      }
      await client.endAsync();
    }
    if (this.http) await new Promise<void>((resolve) => this.http!.close(() => resolve()));
    this.announcedOnce.resolve();
    logger.info('stopped');
  }
}
