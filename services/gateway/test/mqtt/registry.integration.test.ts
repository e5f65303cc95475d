import { serviceTopics } from '@neurhomia/mcp-mqtt-core';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, http, type RunningGateway, startGateway, testPrefix } from '../support/gateway.js';

/**
 * A service that stops beating without saying goodbye (power cut, network split): its retained
 * document still says "ready", only its heartbeats stop. Three missed intervals make it down.
 */
const url = inject('mqttUrl');
const prefix = testPrefix();
const ghost = `${prefix}-ghost`;
let gw: RunningGateway;
let raw: mqtt.MqttClient;

const discovery = (status: 'ready' | 'offline') =>
  JSON.stringify({
    service_id: ghost,
    name: 'Ghost',
    version: '0.0.1',
    description: 'announces itself, beats a little, then falls silent',
    capabilities: { tools: ['haunt'], resources: [], events: [] },
    mcp_version: '1.0',
    status,
    heartbeat_interval: 1,
    timestamp: new Date().toISOString(),
  });
const heartbeat = () =>
  JSON.stringify({
    service_id: ghost,
    status: 'alive',
    uptime: 1,
    active_connections: 0,
    last_activity: null,
    timestamp: new Date().toISOString(),
  });

beforeAll(async () => {
  raw = await mqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0 });
  gw = await startGateway(url, { GATEWAY_SERVICES: `${prefix}-*` });
});

afterAll(async () => {
  await gw?.close();
  // Leave nothing retained behind on a shared broker.
  await raw?.publishAsync(serviceTopics(ghost).discovery, '', { qos: 1, retain: true });
  await raw?.endAsync();
});

describe('the registry of live services', () => {
  it('takes a service down after 3 missed heartbeats, and answers calls to it at once', async () => {
    await raw.publishAsync(serviceTopics(ghost).discovery, discovery('ready'), { qos: 1, retain: true });
    await raw.publishAsync(serviceTopics(ghost).heartbeat, heartbeat(), { qos: 1 });
    const state = () => gw.gateway.registry.get(ghost)?.state;
    expect(await eventually(() => state() === 'up', 5000)).toBe(true);
    expect(gw.gateway.registry.names.resolve(`${ghost}__haunt`)).toEqual({ serviceId: ghost, tool: 'haunt' });
    // No more heartbeats: 3 × 1 s later it is down, and the gateway says so instead of waiting.
    expect(await eventually(() => state() === 'stale', 8000)).toBe(true);
    const call = await http(gw.base, '/mcp/tools/call', { body: { name: `${ghost}__haunt`, arguments: {} } });
    expect(call).toMatchObject({
      status: 503,
      json: { error: { code: -32006, data: { service: ghost, state: 'stale' } } },
    });
    // A heartbeat again: back up.
    await raw.publishAsync(serviceTopics(ghost).heartbeat, heartbeat(), { qos: 1 });
    expect(await eventually(() => state() === 'up', 5000)).toBe(true);
  });

  it('changes the tool table when a live service announces other tools', async () => {
    const changed = JSON.parse(discovery('ready')) as { capabilities: { tools: string[] } };
    changed.capabilities.tools = ['haunt', 'rattle'];
    const { registry } = gw.gateway;
    const generation = registry.get(ghost)!.generation;
    expect(registry.names.servicesWith('rattle')).toEqual([]);
    await raw.publishAsync(serviceTopics(ghost).heartbeat, heartbeat(), { qos: 1 });
    await raw.publishAsync(serviceTopics(ghost).discovery, JSON.stringify(changed), { qos: 1, retain: true });
    expect(await eventually(() => registry.names.servicesWith('rattle').includes(ghost), 5000)).toBe(true);
    // A new generation: every caller's cached tool list of this service is stale now.
    expect(registry.get(ghost)!.generation).toBe(generation + 1);
    await raw.publishAsync(serviceTopics(ghost).discovery, discovery('offline'), { qos: 1, retain: true });
    expect(await eventually(() => gw.gateway.registry.get(ghost)?.state === 'offline', 5000)).toBe(true);
  });
});
