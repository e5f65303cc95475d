export { RequestCancelledError } from '../protocol/errors.js';
export {
  type CallToolResult,
  McpMqttClient,
  type McpMqttClientOptions,
  type RequestOptions,
} from './client.js';
export {
  ConnectionLostError,
  RemoteError,
  RequestTimeoutError,
  ServiceOfflineError,
  TooManyPendingError,
} from './errors.js';
export {
  type DownReason,
  MISSED_HEARTBEATS,
  type ServiceState,
  type ServiceStatus,
} from './services.js';
