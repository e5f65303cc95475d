import { ToolError } from '@neurhomia/mcp-mqtt-core';
import { entityName } from '../format/entity.js';
import { normaliseName } from '../ha/registries.js';
import { domainOf, type HaState } from '../ha/types.js';
import { type Bridge, byEntityId, visibleStates } from './common.js';

export interface EntityQuery {
  domain?: string | undefined;
  area?: string | undefined;
  search?: string | undefined;
}

/** The words an entity can be found by: its id, its name and its area's name. */
export function searchText(bridge: Bridge, state: HaState): string {
  const area = bridge.link.registries.areaOf(state.entity_id)?.name ?? '';
  return normaliseName(`${state.entity_id} ${entityName(state, bridge.link.registries)} ${area}`);
}

/** The area an `area` argument names (name, id or alias), or a ToolError naming the known ones. */
export function areaIdOf(bridge: Bridge, area: string): string {
  const { registries } = bridge.link;
  if (!registries.loaded) {
    throw new ToolError(
      `areas are not known yet: ${bridge.link.reason ?? "Home Assistant's WebSocket is not connected"}`,
    );
  }
  const found = registries.findArea(area);
  if (!found) {
    const known = registries
      .areas()
      .map((a) => a.name)
      .sort()
      .join(', ');
    throw new ToolError(`area "${area}" not found (areas: ${known || 'none'})`, { data: { area } });
  }
  return found.area_id;
}

/** The visible entities a query matches, sorted by entity id. Every word of `search` must match. */
export function matchEntities(bridge: Bridge, states: readonly HaState[], query: EntityQuery): HaState[] {
  const areaId = query.area === undefined ? undefined : areaIdOf(bridge, query.area);
  const words = query.search ? normaliseName(query.search).split(' ').filter(Boolean) : [];
  return visibleStates(bridge, states)
    .filter((state) => query.domain === undefined || domainOf(state.entity_id) === query.domain)
    .filter((state) => areaId === undefined || bridge.link.registries.areaIdOf(state.entity_id) === areaId)
    .filter((state) => {
      if (words.length === 0) return true;
      const text = searchText(bridge, state);
      return words.every((word) => text.includes(word));
    })
    .sort(byEntityId);
}
