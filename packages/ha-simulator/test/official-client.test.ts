/**
 * Home Assistant's own client library (home-assistant-js-websocket, on Node 24's global WebSocket)
 * against the simulator: connect, subscribeEntities, callService, errors, and a reconnect after
 * the failure switch. The library (9.7.0) edits its listener list while firing `disconnected`, so
 * a listener added after a collection's can be skipped: the reconnect is observed by polling
 * `conn.connected`, not through that event.
 */
import {
  type Connection,
  callService,
  createConnection,
  createLongLivedTokenAuth,
  ERR_INVALID_AUTH,
  getServices,
  getStates,
  type HassEntities,
  subscribeConfig,
  subscribeEntities,
} from 'home-assistant-js-websocket';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HaSimulator } from '../src/index.js';
import { simulator, sleep } from './helpers.js';

let sim: HaSimulator;
let conn: Connection | undefined;

beforeEach(async () => {
  sim = await simulator();
});
afterEach(async () => {
  conn?.close();
  conn = undefined;
  await sim.close();
});

async function until(check: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

const connect = () => createConnection({ auth: createLongLivedTokenAuth(sim.url, sim.token) });

describe('home-assistant-js-websocket', () => {
  it('connects, announces coalescing, reads states and services', async () => {
    conn = await connect();
    expect(conn.haVersion).toBe('2025.6.0');
    const states = await getStates(conn);
    expect(states.length).toBe(sim.hass.states.all().length);
    const services = await getServices(conn);
    expect(Object.keys(services.light ?? {})).toContain('turn_on');
    expect(sim.counters.websocket.supported_features).toBe(1);
  });

  it('follows entities through subscribeEntities and changes them with callService', async () => {
    conn = await connect();
    let entities: HassEntities = {};
    subscribeEntities(conn, (e) => {
      entities = e;
    });
    await until(() => Object.keys(entities).length === sim.hass.states.all().length);
    expect(entities['cover.garage_door']?.attributes.device_class).toBe('garage');

    const result = (await callService(
      conn,
      'light',
      'turn_on',
      { brightness_pct: 100 },
      { entity_id: 'light.bedroom' },
    )) as {
      context: { id: string; user_id: string };
    };
    expect(result.context.user_id).toBe(sim.hass.user.id);
    await until(() => entities['light.bedroom']?.attributes.brightness === 255);
    expect(entities['light.bedroom']?.state).toBe('on');
    expect(entities['light.bedroom']?.context.id).toBe(result.context.id);

    sim.setState('binary_sensor.front_door', 'on');
    await until(() => entities['binary_sensor.front_door']?.state === 'on');
    expect(entities['binary_sensor.front_door']?.last_changed).toBe(
      entities['binary_sensor.front_door']?.last_updated,
    );
  });

  it('rejects with Home Assistant’s error objects', async () => {
    conn = await connect();
    await expect(
      callService(conn, 'lock', 'fly', {}, { entity_id: 'lock.front_door' }),
    ).rejects.toMatchObject({
      code: 'not_found',
      message: 'Service lock.fly not found.',
    });
    await expect(
      callService(conn, 'weather', 'get_forecasts', { type: 'daily' }, { entity_id: 'weather.home' }, true),
    ).resolves.toMatchObject({ response: { 'weather.home': { forecast: expect.any(Array) } } });
  });

  it('refuses a wrong token with ERR_INVALID_AUTH', async () => {
    await expect(createConnection({ auth: createLongLivedTokenAuth(sim.url, 'wrong-token') })).rejects.toBe(
      ERR_INVALID_AUTH,
    );
  });

  it('reconnects after the simulator goes down and comes back, and its subscriptions resume', async () => {
    conn = await connect();
    const connection = conn;
    let entities: HassEntities = {};
    subscribeEntities(connection, (e) => {
      entities = e;
    });
    subscribeConfig(connection, () => {});
    await until(() => Object.keys(entities).length > 0);

    await sim.setDown(true);
    await until(() => !connection.connected);
    await sleep(300);
    await sim.setDown(false);
    await until(() => connection.connected);

    sim.setState('switch.garden_irrigation', 'on');
    await until(() => entities['switch.garden_irrigation']?.state === 'on');
    await callService(connection, 'switch', 'turn_off', undefined, { entity_id: 'switch.garden_irrigation' });
    await until(() => entities['switch.garden_irrigation']?.state === 'off');
    expect(sim.counters.websocketConnections).toBeGreaterThanOrEqual(2);
  });
});
