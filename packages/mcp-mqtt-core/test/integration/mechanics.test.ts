import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { McpMqttClient } from '../../src/client/client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { connectClient, startService, uniqueServiceId } from '../../src/testing/index.js';
import { mechanicsService, remoteErrorOf } from './helpers.js';

const url = inject('mqttUrl');
const id = uniqueServiceId('mech');
const upstream = { fail: false };
let service: Awaited<ReturnType<typeof startService>>;
let client: McpMqttClient;

beforeAll(async () => {
  service = await startService(mechanicsService({ id, upstream }), { url });
  client = await connectClient(url, { clientId: 'mech-client' });
});
afterAll(async () => {
  await client?.close();
  await service?.stop();
});

describe('per-tool mechanics', () => {
  it('rate limits per caller with -32005 and retry_after_s', async () => {
    await client.callTool(id, 'limited');
    await client.callTool(id, 'limited');
    const error = await remoteErrorOf(client.callTool(id, 'limited'));
    expect(error.code).toBe(ErrorCode.RateLimited);
    expect(error.data).toMatchObject({ retry_after_s: expect.any(Number) });
    await using other = await connectClient(url, { clientId: 'another-caller' });
    await expect(other.callTool(id, 'limited')).resolves.toMatchObject({ isError: false });
  });

  it('times out with -32004 and the tool sees its signal abort', async () => {
    const error = await remoteErrorOf(client.callTool(id, 'slow', { ms: 2000 }));
    expect(error.code).toBe(ErrorCode.Timeout);
    expect(error.data).toMatchObject({ timeout_ms: 200 });
    await expect(client.callTool(id, 'slow', { ms: 10 })).resolves.toMatchObject({
      structuredContent: { slept: 10 },
    });
  });

  it('serves cache hits inside the TTL and recomputes after it', async () => {
    const first = await client.callTool(id, 'cached', { key: 'a' });
    const second = await client.callTool(id, 'cached', { key: 'a' });
    expect(second.structuredContent).toEqual(first.structuredContent);
    expect(second._meta).toMatchObject({ cached: true, stale: false });
    const otherKey = await client.callTool(id, 'cached', { key: 'b' });
    expect(otherKey._meta).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 350));
    const third = await client.callTool(id, 'cached', { key: 'a' });
    expect(third._meta).toBeUndefined();
    expect(third.structuredContent!.computedAt).not.toBe(first.structuredContent!.computedAt);
  });

  it('shows the circuit breaker closed → open → half-open → closed in mcp.health_check', async () => {
    const health = () =>
      client.request<{
        status: string;
        dependencies: Record<string, string>;
        dependency_details: Record<string, Record<string, unknown>>;
      }>(id, 'mcp.health_check');
    expect(await health()).toMatchObject({
      status: 'healthy',
      dependencies: { upstream: 'ok', mqtt: 'ok' },
      dependency_details: { upstream: { status: 'ok', circuit: 'closed' } },
    });
    await client.callTool(id, 'fetch_upstream', { key: 'k' }); // cached for the stale fallback
    upstream.fail = true;
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (let i = 0; i < 2; i++) {
      await expect(client.callTool(id, 'fetch_upstream', { key: 'k' })).resolves.toMatchObject({
        isError: true,
      });
    }
    expect(await health()).toMatchObject({
      status: 'degraded',
      dependencies: { upstream: 'down' },
      dependency_details: {
        upstream: { circuit: 'open', consecutive_failures: 2, reason: expect.any(String) },
      },
    });
    const stale = await client.request<Record<string, unknown>>(id, 'mcp.call_tool', {
      name: 'fetch_upstream',
      arguments: { key: 'k' },
    });
    expect(stale).toMatchObject({
      success: true,
      stale: true,
      age_s: expect.any(Number),
      data: { key: 'k', fresh: true },
      _meta: { cached: true, stale: true, age_s: expect.any(Number) },
    });
    const error = await remoteErrorOf(client.callTool(id, 'fetch_upstream', { key: 'never-cached' }));
    expect(error.code).toBe(ErrorCode.ServiceUnavailable);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await health()).toMatchObject({
      dependencies: { upstream: 'degraded' },
      dependency_details: { upstream: { circuit: 'half-open' } },
    });
    upstream.fail = false;
    await expect(client.callTool(id, 'fetch_upstream', { key: 'k2' })).resolves.toMatchObject({
      isError: false,
    });
    expect(await health()).toMatchObject({ status: 'healthy', dependencies: { upstream: 'ok' } });
  });

  it('turns a ToolError into isError with retry_after_s', async () => {
    const result = await client.callTool(id, 'not_found');
    expect(result).toMatchObject({
      isError: true,
      structuredContent: { error: 'place "Atlantis" not found', retry_after_s: 7 },
    });
    expect(JSON.parse(result.content[0]!.text!)).toEqual(result.structuredContent);
  });

  it('reports memory, cpu, uptime and version in mcp.health_check', async () => {
    const report = await client.request<Record<string, unknown>>(id, 'mcp.health_check');
    expect(report).toMatchObject({
      version: '1.2.3',
      uptime: expect.any(Number),
      memory_mb: expect.any(Number),
      cpu_percent: expect.any(Number),
      memory_usage: expect.any(Number),
      cpu_usage: expect.any(Number),
      queue: { pending: 0, running: 0, by_priority: { critical: 0, high: 0, medium: 0, low: 0, bulk: 0 } },
      cache: { hit_rate: expect.any(Number), size: expect.any(Number), evictions: 0 },
    });
    expect(report.memory_mb).toBeGreaterThan(10);
    expect(report.memory_usage).toBe(report.memory_mb);
    expect(service.health().dependencies.mqtt).toBe('ok');
  });
});
