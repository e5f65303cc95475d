import { randomBytes } from 'node:crypto';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { MqttClient } from 'mqtt';
import { connect, subscribe } from '../mqtt/connection.js';
import { clientTopics, serviceTopics } from '../protocol/topics.js';
import { signRequest } from '../safety/auth.js';

export interface MqttClientTransportOptions {
  url: string;
  /** The service to talk to. */
  serviceId: string;
  username?: string | undefined;
  password?: string | undefined;
  /** Added as `auth.api_key` to every message sent. */
  apiKey?: string | undefined;
  /** Sign every message with HMAC-SHA256 (needed where a service sets MCP_REQUIRE_SIGNATURE). */
  sign?: boolean;
  clientId?: string | undefined;
}

/**
 * The official MCP SDK's `Transport` over MQTT 5: requests go to the service's request topic
 * with this client's private Response Topic; answers and the service's notifications come back
 * through `onmessage`. `new Client(…).connect(new MqttClientTransport({…}))` is all it takes.
 */
export class MqttClientTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  sessionId?: string;

  private mqtt: MqttClient | undefined;
  private closed = false;
  private readonly instance = randomBytes(4).toString('hex');
  private readonly responseTopic: string;
  private readonly topics;

  constructor(private readonly options: MqttClientTransportOptions) {
    this.responseTopic = clientTopics(
      options.clientId ?? options.username ?? `sdk-${this.instance}`,
      this.instance,
    ).response;
    this.topics = serviceTopics(options.serviceId);
  }

  async start(): Promise<void> {
    if (this.mqtt) throw new Error('MqttClientTransport already started');
    const mqtt = connect(this.options.url, {
      clientId: `mcp-sdk-${this.instance}`,
      ...(this.options.username ? { username: this.options.username } : {}),
      ...(this.options.password ? { password: this.options.password } : {}),
      clean: true,
      resubscribe: false,
    });
    this.mqtt = mqtt;
    const filters = {
      // QoS 0 for answers, as McpMqttClient: clean sessions, no PUBACK per answer.
      [this.responseTopic]: { qos: 0 as const },
      [this.topics.notification]: { qos: 1 as const },
    };
    mqtt.on('error', (err) => this.onerror?.(err));
    mqtt.on('message', (topic, payload) => {
      if (topic !== this.responseTopic && topic !== this.topics.notification) return;
      try {
        const body = JSON.parse(payload.toString()) as JSONRPCMessage | JSONRPCMessage[];
        for (const message of Array.isArray(body) ? body : [body]) this.onmessage?.(message);
      } catch (err) {
        this.onerror?.(new Error(`unparseable message on ${topic}: ${(err as Error).message}`));
      }
    });
    // Subscribe on every (re)connect: sessions are clean, the broker forgets subscriptions.
    let first: PromiseWithResolvers<void> | undefined = Promise.withResolvers<void>();
    mqtt.on('connect', () => {
      subscribe(mqtt, filters).then(
        () => first?.resolve(),
        (err: Error) => (first ? first.reject(err) : this.onerror?.(err)),
      );
    });
    mqtt.once('error', (err) => first?.reject(err));
    try {
      await first.promise;
    } finally {
      first = undefined;
    }
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (!this.mqtt) throw new Error('MqttClientTransport not started');
    const { apiKey, serviceId } = this.options;
    let body: Record<string, unknown> = message;
    if (apiKey && 'method' in message) {
      const auth = this.options.sign
        ? signRequest(message as { method: string; id?: unknown; params?: unknown }, apiKey, serviceId)
        : { api_key: apiKey, service_id: serviceId };
      body = { ...message, auth };
    }
    const correlation =
      'id' in message && message.id !== undefined ? String(message.id) : randomBytes(4).toString('hex');
    await this.mqtt.publishAsync(this.topics.request, JSON.stringify(body), {
      qos: 1,
      properties: { responseTopic: this.responseTopic, correlationData: Buffer.from(correlation) },
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const mqtt = this.mqtt;
    this.mqtt = undefined;
    if (mqtt) await mqtt.endAsync();
    this.onclose?.();
  }
}
