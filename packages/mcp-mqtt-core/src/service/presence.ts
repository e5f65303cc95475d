import type { DiscoveryDocument, Heartbeat } from '../protocol/mcp.js';
import { MCP_MQTT_VERSION } from '../protocol/mcp.js';

export interface PresenceInfo {
  serviceId: string;
  name: string;
  version: string;
  description: string;
  tools: string[];
  resources: string[];
  events: string[];
  heartbeatIntervalS: number;
}

/** The retained capability document; the Last Will is the same with `status: "offline"`. */
export function discoveryDocument(info: PresenceInfo, status: 'ready' | 'offline'): DiscoveryDocument {
  return {
    service_id: info.serviceId,
    name: info.name,
    version: info.version,
    description: info.description,
    capabilities: { tools: info.tools, resources: info.resources, events: info.events },
    mcp_version: MCP_MQTT_VERSION,
    status,
    heartbeat_interval: info.heartbeatIntervalS,
    timestamp: new Date().toISOString(),
  };
}

export function heartbeat(
  serviceId: string,
  startedAt: number,
  activeConnections: number,
  lastActivity: number | undefined,
): Heartbeat {
  return {
    service_id: serviceId,
    status: 'alive',
    uptime: Math.round((Date.now() - startedAt) / 1000),
    active_connections: activeConnections,
    last_activity: lastActivity === undefined ? null : new Date(lastActivity).toISOString(),
    timestamp: new Date().toISOString(),
  };
}
