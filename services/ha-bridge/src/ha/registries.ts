import type { HaArea, HaDevice, HaEntityEntry } from './types.js';

export interface RegistrySnapshot {
  areas: readonly HaArea[];
  devices: readonly HaDevice[];
  entities: readonly HaEntityEntry[];
}

/** Lower case, accents and separators dropped: "Living room", "living_room", "Living-Room" match. */
export function normaliseName(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/**
 * Home Assistant's area, device and entity registries (loaded over the WebSocket, reloaded when
 * it announces a change). An entity's area is its own, or else its device's: Home Assistant's rule.
 */
export class Registries {
  private areasById = new Map<string, HaArea>();
  private devicesById = new Map<string, HaDevice>();
  private entitiesById = new Map<string, HaEntityEntry>();
  loaded = false;

  replace(snapshot: RegistrySnapshot): void {
    this.areasById = new Map(snapshot.areas.map((area) => [area.area_id, area]));
    this.devicesById = new Map(snapshot.devices.map((device) => [device.id, device]));
    this.entitiesById = new Map(snapshot.entities.map((entry) => [entry.entity_id, entry]));
    this.loaded = true;
  }

  areas(): HaArea[] {
    return [...this.areasById.values()];
  }

  entry(entityId: string): HaEntityEntry | undefined {
    return this.entitiesById.get(entityId);
  }

  device(deviceId: string): HaDevice | undefined {
    return this.devicesById.get(deviceId);
  }

  areaIdOf(entityId: string): string | undefined {
    const entry = this.entitiesById.get(entityId);
    if (!entry) return undefined;
    if (entry.area_id) return entry.area_id;
    return entry.device_id ? (this.devicesById.get(entry.device_id)?.area_id ?? undefined) : undefined;
  }

  areaOf(entityId: string): HaArea | undefined {
    const id = this.areaIdOf(entityId);
    return id === undefined ? undefined : this.areasById.get(id);
  }

  /** An area by id, name or alias (names compared loosely: case, accents, separators). */
  findArea(idOrName: string): HaArea | undefined {
    const exact = this.areasById.get(idOrName);
    if (exact) return exact;
    const wanted = normaliseName(idOrName);
    for (const area of this.areasById.values()) {
      if (normaliseName(area.area_id) === wanted || normaliseName(area.name) === wanted) return area;
    }
    for (const area of this.areasById.values()) {
      if (area.aliases.some((alias) => normaliseName(alias) === wanted)) return area;
    }
    return undefined;
  }

  /** Entities whose device is `deviceId`. */
  entitiesOfDevice(deviceId: string): string[] {
    const ids: string[] = [];
    for (const entry of this.entitiesById.values())
      if (entry.device_id === deviceId) ids.push(entry.entity_id);
    return ids;
  }

  /**
   * Entity ids that Home Assistant leaves out when a service targets an area or a device:
   * configuration and diagnostic entities, and hidden ones (helpers/service.py).
   */
  skippedByIndirectTarget(entityId: string): boolean {
    const entry = this.entitiesById.get(entityId);
    return Boolean(entry?.entity_category || entry?.hidden_by);
  }

  get counts() {
    return { areas: this.areasById.size, devices: this.devicesById.size, entities: this.entitiesById.size };
  }
}
