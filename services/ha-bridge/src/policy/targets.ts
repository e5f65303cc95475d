import { ToolError } from '@neurhomia/mcp-mqtt-core';
import type { LiveStates } from '../ha/live-states.js';
import type { Registries } from '../ha/registries.js';
import { domainOf } from '../ha/types.js';
import type { Exposure } from './exposure.js';
import { ENTITY_ID } from './patterns.js';
import { isSensitive } from './sensitive.js';

/** What a service call names: `target`, plus the same keys inside `data` (Home Assistant accepts both). */
export interface ServiceTargetInput {
  domain: string;
  service: string;
  target?:
    | { entity_id?: string | string[]; device_id?: string | string[]; area_id?: string | string[] }
    | undefined;
  data?: Record<string, unknown> | undefined;
}

export interface ResolvedTarget {
  /** The entities the call acts on, sorted; empty when it names none (e.g. `notify.notify`). */
  entityIds: string[];
  /** What Home Assistant receives: `data` with every target key replaced by `entity_id`. */
  body: Record<string, unknown>;
  /** The entities among them that need ha:admin. */
  sensitive: string[];
}

export interface World {
  states: LiveStates;
  registries: Registries;
  exposure: Exposure;
}

const TARGET_KEYS = ['entity_id', 'device_id', 'area_id', 'floor_id', 'label_id'] as const;
/** More entities than any sensible single call; bounds the lock set and the request. */
export const MAX_TARGET_ENTITIES = 200;

/** `"light.a, light.b"`, `["light.a"]`: Home Assistant's comp_entity_ids accepts both. */
function values(value: unknown, key: string): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value];
  return items.map((item) => {
    if (typeof item !== 'string') throw new ToolError(`${key} must be a string or a list of strings`);
    return item.trim();
  });
}

/**
 * Resolves a service call's target to the visible entities it acts on, the way Home Assistant
 * would (an area or device means its entities of the service's domain, leaving out hidden,
 * configuration and diagnostic ones), so that exposure rules and ha:admin apply to each of them
 * and Home Assistant receives an explicit `entity_id` list. A hidden entity is reported as not
 * found; an unknown area names the known ones.
 */
export function resolveServiceTarget(input: ServiceTargetInput, world: World): ResolvedTarget {
  const { states, registries, exposure } = world;
  const body: Record<string, unknown> = { ...input.data };
  const named: Record<(typeof TARGET_KEYS)[number], string[]> = {
    entity_id: [],
    device_id: [],
    area_id: [],
    floor_id: [],
    label_id: [],
  };
  for (const key of TARGET_KEYS) {
    named[key].push(...values(body[key], key));
    delete body[key];
  }
  for (const key of ['entity_id', 'device_id', 'area_id'] as const) {
    named[key].push(...values(input.target?.[key], key));
  }
  if (named.floor_id.length > 0 || named.label_id.length > 0) {
    throw new ToolError(
      'floor_id and label_id targets are not supported: name the entities, devices or areas',
    );
  }
  const targeted = TARGET_KEYS.some((key) => named[key].length > 0);
  const problems: string[] = [];
  const entities = new Set<string>();
  // Area and device targets reach the entities of the service's domain (any domain for
  // homeassistant.* and domains without entities, such as notify).
  const domainHasEntities = [...states.values()].some((s) => domainOf(s.entity_id) === input.domain);
  const indirect = (entityId: string) =>
    exposure.visible(entityId) &&
    !registries.skippedByIndirectTarget(entityId) &&
    (!domainHasEntities || domainOf(entityId) === input.domain);

  for (const raw of named.entity_id) {
    const entityId = raw.toLowerCase();
    if (entityId === 'none') continue;
    if (entityId === 'all') {
      if (!domainHasEntities)
        problems.push(`entity_id "all" needs a service of an entity domain, not ${input.domain}`);
      for (const state of states.values()) {
        if (domainOf(state.entity_id) === input.domain && exposure.visible(state.entity_id))
          entities.add(state.entity_id);
      }
    } else if (!ENTITY_ID.test(entityId)) problems.push(`"${raw}" is not an entity id (domain.object_id)`);
    else if (!exposure.visible(entityId) || (states.loaded && !states.get(entityId)))
      problems.push(`entity ${entityId} not found`);
    else entities.add(entityId);
  }
  if ((named.area_id.length > 0 || named.device_id.length > 0) && !registries.loaded) {
    throw new ToolError(
      "areas and devices are not known yet (Home Assistant's WebSocket is not connected): name the entities",
    );
  }
  for (const raw of named.area_id) {
    const area = registries.findArea(raw);
    if (!area) {
      const known = registries
        .areas()
        .map((a) => a.name)
        .join(', ');
      problems.push(`area "${raw}" not found (areas: ${known || 'none'})`);
      continue;
    }
    for (const entityId of states.ids()) {
      if (registries.areaIdOf(entityId) === area.area_id && indirect(entityId)) entities.add(entityId);
    }
  }
  for (const deviceId of named.device_id) {
    const ids = registries.device(deviceId) ? registries.entitiesOfDevice(deviceId).filter(indirect) : [];
    if (ids.length === 0) problems.push(`device ${deviceId} not found or without visible entities`);
    for (const id of ids) entities.add(id);
  }
  if (problems.length > 0)
    throw new ToolError(`cannot call ${input.domain}.${input.service}: ${problems.join('; ')}`);
  if (targeted && entities.size === 0) {
    throw new ToolError(`the target of ${input.domain}.${input.service} matches no visible entity`);
  }
  if (entities.size > MAX_TARGET_ENTITIES) {
    throw new ToolError(
      `the target matches ${entities.size} entities; at most ${MAX_TARGET_ENTITIES} per call`,
    );
  }
  const entityIds = [...entities].sort();
  if (entityIds.length > 0) body.entity_id = entityIds;
  return { entityIds, body, sensitive: entityIds.filter((id) => isSensitive(id, states.get(id))) };
}

/**
 * The entity ids a call names outright, for a conservative permission check when the full
 * resolution fails (the handler then reports why): a named lock still needs ha:admin.
 */
export function namedEntityIds(input: ServiceTargetInput): string[] {
  const ids: string[] = [];
  for (const source of [input.target?.entity_id, input.data?.entity_id]) {
    try {
      ids.push(...values(source, 'entity_id').map((id) => id.toLowerCase()));
    } catch {
      // Not strings: the resolution reports it.
    }
  }
  return ids;
}
