import { describe, expect, it } from 'vitest';
import { cancelBody, requestBody, SentRequests } from '../../../src/client/messages.js';
import { type Request, RequestSchema } from '../../../src/protocol/jsonrpc.js';
import { Authenticator, parseApiKeys } from '../../../src/safety/auth.js';

/** The service's side: a signed message must pass its checks. */
const service = new Authenticator({
  serviceId: 'weather',
  keys: parseApiKeys('app:app-key-00001=weather:read'),
  requireSignature: true,
});
const parse = (body: string): Request => RequestSchema.parse(JSON.parse(body));

describe('requestBody', () => {
  it('carries the key as auth and the priority as mcp_metadata', () => {
    const body = requestBody('id-1', {
      serviceId: 'weather',
      method: 'tools/call',
      params: { name: 'get_forecast', arguments: { location: 'Lyon' } },
      apiKey: 'app-key-00001',
      priority: 'high',
    });
    expect(JSON.parse(body)).toEqual({
      jsonrpc: '2.0',
      id: 'id-1',
      method: 'tools/call',
      params: { name: 'get_forecast', arguments: { location: 'Lyon' } },
      auth: { api_key: 'app-key-00001', service_id: 'weather' },
      mcp_metadata: { priority: 'high' },
    });
    expect(JSON.parse(requestBody('id-2', { serviceId: 'weather', method: 'ping' }))).toEqual({
      jsonrpc: '2.0',
      id: 'id-2',
      method: 'ping',
    });
  });

  it('signs with the key it sends, which the service verifies', () => {
    const body = requestBody('id-3', {
      serviceId: 'weather',
      method: 'ping',
      apiKey: 'app-key-00001',
      sign: true,
    });
    expect(service.authenticate(parse(body), 'x')).toMatchObject({ owner: 'app' });
  });
});

describe('cancelBody', () => {
  it('names the request and a bounded reason, signed like the request', () => {
    const body = cancelBody('id-4', 'x'.repeat(500), {
      serviceId: 'weather',
      apiKey: 'app-key-00001',
      sign: true,
    });
    const message = parse(body);
    expect(message).toMatchObject({ method: 'notifications/cancelled', params: { requestId: 'id-4' } });
    expect(message).not.toHaveProperty('id');
    expect((message.params as { reason: string }).reason).toHaveLength(200);
    expect(service.authenticate(message, 'x')).toMatchObject({ owner: 'app' });
  });
});

describe('SentRequests', () => {
  it('sends a repeat of the same request as the same bytes, whatever the key order or signature time', async () => {
    const sent = new SentRequests();
    const parts = { serviceId: 'weather', method: 'ping', apiKey: 'app-key-00001', sign: true };
    const first = sent.body('id-5', { ...parts, params: { a: 1, b: 2 } });
    await new Promise((resolve) => setTimeout(resolve, 5)); // another signature timestamp
    expect(sent.body('id-5', { ...parts, params: { b: 2, a: 1 } })).toBe(first);
    const changed = sent.body('id-5', { ...parts, params: { a: 1, b: 3 } });
    expect(changed).not.toBe(first);
    expect(JSON.parse(changed).params).toEqual({ a: 1, b: 3 });
  });
});
