import { createServer, type LocalServer, silentLogger } from '@neurhomia/mcp-mqtt-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { {{camel}}Service, UPSTREAM } from '../src/service.js';
import { startUpstream, type Upstream } from './upstream/server.js';

/**
 * The service without a broker, against the local upstream: createServer runs the core's whole
 * request path (arguments, keys, scopes, cache, circuit breaker, answers) in this process.
 */
const API_KEY = 'upstream-test-key';
let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream({ apiKey: API_KEY });
});
afterAll(() => upstream.close());
beforeEach(() => {
  upstream.mode('normal');
  upstream.requests.length = 0;
});

const server = (env: Record<string, string> = {}) =>
  createServer({{camel}}Service, {
    env: { {{ENV}}_API_URL: upstream.url, {{ENV}}_API_KEY: API_KEY, ...env },
    logger: silentLogger(),
  });
const getItem = (s: LocalServer, id: string) =>
  s.request('tools/call', { name: 'get_item', arguments: { id } });
const health = async (s: LocalServer) =>
  (await s.request('mcp.health_check')).result as {
    dependencies: Record<string, string>;
    dependency_details: Record<string, Record<string, unknown>>;
  };

describe('{{id}} service', () => {
  it('answers get_item from the upstream, with the key it is given', async () => {
    await using s = await server();
    const { result } = await getItem(s, 'kitchen');
    expect(result).toMatchObject({
      isError: false,
      structuredContent: { id: 'kitchen', name: 'Kitchen', state: 'on' },
    });
    expect(upstream.requests).toEqual(['/items/kitchen']);
  });

  it('answers a repeated call from its cache', async () => {
    await using s = await server();
    await getItem(s, 'porch');
    const { result } = await getItem(s, 'porch');
    expect(result).toMatchObject({ structuredContent: { name: 'Porch' }, _meta: { cached: true } });
    expect(upstream.requests).toEqual(['/items/porch']);
  });

  it('reports an unknown item as a tool error, which does not open the circuit', async () => {
    await using s = await server({ {{ENV}}_BREAKER_FAILURES: '1' });
    const { result } = await getItem(s, 'attic');
    expect(result).toMatchObject({ isError: true, structuredContent: { upstream_status: 404 } });
    expect((await health(s)).dependencies[UPSTREAM]).toBe('ok');
  });

  it('opens the circuit after upstream failures, then fails fast with -32006', async () => {
    await using s = await server({ {{ENV}}_BREAKER_FAILURES: '2' });
    upstream.mode('unavailable');
    for (const id of ['kitchen', 'porch']) {
      const { result } = await getItem(s, id);
      expect(result).toMatchObject({ isError: true, structuredContent: { upstream_status: 503 } });
    }
    expect(await health(s)).toMatchObject({
      dependencies: { [UPSTREAM]: 'down' },
      dependency_details: { [UPSTREAM]: { circuit: 'open' } },
    });
    expect((await getItem(s, 'kitchen')).error).toMatchObject({ code: -32006 });
    expect(upstream.requests).toHaveLength(2);
  });

  it('says what to set when no upstream is configured, and reports it in health', async () => {
    await using s = await createServer({{camel}}Service, { env: {}, logger: silentLogger() });
    const { result } = await getItem(s, 'kitchen');
    expect(result).toMatchObject({
      isError: true,
      structuredContent: { error: expect.stringContaining('{{ENV}}_API_URL') },
    });
    expect(await health(s)).toMatchObject({
      dependencies: { [UPSTREAM]: 'down' },
      dependency_details: { [UPSTREAM]: { reason: expect.stringContaining('{{ENV}}_API_URL') } },
    });
  });
});
