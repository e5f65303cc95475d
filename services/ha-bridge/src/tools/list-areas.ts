import { defineTool, ToolError } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import { domainOf } from '../ha/types.js';
import { HA_READ } from '../policy/sensitive.js';
import { type Bridge, CATEGORY, READ_ANNOTATIONS, READ_TIMEOUT_MS, rateLimit } from './common.js';

/**
 * The areas, from the registries the bridge keeps live over the WebSocket (no request to Home
 * Assistant), each with how many visible entities of each domain it holds.
 */
export function createListAreasTool(bridge: Bridge) {
  return defineTool({
    name: 'list_areas',
    description:
      'The areas (rooms) of the home: id, name, aliases, floor, and how many entities of each domain are in ' +
      'each. Use an area name or id as `area` in get_entities, or as a call_service target.',
    category: CATEGORY,
    input: z.object({}),
    permissions: [HA_READ],
    annotations: { ...READ_ANNOTATIONS, title: 'Areas' },
    priority: 'high',
    timeoutMs: READ_TIMEOUT_MS,
    rateLimit: rateLimit(bridge.config),
    handler: () => {
      const { link } = bridge;
      link.assertUsable();
      if (!link.registries.loaded) {
        throw new ToolError(
          `areas are not known yet: ${link.reason ?? "Home Assistant's WebSocket is not connected"}`,
        );
      }
      const counts = new Map<string, Record<string, number>>();
      let unassigned = 0;
      for (const entityId of link.states.ids()) {
        if (!bridge.exposure.visible(entityId)) continue;
        const areaId = link.registries.areaIdOf(entityId);
        if (areaId === undefined) {
          unassigned += 1;
          continue;
        }
        const domains = counts.get(areaId) ?? {};
        domains[domainOf(entityId)] = (domains[domainOf(entityId)] ?? 0) + 1;
        counts.set(areaId, domains);
      }
      const areas = link.registries
        .areas()
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((area) => {
          const domains = counts.get(area.area_id) ?? {};
          return {
            area_id: area.area_id,
            name: area.name,
            ...(area.aliases.length > 0 ? { aliases: area.aliases } : {}),
            ...(area.floor_id ? { floor_id: area.floor_id } : {}),
            entity_count: Object.values(domains).reduce((sum, n) => sum + n, 0),
            domains,
          };
        });
      return {
        count: areas.length,
        areas,
        entities_without_area: unassigned,
        ...(link.states.live ? {} : { live: false, note: `not live: ${link.reason ?? 'disconnected'}` }),
      };
    },
  });
}
