import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CircuitBreaker } from '@neurhomia/mcp-mqtt-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HaError, isHaFailure } from '../../src/ha/errors.js';
import { HaRest } from '../../src/ha/rest.js';

/** Answers chosen per path, as Home Assistant or a proxy in front of it would. */
const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/ha/api/states': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('[]'),
  '/ha/api/echo': (req, res) =>
    res.writeHead(200).end(JSON.stringify({ url: req.url, auth: req.headers.authorization })),
  '/ha/api/bad': (_req, res) =>
    res.writeHead(400).end(JSON.stringify({ message: 'Invalid filter_entity_id' })),
  '/ha/api/plain500': (_req, res) =>
    res.writeHead(500).end('500 Internal Server Error\n\nServer got itself in trouble'),
  '/ha/api/proxy': (_req, res) => res.writeHead(502).end('<html><body>502 Bad Gateway</body></html>'),
  '/ha/api/garbage': (_req, res) => res.writeHead(200).end('not json'),
  '/ha/api/huge': (_req, res) => res.writeHead(200).end(`"${'x'.repeat(70_000)}"`),
  '/ha/api/slow': () => {},
  '/ha/api/denied': (_req, res) => res.writeHead(401).end('401: Unauthorized'),
};

let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) =>
    (routes[(req.url ?? '').split('?')[0] ?? ''] ?? ((_q, r) => r.writeHead(404).end()))(req, res),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ha`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function client(base = url) {
  const observed: string[] = [];
  const breaker = new CircuitBreaker('home-assistant', { failureThreshold: 100, isFailure: isHaFailure });
  const rest = new HaRest(
    { url: base, token: () => 'secret-token' },
    breaker,
    {
      assertUsable: () => {},
      answered: () => observed.push('answered'),
      unauthorized: (reason) => observed.push(`unauthorized: ${reason}`),
    },
    2,
  );
  return { rest, observed, breaker };
}

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as HaError;
  }
  throw new Error('expected a failure');
};
const get = (path: string, extra: Partial<Parameters<HaRest['request']>[0]> = {}) => ({
  method: 'GET' as const,
  path,
  timeoutMs: 2_000,
  ...extra,
});

describe('HaRest', () => {
  it('sends the token, under the base path, with flags as bare query keys', async () => {
    const { rest, observed } = client();
    const answer = await rest.request(
      get('/api/echo', { query: { filter: 'a,b', minimal_response: true, skip: undefined } }),
    );
    expect(answer).toEqual({
      url: '/ha/api/echo?filter=a%2Cb&minimal_response',
      auth: 'Bearer secret-token',
    });
    expect(observed).toEqual(['answered']);
    await rest.close();
  });

  it("quotes Home Assistant's message of a refusal, which does not count as a failure", async () => {
    const { rest } = client();
    const error = await failure(rest.request(get('/api/bad')));
    expect(error).toBeInstanceOf(HaError);
    expect(error.message).toBe('Home Assistant refused the request (HTTP 400): Invalid filter_entity_id');
    expect(isHaFailure(error)).toBe(false);
    await rest.close();
  });

  it('counts 5xx, garbage, timeouts and refused connections as failures, with a message each', async () => {
    const { rest } = client();
    const cases: [string, RegExp][] = [
      ['/api/plain500', /^Home Assistant is unavailable \(HTTP 500\): 500 Internal Server Error/],
      ['/api/proxy', /^Home Assistant is unavailable \(HTTP 502\); try again later$/],
      ['/api/garbage', /answer that is not JSON/],
    ];
    for (const [path, message] of cases) {
      const error = await failure(rest.request(get(path)));
      expect(error.message).toMatch(message);
      expect(isHaFailure(error)).toBe(true);
    }
    const slow = await failure(rest.request(get('/api/slow', { timeoutMs: 200 })));
    expect(slow).toMatchObject({
      kind: 'timeout',
      message: 'Home Assistant did not answer within 200 ms; try again later',
    });
    expect(isHaFailure(slow)).toBe(true);
    await rest.close();
    const refused = client('http://127.0.0.1:9').rest;
    const network = await failure(refused.request(get('/api/')));
    expect(network.message).toMatch(/cannot be reached: connection refused \(ECONNREFUSED\)/);
    expect(isHaFailure(network)).toBe(true);
    await refused.close();
  });

  it("treats a service's own 500 as the service failing, not Home Assistant", async () => {
    const { rest } = client();
    const error = await failure(rest.request(get('/api/plain500', { service: 'climate.set_temperature' })));
    expect(error).toMatchObject({ kind: 'service_failed', status: 500 });
    expect(error.message).toMatch(/could not run climate\.set_temperature \(HTTP 500\)/);
    expect(isHaFailure(error)).toBe(false);
    await rest.close();
  });

  it('refuses an answer over the size bound, and reports a refused token to the observer', async () => {
    const { rest, observed } = client();
    const huge = await failure(rest.request(get('/api/huge', { maxBytes: 64 * 1024 })));
    expect(huge).toMatchObject({ kind: 'too_large' });
    expect(huge.message).toMatch(/larger than 64 KiB: ask for less/);
    const denied = await failure(rest.request(get('/api/denied')));
    expect(denied).toMatchObject({ kind: 'unauthorized', status: 401 });
    expect(observed.at(-1)).toMatch(/^unauthorized: Home Assistant refused the access token \(HTTP 401\)/);
    // On an administrator's endpoint, a 401 is about the user, not the token.
    observed.length = 0;
    const notAdmin = await failure(rest.request(get('/api/denied', { adminOnly: true })));
    expect(notAdmin.message).toMatch(/user is not an administrator/);
    expect(observed).toEqual([]);
    // Nothing echoes the token.
    expect(JSON.stringify([huge.message, denied.message, observed])).not.toContain('secret-token');
    await rest.close();
  });
});
