import { ServiceOfflineError } from '../client/errors.js';
import type { ServiceStatus } from '../client/services.js';
import { UnknownServiceError, UnknownToolError } from './errors.js';
import { closestMatch } from './suggest.js';

/**
 * The service a command names, checked against the retained discovery documents before anything
 * is sent: an unknown id fails at once with the known ids and the closest one; an offline service
 * fails with the time of its offline document.
 */
export function requireService(services: readonly ServiceStatus[], serviceId: string, method: string) {
  const status = services.find((s) => s.serviceId === serviceId);
  if (!status) {
    const ids = services.map((s) => s.serviceId);
    throw new UnknownServiceError(serviceId, services, closestMatch(serviceId, ids));
  }
  if (status.discovery.status === 'offline') {
    throw new ServiceOfflineError(serviceId, method, status.discovery.timestamp);
  }
  return status;
}

/** The tool must be one the service announces in its discovery document. */
export function requireTool(status: ServiceStatus, tool: string) {
  const tools = status.discovery.capabilities.tools;
  if (!tools.includes(tool)) {
    throw new UnknownToolError(status.serviceId, tool, tools, closestMatch(tool, tools));
  }
}
