import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { silentLogger } from '@neurhomia/mcp-mqtt-core';
import { startService, uniqueServiceId } from '@neurhomia/mcp-mqtt-core/testing';
import { afterAll, beforeAll, inject } from 'vitest';
import { Gateway } from '../../src/app.js';
import { fixtureService } from './fixture-service.js';

/** API keys of the fixture services: a reader, an admin, and a key no service knows. */
export const KEYS = {
  reader: 'reader-key-0001',
  admin: 'admin-key-00001',
  stranger: 'stranger-key-0001',
} as const;
/** Owned keys, as the stack gives them: answers reach the gateway's inbox only as a relay's. */
const API_KEYS = `app:${KEYS.reader}=fixture:read,ops:${KEYS.admin}=*`;

/** A prefix of service ids of its own per test file: the gateway under test exposes only those. */
export function testPrefix(): string {
  return uniqueServiceId('gw');
}

export async function startFixture(url: string, serviceId: string, env: Record<string, string> = {}) {
  return startService(fixtureService(serviceId), {
    url,
    env: {
      MCP_SERVICE_ID: serviceId,
      MCP_API_KEYS: API_KEYS,
      MCP_RELAY_CLIENTS: 'gateway',
      HEARTBEAT_INTERVAL: '1',
      ...env,
    },
  });
}

export interface RunningGateway extends AsyncDisposable {
  gateway: Gateway;
  /** `http://127.0.0.1:port` */
  base: string;
  /** `http://127.0.0.1:port/mcp` */
  endpoint: URL;
  close(): Promise<void>;
}

export async function startGateway(url: string, env: Record<string, string>): Promise<RunningGateway> {
  const gateway = await Gateway.create({
    env: { MQTT_URL: url, GATEWAY_PORT: '0', ...env },
    logger: silentLogger(),
  });
  const base = await gateway.listen();
  const close = () => gateway.close();
  return { gateway, base, endpoint: new URL(`${base}/mcp`), close, [Symbol.asyncDispose]: close };
}

/** The official SDK's client on the gateway's Streamable HTTP endpoint, with a bearer key. */
export async function connectMcp(endpoint: URL, apiKey?: string) {
  const client = new Client({ name: 'gateway-test', version: '0.0.0' });
  const transport = new StreamableHTTPClientTransport(endpoint, {
    requestInit: apiKey ? { headers: { authorization: `Bearer ${apiKey}` } } : {},
  });
  await client.connect(transport);
  return Object.assign(client, { [Symbol.asyncDispose]: () => client.close() });
}

/** Polls `check` every 50 ms until it holds or `ms` pass; returns whether it held. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

/** A JSON request to the gateway's HTTP API. */
export async function http(
  base: string,
  path: string,
  options: { method?: string; body?: unknown; headers?: Record<string, string>; apiKey?: string } = {},
): Promise<{ status: number; headers: Headers; text: string; json: unknown }> {
  const response = await fetch(`${base}${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  // /mcp answers a request on an SSE stream: its message is the first `data:` line.
  const sse = response.headers.get('content-type')?.startsWith('text/event-stream');
  const data = sse ? /^data: (.*)$/m.exec(text)?.[1] : text;
  let json: unknown;
  try {
    json = data === undefined ? undefined : JSON.parse(data);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export type Fixture = Awaited<ReturnType<typeof startFixture>>;

/**
 * The usual setting of a test file: the fixture service `{prefix}-alpha` and a gateway exposing
 * only `{prefix}-*` (other files' services on the shared broker stay out of its lists). The hooks
 * fill `gw` and `service` before the tests run and stop both after them.
 */
export function gatewayWithFixture(env: Record<string, string> = {}) {
  const url = inject('mqttUrl');
  const prefix = testPrefix();
  const setting = {
    url,
    prefix,
    alpha: `${prefix}-alpha`,
    gw: undefined as unknown as RunningGateway,
    service: undefined as unknown as Fixture,
  };
  beforeAll(async () => {
    setting.service = await startFixture(url, setting.alpha);
    setting.gw = await startGateway(url, { GATEWAY_SERVICES: `${prefix}-*`, ...env });
  });
  afterAll(async () => {
    await setting.gw?.close();
    await setting.service?.stop();
  });
  return setting;
}
