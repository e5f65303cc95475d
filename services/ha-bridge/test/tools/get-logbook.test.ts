import { describe, expect, it } from 'vitest';
import { useBridge } from '../helpers.js';

const bridge = useBridge();

type Entry = { when: string; name?: string; message?: string; state?: string; entity_id?: string };

describe('get_logbook', () => {
  it('gives the latest entries of the last 24 hours, oldest first', async () => {
    const answer = await bridge.call('get_logbook', { limit: 10 });
    expect(answer.isError).toBe(false);
    const entries = answer.structuredContent.entries as Entry[];
    expect(entries).toHaveLength(10);
    expect(answer.structuredContent.truncated).toBe(true);
    const times = entries.map((e) => Date.parse(e.when));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(entries.every((e) => e.message || e.name)).toBe(true);
  });

  it('follows one entity and names what triggered a change', async () => {
    // The seeded coffee machine runs at breakfast time: off first, so the automation changes it.
    bridge.sim.setState('switch.coffee_machine', 'off');
    await bridge.call('trigger_automation', { entity_id: 'automation.good_morning' });
    const answer = await bridge.call('get_logbook', { entity_id: 'switch.coffee_machine' });
    const entries = answer.structuredContent.entries as Entry[];
    expect(entries.every((e) => e.entity_id === 'switch.coffee_machine')).toBe(true);
    expect(entries.at(-1)).toMatchObject({
      state: 'on',
      triggered_by: 'Good morning',
      trigger_event: 'automation_triggered',
    });
  });
});
