import { CircuitBreaker, CircuitOpenError, ToolError } from '@neurhomia/mcp-mqtt-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isUpstreamFailure } from '../../src/providers/http.js';
import { failure, openMeteo } from '../helpers.js';
import { startUpstream, type Upstream } from '../upstream/server.js';

let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(() => upstream.close());
beforeEach(() => upstream.reset());

const breaker = () =>
  new CircuitBreaker('open-meteo', {
    failureThreshold: 3,
    resetTimeoutMs: 60_000,
    isFailure: isUpstreamFailure,
  });

describe('circuit breaker around the provider', () => {
  it('opens after repeated 5xx and then fails fast without calling the upstream', async () => {
    const guard = breaker();
    const provider = openMeteo(upstream, { guard });
    upstream.control({ mode: 'fail', status: 503 });
    for (let i = 0; i < 3; i += 1) {
      expect(await failure(provider.current('1,1', 'metric'))).toBeInstanceOf(ToolError);
    }
    expect(guard.state).toBe('open');
    const calls = upstream.requests.length;
    const error = await failure(provider.current('1,1', 'metric'));
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(upstream.requests).toHaveLength(calls);
  });

  it('opens on timeouts too', async () => {
    const guard = breaker();
    const provider = openMeteo(upstream, { guard, timeoutMs: 150 });
    upstream.control({ mode: 'slow', delayMs: 1_000 });
    for (let i = 0; i < 3; i += 1) await failure(provider.current('1,1', 'metric'));
    expect(guard.state).toBe('open');
  });

  it('stays closed on "place not found" and on 429', async () => {
    const guard = breaker();
    const provider = openMeteo(upstream, { guard });
    for (let i = 0; i < 5; i += 1) await failure(provider.current('Nowhereville', 'metric'));
    upstream.control({ mode: '429' });
    for (let i = 0; i < 5; i += 1) await failure(provider.current('1,1', 'metric'));
    expect(guard.state).toBe('closed');
  });

  it('closes again after a successful trial', async () => {
    let now = 0;
    const guard = new CircuitBreaker(
      'open-meteo',
      { failureThreshold: 1, resetTimeoutMs: 1_000, isFailure: isUpstreamFailure },
      () => now,
    );
    const provider = openMeteo(upstream, { guard });
    upstream.control({ mode: 'fail' });
    await failure(provider.current('1,1', 'metric'));
    expect(guard.state).toBe('open');
    upstream.reset();
    now = 2_000;
    await expect(provider.current('1,1', 'metric')).resolves.toMatchObject({ provider: 'open-meteo' });
    expect(guard.state).toBe('closed');
  });
});
