import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { LRUCache } from 'lru-cache';
import type { IPublishPacket, MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { z } from 'zod';
import { brokerUrl, ConfigError, type CoreConfig, loadConfig } from '../config.js';
import { connect, subscribe } from '../mqtt/connection.js';
import { startHttpServer } from '../observability/http.js';
import { createLoggers, LogMirror } from '../observability/logger.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { ErrorCode, RpcError } from '../protocol/errors.js';
import { type Envelope, failure, parseMessage, success } from '../protocol/jsonrpc.js';
import { DiscoveryDocumentSchema } from '../protocol/mcp.js';
import {
  clientIdFromTopic,
  EVENT_NAME_PATTERN,
  responseTopicRefusal,
  type ServiceTopics,
  serviceTopics,
  systemTopics,
} from '../protocol/topics.js';
import { Authenticator, parseApiKeys } from '../safety/auth.js';
import { DuplicateFilter } from '../safety/duplicates.js';
import { RateLimiter } from '../safety/rate-limit.js';
import { ResultCache } from '../safety/result-cache.js';
import { Catalog } from './catalog.js';
import type { EventPublisher, ServiceDefinition, ServiceParts, Task } from './define.js';
import { Dispatcher } from './dispatcher.js';
import { DependencyRegistry, type HealthReport } from './health.js';
import { InFlightLimiter } from './in-flight.js';
import { discoveryDocument, heartbeat, type PresenceInfo } from './presence.js';
import { ToolRunner } from './tool-runner.js';

/** Longest a graceful stop waits for requests in flight. */
const DRAIN_TIMEOUT_MS = 10_000;
/** `mcp/system/discovery` makes every service re-announce, at most this often. */
const REANNOUNCE_MIN_INTERVAL_MS = 1_000;
/** A client counts in `active_connections` for this long after its last request. */
const ACTIVE_CALLER_WINDOW_MS = 5 * 60_000;

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
  private lastActivity: number | undefined;
  private readonly activeCallers = new LRUCache<string, true>({ max: 10_000, ttl: ACTIVE_CALLER_WINDOW_MS });
  private readonly inFlight: InFlightLimiter;
  private readonly duplicates = new DuplicateFilter<string | undefined>();
  private readonly shutdown = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  private http: Server | undefined;
  private stopping = false;
  private announcedOnce: PromiseWithResolvers<void> = Promise.withResolvers();
  private lastAnnounce = 0;
  private reannounceTimer: NodeJS.Timeout | undefined;
  private connectionState: 'connecting' | 'connected' | 'disconnected' = 'connecting';
  private subscribed = false;
  private corked = false;

  private constructor(
    readonly definition: ServiceDefinition<Config>,
    readonly config: Config,
    private readonly parts: Required<ServiceParts>,
    private readonly presence: PresenceInfo,
    private readonly dispatcher: Dispatcher,
    private readonly dependencies: DependencyRegistry,
    private readonly mirror: LogMirror,
    private readonly authenticator: Authenticator,
    logger: Logger,
    metrics: Metrics,
  ) {
    this.serviceId = presence.serviceId;
    this.topics = serviceTopics(this.serviceId);
    this.logger = logger;
    this.metrics = metrics;
    this.inFlight = new InFlightLimiter(config.MAX_IN_FLIGHT);
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
    const shutdownController = new AbortController();
    const toolRunner = new ToolRunner(catalog, {
      logger,
      metrics,
      cache: new ResultCache(),
      rateLimiter: new RateLimiter(),
      shutdownSignal: shutdownController.signal,
    });
    let healthOf: () => HealthReport = () => dependencies.report(definition.version, Date.now());
    const dispatcher = new Dispatcher({
      serviceId,
      name: definition.name,
      version: definition.version,
      description: definition.description,
      catalog,
      tools: toolRunner,
      authenticator,
      health: () => healthOf(),
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
    );
    const created = runtime;
    created.shutdown.signal.addEventListener('abort', () =>
      shutdownController.abort(new Error('service stopping')),
    );
    healthOf = () => created.health();
    dependencies.registerEssential('mqtt', () => created.connectionState, ['connected']);
    return created;
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
    const body = heartbeat(this.serviceId, this.startedAt, this.activeCallers.size, this.lastActivity);
    this.client.publish(this.topics.heartbeat, JSON.stringify(body), { qos: 0 });
  }

  async publishEvent(event: string, payload: Record<string, unknown>) {
    if (!this.client) throw new Error('not started');
    const body = { event, service_id: this.serviceId, timestamp: new Date().toISOString(), data: payload };
    await this.client.publishAsync(this.topics.event(event), JSON.stringify(body), { qos: 1 });
  }

  /**
   * Holds the socket's writes until the end of this turn of the event loop, so the PUBACK of a
   * request and an answer computed in the same turn leave in one TCP segment, not two.
   */
  private corkUntilNextTurn() {
    const stream = this.client?.stream as Partial<Socket> | undefined;
    if (this.corked || typeof stream?.cork !== 'function' || typeof stream.uncork !== 'function') return;
    stream.cork();
    this.corked = true;
    setImmediate(() => {
      this.corked = false;
      stream.uncork!();
    });
  }

  private onMessage(topic: string, payload: Buffer, packet: IPublishPacket) {
    if (topic === this.topics.request) {
      this.corkUntilNextTurn();
      this.onRequest(payload, packet).catch((err: unknown) =>
        this.logger.error({ err }, 'request handling failed'),
      );
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

  private async onRequest(payload: Buffer, packet: IPublishPacket) {
    const client = this.client!;
    const responseTopic = packet.properties?.responseTopic;
    const correlationData = packet.properties?.correlationData;
    if (responseTopic !== undefined) {
      const refusal = responseTopicRefusal(responseTopic);
      if (refusal) {
        this.metrics.rejected.inc({ reason: 'response_topic' });
        this.logger.warn(
          { response_topic: responseTopic.slice(0, 200), reason: refusal },
          'request refused: unsafe response topic',
        );
        return;
      }
    }
    this.lastActivity = Date.now();
    const target = responseTopic ?? this.topics.response;
    const callerHint = (responseTopic && clientIdFromTopic(responseTopic)) ?? 'anonymous';
    this.activeCallers.set(callerHint, true);
    const parsed = parseMessage(payload, this.config.MAX_PAYLOAD_BYTES);

    let id: unknown;
    if (parsed.kind === 'single' && parsed.envelope.kind === 'request') id = parsed.envelope.id;
    else if (parsed.kind === 'batch') id = 'batch';
    const key =
      parsed.kind === 'error' ? undefined : DuplicateFilter.key({ responseTopic, correlationData, id });
    const { answer, duplicate } = this.duplicates.run(key, payload, () => this.answer(parsed, callerHint));
    if (duplicate) this.metrics.rejected.inc({ reason: 'duplicate' });
    const body = await answer;
    if (body === undefined || this.connectionState !== 'connected') return;
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
      this.metrics.rejected.inc({ reason });
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
      this.metrics.rejected.inc({ reason: 'invalid' });
      this.metrics.requests.inc({ method: 'invalid', code: envelope.error.code });
      return failure(envelope.id, envelope.error);
    }
    if (envelope.kind === 'notification') {
      this.logger.debug({ method: envelope.request.method }, 'notification received');
      return undefined;
    }
    const { request, id } = envelope;
    // A label per known method only: junk method names must not grow the metrics without bound.
    const method = this.dispatcher.knows(request.method) ? request.method : 'other';
    const stopTimer = this.metrics.duration.startTimer({ method });
    this.metrics.inFlight.inc();
    try {
      const result = await this.inFlight.run(() => this.dispatcher.dispatch(request, id, { callerHint }));
      this.metrics.requests.inc({ method, code: 0 });
      return success(id, result);
    } catch (err) {
      const error =
        err instanceof RpcError
          ? err
          : new RpcError(ErrorCode.InternalError, 'Internal error', { request_id: id ?? null });
      if (!(err instanceof RpcError))
        this.logger.error({ err, method }, 'unexpected error while handling a request');
      this.metrics.requests.inc({ method, code: error.code });
      return failure(id, error);
    } finally {
      this.metrics.inFlight.dec();
      stopTimer();
    }
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
    await this.inFlight.idle(DRAIN_TIMEOUT_MS);
    this.shutdown.abort();
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
