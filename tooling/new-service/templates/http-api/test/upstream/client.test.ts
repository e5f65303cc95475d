import { CircuitBreaker } from '@neurhomia/mcp-mqtt-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ItemSchema } from '../../src/tools/get-item.js';
import { createUpstreamClient, isUpstreamFailure, UpstreamError } from '../../src/upstream/client.js';
import { startUpstream, type Upstream } from './server.js';

/** The upstream client against the local upstream: every failure as a message and a circuit decision. */
let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream({ apiKey: 'right-key' });
});
afterAll(() => upstream.close());
beforeEach(() => upstream.mode('normal'));

const client = (options: { apiKey?: string; timeoutMs?: number } = {}) =>
  createUpstreamClient({
    baseUrl: upstream.url,
    apiKey: options.apiKey ?? 'right-key',
    timeoutMs: options.timeoutMs ?? 2_000,
    breaker: new CircuitBreaker('upstream', { isFailure: isUpstreamFailure }),
  });
/** The UpstreamError a call fails with. */
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('expected a failure'),
    (error: unknown) => {
      expect(error).toBeInstanceOf(UpstreamError);
      return error as UpstreamError;
    },
  );

describe('upstream client', () => {
  it('reads an item', async () => {
    await expect(client().getJson('/items/kitchen', ItemSchema)).resolves.toMatchObject({ name: 'Kitchen' });
  });

  it.each([
    ['a refused key', { apiKey: 'wrong-key' }, 'normal', { status: 401, countsAsFailure: false }, /API_KEY/],
    ['a rate limit', {}, 'rate-limited', { status: 429, retryAfterS: 30, countsAsFailure: false }, /30 s/],
    ['an outage', {}, 'unavailable', { status: 503, countsAsFailure: true }, /unavailable/],
    ['a dropped connection', {}, 'down', { kind: 'network', countsAsFailure: true }, /could not be reached/],
    [
      'an answer that is not JSON',
      {},
      'garbage',
      { kind: 'invalid-response', countsAsFailure: true },
      /not JSON/,
    ],
    ['no answer in time', { timeoutMs: 200 }, 'slow', { kind: 'timeout', countsAsFailure: true }, /200 ms/],
  ] as const)('turns %s into an UpstreamError', async (_, options, mode, expected, message) => {
    upstream.mode(mode);
    const error = await failure(client(options).getJson('/items/kitchen', ItemSchema));
    expect(error).toMatchObject(expected);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(upstream.url);
  });
});
