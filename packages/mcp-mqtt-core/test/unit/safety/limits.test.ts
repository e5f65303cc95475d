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
    expect(error?.data).toMatchObject({ retry_after_s: 1 });
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
  it('runs a repeated request once and hands back the same answer', async () => {
    const filter = new DuplicateFilter<string>();
    let runs = 0;
    const key = DuplicateFilter.key({
      responseTopic: 'mcp/clients/a/b/response',
      correlationData: Buffer.from('1'),
      payload: Buffer.from('{}'),
    });
    const first = filter.run(key, async () => `answer ${++runs}`);
    const second = filter.run(key, async () => `answer ${++runs}`);
    expect(second.duplicate).toBe(true);
    expect(await second.answer).toBe(await first.answer);
    expect(runs).toBe(1);
  });

  it('keys 3.1.1 requests by id and payload hash, and never keys id-less messages', () => {
    const a = DuplicateFilter.key({ id: 1, payload: Buffer.from('x') });
    expect(a).toBe(DuplicateFilter.key({ id: 1, payload: Buffer.from('x') }));
    expect(a).not.toBe(DuplicateFilter.key({ id: 1, payload: Buffer.from('y') }));
    expect(DuplicateFilter.key({ payload: Buffer.from('x') })).toBeUndefined();
  });

  it('does not take a different request that reuses Correlation Data for a duplicate', () => {
    const rt = 'mcp/clients/a/b/response';
    const corr = Buffer.from('7');
    expect(
      DuplicateFilter.key({ responseTopic: rt, correlationData: corr, payload: Buffer.from('{"id":1}') }),
    ).not.toBe(
      DuplicateFilter.key({ responseTopic: rt, correlationData: corr, payload: Buffer.from('{"id":2}') }),
    );
  });
});

describe('ResultCache', () => {
  it('expires entries but keeps them for the stale fallback', async () => {
    const cache = new ResultCache(10);
    cache.set('k', { v: 1 }, 5);
    expect(cache.get('k')?.value).toEqual({ v: 1 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(cache.get('k')).toBeUndefined();
    expect(cache.getStale('k')?.value).toEqual({ v: 1 });
  });

  it('is bounded', () => {
    const cache = new ResultCache(3);
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, {}, 1000);
    expect(cache.size).toBe(3);
  });
});
