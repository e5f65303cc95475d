import { ErrorCode, RpcError } from '../protocol/errors.js';
import { once } from './abort.js';

interface Waiter {
  grant: () => void;
  live: boolean;
}

interface Lane {
  waiters: Waiter[];
  live: number;
}

/**
 * One holder per key at a time, the others served in arrival order (per-entity, per-container
 * locks). A key's lane exists only while it is held, so the map never holds idle keys. A bound on
 * waiters per key refuses a pile-up on one entity with -32005 instead of queueing it for ever.
 */
export class KeyedLock {
  private readonly lanes = new Map<string, Lane>();

  constructor(readonly maxWaitersPerKey: number) {}

  /** Calls waiting for a key held by another call, over every key. */
  get waiting(): number {
    let count = 0;
    for (const lane of this.lanes.values()) count += lane.live;
    return count;
  }

  /** Keys held now. */
  get held(): number {
    return this.lanes.size;
  }

  acquire(key: string, signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const lane = this.lanes.get(key);
    if (!lane) {
      this.lanes.set(key, { waiters: [], live: 0 });
      return Promise.resolve(this.releaser(key));
    }
    if (lane.live >= this.maxWaitersPerKey) {
      return Promise.reject(
        new RpcError(
          ErrorCode.RateLimited,
          `Rate limited: too many calls waiting on ${key.length > 80 ? `${key.slice(0, 80)}…` : key}`,
          { reason: 'serialize_queue_full', max_waiters: this.maxWaitersPerKey, retry_after_s: 1 },
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        live: true,
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          resolve(this.releaser(key));
        },
      };
      const onAbort = () => {
        if (!waiter.live) return;
        waiter.live = false;
        lane.live -= 1;
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      lane.waiters.push(waiter);
      lane.live += 1;
    });
  }

  private releaser(key: string): () => void {
    return once(() => {
      const lane = this.lanes.get(key)!;
      for (;;) {
        const next = lane.waiters.shift();
        if (!next) {
          this.lanes.delete(key);
          return;
        }
        if (!next.live) continue;
        next.live = false;
        lane.live -= 1;
        next.grant();
        return;
      }
    });
  }
}
