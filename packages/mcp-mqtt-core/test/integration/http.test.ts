import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exampleService } from '../../src/example/service.js';
import { connectClient, freePort, startService, uniqueServiceId } from '../../src/testing/index.js';

const url = inject('mqttUrl');
const serviceId = uniqueServiceId('http');
let port: number;
let service: Awaited<ReturnType<typeof startService>>;

beforeAll(async () => {
  port = await freePort();
  service = await startService(exampleService, {
    url,
    env: { MCP_SERVICE_ID: serviceId, HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1' },
  });
});
afterAll(async () => {
  await service?.stop();
});

describe('HTTP /health and /metrics', () => {
  it('reports healthy with live dependencies', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'healthy',
      dependencies: { mqtt: 'ok' },
      dependency_details: { mqtt: { status: 'ok', connection: 'connected' } },
      version: '0.1.0',
    });
  });

  it('exposes Prometheus metrics that count calls', async () => {
    await using client = await connectClient(url);
    await client.callTool(serviceId, 'echo', { message: 'x' });
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(text).toMatch(/mcp_requests_total\{method="tools\/call",code="0",service="[^"]+"\} [1-9]/);
    expect(text).toContain('mcp_broker_connected');
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('answers 404 elsewhere', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
  });
});
