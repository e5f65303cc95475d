import { describe, expect, it } from 'vitest';
import { KEYS, startBridge } from './helpers.js';

/**
 * Seed 002's mechanics through the core, against the simulator with a latency so that calls
 * overlap: one write per entity at a time in arrival order, coalesced reads, the concurrency
 * limit and its priority queue, the per-caller rate limit.
 */
describe('writes to one entity', () => {
  it('reach Home Assistant one at a time, in the order they arrived', async () => {
    await using bridge = await startBridge({}, { latencyMs: 20 });
    bridge.sim.resetObservations();
    const levels = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    const answers = await Promise.all(
      levels.map((pct) =>
        bridge.call('call_service', {
          domain: 'light',
          service: 'turn_on',
          target: { entity_id: 'light.kitchen' },
          data: { brightness_pct: pct },
        }),
      ),
    );
    expect(answers.every((a) => !a.isError)).toBe(true);
    const calls = bridge.sim.callsFor('light.kitchen');
    expect(calls.map((c) => c.serviceData.brightness_pct)).toEqual(levels);
    expect(bridge.sim.maxConcurrentByEntity['light.kitchen']).toBe(1);
    for (let i = 1; i < calls.length; i++) {
      expect(calls[i]?.startedAt).toBeGreaterThanOrEqual(calls[i - 1]?.endedAt ?? Number.POSITIVE_INFINITY);
    }
    // The last write wins, as it should.
    expect(bridge.sim.hass.states.get('light.kitchen')?.attributes.brightness).toBe(255);
  });

  it('exclude a call on the whole area while it runs, and other entities are not held up', async () => {
    await using bridge = await startBridge({}, { latencyMs: 30 });
    bridge.sim.resetObservations();
    const write = (target: Record<string, unknown>, service = 'toggle') =>
      bridge.call('call_service', { domain: 'light', service, target });
    const answers = await Promise.all([
      write({ entity_id: 'light.kitchen' }),
      write({ area_id: 'kitchen' }, 'turn_off'),
      write({ entity_id: 'light.kitchen_under_cabinet' }),
      write({ entity_id: 'light.office_desk' }),
      write({ entity_id: 'light.kitchen' }),
    ]);
    expect(answers.every((a) => !a.isError)).toBe(true);
    expect(bridge.sim.maxConcurrentByEntity['light.kitchen']).toBe(1);
    expect(bridge.sim.maxConcurrentByEntity['light.kitchen_under_cabinet']).toBe(1);
    const office = bridge.sim.callsFor('light.office_desk')[0];
    const area = bridge.sim.calls.find((c) => c.entityIds.length === 2);
    // The office light did not wait for the kitchen's calls.
    expect(office?.startedAt).toBeLessThan(area?.endedAt ?? 0);
  });
});

describe('reads', () => {
  it('share one request to Home Assistant when identical reads arrive together', async () => {
    await using bridge = await startBridge({}, { latencyMs: 50 });
    bridge.sim.resetObservations();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => bridge.call('get_entity_state', { entity_id: 'sensor.home_power' })),
    );
    expect(new Set(answers.map((a) => JSON.stringify(a.structuredContent))).size).toBe(1);
    expect(bridge.sim.counters.rest).toEqual({ 'GET /api/states/{entity_id}': 1 });
  });

  it('never show the state from before a write made through the bridge', async () => {
    await using bridge = await startBridge();
    const state = async () =>
      (await bridge.call('get_entity_state', { entity_id: 'light.bedroom' })).structuredContent;
    const lights = async () =>
      (await bridge.call('get_entities', { domain: 'light' })).structuredContent.entities as {
        entity_id: string;
        state: string;
      }[];
    await bridge.call('call_service', {
      domain: 'light',
      service: 'turn_off',
      target: { entity_id: 'light.bedroom' },
    });
    expect((await state()).state).toBe('off');
    expect((await lights()).find((l) => l.entity_id === 'light.bedroom')?.state).toBe('off');
    // Both answers are now cached (10 s and 60 s)… once the write's own state_changed has come over
    // the WebSocket: arriving after the read above, it rightly drops the answer that read stored.
    await expect
      .poll(async () => (await bridge.call('get_entity_state', { entity_id: 'light.bedroom' }))._meta?.cached)
      .toBe(true);
    await bridge.call('call_service', {
      domain: 'light',
      service: 'turn_on',
      target: { entity_id: 'light.bedroom' },
    });
    // …and the write dropped them before it answered.
    expect((await state()).state).toBe('on');
    expect((await lights()).find((l) => l.entity_id === 'light.bedroom')?.state).toBe('on');
  });

  it('drop a cached answer as soon as Home Assistant reports a change made elsewhere', async () => {
    await using bridge = await startBridge();
    const cover = async () => bridge.call('get_entity_state', { entity_id: 'cover.living_room_blinds' });
    const sensors = async () => bridge.call('get_entities', { domain: 'sensor', limit: 200 });
    await cover();
    await sensors();
    expect((await cover())._meta).toMatchObject({ cached: true });
    const blinds = bridge.sim.hass.states.get('cover.living_room_blinds');
    // The other end of wherever the time of day has left them: a change to notice.
    const [next, position] = blinds?.state === 'closed' ? ['open', 100] : ['closed', 0];
    bridge.sim.setState('cover.living_room_blinds', next, {
      ...blinds?.attributes,
      current_position: position,
    });
    await expect.poll(async () => (await cover()).structuredContent.state).toBe(next);
    // The sensor list does not show the cover: it stayed cached.
    expect((await sensors())._meta).toMatchObject({ cached: true });
  });
});

describe('the concurrency limit on Home Assistant', () => {
  it('keeps at most HA_MAX_CONCURRENCY requests in flight and serves the queue by priority', async () => {
    await using bridge = await startBridge({ HA_MAX_CONCURRENCY: '1' }, { latencyMs: 60 });
    const finished: string[] = [];
    const track = (label: string, promise: Promise<unknown>) => promise.then(() => finished.push(label));
    const first = track('first', bridge.call('get_services'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const queued = [
      track('bulk', bridge.call('get_history', { entity_ids: 'sun.sun' })),
      track('high', bridge.call('get_entities', { domain: 'switch' })),
      track('critical', bridge.call('get_entity_state', { entity_id: 'lock.front_door' })),
    ];
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(bridge.health().queue.dependencies['home-assistant']).toMatchObject({
      running: 1,
      pending: 3,
      concurrency: 1,
    });
    expect(bridge.health().queue.by_priority).toMatchObject({ critical: 1, high: 1, bulk: 1 });
    await Promise.all([first, ...queued]);
    expect(finished).toEqual(['first', 'critical', 'high', 'bulk']);
  });
});

describe('the rate limit', () => {
  it('refuses a caller past its burst with -32005, not another caller', async () => {
    await using bridge = await startBridge({ HA_RATE_LIMIT_BURST: '3', HA_RATE_LIMIT_PER_S: '1' });
    for (let i = 0; i < 3; i++) await bridge.call('get_entity_state', { entity_id: 'sun.sun' });
    const refused = await bridge.refusal('get_entity_state', { entity_id: 'sun.sun' });
    expect(refused).toMatchObject({ code: -32005, data: { retry_after_s: expect.any(Number) } });
    const other = await bridge.call('get_entity_state', { entity_id: 'sun.sun' }, { apiKey: KEYS.reader });
    expect(other.isError).toBe(false);
  });
});
