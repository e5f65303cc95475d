export { type CallToolResult, McpMqttClient, type McpMqttClientOptions } from './client.js';
export { ConnectionLostError, RemoteError, RequestTimeoutError, ServiceOfflineError } from './errors.js';
export {
  type DownReason,
  MISSED_HEARTBEATS,
  type ServiceState,
  type ServiceStatus,
} from './services.js';
