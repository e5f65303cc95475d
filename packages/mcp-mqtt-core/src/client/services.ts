import { EventEmitter } from 'node:events';
import {
  type DiscoveryDocument,
  DiscoveryDocumentSchema,
  type Heartbeat,
  HeartbeatSchema,
} from '../protocol/mcp.js';

/** `up`: ready and beating; `stale`: ready but 3 heartbeats missed; `offline`: announced offline. */
export type ServiceState = 'up' | 'stale' | 'offline';

/** Why a service went down: its discovery document says offline, or its heartbeats stopped. */
export type DownReason = 'offline' | 'missed 3 heartbeats';

export interface ServiceStatus {
  serviceId: string;
  discovery: DiscoveryDocument;
  /** When the last heartbeat arrived (ms since the epoch), or when the service was first seen. */
  lastHeartbeat: number | undefined;
  /** The last heartbeat received, if any. */
  heartbeat: Heartbeat | undefined;
  up: boolean;
  state: ServiceState;
}

/** A client treats this many missed heartbeat intervals as down (design brief §3). */
export const MISSED_HEARTBEATS = 3;

/**
 * What a client knows of the services from their discovery documents and heartbeats. Emits `up`
 * (announced ready, or beating again after being stale), `down` (offline, or 3 missed heartbeats)
 * and `heartbeat` (every heartbeat of a known service).
 */
export class ServiceDirectory extends EventEmitter<{
  up: [ServiceStatus];
  down: [ServiceStatus, DownReason];
  heartbeat: [ServiceStatus, Heartbeat];
}> {
  private readonly services = new Map<string, ServiceStatus>();

  get(serviceId: string): ServiceStatus | undefined {
    return this.services.get(serviceId);
  }

  list(): ServiceStatus[] {
    return [...this.services.values()].sort((a, b) => a.serviceId.localeCompare(b.serviceId));
  }

  onDiscovery(serviceId: string, body: unknown) {
    const parsed = DiscoveryDocumentSchema.safeParse(body);
    if (!parsed.success) {
      // An empty retained message clears the topic: the service is gone for good.
      if (body === undefined) this.services.delete(serviceId);
      return;
    }
    const previous = this.services.get(serviceId);
    const ready = parsed.data.status === 'ready';
    const status: ServiceStatus = {
      serviceId,
      discovery: parsed.data,
      // Heartbeats are counted from when we first heard of the service, not from the retained
      // document's timestamp (which may be older than the last heartbeat interval).
      lastHeartbeat: previous?.lastHeartbeat ?? Date.now(),
      heartbeat: previous?.heartbeat,
      up: ready,
      state: ready ? 'up' : 'offline',
    };
    this.services.set(serviceId, status);
    if (status.up && !previous?.up) this.emit('up', status);
    if (!status.up && previous?.up !== false) this.emit('down', status, 'offline');
  }

  onHeartbeat(serviceId: string, body: unknown) {
    const parsed = HeartbeatSchema.safeParse(body);
    if (!parsed.success) return;
    const status = this.services.get(serviceId);
    if (!status) return;
    status.lastHeartbeat = Date.now();
    status.heartbeat = parsed.data;
    this.emit('heartbeat', status, parsed.data);
    if (!status.up && status.discovery.status === 'ready') {
      status.up = true;
      status.state = 'up';
      this.emit('up', status);
    }
  }

  /** Marks as stale every ready service that missed 3 heartbeat intervals. */
  checkHeartbeats(now = Date.now()) {
    for (const status of this.services.values()) {
      if (!status.up) continue;
      const last = status.lastHeartbeat ?? now;
      if (now - last > MISSED_HEARTBEATS * status.discovery.heartbeat_interval * 1000) {
        status.up = false;
        status.state = 'stale';
        this.emit('down', status, 'missed 3 heartbeats');
      }
    }
  }
}
