/**
 * Area, device and entity registries, serialized as `config/*_registry/list` sends them
 * (helpers/area_registry.py, device_registry.py `dict_repr`, entity_registry.py `as_partial_dict`).
 * An entity's area is its own `area_id`, else its device's: Home Assistant's rule, kept here because
 * service targets (`area_id`) resolve the same way.
 */
import { timestamp } from './clock.js';

export type AreaEntry = {
  areaId: string;
  name: string;
  icon: string | null;
  floorId: string | null;
  aliases: string[];
  temperatureEntityId: string | null;
  humidityEntityId: string | null;
  createdAt: number;
  modifiedAt: number;
};

export type DeviceEntry = {
  id: string;
  name: string;
  manufacturer: string | null;
  model: string | null;
  modelId: string | null;
  swVersion: string | null;
  hwVersion: string | null;
  serialNumber: string | null;
  areaId: string | null;
  configEntryId: string;
  identifiers: Array<[string, string]>;
  connections: Array<[string, string]>;
  viaDeviceId: string | null;
  nameByUser: string | null;
  createdAt: number;
  modifiedAt: number;
};

export type EntityEntry = {
  entityId: string;
  id: string;
  uniqueId: string;
  platform: string;
  deviceId: string | null;
  areaId: string | null;
  configEntryId: string | null;
  name: string | null;
  originalName: string | null;
  icon: string | null;
  hasEntityName: boolean;
  entityCategory: 'config' | 'diagnostic' | null;
  translationKey: string | null;
  disabledBy: string | null;
  hiddenBy: string | null;
  labels: string[];
  createdAt: number;
  modifiedAt: number;
};

export function areaJson(a: AreaEntry) {
  return {
    aliases: a.aliases,
    area_id: a.areaId,
    floor_id: a.floorId,
    humidity_entity_id: a.humidityEntityId,
    icon: a.icon,
    labels: [],
    name: a.name,
    picture: null,
    temperature_entity_id: a.temperatureEntityId,
    created_at: timestamp(a.createdAt),
    modified_at: timestamp(a.modifiedAt),
  };
}

export function deviceJson(d: DeviceEntry) {
  return {
    area_id: d.areaId,
    configuration_url: null,
    config_entries: [d.configEntryId],
    config_entries_subentries: { [d.configEntryId]: [null] },
    connections: d.connections,
    created_at: timestamp(d.createdAt),
    disabled_by: null,
    entry_type: null,
    hw_version: d.hwVersion,
    id: d.id,
    identifiers: d.identifiers,
    labels: [],
    manufacturer: d.manufacturer,
    model: d.model,
    model_id: d.modelId,
    modified_at: timestamp(d.modifiedAt),
    name_by_user: d.nameByUser,
    name: d.name,
    primary_config_entry: d.configEntryId,
    serial_number: d.serialNumber,
    sw_version: d.swVersion,
    via_device_id: d.viaDeviceId,
  };
}

export function entityJson(e: EntityEntry) {
  return {
    area_id: e.areaId,
    categories: {},
    config_entry_id: e.configEntryId,
    config_subentry_id: null,
    created_at: timestamp(e.createdAt),
    device_id: e.deviceId,
    disabled_by: e.disabledBy,
    entity_category: e.entityCategory,
    entity_id: e.entityId,
    has_entity_name: e.hasEntityName,
    hidden_by: e.hiddenBy,
    icon: e.icon,
    id: e.id,
    labels: e.labels,
    modified_at: timestamp(e.modifiedAt),
    name: e.name,
    options: {},
    original_name: e.originalName,
    platform: e.platform,
    translation_key: e.translationKey,
    unique_id: e.uniqueId,
  };
}

export class Registries {
  readonly areas = new Map<string, AreaEntry>();
  readonly devices = new Map<string, DeviceEntry>();
  readonly entities = new Map<string, EntityEntry>();

  /** The area of an entity: its own, else its device's (null when neither has one). */
  areaOf(entityId: string): string | null {
    const entry = this.entities.get(entityId);
    if (!entry) return null;
    if (entry.areaId) return entry.areaId;
    return entry.deviceId ? (this.devices.get(entry.deviceId)?.areaId ?? null) : null;
  }

  entitiesInArea(areaId: string): string[] {
    return [...this.entities.keys()].filter((id) => this.areaOf(id) === areaId);
  }

  entitiesOfDevice(deviceId: string): string[] {
    return [...this.entities.values()].filter((e) => e.deviceId === deviceId).map((e) => e.entityId);
  }
}
