import { describe, expect, it } from 'vitest';
import { Activity, type CallRecord } from '../src/activity.js';

const call = (outcome: CallRecord['outcome'], ms: number) =>
  ({
    kind: 'call',
    via: 'mcp',
    method: 'tools/call',
    service: 'weather',
    tool: 'get_forecast',
    duration_ms: ms,
    outcome,
    key_id: 'key_12345678',
    result: '{"secret":"only for its caller"}',
  }) as const;

describe('Activity', () => {
  it('keeps the last records in a bounded ring, in order', () => {
    const activity = new Activity(3);
    for (let i = 0; i < 5; i++) activity.add({ kind: 'event', service: 's', event: `e${i}`, payload: '{}' });
    const recent = activity.recent(undefined);
    expect(recent.map((r) => (r.kind === 'event' ? r.event : ''))).toEqual(['e2', 'e3', 'e4']);
    expect(recent.map((r) => r.seq)).toEqual([3, 4, 5]);
  });

  it('shows a call’s result only to a viewer with the same key', () => {
    const activity = new Activity();
    activity.add(call('ok', 2), 'digest-a');
    expect(activity.recent('digest-a')[0]).toMatchObject({ result: '{"secret":"only for its caller"}' });
    expect(activity.recent('digest-b')[0]).not.toHaveProperty('result');
    expect(JSON.stringify(activity.recent('digest-a'))).not.toContain('digest-a');
  });

  it('sums the calls of the last minute: rate, error rate, latency', () => {
    const activity = new Activity();
    activity.add(call('ok', 10), 'd');
    activity.add(call('tool_error', 20), 'd');
    activity.add(call('error', 30), 'd');
    activity.add(call('ok', 40), 'd');
    expect(activity.stats()).toMatchObject({
      calls: 4,
      error_rate: 0.25,
      avg_response_time_ms: 25,
      p50_response_time_ms: 30,
    });
  });
});
