import { describe, expect, it } from 'vitest';
import { startBridge, until } from './helpers.js';

describe('Home Assistant going down and coming back', () => {
  it('opens the circuit, serves stale reads with their age, fails writes fast, then recovers', async () => {
    await using bridge = await startBridge({
      HA_BREAKER_FAILURES: '3',
      HA_BREAKER_RESET_S: '3',
      HA_CACHE_STATE_TTL_S: '1',
    });
    const details = () => bridge.health().dependency_details['home-assistant'] as Record<string, unknown>;
    const before = await bridge.call('get_entity_state', { entity_id: 'light.office_desk' });
    await bridge.sim.setDown(true);

    // Failures before the circuit opens: tool errors that say why.
    for (const id of ['sun.sun', 'sensor.tv_power', 'switch.tv']) {
      const failed = await bridge.call('get_entity_state', { entity_id: id });
      expect(failed.isError).toBe(true);
      expect(failed.structuredContent.error).toMatch(
        /cannot be reached: connection refused \(ECONNREFUSED\)/,
      );
    }
    expect(details()).toMatchObject({
      status: 'down',
      circuit: 'open',
      last_failure: expect.stringMatching(/ECONNREFUSED/),
    });
    expect(bridge.health().status).toBe('degraded');

    // A read cached before, past its TTL: served stale, marked, with its age.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const stale = await bridge.call(
      'get_entity_state',
      { entity_id: 'light.office_desk' },
      { method: 'mcp.call_tool' },
    );
    expect(stale).toMatchObject({ isError: false, stale: true, _meta: { cached: true, stale: true } });
    expect((stale as unknown as { age_s: number }).age_s).toBeGreaterThanOrEqual(1);
    expect(stale.structuredContent).toEqual(before.structuredContent);

    // A read never cached: -32006. A write: -32006 at once, with the reason, nothing sent.
    expect(await bridge.refusal('get_entity_state', { entity_id: 'light.garden' })).toMatchObject({
      code: -32006,
    });
    const started = performance.now();
    const write = await bridge.refusal('call_service', {
      domain: 'light',
      service: 'turn_on',
      target: { entity_id: 'light.garden' },
    });
    expect(performance.now() - started).toBeLessThan(200);
    expect(write).toMatchObject({
      code: -32006,
      message: expect.stringMatching(
        /Home Assistant is failing \(.*ECONNREFUSED.*\); the circuit is open and nothing was sent/,
      ),
      data: { dependency: 'home-assistant', retry_after_s: expect.any(Number) },
    });

    // Back: the next call after the reset timeout closes the circuit; the WebSocket reconnects.
    bridge.sim.resetObservations();
    await bridge.sim.setDown(false);
    await until(() => details().circuit === 'half-open', 'the reset timeout');
    const fresh = await bridge.call('get_entity_state', { entity_id: 'light.garden' });
    expect(fresh.isError).toBe(false);
    await until(() => details().connection === 'connected', 'the WebSocket to reconnect');
    expect(details()).toMatchObject({ status: 'ok', circuit: 'closed', live_states: true });
    expect(bridge.health().status).toBe('healthy');
    const written = await bridge.call('call_service', {
      domain: 'light',
      service: 'turn_on',
      target: { entity_id: 'light.garden' },
    });
    expect(written.isError).toBe(false);
    expect(bridge.sim.callsFor('light.garden')).toHaveLength(1);
  }, 15_000);

  it('counts a proxy answering 502 as Home Assistant failing', async () => {
    await using bridge = await startBridge({ HA_BREAKER_FAILURES: '2' });
    await bridge.sim.setDown(true, 'bad-gateway');
    const failed = await bridge.call('get_entity_state', { entity_id: 'sun.sun' });
    expect(failed.structuredContent).toMatchObject({ reason: 'http', upstream_status: 502 });
    expect(failed.structuredContent.error).toBe('Home Assistant is unavailable (HTTP 502); try again later');
    await bridge.call('get_entity_state', { entity_id: 'sun.sun' });
    expect(bridge.health().dependency_details['home-assistant']).toMatchObject({ circuit: 'open' });
  });
});
