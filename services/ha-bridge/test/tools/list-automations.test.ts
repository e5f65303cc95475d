import { describe, expect, it } from 'vitest';
import { useBridge } from '../helpers.js';

const bridge = useBridge();

describe('list_automations', () => {
  it('lists the automations with their config id, state and mode', async () => {
    const answer = await bridge.call('list_automations');
    expect(answer.isError).toBe(false);
    expect(answer.structuredContent.automations).toEqual([
      expect.objectContaining({
        entity_id: 'automation.away_mode',
        name: 'Away mode',
        id: '1718000000004',
        mode: 'single',
      }),
      expect.objectContaining({ entity_id: 'automation.garage_door_left_open', state: 'on' }),
      expect.objectContaining({ entity_id: 'automation.good_morning', id: '1718000000002' }),
      expect.objectContaining({ entity_id: 'automation.hallway_motion_light', mode: 'restart' }),
    ]);
  });
});
