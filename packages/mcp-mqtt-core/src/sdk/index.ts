/**
 * The official MCP SDK's side of the project: an SDK `Transport` over MQTT. A separate entry
 * point so that services, which never load it, do not ship `@modelcontextprotocol/sdk` (an
 * optional peer dependency: install it next to this package to use this entry).
 */
export { MqttClientTransport, type MqttClientTransportOptions } from './transport.js';
