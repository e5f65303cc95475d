import { describe, expect, it } from 'vitest';
import { useBridge } from '../helpers.js';

const bridge = useBridge();

type History = {
  start: string;
  end: string;
  entities: {
    entity_id: string;
    unit?: string;
    changes: number;
    truncated: boolean;
    points: { state: string; at: string }[];
    summary?: { min: number; max: number; mean: number; last: number };
  }[];
};
const HOUR = 3_600_000;

describe('get_history', () => {
  it('covers the last 24 hours without a start, thinned to max_points, with a numeric summary', async () => {
    const answer = await bridge.call('get_history', {
      entity_ids: 'sensor.outdoor_temperature',
      max_points: 20,
    });
    expect(answer.isError).toBe(false);
    const history = answer.structuredContent as History;
    const span = Date.parse(history.end) - Date.parse(history.start);
    expect(span).toBe(24 * HOUR);
    expect(Math.abs(Date.parse(history.end) - Date.now())).toBeLessThan(10_000);
    const [sensor] = history.entities;
    // One reading every 10 minutes over 24 hours: far more than 20.
    expect(sensor?.changes).toBeGreaterThan(100);
    expect(sensor).toMatchObject({ entity_id: 'sensor.outdoor_temperature', unit: '°C', truncated: true });
    expect(sensor?.points).toHaveLength(20);
    // Evenly thinned, in time order, the last point the current state.
    const times = sensor?.points.map((p) => Date.parse(p.at)) ?? [];
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const current = bridge.sim.hass.states.get('sensor.outdoor_temperature');
    expect(sensor?.points.at(-1)?.state).toBe(current?.state);
    expect(sensor?.summary?.last).toBe(Number(current?.state));
    expect(sensor?.summary?.min).toBeLessThanOrEqual(sensor?.summary?.max ?? -1);
  });

  it('takes several entities and a period', async () => {
    const end = new Date(Date.now() - 2 * HOUR).toISOString();
    const start = new Date(Date.now() - 8 * HOUR).toISOString();
    const answer = await bridge.call('get_history', {
      entity_ids: ['light.office_desk', 'binary_sensor.hallway_motion'],
      start,
      end,
    });
    const history = answer.structuredContent as History;
    expect(history.start).toBe(start);
    expect(history.end).toBe(end);
    expect(history.entities.map((e) => e.entity_id)).toEqual([
      'light.office_desk',
      'binary_sensor.hallway_motion',
    ]);
    for (const entity of history.entities) {
      expect(entity.summary).toBeUndefined();
      for (const point of entity.points) {
        expect(Date.parse(point.at)).toBeGreaterThanOrEqual(Date.parse(start));
        expect(Date.parse(point.at)).toBeLessThanOrEqual(Date.parse(end));
      }
    }
  });

  it('refuses a reversed period and one over 7 days', async () => {
    const now = Date.now();
    const reversed = await bridge.call('get_history', {
      entity_ids: 'sun.sun',
      start: new Date(now).toISOString(),
      end: new Date(now - HOUR).toISOString(),
    });
    expect(reversed).toMatchObject({
      isError: true,
      structuredContent: { error: 'start must be before end' },
    });
    const long = await bridge.call('get_history', {
      entity_ids: 'sun.sun',
      start: new Date(now - 8 * 24 * HOUR).toISOString(),
    });
    expect(long.structuredContent.error).toMatch(/longer than 7 days/);
  });

  it('refuses more than 10 entities and dates without a time zone with -32602', async () => {
    const many = Array.from({ length: 11 }, (_, i) => `sensor.s${i}`);
    expect(await bridge.refusal('get_history', { entity_ids: many })).toMatchObject({ code: -32602 });
    expect(
      await bridge.refusal('get_history', { entity_ids: 'sun.sun', start: '2025-01-01 10:00' }),
    ).toMatchObject({
      code: -32602,
      data: { param: 'start' },
    });
  });
});
