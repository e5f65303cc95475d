export {
  type CallToolResult,
  McpMqttClient,
  type McpMqttClientOptions,
  type ServiceStatus,
} from './client.js';
export { ConnectionLostError, RemoteError, RequestTimeoutError } from './errors.js';
