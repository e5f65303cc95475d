import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ErrorCode } from '../../src/protocol/errors.js';
import { serviceTopics } from '../../src/protocol/topics.js';
import { signRequest } from '../../src/safety/auth.js';
import { connectClient, startService, uniqueServiceId } from '../../src/testing/index.js';
import { collect, mechanicsService, rawClient, remoteErrorOf, waitFor } from './helpers.js';

const url = inject('mqttUrl');
const id = uniqueServiceId('auth');
const KEYS = 'reader-key-0001=mech:read,admin-key-0002=mech:*';
let service: Awaited<ReturnType<typeof startService>>;

beforeAll(async () => {
  service = await startService(mechanicsService({ id }), { url, env: { MCP_API_KEYS: KEYS } });
});
afterAll(async () => {
  await service?.stop();
});

describe('authentication and permissions', () => {
  it('refuses a request without a key, or with an unknown key, with -32001', async () => {
    await using anonymous = await connectClient(url);
    expect((await remoteErrorOf(anonymous.callTool(id, 'reader'))).code).toBe(ErrorCode.Unauthorized);
    await using stranger = await connectClient(url, { apiKey: 'not-a-real-key' });
    expect((await remoteErrorOf(stranger.listTools(id))).code).toBe(ErrorCode.Unauthorized);
  });

  it('refuses a key without the scope with -32002 and required_permission', async () => {
    await using reader = await connectClient(url, { apiKey: 'reader-key-0001' });
    const error = await remoteErrorOf(reader.callTool(id, 'admin_only'));
    expect(error.code).toBe(ErrorCode.Forbidden);
    expect(error.data).toEqual({ required_permission: 'mech:admin' });
  });

  it('lets a key with the scope through, signed or not', async () => {
    await using reader = await connectClient(url, { apiKey: 'reader-key-0001' });
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
    await using client = await rawClient(url);
    const rt = `mcp/clients/auth/${id}/response`;
    const answers = await collect(client, rt);
    const send = async (body: Record<string, unknown>, corr: string) => {
      await client.publishAsync(serviceTopics(id).request, JSON.stringify(body), {
        qos: 1,
        properties: { responseTopic: rt, correlationData: Buffer.from(corr) },
      });
      await waitFor(() => answers.find((a) => a.correlationData?.toString() === corr), 3000, corr);
      return JSON.parse(answers.find((a) => a.correlationData?.toString() === corr)!.payload);
    };
    const request = { jsonrpc: '2.0', id: 's1', method: 'tools/call', params: { name: 'reader' } };
    const auth = signRequest(request, 'reader-key-0001', id);
    expect(await send({ ...request, auth }, 'first')).toMatchObject({ result: { isError: false } });
    const replay = await send({ ...request, auth }, 'replay');
    expect(replay.error).toMatchObject({
      code: ErrorCode.Unauthorized,
      data: { reason: 'replayed signature' },
    });
    const forged = await send(
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
