import { describe, expect, it } from 'vitest';
import { gatewayWithFixture, http, KEYS, startFixture } from '../support/gateway.js';

/** GET /health, GET /mcp/status and GET /metrics with a live service behind the gateway. */
const setting = gatewayWithFixture();
const { url, prefix, alpha } = setting;

describe('GET /health', () => {
  it('reports the broker and each service with response times, without a key', async () => {
    const health = await http(setting.gw.base, '/health');
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({
      status: 'healthy',
      dependencies: {
        broker: { status: 'ok', response_time_ms: expect.any(Number) },
        [alpha]: { status: 'ok', state: 'up', version: '1.2.3', response_time_ms: expect.any(Number) },
      },
    });
  });

  it('shows a stopped service as down and the gateway as still serving', async () => {
    const beta = `${prefix}-beta`;
    const second = await startFixture(url, beta);
    await second.stop();
    const deadline = Date.now() + 5000;
    let body: unknown;
    do {
      await new Promise((resolve) => setTimeout(resolve, 100));
      body = (await http(setting.gw.base, '/health')).json;
    } while (!JSON.stringify(body).includes('announced offline') && Date.now() < deadline);
    expect(body).toMatchObject({
      status: 'healthy',
      dependencies: { [beta]: { status: 'down', state: 'offline' } },
    });
  });
});

describe('GET /mcp/status', () => {
  it('reports sessions, each service with its own health figures, and the calls of the last minute', async () => {
    await http(setting.gw.base, '/mcp/tools/call', {
      apiKey: KEYS.reader,
      body: { name: `${alpha}__echo`, arguments: { message: 'a' } },
    });
    await http(setting.gw.base, '/mcp/tools/call', {
      apiKey: KEYS.reader,
      body: { name: `${alpha}__echo`, arguments: {} },
    });
    const status = await http(setting.gw.base, '/mcp/status', { apiKey: KEYS.reader });
    expect(status.status).toBe(200);
    expect(status.json).toMatchObject({
      bridge: { status: 'healthy', broker: 'connected', uptime_seconds: expect.any(Number) },
      sessions: { active: expect.any(Number), mcp: { active: 0 } },
      queue: { pending: 0, by_priority: { medium: 0 } },
      cache: { hit_rate: expect.any(Number) },
      performance: { calls: 2, error_rate: 0.5, requests_per_second: expect.any(Number) },
    });
    const services = (status.json as { services: Array<Record<string, unknown>> }).services;
    expect(services.find((s) => s.service_id === alpha)).toMatchObject({
      status: 'up',
      heartbeat_interval_s: 1,
      heartbeat_age_s: expect.any(Number),
      health: { status: 'healthy', queue: { pending: 0 }, cache: { size: expect.any(Number) } },
    });
    expect((await http(setting.gw.base, '/mcp/status', { apiKey: KEYS.stranger })).status).toBe(401);
  });
});

describe('GET /metrics', () => {
  it('exposes the gateway’s calls and services in Prometheus’ format', async () => {
    const metrics = await http(setting.gw.base, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(
      new RegExp(`gateway_calls_total\\{[^}]*target_service="${alpha}"[^}]*outcome="ok"`),
    );
    expect(metrics.text).toMatch(/gateway_services\{[^}]*state="up"[^}]*\} 1/);
    expect(metrics.text).toMatch(/gateway_broker_connected\{[^}]*\} 1/);
    expect(metrics.text).toContain('process_resident_memory_bytes');
  });
});
