import type { McpMqttClient } from '@neurhomia/mcp-mqtt-core/client';
import { connectClient } from '@neurhomia/mcp-mqtt-core/testing';
import type { StartedTestContainer } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHaBridge, startHaSimulator } from '../src/ha-bridge.js';
import { HomeStackContainers, type StartedHomeStack } from '../src/home-stack.js';
import { deliveredWithin, rawConnect } from '../src/mqtt.js';
import { secretPaths } from '../src/secrets.js';

/**
 * The ha-bridge image and the Home Assistant simulator image behind Mosquitto with the project's
 * auth and ACL: calls through the core's client (the admin cli, the front end's neurhomia key)
 * and mosquitto_rr, state_changed events, and the broker's ACL for the bridge's user.
 */
let stack: StartedHomeStack;
let simulator: StartedTestContainer;
let bridge: StartedTestContainer;
let cli: McpMqttClient;
let frontEnd: McpMqttClient;
const events: Array<{
  event: string;
  payload: { data: { entity_id: string; new_state?: { state: string } | null } };
}> = [];

beforeAll(async () => {
  stack = await new HomeStackContainers().start();
  simulator = await startHaSimulator(stack);
  cli = await connectClient(stack.getConnectionString(), {
    ...(await stack.credentials('cli')),
    apiKey: await stack.secret(secretPaths.clientApiKey('cli')),
    timeoutMs: 10_000,
  });
  frontEnd = await connectClient(stack.getConnectionString(), {
    ...(await stack.credentials('neurhomia')),
    apiKey: await stack.secret(secretPaths.clientApiKey('neurhomia')),
    timeoutMs: 10_000,
  });
  cli.on('event', (e) => events.push(e as (typeof events)[number]));
  await cli.subscribeEvents('ha-bridge', 'state_changed');
  await cli.watchServices();
  bridge = await startHaBridge(stack, { HA_EVENT_FILTER: 'light' });
});

afterAll(async () => {
  await cli?.close();
  await frontEnd?.close();
  await bridge?.stop().catch(() => {});
  await simulator?.stop().catch(() => {});
  await stack?.stop();
});

describe('ha-bridge image through the authenticated broker', () => {
  it('announces itself ready with its tools and its event', async () => {
    const services = await cli.listServices();
    const discovery = services.find((s) => s.serviceId === 'ha-bridge')?.discovery;
    expect(discovery).toMatchObject({ status: 'ready', capabilities: { events: ['state_changed'] } });
    expect(discovery?.capabilities.tools).toHaveLength(13);
  });

  it("answers from the simulator's home and reports Home Assistant connected", async () => {
    const lights = await cli.callTool('ha-bridge', 'get_entities', { domain: 'light' });
    expect(lights.isError).toBe(false);
    expect(lights.structuredContent).toMatchObject({ total: 8 });
    const health = await cli.request<{ dependencies: Record<string, string> }>(
      'ha-bridge',
      'mcp.health_check',
    );
    expect(health.dependencies).toMatchObject({ 'home-assistant': 'ok', mqtt: 'ok' });
  });

  it('lets the front end read and write with the scopes of the ACL fragment, not unlock a door', async () => {
    const toggled = await frontEnd.callTool('ha-bridge', 'call_service', {
      domain: 'light',
      service: 'toggle',
      target: { entity_id: 'light.kitchen' },
    });
    expect(toggled.isError).toBe(false);
    await expect(
      frontEnd.callTool('ha-bridge', 'call_service', {
        domain: 'lock',
        service: 'unlock',
        target: { entity_id: 'lock.front_door' },
      }),
    ).rejects.toMatchObject({ code: -32002, data: { required_permission: 'ha:admin' } });
  });

  it('publishes state_changed events', async () => {
    // The simulated home follows the wall clock (the garden lights are on in the evening): switch
    // them off then on, so that there is a change to publish whatever the time.
    const garden = (state: string) =>
      events.some(
        (e) => e.payload.data.entity_id === 'light.garden' && e.payload.data.new_state?.state === state,
      );
    for (const service of ['turn_off', 'turn_on']) {
      await cli.callTool('ha-bridge', 'call_service', {
        domain: 'light',
        service,
        target: { entity_id: 'light.garden' },
      });
    }
    const deadline = Date.now() + 10_000;
    while (!garden('on') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(garden('on')).toBe(true);
  });

  it('answers mosquitto_rr run inside the broker container', async () => {
    expect(
      await stack.mosquittoRr('ha-bridge', 'get_entity_state', { entity_id: 'lock.front_door' }),
    ).toMatchObject({
      id: 'rr',
      result: { success: true, data: { entity_id: 'lock.front_door', area: 'Entrance' } },
    });
  });

  it("does not let ha-bridge's credentials read another service's request topic", async () => {
    await using asBridge = await rawConnect(
      stack.getConnectionString(),
      await stack.credentials('ha-bridge'),
    );
    await using asCli = await rawConnect(stack.getConnectionString(), await stack.credentials('cli'));
    const received = await deliveredWithin(asBridge, 'mcp/weather/jsonrpc/request', () =>
      asCli.publishAsync('mcp/weather/jsonrpc/request', '{"jsonrpc":"2.0","id":1,"method":"ping"}', {
        qos: 1,
      }),
    );
    expect(received).toEqual([]);
  });
});
