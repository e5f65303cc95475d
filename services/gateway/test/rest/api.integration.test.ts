import { describe, expect, it } from 'vitest';
import { gatewayWithFixture, http, KEYS } from '../support/gateway.js';

/** Seed 002's HTTP API, as n8n's HTTP node or curl use it. */
const setting = gatewayWithFixture();
const { prefix, alpha } = setting;

type Json = Record<string, unknown>;

describe('POST /mcp/initialize', () => {
  it('opens a session (custom id or generated) for a key the services know', async () => {
    const custom = await http(setting.gw.base, '/mcp/initialize', {
      apiKey: KEYS.reader,
      body: {
        protocolVersion: '2024-11-05',
        clientInfo: { name: 'n8n', version: '1' },
        session_id: 'kitchen-1',
      },
    });
    expect(custom).toMatchObject({
      status: 200,
      json: { jsonrpc: '2.0', result: { session_id: 'kitchen-1', protocolVersion: '2025-11-25' } },
    });
    expect(custom.headers.get('x-session-id')).toBe('kitchen-1');
    const generated = await http(setting.gw.base, '/mcp/initialize', { apiKey: KEYS.reader, body: {} });
    expect((generated.json as { result: Json }).result.session_id).toMatch(/^[0-9a-f-]{36}$/);
    const taken = await http(setting.gw.base, '/mcp/initialize', {
      apiKey: KEYS.admin,
      body: { session_id: 'kitchen-1' },
    });
    expect(taken.status).toBe(403);
    const refused = await http(setting.gw.base, '/mcp/initialize', { apiKey: KEYS.stranger, body: {} });
    expect(refused).toMatchObject({ status: 401, json: { error: { code: -32001 } } });
    const bad = await http(setting.gw.base, '/mcp/initialize', {
      apiKey: KEYS.reader,
      body: { session_id: 'no spaces' },
    });
    expect(bad).toMatchObject({
      status: 400,
      json: { error: { code: -32602, data: { param: 'session_id' } } },
    });
  });
});

describe('POST /mcp/tools/list', () => {
  it('answers the tools the key may see, and how fresh the list is', async () => {
    const first = await http(setting.gw.base, '/mcp/tools/list', {
      apiKey: KEYS.admin,
      method: 'POST',
      headers: { 'x-cache-control': 'max-age=0' },
    });
    expect(first.status).toBe(200);
    const body = first.json as { tools: Json[]; cached: boolean; cache_expires: string };
    expect(body.cached).toBe(false);
    expect(Date.parse(body.cache_expires)).toBeGreaterThan(Date.now());
    expect(body.tools.find((t) => t.name === `${alpha}__echo`)).toMatchObject({
      service: alpha,
      tool: 'echo',
      permissions: ['fixture:read'],
      inputSchema: { type: 'object' },
    });
    const again = await http(setting.gw.base, '/mcp/tools/list', {
      apiKey: KEYS.admin,
      method: 'POST',
      headers: { 'x-cache-control': 'max-age=3600' },
    });
    expect(again.json).toMatchObject({ cached: true });
    const fresh = await http(setting.gw.base, '/mcp/tools/list', {
      apiKey: KEYS.admin,
      method: 'POST',
      headers: { 'x-cache-control': 'no-cache' },
    });
    expect(fresh.json).toMatchObject({ cached: false });
  });

  it('refuses an unknown key, a bad cache header and an unknown session', async () => {
    expect(
      (await http(setting.gw.base, '/mcp/tools/list', { apiKey: KEYS.stranger, method: 'POST' })).status,
    ).toBe(401);
    const header = await http(setting.gw.base, '/mcp/tools/list', {
      apiKey: KEYS.reader,
      method: 'POST',
      headers: { 'x-cache-control': 'forever' },
    });
    expect(header.status).toBe(400);
    const session = await http(setting.gw.base, '/mcp/tools/list', {
      apiKey: KEYS.reader,
      method: 'POST',
      headers: { 'x-session-id': 'never-opened' },
    });
    expect(session.status).toBe(404);
  });
});

describe('POST /mcp/tools/call', () => {
  it('calls a tool by its gateway name or, when unambiguous, its plain name', async () => {
    const call = await http(setting.gw.base, '/mcp/tools/call', {
      apiKey: KEYS.reader,
      body: { name: `${alpha}__echo`, arguments: { message: 'hi' }, request_id: 'r-1' },
    });
    expect(call).toMatchObject({
      status: 200,
      json: {
        request_id: 'r-1',
        service: alpha,
        tool: 'echo',
        isError: false,
        structuredContent: { message: 'hi' },
      },
    });
    const plain = await http(setting.gw.base, '/mcp/tools/call', {
      apiKey: KEYS.reader,
      body: { name: 'echo', arguments: { message: 'p' } },
    });
    expect(plain.json).toMatchObject({ name: `${alpha}__echo`, structuredContent: { message: 'p' } });
  });

  it('passes X-Priority and X-Timeout on, and refuses bad values of them', async () => {
    const high = await http(setting.gw.base, '/mcp/tools/call', {
      apiKey: KEYS.reader,
      headers: { 'x-priority': 'HIGH' },
      body: { name: `${alpha}__context` },
    });
    expect(high.json).toMatchObject({ structuredContent: { priority: 'high', owner: 'app' } });
    const normal = await http(setting.gw.base, '/mcp/tools/call', {
      apiKey: KEYS.reader,
      body: { name: `${alpha}__context` },
    });
    expect(normal.json).toMatchObject({ structuredContent: { priority: 'medium' } });
    const slow = await http(setting.gw.base, '/mcp/tools/call', {
      apiKey: KEYS.reader,
      headers: { 'x-priority': 'HIGH', 'x-timeout': '0.5' },
      body: { name: `${alpha}__slow`, arguments: { ms: 3000 } },
    });
    expect(slow).toMatchObject({ status: 504, json: { error: { code: -32004, data: { timeout_ms: 500 } } } });
    const priority = await http(setting.gw.base, '/mcp/tools/call', {
      apiKey: KEYS.reader,
      headers: { 'x-priority': 'urgent' },
      body: { name: `${alpha}__echo`, arguments: { message: 'x' } },
    });
    expect(priority).toMatchObject({ status: 400, json: { error: { data: { param: 'X-Priority' } } } });
    const timeout = await http(setting.gw.base, '/mcp/tools/call', {
      apiKey: KEYS.reader,
      headers: { 'x-timeout': '100000' },
      body: { name: `${alpha}__echo`, arguments: { message: 'x' } },
    });
    expect(timeout).toMatchObject({ status: 400, json: { error: { data: { param: 'X-Timeout' } } } });
  });

  it('answers each failure with its HTTP status and the project’s error code', async () => {
    const cases: Array<[unknown, string, number, number]> = [
      [{ name: `${alpha}__echo`, arguments: { message: 1 } }, KEYS.reader, 400, -32602],
      [{ name: `${alpha}__reset`, arguments: { confirm: true } }, KEYS.reader, 403, -32002],
      [{ name: `${alpha}__echo`, arguments: { message: 'x' } }, KEYS.stranger, 401, -32001],
      [{ name: 'no_such_tool', arguments: {} }, KEYS.reader, 404, -32602],
      [{ name: `${prefix}-gone__echo`, arguments: {} }, KEYS.reader, 503, -32006],
    ];
    for (const [body, apiKey, status, code] of cases) {
      const answer = await http(setting.gw.base, '/mcp/tools/call', { apiKey, body });
      expect({ body, status: answer.status, code: (answer.json as { error?: Json }).error?.code }).toEqual({
        body,
        status,
        code,
      });
    }
    const failed = await http(setting.gw.base, '/mcp/tools/call', {
      apiKey: KEYS.reader,
      body: { name: `${alpha}__fail` },
    });
    expect(failed).toMatchObject({ status: 200, json: { isError: true } });
  });

  it('runs a repeated request_id of the same caller once (the services’ duplicate window)', async () => {
    const before = await echoCalls();
    const body = { name: `${alpha}__echo`, arguments: { message: 'once' }, request_id: `dup-${prefix}` };
    const first = await http(setting.gw.base, '/mcp/tools/call', { apiKey: KEYS.reader, body });
    const second = await http(setting.gw.base, '/mcp/tools/call', { apiKey: KEYS.reader, body });
    expect(first.json).toMatchObject({ structuredContent: { message: 'once' } });
    expect(second.json).toMatchObject({ structuredContent: { message: 'once' } });
    expect((await echoCalls()) - before).toBe(1);
  });
});

/** echo calls the fixture service executed (its own Prometheus counter). */
async function echoCalls(): Promise<number> {
  const metric = await setting.service.metrics.toolCalls.get();
  return metric.values.filter((v) => v.labels.tool === 'echo').reduce((sum, v) => sum + v.value, 0);
}
