import { McpError, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { exposedName } from '../../src/naming.js';
import { LONG_TOOL } from '../support/fixture-service.js';
import {
  connectMcp,
  eventually,
  gatewayWithFixture,
  http,
  KEYS,
  startFixture,
  startGateway,
} from '../support/gateway.js';

/**
 * /mcp through the official SDK's client: a real Mosquitto, fixture services in this process
 * behind the gateway, every request with the caller's own key.
 */
const setting = gatewayWithFixture();
const { url, prefix, alpha } = setting;

/** tools/call requests the fixture service saw cancelled (its own Prometheus counter). */
async function cancelledCalls(): Promise<number> {
  const metric = await setting.service.metrics.requests.get();
  return (
    metric.values.find((v) => v.labels.method === 'tools/call' && v.labels.code === 'cancelled')?.value ?? 0
  );
}

const initialize = (headers: Record<string, string> = {}) =>
  http(setting.gw.base, '/mcp', {
    headers: { accept: 'application/json, text/event-stream', ...headers },
    body: {
      jsonrpc: '2.0',
      id: 'init-1',
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    },
  });

describe('tools over MCP Streamable HTTP', () => {
  it('lists every tool of a live service as {service}__{tool}, names fitting the clients’ pattern', async () => {
    await using client = await connectMcp(setting.gw.endpoint, KEYS.reader);
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([`${alpha}__echo`, `${alpha}__reset`, `${alpha}__slow`, `${alpha}__fail`]),
    );
    for (const name of names) expect(name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    // A dot and a too-long name are renamed deterministically, never dropped.
    expect(names).toContain(exposedName({ serviceId: alpha, tool: 'get.status' }).name);
    expect(names).toContain(exposedName({ serviceId: alpha, tool: LONG_TOOL }).name);
    const echo = tools.find((t) => t.name === `${alpha}__echo`)!;
    expect(echo).toMatchObject({
      title: 'Echo',
      description: 'Returns the message it is given.',
      inputSchema: { type: 'object', required: ['message'], additionalProperties: false },
      annotations: { readOnlyHint: true },
      _meta: {
        'neurhomia/service': alpha,
        'neurhomia/tool': 'echo',
        'neurhomia/permissions': ['fixture:read'],
      },
    });
  });

  it('calls a tool, a shortened name included, with structured results', async () => {
    await using client = await connectMcp(setting.gw.endpoint, KEYS.reader);
    const echo = await client.callTool({ name: `${alpha}__echo`, arguments: { message: 'hello' } });
    expect(echo).toMatchObject({ isError: false, structuredContent: { message: 'hello' } });
    const long = await client.callTool({ name: exposedName({ serviceId: alpha, tool: LONG_TOOL }).name });
    expect(long.structuredContent).toEqual({ report: 'all quiet' });
  });

  it('passes a tool failure on as isError, and protocol errors as JSON-RPC errors', async () => {
    await using client = await connectMcp(setting.gw.endpoint, KEYS.reader);
    const failed = await client.callTool({ name: `${alpha}__fail`, arguments: {} });
    expect(failed.isError).toBe(true);
    expect(JSON.stringify(failed.content)).toContain('the fixture always fails');

    const invalid = await client
      .callTool({ name: `${alpha}__echo`, arguments: { message: 3 } })
      .catch((e) => e);
    expect(invalid).toBeInstanceOf(McpError);
    expect(invalid).toMatchObject({ code: -32602, data: { param: 'message' } });

    const unknown = await client.callTool({ name: `${alpha}__nope`, arguments: {} }).catch((e) => e);
    expect(unknown).toMatchObject({ code: -32602 });
    const absent = await client.callTool({ name: 'nothing_here', arguments: {} }).catch((e) => e);
    expect(absent).toMatchObject({ code: -32602, data: { param: 'name', received: 'nothing_here' } });
  });

  it('maps the services’ refusals to codes that do not collide with the SDK’s', async () => {
    await using client = await connectMcp(setting.gw.endpoint, KEYS.reader);
    const forbidden = await client
      .callTool({ name: `${alpha}__reset`, arguments: { confirm: true } })
      .catch((e) => e);
    expect(forbidden).toBeInstanceOf(McpError);
    expect(forbidden).toMatchObject({
      code: -32012,
      data: { required_permission: 'fixture:admin', mqtt_code: -32002 },
    });
    await using admin = await connectMcp(setting.gw.endpoint, KEYS.admin);
    const reset = await admin.callTool({ name: `${alpha}__reset`, arguments: { confirm: true } });
    expect(reset.structuredContent).toEqual({ reset: true });
  });

  it('answers a service that does not answer in time with -32001 (the SDK’s timeout code), and cancels the work', async () => {
    await using short = await startGateway(url, {
      GATEWAY_SERVICES: `${prefix}-*`,
      GATEWAY_CALL_TIMEOUT_S: '1',
    });
    await using client = await connectMcp(short.endpoint, KEYS.reader);
    const before = await cancelledCalls();
    const late = await client.callTool({ name: `${alpha}__slow`, arguments: { ms: 5000 } }).catch((e) => e);
    expect(late).toMatchObject({ code: -32001, data: { mqtt_code: -32004, timeout_ms: 1000 } });
    // The gateway told the service: the work stopped there too.
    expect(await eventually(async () => (await cancelledCalls()) > before, 3000)).toBe(true);
  });

  it('forwards a client’s cancellation to the service', async () => {
    await using client = await connectMcp(setting.gw.endpoint, KEYS.reader);
    const before = await cancelledCalls();
    const controller = new AbortController();
    const call = client.callTool({ name: `${alpha}__slow`, arguments: { ms: 10_000 } }, undefined, {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('changed my mind')), 300);
    await expect(call).rejects.toThrow();
    expect(await eventually(async () => (await cancelledCalls()) > before, 3000)).toBe(true);
  });

  it('reads the services’ resources', async () => {
    await using client = await connectMcp(setting.gw.endpoint, KEYS.reader);
    const { resources } = await client.listResources();
    const about = resources.find((r) => r._meta?.['neurhomia/service'] === alpha);
    expect(about).toMatchObject({ uri: `mcp://${alpha}/data/about`, name: 'About the fixture' });
    const read = await client.readResource({ uri: about!.uri });
    expect(JSON.parse((read.contents[0] as { text: string }).text)).toEqual({ purpose: 'gateway tests' });
    const missing = await client.readResource({ uri: `mcp://${alpha}/data/none` }).catch((e) => e);
    expect(missing).toMatchObject({ code: -32002, data: { mqtt_code: -32003 } });
  });
});

describe('keys and sessions at the HTTP layer', () => {
  it('refuses a session without a key (401) and with a key no service knows (401)', async () => {
    const none = await initialize();
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect(none.json).toMatchObject({ id: 'init-1', error: { code: -32011, data: { mqtt_code: -32001 } } });
    const stranger = await initialize({ authorization: `Bearer ${KEYS.stranger}` });
    expect(stranger.status).toBe(401);
    expect(stranger.headers.get('www-authenticate')).toContain('invalid_token');
    const malformed = await initialize({ authorization: 'Basic abc' });
    expect(malformed.status).toBe(401);
  });

  it('uses GATEWAY_API_KEY for a request without a bearer token', async () => {
    await using keyed = await startGateway(url, {
      GATEWAY_SERVICES: `${prefix}-*`,
      GATEWAY_API_KEY: KEYS.reader,
    });
    await using client = await connectMcp(keyed.endpoint);
    const echo = await client.callTool({ name: `${alpha}__echo`, arguments: { message: 'default key' } });
    expect(echo.structuredContent).toEqual({ message: 'default key' });
  });

  it('binds a session to the key that opened it, and closes it on DELETE', async () => {
    const opened = await initialize({ authorization: `Bearer ${KEYS.reader}` });
    expect(opened.status).toBe(200);
    const session = opened.headers.get('mcp-session-id')!;
    expect(session).toMatch(/^[0-9a-f-]{36}$/);
    const headers = (key: string) => ({
      accept: 'application/json, text/event-stream',
      'mcp-session-id': session,
      'mcp-protocol-version': '2025-06-18',
      authorization: `Bearer ${key}`,
    });
    const ping = { jsonrpc: '2.0', id: 2, method: 'ping' };
    const other = await http(setting.gw.base, '/mcp', { headers: headers(KEYS.admin), body: ping });
    expect(other.status).toBe(403);
    const own = await http(setting.gw.base, '/mcp', { headers: headers(KEYS.reader), body: ping });
    expect(own).toMatchObject({ status: 200, json: { id: 2, result: {} } });
    // SSE, not the SDK's JSON-response mode, which keeps state per request for the session's life.
    expect(own.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const closed = await http(setting.gw.base, '/mcp', { method: 'DELETE', headers: headers(KEYS.reader) });
    expect(closed.status).toBe(200);
    const after = await http(setting.gw.base, '/mcp', { headers: headers(KEYS.reader), body: ping });
    expect(after.status).toBe(404);
  });

  it('checks MCP-Protocol-Version and answers an unknown revision with the latest', async () => {
    const opened = await initialize({ authorization: `Bearer ${KEYS.reader}` });
    const session = opened.headers.get('mcp-session-id')!;
    const old = await http(setting.gw.base, '/mcp', {
      headers: {
        accept: 'application/json, text/event-stream',
        'mcp-session-id': session,
        'mcp-protocol-version': '2024-11-05',
        authorization: `Bearer ${KEYS.reader}`,
      },
      body: { jsonrpc: '2.0', id: 3, method: 'ping' },
    });
    expect(old.status).toBe(400);
    const negotiated = await http(setting.gw.base, '/mcp', {
      headers: { accept: 'application/json, text/event-stream', authorization: `Bearer ${KEYS.reader}` },
      body: {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2024-11-05',
          capabilities: {},
          clientInfo: { name: 'old', version: '1' },
        },
      },
    });
    expect(negotiated.json).toMatchObject({ result: { protocolVersion: '2025-11-25' } });
  });

  it('refuses a foreign Host or Origin with 403, and a body over the limit with 413', async () => {
    const rebinding = await initialize({ host: 'evil.example.com', origin: 'http://evil.example.com' });
    expect(rebinding.status).toBe(403);
    const foreign = await initialize({
      origin: 'https://elsewhere.example',
      authorization: `Bearer ${KEYS.reader}`,
    });
    expect(foreign.status).toBe(403);
    await using small = await startGateway(url, {
      GATEWAY_SERVICES: `${prefix}-*`,
      GATEWAY_MAX_BODY_BYTES: '2048',
    });
    const big = await http(small.base, '/mcp', {
      headers: { accept: 'application/json, text/event-stream', authorization: `Bearer ${KEYS.reader}` },
      body: { jsonrpc: '2.0', id: 1, method: 'initialize', params: { padding: 'x'.repeat(5000) } },
    });
    expect(big.status).toBe(413);
  });

  it('lets an allowed origin in, with CORS headers', async () => {
    await using cors = await startGateway(url, {
      GATEWAY_SERVICES: `${prefix}-*`,
      GATEWAY_ALLOWED_ORIGINS: 'http://localhost:5173',
    });
    const preflight = await http(cors.base, '/mcp', {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('mcp-session-id');
    const opened = await http(cors.base, '/mcp', {
      headers: {
        origin: 'http://localhost:5173',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${KEYS.reader}`,
      },
      body: {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-11-25',
          capabilities: {},
          clientInfo: { name: 'web', version: '1' },
        },
      },
    });
    expect(opened.status).toBe(200);
    expect(opened.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });
});

describe('a changing set of services', () => {
  it('notifies list_changed when a service appears and when it goes away, and answers a down service at once', async () => {
    await using client = await connectMcp(setting.gw.endpoint, KEYS.reader);
    let notified = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      notified += 1;
    });
    // The notifications come on the session's GET stream: give the SDK a moment to open it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const beta = `${prefix}-beta`;
    const names = async () => (await client.listTools()).tools.map((t) => t.name);
    const second = await startFixture(url, beta);
    expect(await eventually(() => notified > 0)).toBe(true);
    expect(await names()).toContain(`${beta}__echo`);

    const before = notified;
    await second.stop();
    expect(await eventually(() => notified > before)).toBe(true);
    expect(await names()).not.toContain(`${beta}__echo`);
    // Answered from what the gateway knows (-32006, the state), not by a timeout of the call (-32001).
    const down = await client
      .callTool({ name: `${beta}__echo`, arguments: { message: 'x' } })
      .catch((e) => e);
    expect(down).toMatchObject({ code: -32006, data: { service: beta, state: 'offline' } });
  });
});
