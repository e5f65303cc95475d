import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brokerUrl, createLogger, type Logger } from '@neurhomia/mcp-mqtt-core';
import { McpMqttClient } from '@neurhomia/mcp-mqtt-core/client';
import { Activity, preview } from './activity.js';
import { Calls } from './calls.js';
import { Catalog } from './catalog.js';
import { type GatewayConfig, loadGatewayConfig } from './config.js';
import { Dashboard } from './dashboard/routes.js';
import { createRouter } from './http/router.js';
import { McpEndpoint } from './mcp/endpoint.js';
import { createMcpServer } from './mcp/server.js';
import { Sessions } from './mcp/sessions.js';
import { createMetrics } from './metrics.js';
import { Registry, type ServiceChange } from './mqtt/registry.js';
import { SeedApi } from './rest/api.js';
import { StatusReporter } from './rest/status.js';

export const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface GatewayOptions {
  /** The environment to read the configuration from (default: process.env). */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
}

/** Time to receive a whole request (not to answer it: streams stay open). */
const REQUEST_TIMEOUT_MS = 30_000;
const HEADERS_TIMEOUT_MS = 10_000;

/**
 * The gateway, wired: one MQTT connection as the user MQTT_USERNAME (the core's client follows
 * discovery, heartbeats and events, and carries requests with each caller's own key), the
 * registry and catalog of live tools, and one HTTP server for /mcp, seed 002's API, the
 * dashboard, /health and /metrics. `create` connects; `listen` opens the HTTP side.
 */
export class Gateway {
  private server: Server | undefined;

  private constructor(
    readonly config: GatewayConfig,
    readonly logger: Logger,
    readonly registry: Registry,
    private readonly parts: {
      client: McpMqttClient;
      sessions: Sessions;
      handler: ReturnType<typeof createRouter>;
    },
  ) {}

  static async create(options: GatewayOptions = {}): Promise<Gateway> {
    const config = loadGatewayConfig(options.env ?? process.env);
    const logger =
      options.logger ?? createLogger({ level: config.LOG_LEVEL, mirrorLevel: 'silent', name: 'gateway' });
    const url = brokerUrl(config);
    const clientId = config.MQTT_USERNAME ?? 'gateway';
    const client = await McpMqttClient.connect({
      url,
      username: config.MQTT_USERNAME,
      password: config.MQTT_PASSWORD,
      // The inbox segment: the MQTT user name, which the ACL lets read it.
      clientId,
      timeoutMs: 10_000,
      // Requests waiting for the services at once; past it a call is refused at once (-32005).
      maxPending: config.GATEWAY_MAX_IN_FLIGHT,
      // A call while the broker is unreachable is answered at once (-32006), never held.
      waitForReconnect: false,
    });
    client.on('disconnected', () => logger.warn('broker connection lost: reconnecting'));
    client.on('reconnected', () => logger.info('broker connection back'));
    try {
      const registry = await Registry.start(client, logger, { services: config.GATEWAY_SERVICES });
      return Gateway.assemble(config, logger, client, registry);
    } catch (err) {
      await client.close().catch(() => {});
      throw err;
    }
  }

  private static assemble(config: GatewayConfig, logger: Logger, client: McpMqttClient, registry: Registry) {
    const metrics = createMetrics();
    const activity = new Activity();
    const callTimeoutMs = config.GATEWAY_CALL_TIMEOUT_S * 1000;
    const catalog = new Catalog(registry, client, {
      ttlMs: config.GATEWAY_TOOLS_CACHE_S * 1000,
      timeoutMs: Math.min(callTimeoutMs, 10_000),
      logger,
    });
    const calls = new Calls({ registry, client, activity, metrics, logger });
    const sessions = new Sessions({
      createServer: () => createMcpServer({ catalog, calls, version: VERSION, callTimeoutMs }),
      maxSessions: config.GATEWAY_MAX_SESSIONS,
      idleMs: config.GATEWAY_SESSION_IDLE_S * 1000,
      logger,
      metrics,
    });
    const api = new SeedApi({
      catalog,
      calls,
      version: VERSION,
      maxBodyBytes: config.GATEWAY_MAX_BODY_BYTES,
      callTimeoutMs,
      maxTimeoutS: config.GATEWAY_MAX_TIMEOUT_S,
    });
    const status = new StatusReporter({
      registry,
      client,
      sessions,
      restSessions: () => api.activeSessions,
      activity,
      version: VERSION,
      startedAt: Date.now(),
      defaultKey: config.GATEWAY_API_KEY,
    });
    const dashboard = new Dashboard({
      registry,
      catalog,
      activity,
      version: VERSION,
      hasDefaultKey: config.GATEWAY_API_KEY !== undefined,
    });
    const countServices = () => {
      for (const state of ['up', 'stale', 'offline'] as const)
        metrics.services.set({ state }, registry.list().filter((s) => s.state === state).length);
    };
    countServices();
    registry.on('change', (changes: ServiceChange[]) => {
      countServices();
      metrics.toolListChanged.inc();
      for (const change of changes) {
        activity.add({
          kind: 'service',
          service: change.serviceId,
          change: change.kind,
          state: change.state,
          ...(change.reason ? { reason: change.reason } : {}),
        });
      }
      const resources = changes.some(
        (c) => (registry.get(c.serviceId)?.discovery.capabilities.resources.length ?? 0) > 0,
      );
      const down = changes.some((c) => c.kind === 'down');
      const text = changes
        .map((c) => `${c.serviceId} ${c.kind}${c.reason ? ` (${c.reason})` : ''}`)
        .join(', ');
      sessions.notifyListChanged(resources, down ? 'warning' : 'info', `services changed: ${text}`);
    });
    registry.on('event', ({ serviceId, event, payload }) =>
      activity.add({ kind: 'event', service: serviceId, event, payload: preview(payload) }),
    );
    const handler = createRouter({
      mcp: new McpEndpoint({ sessions, catalog, maxBodyBytes: config.GATEWAY_MAX_BODY_BYTES }),
      api,
      status,
      dashboard,
      catalog,
      metrics,
      logger,
      policy: { allowedHosts: config.GATEWAY_ALLOWED_HOSTS, allowedOrigins: config.GATEWAY_ALLOWED_ORIGINS },
      defaultKey: config.GATEWAY_API_KEY,
      beforeScrape: () => {
        metrics.brokerConnected.set(client.connected ? 1 : 0);
        metrics.relayInFlight.set(client.inFlight);
      },
    });
    return new Gateway(config, logger, registry, { client, sessions, handler });
  }

  /** Opens the HTTP server on GATEWAY_HOST:GATEWAY_PORT; resolves with its base URL. */
  async listen(): Promise<string> {
    const server = createServer(
      { requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: HEADERS_TIMEOUT_MS },
      (req, res) => {
        void this.parts.handler(req, res);
      },
    );
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.GATEWAY_PORT, this.config.GATEWAY_HOST, () => resolve());
    });
    this.server = server;
    this.logger.info(
      {
        url: this.url,
        key_source: this.config.GATEWAY_API_KEY ? 'GATEWAY_API_KEY when no bearer' : 'bearer tokens only',
        services: this.registry.live().map((s) => s.serviceId),
      },
      'gateway listening',
    );
    return this.url;
  }

  /** `http://host:port` of the HTTP server (after `listen`). */
  get url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the gateway is not listening');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
  }

  /** Stops accepting, closes the sessions and streams, then the MQTT connection. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await this.parts.sessions.closeAll();
      server.closeAllConnections();
      await closed;
    } else await this.parts.sessions.closeAll();
    this.registry.close();
    await this.parts.client.close().catch(() => {});
  }
}
