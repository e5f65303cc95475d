import { z } from 'zod';

/**
 * MCP protocol revisions this runtime speaks, newest first. Kept equal to the official SDK's
 * SUPPORTED_PROTOCOL_VERSIONS by a unit test, without loading the SDK into every service.
 */
export const SUPPORTED_PROTOCOL_VERSIONS = [
  '2025-11-25',
  '2025-06-18',
  '2025-03-26',
  '2024-11-05',
  '2024-10-07',
] as const;
export const LATEST_PROTOCOL_VERSION = SUPPORTED_PROTOCOL_VERSIONS[0];

/** The version of this MQTT binding announced in discovery (seed 000). */
export const MCP_MQTT_VERSION = '1.0';

export const DiscoveryStatusSchema = z.enum(['ready', 'offline']);

export const DiscoveryDocumentSchema = z.object({
  service_id: z.string(),
  name: z.string(),
  version: z.string(),
  description: z.string(),
  capabilities: z.object({
    tools: z.array(z.string()),
    resources: z.array(z.string()),
    events: z.array(z.string()),
  }),
  mcp_version: z.string(),
  status: DiscoveryStatusSchema,
  heartbeat_interval: z.number(),
  timestamp: z.string(),
});
export type DiscoveryDocument = z.infer<typeof DiscoveryDocumentSchema>;

export const HeartbeatSchema = z.object({
  service_id: z.string(),
  status: z.literal('alive'),
  uptime: z.number(),
  active_connections: z.number(),
  last_activity: z.string().nullable(),
  timestamp: z.string(),
});
export type Heartbeat = z.infer<typeof HeartbeatSchema>;

// Params of the methods, seed spellings accepted next to MCP's.
export const ListToolsParamsSchema = z.object({
  filter: z.string().optional(),
  cursor: z.string().optional(),
});
export const CallToolParamsSchema = z
  .object({
    name: z.string().min(1).optional(),
    tool_name: z.string().min(1).optional(),
    arguments: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((p) => p.name !== undefined || p.tool_name !== undefined, {
    message: 'name is required',
    path: ['name'],
  });
export const ListResourcesParamsSchema = z.object({
  resource_type: z.string().optional(),
  cursor: z.string().optional(),
});
export const ReadResourceParamsSchema = z
  .object({ resource_id: z.string().min(1).optional(), uri: z.string().min(1).optional() })
  .refine((p) => p.resource_id !== undefined || p.uri !== undefined, {
    message: 'uri or resource_id is required',
    path: ['uri'],
  });
export const InitializeParamsSchema = z.object({
  protocolVersion: z.string(),
  capabilities: z.record(z.string(), z.unknown()).optional(),
  clientInfo: z.object({ name: z.string(), version: z.string() }).loose().optional(),
});
