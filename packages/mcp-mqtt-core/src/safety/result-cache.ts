import { LRUCache } from 'lru-cache';

export interface CachedResult {
  value: Record<string, unknown>;
  storedAt: number;
}

export interface CacheStats {
  /** Hits over lookups since start (0 before the first lookup). */
  hit_rate: number;
  size: number;
  /** Entries dropped to stay within the bounds (not those that merely expired). */
  evictions: number;
  hits: number;
  misses: number;
  bytes: number;
}

/** Default bounds: entries, and bytes of serialised results. */
const MAX_ENTRIES = 1_000;
const MAX_BYTES = 32 * 1024 * 1024;

/**
 * Tool results by (tool, key), bounded in entries and in bytes. Expired entries are kept (within
 * the bounds) so a read tool can still answer with stale data, clearly marked, while its
 * upstream's circuit is open.
 */
export class ResultCache {
  private readonly entries: LRUCache<string, CachedResult>;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(options: { maxEntries?: number; maxBytes?: number } = {}) {
    this.entries = new LRUCache({
      max: options.maxEntries ?? MAX_ENTRIES,
      maxSize: options.maxBytes ?? MAX_BYTES,
      allowStale: false,
      noDeleteOnStaleGet: true,
      ttlAutopurge: false,
      dispose: (_value, _key, reason) => {
        if (reason === 'evict') this.evictions += 1;
      },
    });
  }

  get(key: string): CachedResult | undefined {
    const hit = this.entries.get(key);
    if (hit) this.hits += 1;
    else this.misses += 1;
    return hit;
  }

  /** An entry whatever its age, for the open-circuit fallback. */
  getStale(key: string): CachedResult | undefined {
    return this.entries.get(key, { allowStale: true, noDeleteOnStaleGet: true });
  }

  set(key: string, value: Record<string, unknown>, ttlMs: number) {
    // The size is the JSON length: what the entry costs, roughly, and what a caller receives.
    const size = key.length + JSON.stringify(value).length;
    if (size > this.entries.maxSize) return;
    this.entries.set(key, { value, storedAt: Date.now() }, { ttl: ttlMs, size });
  }

  /** Drops entries whose key starts with `prefix` (a tool's entries: `${tool}\u0000`…). */
  deleteWhere(predicate: (key: string) => boolean): number {
    let removed = 0;
    for (const key of [...this.entries.keys()]) {
      if (predicate(key)) {
        this.entries.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  get size(): number {
    return this.entries.size;
  }

  stats(): CacheStats {
    const lookups = this.hits + this.misses;
    return {
      hit_rate: lookups === 0 ? 0 : Math.round((this.hits / lookups) * 1000) / 1000,
      size: this.entries.size,
      evictions: this.evictions,
      hits: this.hits,
      misses: this.misses,
      bytes: this.entries.calculatedSize,
    };
  }
}
