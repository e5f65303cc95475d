import { afterEach, describe, expect, it } from 'vitest';
import type { HaSimulator } from '../src/index.js';
import { RawClient, rest, simulator, sleep } from './helpers.js';

let sim: HaSimulator;
afterEach(() => sim.close());

describe('latency knob', () => {
  it('delays REST answers and WebSocket results by the configured time', async () => {
    sim = await simulator({ latencyMs: 150 });
    let started = performance.now();
    await rest(sim, 'GET', '/api/states/sun.sun');
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    const client = await RawClient.authenticated(sim);
    started = performance.now();
    await client.command({ id: 1, type: 'get_config' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    // A service call spends the (new) latency inside itself: its observed duration shows it.
    sim.setLatency(300);
    await client.command({
      id: 2,
      type: 'call_service',
      domain: 'switch',
      service: 'toggle',
      target: { entity_id: 'switch.tv' },
    });
    const call = sim.calls.at(-1);
    expect((call?.endedAt ?? 0) - (call?.startedAt ?? 0)).toBeGreaterThanOrEqual(295);
    client.close();
  });
});

describe('failure switch', () => {
  it('refuse: connections are dropped and refused, then the same port serves again', async () => {
    sim = await simulator();
    const client = await RawClient.authenticated(sim);
    await sim.setDown(true);
    await client.waitClosed();
    await expect(fetch(`${sim.url}/api/`)).rejects.toThrow();
    await sim.setDown(false);
    expect((await rest(sim, 'GET', '/api/')).status).toBe(200);
    const again = await RawClient.authenticated(sim);
    again.close();
  });

  it('bad-gateway: every request answers 502, WebSocket upgrades included', async () => {
    sim = await simulator();
    const client = await RawClient.authenticated(sim);
    await sim.setDown(true, 'bad-gateway');
    expect((await client.waitClosed()).code).toBe(1001);
    const res = await rest(sim, 'GET', '/api/states');
    expect(res.status).toBe(502);
    expect(res.text).toContain('502 Bad Gateway');
    await expect(RawClient.open(sim.wsUrl)).rejects.toThrow('cannot connect');
    await sim.setDown(false);
    expect((await rest(sim, 'GET', '/api/')).status).toBe(200);
  });
});

describe('observation log', () => {
  it('records each call with its entities, times and outcome, and counts overlapping calls per entity', async () => {
    sim = await simulator({ latencyMs: 80 });
    await Promise.all(
      [10, 20, 30].map((b) =>
        rest(sim, 'POST', '/api/services/light/turn_on', {
          body: { entity_id: 'light.kitchen', brightness: b },
        }),
      ),
    );
    expect(sim.maxConcurrentByEntity['light.kitchen']).toBe(3);
    sim.resetObservations();
    for (const b of [40, 50, 60]) {
      await rest(sim, 'POST', '/api/services/light/turn_on', {
        body: { entity_id: 'light.kitchen', brightness: b },
      });
    }
    expect(sim.maxConcurrentByEntity['light.kitchen']).toBe(1);
    const calls = sim.callsFor('light.kitchen');
    expect(calls.map((c) => c.serviceData.brightness)).toEqual([40, 50, 60]);
    for (const [i, c] of calls.entries()) {
      expect(c).toMatchObject({
        transport: 'rest',
        domain: 'light',
        service: 'turn_on',
        entityIds: ['light.kitchen'],
        ok: true,
        error: null,
      });
      expect((c.endedAt ?? 0) - c.startedAt).toBeGreaterThanOrEqual(70);
      if (i > 0) expect(c.startedAt).toBeGreaterThanOrEqual(calls[i - 1]?.endedAt ?? Infinity);
    }
    expect(sim.hass.states.get('light.kitchen')?.attributes.brightness).toBe(60);
  });

  it('expands area targets, records failures, and counts requests by route and command', async () => {
    sim = await simulator();
    sim.failService('switch', 'turn_on', { kind: 'home_assistant_error', message: 'Relay did not answer' });
    const client = await RawClient.authenticated(sim);
    const res = await client.command({
      id: 1,
      type: 'call_service',
      domain: 'switch',
      service: 'turn_on',
      target: { area_id: 'living_room' },
    });
    expect(res.error).toEqual({ code: 'home_assistant_error', message: 'Relay did not answer' });
    expect(sim.calls.at(-1)).toMatchObject({
      transport: 'websocket',
      ok: false,
      error: 'Relay did not answer',
    });
    expect(sim.calls.at(-1)?.entityIds).toContain('switch.tv');
    sim.failService('switch', 'turn_on', null);
    for (let i = 0; i < 3; i++) await rest(sim, 'GET', '/api/states/sun.sun');
    await client.command({ id: 2, type: 'get_states' });
    expect(sim.counters.rest['GET /api/states/{entity_id}']).toBe(3);
    expect(sim.counters.restByPath['GET /api/states/sun.sun']).toBe(3);
    expect(sim.counters.websocket).toMatchObject({ auth: 1, call_service: 1, get_states: 1 });
    expect(sim.counters.websocketConnections).toBe(1);
    client.close();
    await sleep(10);
  });
});
