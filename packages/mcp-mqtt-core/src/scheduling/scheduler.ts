import { Gauge } from 'prom-client';
import type { Metrics } from '../observability/metrics.js';
import {
  type ConcurrencyLimit,
  type ConcurrencyLimitOptions,
  ConcurrencyLimit as Limit,
} from './concurrency-limit.js';
import { KeyedLock } from './keyed-lock.js';
import { emptyByPriority, type Priority } from './priority.js';

/** Calls waiting on one key; past it -32005 (a pile-up on one entity is refused, not queued). */
export const DEFAULT_MAX_WAITERS_PER_KEY = 32;

export interface QueueReport {
  /** Calls waiting: for a key's lock or for a dependency's slot. */
  pending: number;
  /** Tool executions running now. */
  running: number;
  by_priority: Record<Priority, number>;
  dependencies: Record<string, { running: number; pending: number; concurrency: number; max_queue: number }>;
}

/**
 * Owns what makes calls wait: per-key locks (`serialize`) and the per-dependency concurrency
 * limits with their priority queues (`uses`). Reports both to health and Prometheus.
 */
export class Scheduler {
  readonly locks: KeyedLock;
  private readonly limits = new Map<string, ConcurrencyLimit>();
  private readonly lockWaitersByPriority = emptyByPriority();
  private runningCount = 0;

  constructor(
    private readonly metrics: Metrics,
    maxWaitersPerKey = DEFAULT_MAX_WAITERS_PER_KEY,
  ) {
    this.locks = new KeyedLock(maxWaitersPerKey);
    const limits = this.limits;
    const locks = this.locks;
    new Gauge({
      name: 'mcp_queue_length',
      help: 'Calls waiting, per dependency queue (and "locks" for per-key serialisation)',
      labelNames: ['queue'] as const,
      registers: [metrics.registry],
      collect() {
        this.reset();
        for (const [name, limit] of limits) this.set({ queue: name }, limit.pending);
        this.set({ queue: 'locks' }, locks.waiting);
      },
    });
  }

  limit(name: string, options: ConcurrencyLimitOptions): ConcurrencyLimit {
    if (this.limits.has(name)) throw new Error(`a concurrency limit named ${name} exists already`);
    const limit = new Limit(name, options, {
      waited: (dependency, priority, ms) =>
        this.metrics.queueWait.observe({ dependency, priority }, ms / 1000),
    });
    this.limits.set(name, limit);
    return limit;
  }

  /** Waits for `key`'s lock; the wait is measured and counted by priority while it lasts. */
  async lock(key: string, priority: Priority, signal: AbortSignal): Promise<() => void> {
    const started = performance.now();
    this.lockWaitersByPriority[priority] += 1;
    try {
      return await this.locks.acquire(key, signal);
    } finally {
      this.lockWaitersByPriority[priority] -= 1;
      this.metrics.lockWait.observe((performance.now() - started) / 1000);
    }
  }

  /** Counts an execution as running until the returned function is called. */
  started(): () => void {
    this.runningCount += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.runningCount -= 1;
    };
  }

  report(): QueueReport {
    const byPriority = { ...this.lockWaitersByPriority };
    const dependencies: QueueReport['dependencies'] = {};
    let pending = this.locks.waiting;
    for (const [name, limit] of this.limits) {
      pending += limit.pending;
      for (const [priority, count] of Object.entries(limit.pendingByPriority()))
        byPriority[priority as Priority] += count;
      dependencies[name] = {
        running: limit.running,
        pending: limit.pending,
        concurrency: limit.concurrency,
        max_queue: limit.maxQueue,
      };
    }
    return { pending, running: this.runningCount, by_priority: byPriority, dependencies };
  }
}
