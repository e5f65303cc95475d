import type { CacheStats, HealthReport, QueueReport } from '@neurhomia/mcp-mqtt-core';
import { type McpMqttClient, RemoteError } from '@neurhomia/mcp-mqtt-core/client';
import { LRUCache } from 'lru-cache';
import type { Activity } from '../activity.js';
import type { Caller } from '../http/caller.js';
import type { Sessions } from '../mcp/sessions.js';
import type { Registry, ServiceEntry } from '../mqtt/registry.js';

const round = (ms: number) => Math.round(ms * 100) / 100;
const ageS = (since: number | undefined) =>
  since === undefined ? null : Math.max(0, Math.round((Date.now() - since) / 100) / 10);

export interface StatusDeps {
  registry: Registry;
  client: McpMqttClient;
  sessions: Sessions;
  restSessions: () => number;
  activity: Activity;
  version: string;
  startedAt: number;
  /** The key /health pings the services with (GATEWAY_API_KEY): any answer, even a refusal, is a sign of life. */
  defaultKey: string | undefined;
}

type Probe = { status: 'ok' | 'down'; response_time_ms?: number; error?: string };

/**
 * GET /health (broker and every service, with response times; 503 only when the broker is
 * unreachable) and GET /mcp/status (seed 002's report: the gateway, its sessions, each service
 * with its own health figures, the calls of the last minute).
 */
export class StatusReporter {
  /** Answers are reused briefly: a healthcheck and a dashboard polling must not flood the services. */
  private readonly probes = new LRUCache<string, Promise<unknown>>({ max: 2000, ttl: 2000 });

  constructor(private readonly deps: StatusDeps) {}

  async health(): Promise<{ httpStatus: number; body: Record<string, unknown> }> {
    const { registry, client } = this.deps;
    const broker: Probe = await client.brokerRoundTrip().then(
      (ms) => ({ status: 'ok' as const, response_time_ms: round(ms) }),
      (err: Error) => ({ status: 'down' as const, error: err.message }),
    );
    const services = await Promise.all(
      registry.list().map(async (entry) => [entry.serviceId, await this.ping(entry)] as const),
    );
    const dependencies = Object.fromEntries([['broker', broker], ...services]);
    const live = services.filter(([, s]) => s.state !== 'offline');
    const status =
      broker.status !== 'ok' || !registry.connected
        ? 'unhealthy'
        : live.some(([, s]) => s.status !== 'ok')
          ? 'degraded'
          : 'healthy';
    return {
      httpStatus: status === 'unhealthy' ? 503 : 200,
      body: {
        status,
        timestamp: new Date().toISOString(),
        version: this.deps.version,
        uptime_seconds: Math.round((Date.now() - this.deps.startedAt) / 1000),
        dependencies,
      },
    };
  }

  private async ping(entry: ServiceEntry) {
    const base = {
      state: entry.state,
      version: entry.discovery.version,
      heartbeat_age_s: ageS(entry.lastHeartbeat),
    };
    if (entry.state === 'offline') return { status: 'down' as const, ...base, error: 'announced offline' };
    const started = performance.now();
    const answer = await this.cached(`ping\u0000${entry.serviceId}`, () =>
      this.deps.client
        .request(entry.serviceId, 'ping', {}, { apiKey: this.deps.defaultKey, timeoutMs: 2000 })
        .then(
          () => ({ ok: true, ms: performance.now() - started }),
          (err: Error) =>
            // A refusal (no key, unknown key) is still an answer: the service is alive.
            err instanceof RemoteError
              ? { ok: true, ms: performance.now() - started }
              : { ok: false, error: err.message },
        ),
    );
    const { ok, ms, error } = answer as { ok: boolean; ms?: number; error?: string };
    return ok && entry.state === 'up'
      ? { status: 'ok' as const, ...base, response_time_ms: round(ms ?? 0) }
      : { status: 'down' as const, ...base, error: error ?? '3 heartbeats missed' };
  }

  async status(caller: Caller) {
    const { registry, sessions, activity } = this.deps;
    const services = await Promise.all(registry.list().map((entry) => this.serviceStatus(entry, caller)));
    const queue = { pending: 0, running: 0, by_priority: {} as Record<string, number> };
    const cache = { hits: 0, misses: 0, size: 0, evictions: 0 };
    for (const service of services) {
      const health = service.health as Partial<HealthReport> | undefined;
      const q = health?.queue as QueueReport | undefined;
      const c = health?.cache as CacheStats | undefined;
      if (q) {
        queue.pending += q.pending;
        queue.running += q.running;
        for (const [level, n] of Object.entries(q.by_priority))
          queue.by_priority[level] = (queue.by_priority[level] ?? 0) + n;
      }
      if (c) {
        cache.hits += c.hits;
        cache.misses += c.misses;
        cache.size += c.size;
        cache.evictions += c.evictions;
      }
    }
    const lookups = cache.hits + cache.misses;
    return {
      bridge: {
        status: registry.connected ? 'healthy' : 'unhealthy',
        version: this.deps.version,
        uptime_seconds: Math.round((Date.now() - this.deps.startedAt) / 1000),
        broker: registry.connected ? 'connected' : 'disconnected',
        relay_in_flight: this.deps.client.inFlight,
      },
      sessions: {
        active: sessions.size + this.deps.restSessions(),
        total: sessions.total,
        mcp: { active: sessions.size, open_streams: sessions.streams },
        http: { active: this.deps.restSessions() },
      },
      services,
      queue: { ...queue, processing: queue.running },
      cache: {
        hit_rate: lookups ? round(cache.hits / lookups) : 0,
        size: cache.size,
        evictions: cache.evictions,
      },
      performance: activity.stats(),
    };
  }

  private async serviceStatus(entry: ServiceEntry, caller: Caller) {
    const base = {
      service_id: entry.serviceId,
      name: entry.discovery.name,
      version: entry.discovery.version,
      status: entry.state,
      since: new Date(entry.since).toISOString(),
      heartbeat_age_s: ageS(entry.lastHeartbeat),
      heartbeat_interval_s: entry.discovery.heartbeat_interval,
      tools: entry.discovery.capabilities.tools.length,
    };
    if (entry.state !== 'up') return { ...base, health: undefined };
    const health = await this.cached(`health\u0000${caller.digest}\u0000${entry.serviceId}`, () =>
      this.deps.client
        .request(entry.serviceId, 'mcp.health_check', {}, { apiKey: caller.apiKey, timeoutMs: 3000 })
        .catch((err: Error) => ({ error: err.message })),
    );
    return { ...base, health };
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    let value = this.probes.get(key) as Promise<T> | undefined;
    if (!value) {
      value = load();
      this.probes.set(key, value);
    }
    return value;
  }
}
