import { LRUCache } from 'lru-cache';

export interface CachedResult {
  value: Record<string, unknown>;
  storedAt: number;
}

/**
 * Tool results by (tool, key), bounded by entry count. Expired entries are kept (up to `max`) so a
 * read tool can still answer with stale data, clearly marked, while its upstream's circuit is open.
 */
export class ResultCache {
  private readonly entries: LRUCache<string, CachedResult>;

  constructor(max = 1_000) {
    this.entries = new LRUCache({ max, allowStale: false, noDeleteOnStaleGet: true, ttlAutopurge: false });
  }

  get(key: string): CachedResult | undefined {
    return this.entries.get(key);
  }

  /** An entry whatever its age, for the open-circuit fallback. */
  getStale(key: string): CachedResult | undefined {
    return this.entries.get(key, { allowStale: true, noDeleteOnStaleGet: true });
  }

  set(key: string, value: Record<string, unknown>, ttlMs: number) {
    this.entries.set(key, { value, storedAt: Date.now() }, { ttl: ttlMs });
  }

  get size(): number {
    return this.entries.size;
  }
}
