import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/protocol/errors.js';
import { CircuitBreaker, CircuitOpenError } from '../../../src/safety/circuit-breaker.js';

describe('CircuitBreaker', () => {
  it('opens after N failures, half-opens after the reset timeout, closes on a successful trial', async () => {
    let now = 0;
    const changes: string[] = [];
    const breaker = new CircuitBreaker(
      'api',
      { failureThreshold: 2, resetTimeoutMs: 1000 },
      () => now,
      (s) => changes.push(s),
    );
    const fail = () => breaker.run(() => Promise.reject(new Error('503')));
    await expect(fail()).rejects.toThrow('503');
    expect(breaker.state).toBe('closed');
    await expect(fail()).rejects.toThrow('503');
    expect(breaker.state).toBe('open');
    const open = await breaker.run(() => Promise.resolve(1)).catch((e: unknown) => e);
    expect(open).toBeInstanceOf(CircuitOpenError);
    expect((open as CircuitOpenError).code).toBe(ErrorCode.ServiceUnavailable);
    now = 1000;
    expect(breaker.state).toBe('half-open');
    await expect(breaker.run(() => Promise.resolve('ok'))).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });

  it('re-opens when the half-open trial fails', async () => {
    let now = 0;
    const breaker = new CircuitBreaker('api', { failureThreshold: 1, resetTimeoutMs: 10 }, () => now);
    await breaker.run(() => Promise.reject(new Error('x'))).catch(() => {});
    now = 10;
    await breaker.run(() => Promise.reject(new Error('x'))).catch(() => {});
    expect(breaker.state).toBe('open');
  });

  it('does not count errors the service marks as not failures (a 404 is an answer)', async () => {
    const breaker = new CircuitBreaker('api', {
      failureThreshold: 1,
      isFailure: (e) => (e as Error).message !== '404',
    });
    await breaker.run(() => Promise.reject(new Error('404'))).catch(() => {});
    expect(breaker.state).toBe('closed');
  });
});
