import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import { CircuitBreaker, type CircuitBreakerOptions, type CircuitState } from '../safety/circuit-breaker.js';
import type { CacheStats } from '../safety/result-cache.js';
import type { ConcurrencyLimit, ConcurrencyLimitOptions } from '../scheduling/concurrency-limit.js';
import type { QueueReport, Scheduler } from '../scheduling/scheduler.js';
import type { Dependencies, DependencyReport, DependencyStatus } from './define.js';

export interface HealthReport {
  status: 'healthy' | 'degraded' | 'unhealthy';
  uptime: number;
  version: string;
  /** Each dependency's live status: `ok`, `degraded` or `down`. */
  dependencies: Record<string, DependencyStatus>;
  /** Why, and the mechanics behind each status (a circuit's state, a connection's reason…). */
  dependency_details: Record<string, DependencyReport>;
  queue: QueueReport;
  cache: CacheStats;
  /** Resident memory in MiB. */
  memory_mb: number;
  /** Process CPU, percent of one core, since the previous health report. */
  cpu_percent: number;
  /** Seed 001's names for `memory_mb` and `cpu_percent`, kept for its clients. */
  memory_usage: number;
  cpu_usage: number;
}

interface Entry {
  probe: () => DependencyReport;
  /** A dependency the service cannot work without (the broker): down means unhealthy. */
  essential: boolean;
}

const CIRCUIT_GAUGE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };
const CIRCUIT_STATUS: Record<CircuitState, DependencyStatus> = {
  closed: 'ok',
  'half-open': 'degraded',
  open: 'down',
};

function normalise(result: DependencyStatus | DependencyReport): DependencyReport {
  return typeof result === 'string' ? { status: result } : result;
}

/** Live dependency states for `mcp.health_check` and `/health`, and the limits in front of them. */
export class DependencyRegistry implements Dependencies {
  private readonly entries = new Map<string, Entry>();
  private lastCpu = process.cpuUsage();
  private lastCpuAt = performance.now();

  constructor(
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly scheduler: Scheduler,
  ) {}

  circuitBreaker(
    name: string,
    options: Partial<CircuitBreakerOptions> & Partial<ConcurrencyLimitOptions> = {},
  ): CircuitBreaker {
    const { concurrency, maxQueue, agingStepMs, ...breakerOptions } = options;
    const breaker = new CircuitBreaker(name, breakerOptions, Date.now, (state) => {
      this.metrics.circuit.set({ dependency: name }, CIRCUIT_GAUGE[state]);
      const log = state === 'open' ? this.logger.warn.bind(this.logger) : this.logger.info.bind(this.logger);
      log({ dependency: name, circuit: state }, `circuit ${state} for ${name}`);
    });
    if (concurrency !== undefined) {
      breaker.limit = this.limit(name, {
        concurrency,
        ...(maxQueue !== undefined ? { maxQueue } : {}),
        ...(agingStepMs !== undefined ? { agingStepMs } : {}),
      });
    }
    this.metrics.circuit.set({ dependency: name }, 0);
    this.register(name, () => {
      const circuit = breaker.state;
      return {
        status: CIRCUIT_STATUS[circuit],
        circuit,
        consecutive_failures: breaker.consecutiveFailures,
        ...(circuit === 'closed' ? {} : { reason: `circuit ${circuit} after repeated failures` }),
        ...(circuit === 'open' ? { retry_in_s: Math.ceil(breaker.retryInMs / 1000) } : {}),
      };
    });
    return breaker;
  }

  limit(name: string, options: ConcurrencyLimitOptions | number): ConcurrencyLimit {
    return this.scheduler.limit(name, typeof options === 'number' ? { concurrency: options } : options);
  }

  register(name: string, probe: () => DependencyStatus | DependencyReport) {
    this.entries.set(name, { probe: () => normalise(probe()), essential: false });
  }

  registerEssential(name: string, probe: () => DependencyStatus | DependencyReport) {
    this.entries.set(name, { probe: () => normalise(probe()), essential: true });
  }

  report(version: string, startedAt: number, cache: CacheStats): HealthReport {
    const dependencies: Record<string, DependencyStatus> = {};
    const details: Record<string, DependencyReport> = {};
    let status: HealthReport['status'] = 'healthy';
    for (const [name, entry] of this.entries) {
      let report: DependencyReport;
      try {
        report = entry.probe();
      } catch (err) {
        report = { status: 'down', reason: `health probe failed: ${(err as Error).message}` };
      }
      dependencies[name] = report.status;
      details[name] = report;
      if (report.status === 'ok') continue;
      if (entry.essential && report.status === 'down') status = 'unhealthy';
      else if (status === 'healthy') status = 'degraded';
    }
    const memory = Math.round((process.memoryUsage.rss() / 1048576) * 10) / 10;
    const cpu = this.cpuPercent();
    return {
      status,
      uptime: Math.round((Date.now() - startedAt) / 1000),
      version,
      dependencies,
      dependency_details: details,
      queue: this.scheduler.report(),
      cache,
      memory_mb: memory,
      cpu_percent: cpu,
      memory_usage: memory,
      cpu_usage: cpu,
    };
  }

  private cpuPercent(): number {
    const now = performance.now();
    const usage = process.cpuUsage(this.lastCpu);
    const elapsedMs = now - this.lastCpuAt;
    this.lastCpu = process.cpuUsage();
    this.lastCpuAt = now;
    if (elapsedMs <= 0) return 0;
    return Math.round(((usage.user + usage.system) / 1000 / elapsedMs) * 1000) / 10;
  }
}
