import { describe, expect, it } from 'vitest';
import { dashboardWidgetConfig } from '../../src/resources/dashboard-widget.js';

const options = {
  version: '1.2.3',
  eventTopic: 'mcp/docker-manager/events/container_state',
  manageableBy: 'x',
};

describe('docker_dashboard_widget', () => {
  it("has seed 000's widget shape", () => {
    const widget = dashboardWidgetConfig({ ...options, readOnly: false });
    expect(Object.keys(widget)).toEqual(
      expect.arrayContaining([
        'id',
        'name',
        'version',
        'device_types',
        'display',
        'sections',
        'interactions',
      ]),
    );
    expect(widget.display).toEqual({
      icon: expect.any(String),
      color: expect.stringMatching(/^hsl\(/),
      background_gradient: expect.stringMatching(/^linear-gradient\(/),
    });
    expect(widget.sections.map((s) => s.id)).toEqual(['containers', 'stacks', 'images']);
    expect(widget.version).toBe('1.2.3');
  });

  it('offers start/stop/restart on manageable rows, and none read-only', () => {
    const actions = (readOnly: boolean) =>
      dashboardWidgetConfig({ ...options, readOnly }).interactions.map((i) => i.action);
    expect(actions(false)).toEqual(
      expect.arrayContaining(['start_container', 'stop_container', 'restart_container']),
    );
    expect(actions(true)).toEqual(['list_containers', 'get_container_logs', 'container_stats']);
  });
});
