import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ErrorCode } from '../../src/protocol/errors.js';
import { serviceTopics } from '../../src/protocol/topics.js';
import { signRequest } from '../../src/safety/auth.js';
import { connectClient, startService, uniqueServiceId } from '../../src/testing/index.js';
import { collect, mechanicsService, rawClient, remoteErrorOf, waitFor } from './helpers.js';

const url = inject('mqttUrl');
const id = uniqueServiceId('auth');
// `reader` owns its key; the admin key is in the legacy form, with no owner.
const KEYS = 'reader:reader-key-0001=mech:read,admin-key-0002=mech:*';
let service: Awaited<ReturnType<typeof startService>>;

beforeAll(async () => {
  service = await startService(mechanicsService({ id }), {
    url,
    env: { MCP_API_KEYS: KEYS, MCP_RELAY_CLIENTS: 'gateway' },
  });
});
afterAll(async () => {
  await service?.stop();
});

/**
 * A raw MQTT 5 caller answered on `responseTopic` (or, without one, on the service's shared
 * response topic): `send` returns the answer, or undefined when none came within 2 s.
 */
async function caller(responseTopic: string | undefined) {
  const client = await rawClient(url);
  const answers = await collect(client, responseTopic ?? serviceTopics(id).response);
  const send = async (body: Record<string, unknown>, corr: string) => {
    await client.publishAsync(serviceTopics(id).request, JSON.stringify(body), {
      qos: 1,
      ...(responseTopic ? { properties: { responseTopic, correlationData: Buffer.from(corr) } } : {}),
    });
    const match = (a: (typeof answers)[number]) =>
      responseTopic ? a.correlationData?.toString() === corr : JSON.parse(a.payload).id === body.id;
    await waitFor(() => answers.find(match), 2_000, corr).catch(() => undefined);
    const answer = answers.find(match);
    return answer ? JSON.parse(answer.payload) : undefined;
  };
  return Object.assign(client, { send });
}

const callReader = (requestId: string, auth?: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  id: requestId,
  method: 'tools/call',
  params: { name: 'reader' },
  ...(auth ? { auth } : {}),
});

describe('authentication and permissions', () => {
  it('refuses a request without a key, or with an unknown key, with -32001', async () => {
    await using client = await caller(`test/auth/${id}/response`);
    expect((await client.send(callReader('a1'), 'no-key')).error).toMatchObject({
      code: ErrorCode.Unauthorized,
      data: { reason: 'missing auth.api_key' },
    });
    expect(
      (await client.send(callReader('a2', { api_key: 'not-a-real-key' }), 'bad-key')).error,
    ).toMatchObject({
      code: ErrorCode.Unauthorized,
      data: { reason: 'unknown API key' },
    });
    // An MQTT 3.1.1 peer (no Response Topic) gets the same answer on the shared response topic.
    await using legacy = await caller(undefined);
    expect((await legacy.send(callReader('a3'), 'unused')).error).toMatchObject({
      code: ErrorCode.Unauthorized,
    });
  });

  it("answers on a client's inbox only for a key that client owns", async () => {
    await using client = await caller(`mcp/clients/reader/${id}/response`);
    expect(await client.send(callReader('i1', { api_key: 'reader-key-0001' }), 'own')).toMatchObject({
      result: { structuredContent: { read: true } },
    });
    await using elsewhere = await caller(`mcp/clients/neurhomia/${id}/response`);
    // Another client's key, no key, or a bad key: no answer is published in neurhomia's inbox.
    expect(await elsewhere.send(callReader('i2', { api_key: 'reader-key-0001' }), 'forged')).toBeUndefined();
    expect(await elsewhere.send(callReader('i3'), 'anonymous')).toBeUndefined();
    expect(await elsewhere.send({ not: 'json-rpc' }, 'junk')).toBeUndefined();
    // A legacy key names no owner: it is not bound to an inbox (the service warns at start).
    expect(await elsewhere.send(callReader('i4', { api_key: 'admin-key-0002' }), 'legacy')).toMatchObject({
      result: { isError: false },
    });
  });

  it("answers on a relay's inbox for any key, and with errors", async () => {
    await using relay = await caller(`mcp/clients/gateway/${id}/response`);
    expect(await relay.send(callReader('g1', { api_key: 'reader-key-0001' }), 'relayed')).toMatchObject({
      result: { isError: false },
    });
    expect((await relay.send(callReader('g2'), 'relayed-no-key')).error).toMatchObject({
      code: ErrorCode.Unauthorized,
    });
  });

  it('refuses a key without the scope with -32002 and required_permission', async () => {
    await using reader = await connectClient(url, { apiKey: 'reader-key-0001', clientId: 'reader' });
    const error = await remoteErrorOf(reader.callTool(id, 'admin_only'));
    expect(error.code).toBe(ErrorCode.Forbidden);
    expect(error.data).toEqual({ required_permission: 'mech:admin' });
  });

  it('lets a key with the scope through, signed or not', async () => {
    await using reader = await connectClient(url, { apiKey: 'reader-key-0001', clientId: 'reader' });
    await expect(reader.callTool(id, 'reader')).resolves.toMatchObject({
      isError: false,
      structuredContent: { read: true },
    });
    await using admin = await connectClient(url, { apiKey: 'admin-key-0002', sign: true });
    await expect(admin.callTool(id, 'admin_only')).resolves.toMatchObject({
      structuredContent: { done: true },
    });
  });

  it('refuses a bad signature and a replayed one with -32001', async () => {
    await using client = await caller(`test/auth/${id}/signed`);
    const request = callReader('s1');
    const auth = signRequest(request, 'reader-key-0001', id);
    expect(await client.send({ ...request, auth }, 'first')).toMatchObject({ result: { isError: false } });
    const replay = await client.send({ ...request, auth }, 'replay');
    expect(replay.error).toMatchObject({
      code: ErrorCode.Unauthorized,
      data: { reason: 'replayed signature' },
    });
    const forged = await client.send(
      {
        ...request,
        id: 's2',
        auth: { ...signRequest(request, 'reader-key-0001', id), signature: 'ab'.repeat(32) },
      },
      'forged',
    );
    expect(forged.error).toMatchObject({ code: ErrorCode.Unauthorized, data: { reason: 'bad signature' } });
  });
});
