import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ConfigError, type CoreConfig, loadConfig } from '../config.js';
import { LogLimiter } from '../observability/log-limiter.js';
import { createLoggers, LogMirror } from '../observability/logger.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { ToolError } from '../protocol/errors.js';
import { EVENT_NAME_PATTERN, serviceTopics } from '../protocol/topics.js';
import { Authenticator, parseApiKeys } from '../safety/auth.js';
import { RateLimiter } from '../safety/rate-limit.js';
import { ResultCache } from '../safety/result-cache.js';
import { Scheduler } from '../scheduling/scheduler.js';
import { Catalog } from './catalog.js';
import type { EventPublisher, ServiceDefinition, ServiceParts } from './define.js';
import { Dispatcher } from './dispatcher.js';
import { Endpoint } from './endpoint.js';
import { DependencyRegistry, type HealthReport } from './health.js';
import { servicePackageVersion } from './package-version.js';
import type { PresenceInfo } from './presence.js';
import { ToolRunner } from './tool-runner.js';

export interface BuildOptions {
  env?: NodeJS.ProcessEnv;
  /** Replaces the pino logger built from LOG_LEVEL (tests). */
  logger?: Logger;
}

/** Where published events go: the broker in a running service, a list or a callback in tests. */
export type EventSink = (event: string, payload: Record<string, unknown>) => Promise<void>;

/**
 * Everything of a service that does not need a broker: validated config, logging, metrics,
 * authentication, the catalog, the scheduler and the endpoint that answers JSON-RPC. The MQTT
 * runtime and the broker-free `createServer` are both built on it.
 */
export interface ServiceCore<Config extends CoreConfig = CoreConfig> {
  definition: ServiceDefinition<Config>;
  config: Config;
  serviceId: string;
  version: string;
  logger: Logger;
  mirror: LogMirror;
  metrics: Metrics;
  warnings: LogLimiter;
  authenticator: Authenticator;
  dependencies: DependencyRegistry;
  catalog: Catalog;
  tools: ToolRunner;
  endpoint: Endpoint;
  parts: Required<ServiceParts>;
  presence: PresenceInfo;
  /** Aborted on stop: tools still running and tasks see their signal abort. */
  shutdown: AbortController;
  /** Set by the binding once it can publish. */
  setEventSink(sink: EventSink | undefined): void;
  health(): HealthReport;
}

export async function buildService<Config extends CoreConfig>(
  definition: ServiceDefinition<Config>,
  options: BuildOptions = {},
): Promise<ServiceCore<Config>> {
  if (!(definition.config instanceof z.ZodObject))
    throw new TypeError('service config must be a zod object schema');
  const config = loadConfig(
    definition.config as unknown as z.ZodObject,
    options.env ?? process.env,
  ) as Config;
  const serviceId = config.MCP_SERVICE_ID ?? definition.id;
  const version = definition.version ?? servicePackageVersion();
  const mirror = new LogMirror();
  const loggers = options.logger
    ? { logger: options.logger, audit: options.logger }
    : createLoggers({ level: config.LOG_LEVEL, mirrorLevel: config.MQTT_LOG_LEVEL, mirror, name: serviceId });
  const { logger } = loggers;
  const metrics = createMetrics(serviceId);
  const scheduler = new Scheduler(metrics, config.MAX_WAITERS_PER_KEY);
  const dependencies = new DependencyRegistry(logger, metrics, scheduler);
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
  const warnings = new LogLimiter(logger);

  const declaredEvents = new Set(definition.events ?? []);
  for (const event of declaredEvents) {
    if (!EVENT_NAME_PATTERN.test(event))
      throw new Error(`event name "${event}" must match ${EVENT_NAME_PATTERN}`);
  }
  const topics = serviceTopics(serviceId);
  let sink: EventSink | undefined;
  const events: EventPublisher = {
    publish: async (event, payload) => {
      if (!declaredEvents.has(event)) throw new Error(`event "${event}" is not declared by the service`);
      if (!sink) throw new Error('events can be published once the service has started');
      await sink(event, payload);
    },
    topic: (event) => topics.event(event),
  };

  const cache = new ResultCache();
  const shutdown = new AbortController();
  // Tasks, periodic jobs and the tool runner follow it: no leak warning past 10 of them.
  setMaxListeners(0, shutdown.signal);
  // The runner exists before setup so that setup can hand tools a way to invalidate their cache.
  let tools: ToolRunner | undefined;
  const declared = await definition.setup({
    serviceId,
    version,
    config,
    logger,
    events,
    dependencies,
    cache: { invalidate: (tool, key) => tools?.invalidate(tool, key) ?? 0 },
  });
  const parts: Required<ServiceParts> = {
    tools: declared.tools,
    resources: declared.resources ?? [],
    tasks: declared.tasks ?? [],
  };
  const catalog = new Catalog(serviceId, parts.tools, parts.resources);
  const runner = new ToolRunner(catalog, {
    logger,
    metrics,
    cache,
    rateLimiter: new RateLimiter(),
    scheduler,
    shutdownSignal: shutdown.signal,
  });
  tools = runner;
  shutdown.signal.addEventListener('abort', () => runner.abortRunning(shutdown.signal.reason), {
    once: true,
  });
  const startedAt = Date.now();
  const health = () => dependencies.report(version, startedAt, cache.stats());
  const dispatcher = new Dispatcher({
    serviceId,
    name: definition.name,
    version,
    description: definition.description,
    catalog,
    tools,
    authenticator,
    health,
    logger,
    audit: loggers.audit,
    warnings,
    metrics,
  });
  const endpoint = new Endpoint({
    dispatcher,
    authenticator,
    metrics,
    logger,
    warnings,
    limits: {
      maxPayloadBytes: config.MAX_PAYLOAD_BYTES,
      maxBatch: config.MAX_BATCH,
      maxInFlight: config.MAX_IN_FLIGHT,
      maxAnswerBytes: config.MAX_ANSWER_BYTES,
    },
    relays: new Set(config.MCP_RELAY_CLIENTS),
  });
  return {
    definition,
    config,
    serviceId,
    version,
    logger,
    mirror,
    metrics,
    warnings,
    authenticator,
    dependencies,
    catalog,
    tools,
    endpoint,
    parts,
    presence: {
      serviceId,
      name: definition.name,
      version,
      description: definition.description,
      tools: catalog.listed.map((tool) => tool.definition.name),
      resources: [...catalog.resources.keys()],
      events: [...declaredEvents],
      heartbeatIntervalS: config.HEARTBEAT_INTERVAL,
    },
    shutdown,
    setEventSink: (next) => {
      sink = next;
    },
    health,
  };
}

/** The reason tools see on their signal when the service stops: a tool error a person can act on. */
export function stoppingError(): ToolError {
  return new ToolError('the service is stopping; try again in a moment');
}
