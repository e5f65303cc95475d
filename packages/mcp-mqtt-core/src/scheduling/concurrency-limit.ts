import { ErrorCode, RpcError } from '../protocol/errors.js';
import { once } from './abort.js';
import { emptyByPriority, type Priority, rankOf } from './priority.js';

/** A waiting call gains one priority level for every step it has waited (see `virtualTime`). */
export const DEFAULT_AGING_STEP_MS = 1_000;

export interface ConcurrencyLimitOptions {
  /** Calls of the tools that use this dependency running at once. */
  concurrency: number;
  /** Calls waiting for a slot; past it a call is refused at once with -32005. Default 50 × concurrency. */
  maxQueue?: number;
  /** Aging step: how long a wait is worth one priority level. */
  agingStepMs?: number;
}

/** What a limit reports to the scheduler's metrics. */
export interface LimitObserver {
  waited(dependency: string, priority: Priority, ms: number): void;
}

interface Waiter {
  /** Order key: arrival time plus the priority's rank in aging steps. Smaller runs first. */
  virtualTime: number;
  sequence: number;
  priority: Priority;
  enqueuedAt: number;
  grant: () => void;
  live: boolean;
}

/**
 * At most `concurrency` calls of one upstream dependency at once; the others wait in a bounded
 * priority queue. Order: priority, then arrival — with aging, so that `bulk` is never starved:
 * a waiter's place is `arrival + rank × agingStep`, which means a bulk call that has waited four
 * steps goes before a critical call that just arrived. Under a steady stream of `high`, a `bulk`
 * call waits at most about three aging steps more than it would in plain FIFO.
 */
export class ConcurrencyLimit {
  readonly concurrency: number;
  readonly maxQueue: number;
  private readonly agingStepMs: number;
  private runningCount = 0;
  private liveWaiters = 0;
  private sequence = 0;
  private readonly heap: Waiter[] = [];

  constructor(
    readonly name: string,
    options: ConcurrencyLimitOptions,
    private readonly observer?: LimitObserver,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1)
      throw new Error(`concurrency of ${name} must be a whole number ≥ 1`);
    this.concurrency = options.concurrency;
    this.maxQueue = options.maxQueue ?? options.concurrency * 50;
    this.agingStepMs = options.agingStepMs ?? DEFAULT_AGING_STEP_MS;
  }

  get running(): number {
    return this.runningCount;
  }

  get pending(): number {
    return this.liveWaiters;
  }

  pendingByPriority(): Record<Priority, number> {
    const counts = emptyByPriority();
    for (const waiter of this.heap) if (waiter.live) counts[waiter.priority] += 1;
    return counts;
  }

  /**
   * Resolves with a release function once a slot is free. Rejects with the signal's reason if it
   * aborts first (the waiter leaves the queue), or at once with -32005 when the queue is full.
   */
  acquire(priority: Priority, signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.runningCount < this.concurrency && this.liveWaiters === 0) {
      this.runningCount += 1;
      this.observer?.waited(this.name, priority, 0);
      return Promise.resolve(this.releaser());
    }
    if (this.liveWaiters >= this.maxQueue) {
      return Promise.reject(
        new RpcError(ErrorCode.RateLimited, `Rate limited: service busy, ${this.name} queue is full`, {
          reason: 'queue_full',
          dependency: this.name,
          max_queue: this.maxQueue,
          retry_after_s: 1,
        }),
      );
    }
    return new Promise((resolve, reject) => {
      const enqueuedAt = this.now();
      const waiter: Waiter = {
        virtualTime: enqueuedAt + rankOf(priority) * this.agingStepMs,
        sequence: this.sequence++,
        priority,
        enqueuedAt,
        live: true,
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          this.observer?.waited(this.name, priority, this.now() - enqueuedAt);
          resolve(this.releaser());
        },
      };
      const onAbort = () => {
        if (!waiter.live) return;
        waiter.live = false;
        this.liveWaiters -= 1;
        // Dead waiters stay in the heap until popped; drop them all when nobody is left waiting.
        if (this.liveWaiters === 0) this.heap.length = 0;
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.push(waiter);
      this.liveWaiters += 1;
    });
  }

  private releaser(): () => void {
    return once(() => {
      this.runningCount -= 1;
      this.dispatch();
    });
  }

  private dispatch() {
    while (this.runningCount < this.concurrency) {
      const next = this.pop();
      if (!next) return;
      if (!next.live) continue;
      next.live = false;
      this.liveWaiters -= 1;
      this.runningCount += 1;
      next.grant();
    }
  }

  // A binary heap on (virtualTime, sequence). Aborted waiters stay in it, marked dead, until popped.
  private before(a: Waiter, b: Waiter): boolean {
    return a.virtualTime < b.virtualTime || (a.virtualTime === b.virtualTime && a.sequence < b.sequence);
  }

  private push(waiter: Waiter) {
    const heap = this.heap;
    heap.push(waiter);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): Waiter | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || !last) return top;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && this.before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && this.before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) return top;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
  }
}
