import { type HaSimulator, startHaSimulator } from '@neurhomia/ha-simulator';
import type { McpMqttClient } from '@neurhomia/mcp-mqtt-core/client';
import {
  connectClient,
  startService,
  type TestBroker,
  uniqueServiceId,
  useBroker,
} from '@neurhomia/mcp-mqtt-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haBridgeService } from '../src/service.js';
import { API_KEYS, flipState, KEYS, until } from './helpers.js';

/**
 * The bridge end to end through a real Mosquitto, against the simulator: every tool over MQTT,
 * permissions, health with the queue and cache figures, and state_changed events.
 */
const serviceId = uniqueServiceId('ha-bridge');
let broker: TestBroker;
let sim: HaSimulator;
let writer: McpMqttClient;
let reader: McpMqttClient;
let admin: McpMqttClient;
let service: Awaited<ReturnType<typeof startService>>;
type Envelope = {
  event: string;
  service_id: string;
  data: { entity_id: string; new_state: { state: string } };
};
const events: Envelope[] = [];

beforeAll(async () => {
  [broker, sim] = await Promise.all([useBroker(), startHaSimulator({ latencyMs: 5 })]);
  service = await startService(haBridgeService, {
    url: broker.url,
    env: {
      MCP_SERVICE_ID: serviceId,
      MCP_API_KEYS: API_KEYS,
      HA_URL: sim.url,
      HA_TOKEN: sim.token,
      HA_EVENT_FILTER: 'light,switch',
    },
  });
  const connect = (apiKey: string) => connectClient(broker.url, { apiKey });
  [writer, reader, admin] = await Promise.all([
    connect(KEYS.writer),
    connect(KEYS.reader),
    connect(KEYS.admin),
  ]);
  writer.on('event', ({ event, payload }) => {
    if (event === 'state_changed') events.push(payload as Envelope);
  });
  await writer.subscribeEvents(serviceId, 'state_changed');
  await until(async () => {
    const health = await writer.request<{ dependencies: Record<string, string> }>(
      serviceId,
      'mcp.health_check',
    );
    return health.dependencies['home-assistant'] === 'ok';
  }, 'the bridge to connect to Home Assistant');
});

afterAll(async () => {
  await Promise.all([writer?.close(), reader?.close(), admin?.close()]);
  await service?.stop();
  await sim?.close();
  await broker?.stop();
});

/** One call of every tool, with arguments the seeded home answers. */
const EVERY_TOOL: [string, Record<string, unknown>, (data: Record<string, unknown>) => void][] = [
  ['get_entities', { domain: 'light' }, (d) => expect(d.total).toBe(8)],
  [
    'get_entity_state',
    { entity_id: 'lock.front_door' },
    (d) => expect(d).toMatchObject({ area: 'Entrance' }),
  ],
  [
    'search_entities',
    { query: 'garage door' },
    (d) => expect(JSON.stringify(d)).toContain('cover.garage_door'),
  ],
  ['domain_summary', { domain: 'switch' }, (d) => expect(d.total).toBe(3)],
  ['list_areas', {}, (d) => expect(d.count).toBe(8)],
  ['get_services', { domain: 'light' }, (d) => expect(d.domain).toBe('light')],
  [
    'get_history',
    { entity_ids: 'sensor.living_room_temperature' },
    (d) => expect(JSON.stringify(d)).toContain('summary'),
  ],
  ['get_logbook', { limit: 5 }, (d) => expect(d.count).toBe(5)],
  ['list_automations', {}, (d) => expect(d.total).toBe(4)],
  [
    'render_template',
    { template: "{{ states('lock.front_door') }}" },
    (d) => expect(d.result).toMatch(/locked|unlocked/),
  ],
  [
    'call_service',
    { domain: 'switch', service: 'turn_on', target: { entity_id: 'switch.tv' } },
    (d) => expect(d).toMatchObject({ ok: true, entity_ids: ['switch.tv'] }),
  ],
  ['trigger_automation', { entity_id: 'automation.good_morning' }, (d) => expect(d.ok).toBe(true)],
  [
    'create_automation',
    {
      config: {
        alias: 'Integration test',
        triggers: [{ trigger: 'time', at: '23:00:00' }],
        actions: [{ action: 'light.turn_off', target: { area_id: 'garden' } }],
      },
    },
    (d) => expect(d.entity_id).toBe('automation.integration_test'),
  ],
];

describe('ha-bridge over MQTT', () => {
  it('lists its thirteen tools with scopes and priorities', async () => {
    const tools = await writer.listTools(serviceId);
    expect(tools.map((t) => t.name).sort()).toEqual(EVERY_TOOL.map(([name]) => name).sort());
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(byName.call_service?.permissions).toEqual(['ha:write']);
    expect(byName.create_automation?.permissions).toEqual(['ha:admin']);
    expect(byName.get_entity_state?.annotations).toMatchObject({ readOnlyHint: true });
    expect(byName.call_service?.inputSchema).toMatchObject({ additionalProperties: false });
  });

  it.each(EVERY_TOOL)('answers %s', async (name, args, check) => {
    const result = await admin.callTool(serviceId, name, args, { timeoutMs: 15_000 });
    expect(result.isError, JSON.stringify(result.structuredContent)).toBe(false);
    check(result.structuredContent as Record<string, unknown>);
  });

  it('refuses a write to a reader and a lock to a writer, with the scope needed', async () => {
    await expect(
      reader.callTool(serviceId, 'call_service', {
        domain: 'light',
        service: 'toggle',
        target: { entity_id: 'light.kitchen' },
      }),
    ).rejects.toMatchObject({ code: -32002, data: { required_permission: 'ha:write' } });
    sim.resetObservations();
    await expect(
      writer.callTool(serviceId, 'call_service', {
        domain: 'lock',
        service: 'unlock',
        target: { entity_id: 'lock.front_door' },
      }),
    ).rejects.toMatchObject({ code: -32002, data: { required_permission: 'ha:admin' } });
    expect(sim.calls).toEqual([]);
  });

  it('publishes state_changed events on mcp/{service}/events/state_changed', async () => {
    events.length = 0;
    await writer.callTool(serviceId, 'call_service', {
      domain: 'light',
      service: 'toggle',
      target: { entity_id: 'light.garden' },
    });
    flipState(sim, 'switch.coffee_machine');
    await expect
      .poll(() => events.map((e) => e.data.entity_id).sort())
      .toEqual(['light.garden', 'switch.coffee_machine']);
    expect(events.every((e) => e.event === 'state_changed' && e.service_id === serviceId)).toBe(true);
  });

  it('shows the queue, the cache and the Home Assistant dependency in mcp.health_check', async () => {
    await writer.callTool(serviceId, 'get_entity_state', { entity_id: 'sun.sun' });
    await writer.callTool(serviceId, 'get_entity_state', { entity_id: 'sun.sun' });
    const health = await writer.request<Record<string, unknown>>(serviceId, 'mcp.health_check');
    expect(health).toMatchObject({
      status: 'healthy',
      dependencies: { 'home-assistant': 'ok', mqtt: 'ok' },
      dependency_details: {
        'home-assistant': { connection: 'connected', circuit: 'closed', entities: expect.any(Number) },
      },
      queue: { pending: 0, dependencies: { 'home-assistant': { concurrency: 4, running: 0 } } },
      cache: { hit_rate: expect.any(Number), size: expect.any(Number) },
    });
    expect((health.cache as { hits: number }).hits).toBeGreaterThan(0);
  });
});
