import { LRUCache } from 'lru-cache';
import { ErrorCode, RpcError } from '../protocol/errors.js';
import type { RateLimitOptions } from '../service/define.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Token buckets per (tool, caller), in a map bounded in entries and in bytes (keys come from the
 * network), so that a flood of callers cannot grow memory.
 */
export class RateLimiter {
  private readonly buckets: LRUCache<string, Bucket>;

  constructor(
    maxCallers = 10_000,
    private readonly now: () => number = Date.now,
    maxBytes = 4 * 1024 * 1024,
  ) {
    // ~64 bytes of bucket and map overhead per entry, plus its key.
    this.buckets = new LRUCache({
      max: maxCallers,
      maxSize: maxBytes,
      sizeCalculation: (_b, key) => 64 + key.length,
    });
  }

  /** Takes one token or throws -32005 with the wait in `retry_after_s`. */
  take(key: string, limit: RateLimitOptions) {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: limit.capacity, updatedAt: now };
    bucket.tokens = Math.min(
      limit.capacity,
      bucket.tokens + ((now - bucket.updatedAt) / 1000) * limit.refillPerSecond,
    );
    bucket.updatedAt = now;
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket);
      const waitS = (1 - bucket.tokens) / limit.refillPerSecond;
      throw new RpcError(ErrorCode.RateLimited, 'Rate limited: too many calls, slow down', {
        reason: 'rate_limited',
        retry_after_s: Math.max(1, Math.ceil(waitS)),
        limit: limit.capacity,
        refill_per_second: limit.refillPerSecond,
      });
    }
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
  }
}
