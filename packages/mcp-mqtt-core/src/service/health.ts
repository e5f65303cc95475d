import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import { CircuitBreaker, type CircuitBreakerOptions, type CircuitState } from '../safety/circuit-breaker.js';
import type { Dependencies, DependencyState } from './define.js';

export interface HealthReport {
  status: 'healthy' | 'degraded' | 'unhealthy';
  uptime: number;
  version: string;
  dependencies: Record<string, DependencyState>;
  /** Resident memory in MiB. */
  memory_usage: number;
  /** Process CPU, percent of one core, since the previous health report. */
  cpu_usage: number;
}

interface Entry {
  state: () => DependencyState;
  healthy: readonly string[];
  /** A dependency the service cannot work without (the broker): down means unhealthy. */
  essential: boolean;
}

const CIRCUIT_GAUGE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

/** Live dependency states for `mcp.health_check` and `/health`. */
export class DependencyRegistry implements Dependencies {
  private readonly entries = new Map<string, Entry>();
  private lastCpu = process.cpuUsage();
  private lastCpuAt = performance.now();

  constructor(
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  circuitBreaker(name: string, options: Partial<CircuitBreakerOptions> = {}): CircuitBreaker {
    const breaker = new CircuitBreaker(name, options, Date.now, (state) => {
      this.metrics.circuit.set({ dependency: name }, CIRCUIT_GAUGE[state]);
      const log = state === 'open' ? this.logger.warn.bind(this.logger) : this.logger.info.bind(this.logger);
      log({ dependency: name, circuit: state }, `circuit ${state} for ${name}`);
    });
    this.metrics.circuit.set({ dependency: name }, 0);
    this.register(name, () => breaker.state, ['closed']);
    return breaker;
  }

  register(
    name: string,
    state: () => DependencyState,
    healthy: readonly string[] = ['connected', 'ok', 'closed'],
  ) {
    this.entries.set(name, { state, healthy, essential: false });
  }

  registerEssential(name: string, state: () => DependencyState, healthy: readonly string[]) {
    this.entries.set(name, { state, healthy, essential: true });
  }

  report(version: string, startedAt: number): HealthReport {
    const dependencies: Record<string, DependencyState> = {};
    let status: HealthReport['status'] = 'healthy';
    for (const [name, entry] of this.entries) {
      const state = entry.state();
      dependencies[name] = state;
      if (!entry.healthy.includes(state)) {
        if (entry.essential) status = 'unhealthy';
        else if (status === 'healthy') status = 'degraded';
      }
    }
    return {
      status,
      uptime: Math.round((Date.now() - startedAt) / 1000),
      version,
      dependencies,
      memory_usage: Math.round((process.memoryUsage.rss() / 1048576) * 10) / 10,
      cpu_usage: this.cpuPercent(),
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
