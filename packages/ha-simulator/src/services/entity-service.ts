/**
 * Entity services (helpers/service.py entity_service_call, config_validation
 * make_entity_service_schema): targets by entity, device or area; an entity lacking a required
 * feature is refused when named explicitly and skipped when reached through an area or device.
 */
import { ServiceNotSupported } from '../errors.js';
import type { Hass } from '../hass.js';
import type { State } from '../state-machine.js';
import { cvString, entityIds, type Fields, Invalid, schema, type Validator } from '../validation.js';
import type {
  ServiceCall,
  ServiceDefinition,
  ServiceDescription,
  ServiceResponse,
  SupportsResponse,
} from './registry.js';

/** `cv.comp_entity_ids`: "all", "none" or entity ids. */
const compEntityIds: Validator<string[] | 'all' | 'none'> = (v, path) => {
  if (typeof v === 'string' && ['all', 'none'].includes(v.toLowerCase()))
    return v.toLowerCase() as 'all' | 'none';
  return entityIds(v, path);
};

const idList: Validator<string[]> = (v, path) => {
  if (v === 'none') return [];
  const items = Array.isArray(v) ? v : [v];
  if (items.some((x) => x === null || typeof x === 'object'))
    throw new Invalid('value should be a string', path);
  return items.map((x) => cvString(x, path));
};

export const ENTITY_SERVICE_FIELDS: Fields = {
  entity_id: { validator: compEntityIds },
  device_id: { validator: idList },
  area_id: { validator: idList },
  floor_id: { validator: idList },
  label_id: { validator: idList },
};

export type Targets = { all: boolean; explicit: string[]; referenced: string[] };

/** Entities a call refers to: named ones, plus those of the named devices and areas. */
export function resolveTargets(hass: Hass, data: Record<string, unknown>): Targets {
  const entity = data.entity_id;
  const all = entity === 'all';
  const explicit = Array.isArray(entity)
    ? entity.map(String)
    : typeof entity === 'string' && !['all', 'none'].includes(entity)
      ? entity.split(',').map((s) => s.trim().toLowerCase())
      : [];
  const referenced = new Set(explicit);
  const list = (key: string) => {
    const value = data[key];
    return Array.isArray(value)
      ? value.map(String)
      : typeof value === 'string' && value !== 'none'
        ? [value]
        : [];
  };
  for (const deviceId of list('device_id')) {
    for (const id of hass.registries.entitiesOfDevice(deviceId)) referenced.add(id);
  }
  for (const areaId of list('area_id'))
    for (const id of hass.registries.entitiesInArea(areaId)) referenced.add(id);
  for (const floorId of list('floor_id')) {
    for (const area of hass.registries.areas.values()) {
      if (area.floorId === floorId)
        for (const id of hass.registries.entitiesInArea(area.areaId)) referenced.add(id);
    }
  }
  return { all, explicit, referenced: [...referenced] };
}

export type EntityServiceSpec = {
  domain: string;
  service: string;
  description: Omit<ServiceDescription, 'target'>;
  fields?: Fields;
  /** Feature bits an entity must all support (its `supported_features` attribute). */
  requiredFeatures?: number;
  supportsResponse?: SupportsResponse;
  run: (state: State, params: Record<string, unknown>, call: ServiceCall) => unknown | Promise<unknown>;
};

export function supportedFeatures(state: State): number {
  const value = state.attributes.supported_features;
  return typeof value === 'number' ? value : 0;
}

export function entityService(hass: Hass, spec: EntityServiceSpec): ServiceDefinition {
  const supportsResponse = spec.supportsResponse ?? 'none';
  return {
    schema: schema({ ...ENTITY_SERVICE_FIELDS, ...(spec.fields ?? {}) }),
    supportsResponse,
    description: { ...spec.description, target: { entity: [{ domain: [spec.domain] }] } },
    handler: async (call) => {
      const params = Object.fromEntries(
        Object.entries(call.data).filter(([key]) => !(key in ENTITY_SERVICE_FIELDS)),
      );
      const targets = resolveTargets(hass, call.data);
      const candidates = targets.all
        ? hass.states.all(spec.domain)
        : targets.referenced
            .filter((id) => id.startsWith(`${spec.domain}.`))
            .map((id) => hass.states.get(id))
            .filter((s): s is State => s !== undefined);
      const responses: ServiceResponse = {};
      for (const state of candidates) {
        const required = spec.requiredFeatures ?? 0;
        if (required && (supportedFeatures(state) & required) !== required) {
          if (targets.explicit.includes(state.entityId)) {
            throw new ServiceNotSupported(call.domain, call.service, state.entityId);
          }
          continue;
        }
        const current = hass.states.get(state.entityId) ?? state;
        responses[state.entityId] = (await spec.run(current, params, call)) ?? null;
      }
      return supportsResponse === 'none' ? undefined : responses;
    },
  };
}

export function registerEntityServices(hass: Hass, specs: EntityServiceSpec[]): void {
  for (const spec of specs) hass.services.register(spec.domain, spec.service, entityService(hass, spec));
}

/** Write a new state for an entity, keeping its other attributes, in the caller's context. */
export function writeState(
  hass: Hass,
  state: State,
  value: string,
  changes: Record<string, unknown>,
  call: ServiceCall,
): State {
  return hass.states.set(
    state.entityId,
    value,
    { ...state.attributes, ...changes },
    { context: call.context },
  );
}
