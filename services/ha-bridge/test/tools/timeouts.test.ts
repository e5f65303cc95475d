import { describe, expect, it } from 'vitest';
import { useBridge } from '../helpers.js';

const bridge = useBridge();

/** The timeouts of the README's table: 10 s for reads, 30 s for writes, 60 s for the long ones. */
describe('tool timeouts', () => {
  it('are the documented ones for every tool', () => {
    const timeouts = Object.fromEntries(
      bridge.server.core.parts.tools.map((tool) => [tool.name, tool.timeoutMs]),
    );
    expect(timeouts).toEqual({
      get_entity_state: 10_000,
      get_entities: 10_000,
      search_entities: 10_000,
      domain_summary: 10_000,
      list_areas: 10_000,
      list_automations: 10_000,
      get_services: 10_000,
      get_history: 60_000,
      get_logbook: 60_000,
      render_template: 10_000,
      call_service: 30_000,
      trigger_automation: 30_000,
      create_automation: 60_000,
    });
  });
});
