import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { IPublishPacket, MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { z } from 'zod';
import { brokerUrl, ConfigError, type CoreConfig, loadConfig } from '../config.js';
import { connect, subscribe } from '../mqtt/connection.js';
import { startHttpServer } from '../observability/http.js';
import { createLoggers, LogMirror } from '../observability/logger.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { DiscoveryDocumentSchema } from '../protocol/mcp.js';
import { EVENT_NAME_PATTERN, type ServiceTopics, serviceTopics, systemTopics } from '../protocol/topics.js';
import { Authenticator, parseApiKeys } from '../safety/auth.js';
import { RateLimiter } from '../safety/rate-limit.js';
import { ResultCache } from '../safety/result-cache.js';
import { Catalog } from './catalog.js';
import type { EventPublisher, ServiceDefinition, ServiceParts, Task } from './define.js';
import { Dispatcher } from './dispatcher.js';
import { DependencyRegistry, type HealthReport } from './health.js';
import { discoveryDocument, heartbeat, type PresenceInfo } from './presence.js';
import { RequestHandler } from './request-handler.js';
import { ToolRunner } from './tool-runner.js';

/** Longest a graceful stop waits for requests in flight. */
const DRAIN_TIMEOUT_MS = 10_000;
/** `mcp/system/discovery` makes every service re-announce, at most this often. */
const REANNOUNCE_MIN_INTERVAL_MS = 1_000;

export interface RuntimeOptions {
  env?: NodeJS.ProcessEnv;
  /** Replaces the pino logger built from LOG_LEVEL (tests). */
  logger?: Logger;
}

/**
 * One running service: owns its MQTT connection, presence (discovery, Last Will, heartbeat),
 * request handling and background tasks. `start`/`stop` do the work; the constructor only wires.
 */
export class ServiceRuntime<Config extends CoreConfig = CoreConfig> {
  readonly serviceId: string;
  readonly topics: ServiceTopics;
  readonly logger: Logger;
  readonly metrics: Metrics;
  private client: MqttClient | undefined;
  private readonly startedAt = Date.now();
  private readonly requests: RequestHandler;
  private readonly timers: NodeJS.Timeout[] = [];
  private http: Server | undefined;
  private stopping = false;
  private announcedOnce: PromiseWithResolvers<void> = Promise.withResolvers();
  private lastAnnounce = 0;
  private reannounceTimer: NodeJS.Timeout | undefined;
  private connectionState: 'connecting' | 'connected' | 'disconnected' = 'connecting';
  private subscribed = false;

  private constructor(
    readonly definition: ServiceDefinition<Config>,
    readonly config: Config,
    private readonly parts: Required<ServiceParts>,
    private readonly presence: PresenceInfo,
    readonly dispatcher: Dispatcher,
    private readonly dependencies: DependencyRegistry,
    private readonly mirror: LogMirror,
    private readonly authenticator: Authenticator,
    logger: Logger,
    metrics: Metrics,
    /** Aborted on stop: tools still running see their signal abort. */
    private readonly shutdown: AbortController,
  ) {
    dependencies.registerEssential('mqtt', () => this.connectionState, ['connected']);
    this.serviceId = presence.serviceId;
    this.topics = serviceTopics(this.serviceId);
    this.logger = logger;
    this.metrics = metrics;
    this.requests = new RequestHandler({
      topics: this.topics,
      dispatcher,
      metrics,
      logger,
      maxInFlight: config.MAX_IN_FLIGHT,
      maxPayloadBytes: config.MAX_PAYLOAD_BYTES,
      client: () => this.client,
      connected: () => this.connectionState === 'connected',
    });
  }

  /** Validates config (throws ConfigError naming every bad variable) and runs the service's setup. */
  static async create<Config extends CoreConfig>(
    definition: ServiceDefinition<Config>,
    options: RuntimeOptions = {},
  ): Promise<ServiceRuntime<Config>> {
    if (!(definition.config instanceof z.ZodObject))
      throw new TypeError('service config must be a zod object schema');
    const config = loadConfig(
      definition.config as unknown as z.ZodObject,
      options.env ?? process.env,
    ) as Config;
    const serviceId = config.MCP_SERVICE_ID ?? definition.id;
    const mirror = new LogMirror();
    const loggers = options.logger
      ? { logger: options.logger, audit: options.logger }
      : createLoggers({
          level: config.LOG_LEVEL,
          mirrorLevel: config.MQTT_LOG_LEVEL,
          mirror,
          name: serviceId,
        });
    const { logger } = loggers;
    const metrics = createMetrics(serviceId);
    const dependencies = new DependencyRegistry(logger, metrics);
    let keys: ReturnType<typeof parseApiKeys>;
    try {
      keys = parseApiKeys(config.MCP_API_KEYS ?? '');
    } catch (err) {
      throw new ConfigError([(err as Error).message]);
    }
    const authenticator = new Authenticator({
      serviceId,
      keys,
      requireSignature: config.MCP_REQUIRE_SIGNATURE,
    });

    let runtime: ServiceRuntime<Config> | undefined;
    const declaredEvents = new Set(definition.events ?? []);
    for (const event of declaredEvents) {
      if (!EVENT_NAME_PATTERN.test(event))
        throw new Error(`event name "${event}" must match ${EVENT_NAME_PATTERN}`);
    }
    const events: EventPublisher = {
      publish: async (event, payload) => {
        if (!declaredEvents.has(event)) throw new Error(`event "${event}" is not declared by the service`);
        if (!runtime) throw new Error('events can be published once the service has started');
        await runtime.publishEvent(event, payload);
      },
    };
    const declared = await definition.setup({ serviceId, config, logger, events, dependencies });
    const parts: Required<ServiceParts> = {
      tools: declared.tools,
      resources: declared.resources ?? [],
      tasks: declared.tasks ?? [],
    };
    const catalog = new Catalog(serviceId, parts.tools, parts.resources);
    const presence: PresenceInfo = {
      serviceId,
      name: definition.name,
      version: definition.version,
      description: definition.description,
      tools: [...catalog.tools.keys()],
      resources: [...catalog.resources.keys()],
      events: [...declaredEvents],
      heartbeatIntervalS: config.HEARTBEAT_INTERVAL,
    };
    const shutdown = new AbortController();
    const toolRunner = new ToolRunner(catalog, {
      logger,
      metrics,
      cache: new ResultCache(),
      rateLimiter: new RateLimiter(),
      shutdownSignal: shutdown.signal,
    });
    const dispatcher = new Dispatcher({
      serviceId,
      name: definition.name,
      version: definition.version,
      description: definition.description,
      catalog,
      tools: toolRunner,
      authenticator,
      // Called per request, after construction below.
      health: () => runtime!.health(),
      logger,
      audit: loggers.audit,
    });
    runtime = new ServiceRuntime(
      definition,
      config,
      parts,
      presence,
      dispatcher,
      dependencies,
      mirror,
      authenticator,
      logger,
      metrics,
      shutdown,
    );
    return runtime;
  }

  health(): HealthReport {
    return this.dependencies.report(this.definition.version, this.startedAt);
  }

  /** Connects, subscribes, announces; resolves once discovery is published the first time. */
  async start(): Promise<void> {
    const { config, topics, logger } = this;
    if (this.authenticator.open) {
      logger.warn('MCP_API_KEYS is not set: the service accepts every caller (open mode)');
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
    const instance = randomBytes(4).toString('hex');
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
        payload: Buffer.from(JSON.stringify(discoveryDocument(this.presence, 'offline'))),
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
    this.mirror.attach((line) => {
      if (this.connectionState === 'connected') client.publish(topics.logs, line, { qos: 0 });
    });
    await this.announcedOnce.promise;
    for (const task of this.parts.tasks) await this.startTask(task);
  }

  private async startTask(task: Task) {
    try {
      await task.start();
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
        [topics.sharedRequest]: { qos: 1 },
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
      JSON.stringify(discoveryDocument(this.presence, 'ready')),
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
    const { client, logger } = this;
    for (const timer of this.timers) clearInterval(timer);
    clearTimeout(this.reannounceTimer);
    if (client?.connected && this.subscribed) {
      await client.unsubscribeAsync(this.topics.sharedRequest).catch(() => {});
    }
    await this.requests.inFlight.idle(DRAIN_TIMEOUT_MS);
    this.shutdown.abort(new Error('service stopping'));
    for (const task of [...this.parts.tasks].reverse()) {
      try {
        await task.stop();
      } catch (err) {
        logger.warn({ err, task: task.name }, 'task failed to stop cleanly');
      }
    }
    this.mirror.attach(undefined);
    if (client) {
      if (client.connected) {
        await client
          .publishAsync(this.topics.discovery, JSON.stringify(discoveryDocument(this.presence, 'offline')), {
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
