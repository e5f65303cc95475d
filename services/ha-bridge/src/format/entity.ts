import type { Registries } from '../ha/registries.js';
import { domainOf } from '../ha/types.js';
import { boundValue } from './bounds.js';

/** The parts of a state the bridge reads (REST and WebSocket states share them). */
export interface StateLike {
  entity_id: string;
  state: string;
  attributes: Record<string, unknown>;
  last_changed: string;
  last_updated?: string;
}

/**
 * Per domain, the attributes an assistant needs to understand and act on an entity; everything
 * else (supported_features bit masks, color spaces, icons, entity pictures) stays out of compact
 * answers. `unit_of_measurement` and `device_class` are kept for every domain.
 */
const KEY_ATTRIBUTES: Record<string, readonly string[]> = {
  light: ['brightness', 'color_mode', 'color_temp_kelvin', 'hs_color', 'effect'],
  climate: [
    'hvac_action',
    'current_temperature',
    'temperature',
    'target_temp_low',
    'target_temp_high',
    'current_humidity',
    'preset_mode',
    'hvac_modes',
    'min_temp',
    'max_temp',
  ],
  cover: ['current_position', 'current_tilt_position'],
  fan: ['percentage', 'preset_mode', 'oscillating', 'direction'],
  media_player: ['volume_level', 'is_volume_muted', 'media_title', 'media_artist', 'source'],
  lock: ['changed_by'],
  alarm_control_panel: ['changed_by', 'code_arm_required'],
  sensor: ['state_class'],
  weather: ['temperature', 'humidity', 'wind_speed', 'pressure', 'temperature_unit', 'wind_speed_unit'],
  automation: ['id', 'last_triggered', 'mode'],
  script: ['last_triggered', 'mode'],
  input_number: ['min', 'max', 'step'],
  input_select: ['options'],
  select: ['options'],
  person: ['source'],
  sun: ['next_rising', 'next_setting', 'elevation'],
  vacuum: ['battery_level', 'fan_speed'],
  water_heater: ['temperature', 'current_temperature', 'operation_mode'],
  humidifier: ['humidity', 'current_humidity', 'mode'],
};
const COMMON_ATTRIBUTES = ['unit_of_measurement', 'device_class'];

export type AttributeDetail = 'compact' | 'all';

export interface CompactEntity {
  entity_id: string;
  name: string;
  state: string;
  area?: string;
  attributes?: Record<string, unknown>;
  last_changed: string;
}

/** The friendly name, else the registry's name, else the object id in words. */
export function entityName(state: StateLike, registries: Registries): string {
  const friendly = state.attributes.friendly_name;
  if (typeof friendly === 'string' && friendly) return friendly;
  const entry = registries.entry(state.entity_id);
  return (
    entry?.name ??
    entry?.original_name ??
    state.entity_id.slice(state.entity_id.indexOf('.') + 1).replaceAll('_', ' ')
  );
}

/**
 * An entity as the tools answer it: id, name, state, area (its own or its device's), the
 * attributes that matter for its domain (or all of them, each value bounded) and when it last
 * changed.
 */
export function compactEntity(
  state: StateLike,
  registries: Registries,
  detail: AttributeDetail = 'compact',
): CompactEntity {
  const area = registries.areaOf(state.entity_id);
  const attributes: Record<string, unknown> = {};
  if (detail === 'all') {
    for (const [key, value] of Object.entries(state.attributes)) {
      if (key !== 'friendly_name') attributes[key] = boundValue(value);
    }
  } else {
    for (const key of [...COMMON_ATTRIBUTES, ...(KEY_ATTRIBUTES[domainOf(state.entity_id)] ?? [])]) {
      const value = state.attributes[key];
      if (value !== undefined && value !== null) attributes[key] = boundValue(value);
    }
  }
  return {
    entity_id: state.entity_id,
    name: entityName(state, registries),
    state: state.state,
    ...(area ? { area: area.name } : {}),
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
    last_changed: state.last_changed,
  };
}
