import { describe, expect, it } from 'vitest';
import { ErrorCode, type RpcError } from '../../../src/protocol/errors.js';
import { DuplicateFilter } from '../../../src/safety/duplicates.js';
import { RateLimiter } from '../../../src/safety/rate-limit.js';
import { ResultCache } from '../../../src/safety/result-cache.js';

describe('RateLimiter', () => {
  it('lets a burst through, then refuses with -32005 and a retry hint, then refills', () => {
    let now = 0;
    const limiter = new RateLimiter(100, () => now);
    const limit = { capacity: 2, refillPerSecond: 1 };
    limiter.take('a', limit);
    limiter.take('a', limit);
    const error = (() => {
      try {
        limiter.take('a', limit);
      } catch (err) {
        return err as RpcError;
      }
    })();
    expect(error?.code).toBe(ErrorCode.RateLimited);
    expect(error?.data).toMatchObject({ reason: 'rate_limited', retry_after_s: 1 });
    limiter.take('b', limit); // another caller has its own bucket
    now = 1000;
    expect(() => limiter.take('a', limit)).not.toThrow();
  });

  it('keeps at most maxCallers buckets', () => {
    const limiter = new RateLimiter(10);
    for (let i = 0; i < 1000; i++) limiter.take(`caller-${i}`, { capacity: 1, refillPerSecond: 1 });
    expect((limiter as unknown as { buckets: { size: number } }).buckets.size).toBe(10);
  });
});

describe('DuplicateFilter', () => {
  const rt = 'mcp/clients/a/b/response';

  it('runs a repeated request once and hands back the same answer', async () => {
    const filter = new DuplicateFilter<string>();
    let runs = 0;
    const key = DuplicateFilter.key({ responseTopic: rt, correlationData: Buffer.from('1') });
    const payload = Buffer.from('{"id":1}');
    const first = filter.run(key, payload, async () => `answer ${++runs}`);
    const second = filter.run(key, Buffer.from('{"id":1}'), async () => `answer ${++runs}`);
    expect(second.duplicate).toBe(true);
    expect(await second.answer).toBe(await first.answer);
    expect(runs).toBe(1);
  });

  it('executes a different request that reuses Correlation Data', async () => {
    const filter = new DuplicateFilter<string>();
    const key = DuplicateFilter.key({ responseTopic: rt, correlationData: Buffer.from('7') });
    filter.run(key, Buffer.from('{"id":1}'), async () => 'one');
    const other = filter.run(key, Buffer.from('{"id":2}'), async () => 'two');
    expect(other.duplicate).toBe(false);
    expect(await other.answer).toBe('two');
  });

  it('forgets a request on request, unless another replaced it meanwhile', async () => {
    const filter = new DuplicateFilter<string>();
    const payload = Buffer.from('{"id":3}');
    const first = filter.run('k', payload, async () => 'cancelled');
    filter.forget('k', first.answer);
    const repeat = filter.run('k', payload, async () => 'ran again');
    expect(repeat.duplicate).toBe(false);
    expect(await repeat.answer).toBe('ran again');
    filter.forget('k', first.answer); // stale: the repeat stays remembered
    expect(filter.run('k', payload, async () => 'third').duplicate).toBe(true);
  });

  it('compares large payloads by hash', async () => {
    const filter = new DuplicateFilter<string>();
    const big = (fill: number) => Buffer.alloc(10_000, fill);
    filter.run('k', big(1), async () => 'a');
    expect(filter.run('k', big(1), async () => 'b').duplicate).toBe(true);
    expect(filter.run('k', big(2), async () => 'c').duplicate).toBe(false);
  });

  it('is bounded in bytes, answers included', async () => {
    const filter = new DuplicateFilter<string>(10_000, 100_000, (answer) => answer.length);
    for (let i = 0; i < 100; i++) {
      const { answer } = filter.run(`key-${i}`, Buffer.from(`request ${i}`), async () => 'a'.repeat(10_000));
      filter.weigh(`key-${i}`, answer, await answer);
    }
    // Ten answers of 10 KB fill 100 KB: the oldest ones are gone, the newest still answer.
    expect(filter.run('key-0', Buffer.from('request 0'), async () => 'again').duplicate).toBe(false);
    expect(filter.run('key-99', Buffer.from('request 99'), async () => 'again').duplicate).toBe(true);
  });

  it('keys 3.1.1 requests by id, and never keys id-less messages', () => {
    expect(DuplicateFilter.key({ id: 1 })).toBe(DuplicateFilter.key({ id: 1 }));
    expect(DuplicateFilter.key({ id: 1 })).not.toBe(DuplicateFilter.key({ id: '1' }));
    expect(DuplicateFilter.key({})).toBeUndefined();
  });
});

describe('ResultCache', () => {
  it('expires entries but keeps them for the stale fallback', async () => {
    const cache = new ResultCache({ maxEntries: 10 });
    cache.set('k', { v: 1 }, 5);
    expect(cache.get('k')?.value).toEqual({ v: 1 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(cache.get('k')).toBeUndefined();
    expect(cache.getStale('k')?.value).toEqual({ v: 1 });
  });

  it('is bounded in entries and counts evictions, hits and misses', () => {
    const cache = new ResultCache({ maxEntries: 3 });
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, {}, 1000);
    expect(cache.size).toBe(3);
    cache.get('k9');
    cache.get('k0');
    expect(cache.stats()).toMatchObject({ size: 3, evictions: 7, hits: 1, misses: 1, hit_rate: 0.5 });
  });

  it('is bounded in bytes', () => {
    const cache = new ResultCache({ maxBytes: 10_000 });
    for (let i = 0; i < 100; i++) cache.set(`k${i}`, { text: 'x'.repeat(1_000) }, 1000);
    expect(cache.stats().bytes).toBeLessThanOrEqual(10_000);
    expect(cache.size).toBeLessThan(10);
  });
});
