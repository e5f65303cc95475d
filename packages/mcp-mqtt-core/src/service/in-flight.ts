import { ErrorCode, RpcError } from '../protocol/errors.js';

/**
 * Caps the requests executing at once. Past the cap, requests wait in a bounded queue; past the
 * queue, they are refused at once with -32005 so that a flood costs the service nothing.
 */
export class InFlightLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];

  constructor(
    readonly max: number,
    readonly maxQueued: number = max * 16,
  ) {}

  get count(): number {
    return this.active;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) {
      if (this.waiting.length >= this.maxQueued) {
        throw new RpcError(ErrorCode.RateLimited, 'Rate limited: service busy, too many requests in flight', {
          reason: 'busy',
          retry_after_s: 1,
        });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active += 1;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else {
        this.active -= 1;
        if (this.active === 0) this.notifyIdle();
      }
    }
  }

  /** Resolves when nothing is executing, or after `timeoutMs`. */
  idle(timeoutMs: number): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private notifyIdle() {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }
}
