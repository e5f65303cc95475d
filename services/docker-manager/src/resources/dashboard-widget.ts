import { defineResource } from '@neurhomia/mcp-mqtt-core';
import { CONTAINER_STATE_EVENT } from '../events/container-state.js';

export interface DashboardWidgetOptions {
  version: string;
  /** Where container_state events go out (`ctx.events.topic(…)`). */
  eventTopic: string;
  /** DOCKER_READ_ONLY: the widget offers no start/stop/restart. */
  readOnly: boolean;
  /** How a container becomes manageable, in words (SafetyPolicy.describeScope). */
  manageableBy: string;
}

/**
 * Seed 000's widget shape (`id, name, version, device_types, display, sections, interactions`) for
 * the Docker service: containers, compose stacks and images, refreshed from the tools and kept
 * live by container_state events. Every `action` names a tool of this service; the lifecycle ones
 * apply to a row (`{id}`) and only to rows with `manageable: true`, and are left out read-only.
 */
export function dashboardWidgetConfig(options: DashboardWidgetOptions) {
  const row = { id: '{id}' };
  const lifecycle = options.readOnly
    ? []
    : [
        { type: 'start', action: 'start_container', icon: 'play', arguments: row, when: 'manageable' },
        {
          type: 'stop',
          action: 'stop_container',
          icon: 'square',
          arguments: row,
          when: 'manageable',
          confirm: 'Stop {name}?',
        },
        {
          type: 'restart',
          action: 'restart_container',
          icon: 'rotate-cw',
          arguments: row,
          when: 'manageable',
          confirm: 'Restart {name}?',
        },
      ];
  return {
    id: 'docker_dashboard_widget',
    name: 'Docker Dashboard',
    version: options.version,
    device_types: ['docker', 'container'],
    read_only: options.readOnly,
    manageable_by: options.manageableBy,
    display: {
      icon: 'container',
      color: 'hsl(205, 85%, 45%)',
      background_gradient: 'linear-gradient(135deg, hsl(205, 85%, 45%), hsl(225, 70%, 55%))',
    },
    sections: [
      {
        id: 'containers',
        title: 'Containers',
        type: 'list',
        source: { tool: 'list_containers', arguments: { all: true }, items: 'containers' },
        event: { name: CONTAINER_STATE_EVENT, topic: options.eventTopic, match: 'id' },
        fields: [
          { key: 'name', label: 'Name', type: 'text' },
          { key: 'image', label: 'Image', type: 'text' },
          { key: 'state', label: 'State', type: 'status' },
          { key: 'health', label: 'Health', type: 'status' },
          { key: 'status', label: 'Status', type: 'text' },
          { key: 'compose_project', label: 'Stack', type: 'text' },
          { key: 'manageable', label: 'Manageable', type: 'boolean' },
        ],
      },
      {
        id: 'stacks',
        title: 'Stacks',
        type: 'list',
        source: { tool: 'list_stacks', arguments: {}, items: 'stacks' },
        fields: [
          { key: 'project', label: 'Project', type: 'text' },
          { key: 'running', label: 'Running', type: 'number' },
          { key: 'total', label: 'Total', type: 'number' },
        ],
      },
      {
        id: 'images',
        title: 'Images',
        type: 'list',
        max_items: 10,
        source: { tool: 'list_images', arguments: { limit: 10 }, items: 'images' },
        fields: [
          { key: 'tags', label: 'Tags', type: 'list' },
          { key: 'size_bytes', label: 'Size', type: 'number', unit: 'B', format: 'bytes' },
          { key: 'created', label: 'Created', type: 'date' },
        ],
      },
    ],
    interactions: [
      { type: 'refresh', action: 'list_containers', icon: 'refresh-cw', arguments: { all: true } },
      { type: 'logs', action: 'get_container_logs', icon: 'scroll-text', arguments: { ...row, lines: 100 } },
      { type: 'stats', action: 'container_stats', icon: 'activity', arguments: row },
      ...lifecycle,
    ],
  };
}

export function createDashboardWidgetResource(options: DashboardWidgetOptions) {
  const config = dashboardWidgetConfig(options);
  return defineResource({
    id: 'docker_dashboard_widget',
    name: 'Docker Dashboard',
    description:
      'Dashboard widget: containers (live through container_state events), compose stacks and images, ' +
      'with logs, stats and — unless read-only — start/stop/restart actions',
    type: 'widget',
    permissions: ['docker:read'],
    read: () => config,
  });
}
