import type { DiscoveryDocument } from '../../src/protocol/mcp.js';
import { serviceTopics } from '../../src/protocol/topics.js';
import { rawClient } from './helpers.js';

/**
 * A retained discovery document with nobody behind it: a service that says it is ready but never
 * answers nor beats (what a crashed service leaves when its broker lost the Will, or a service
 * that does not answer callers without an API key). `clear()` removes the retained document.
 */
export async function announceSilentService(
  url: string,
  serviceId: string,
  options: { status?: 'ready' | 'offline'; heartbeatInterval?: number; tools?: string[] } = {},
) {
  const document: DiscoveryDocument = {
    service_id: serviceId,
    name: 'Silent',
    version: '0.0.1',
    description: 'Announced, never answers',
    capabilities: { tools: options.tools ?? ['echo'], resources: [], events: [] },
    mcp_version: '1.0',
    status: options.status ?? 'ready',
    heartbeat_interval: options.heartbeatInterval ?? 30,
    timestamp: new Date().toISOString(),
  };
  const topic = serviceTopics(serviceId).discovery;
  const client = await rawClient(url);
  try {
    await client.publishAsync(topic, JSON.stringify(document), { qos: 1, retain: true });
  } finally {
    await client.endAsync();
  }
  return {
    document,
    async clear() {
      const cleaner = await rawClient(url);
      try {
        await cleaner.publishAsync(topic, '', { qos: 1, retain: true });
      } finally {
        await cleaner.endAsync();
      }
    },
  };
}
