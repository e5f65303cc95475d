import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

/**
 * MQTT 5, clean session, no reconnect: a lost connection fails the bench instead of hiding.
 * TCP_NODELAY unless `noDelay: false` (what MQTT.js does by default over TCP).
 */
export async function connectLean(
  url: string,
  clientId: string,
  options: IClientOptions & { noDelay?: boolean } = {},
): Promise<MqttClient> {
  const { noDelay = true, ...mqttOptions } = options;
  const client = await mqtt.connectAsync(url, {
    protocolVersion: 5,
    clean: true,
    reconnectPeriod: 0,
    clientId,
    ...mqttOptions,
  });
  if (noDelay) (client.stream as Partial<Socket>).setNoDelay?.(true);
  return client;
}

export interface RequesterOptions {
  timeoutMs?: number;
  /** false: Nagle's algorithm stays on, as in a default MQTT.js client. */
  noDelay?: boolean;
  /** QoS of the response topic subscription (the answer arrives at the lower of it and the service's). */
  responseQos?: 0 | 1;
}

/**
 * The leanest request→reply client MQTT.js allows: QoS 1, TCP_NODELAY, a private Response Topic
 * and Correlation Data (a counter). Used for the floor and for the core, so that the difference
 * between the two rows is the service side only. With `noDelay: false` it is the naive client
 * a newcomer writes from the MQTT.js README.
 */
export class MqttRequester {
  private readonly pending = new Map<
    string,
    { resolve: (payload: Buffer) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }
  >();
  private sequence = 0;

  private constructor(
    private readonly client: MqttClient,
    readonly responseTopic: string,
    private readonly timeoutMs: number,
  ) {
    client.on('message', (_topic, payload, packet) => {
      const key = packet.properties?.correlationData?.toString();
      const call = key === undefined ? undefined : this.pending.get(key);
      if (!call) return;
      this.pending.delete(key!);
      clearTimeout(call.timer);
      call.resolve(payload);
    });
    client.on('close', () => {
      for (const [key, call] of this.pending) {
        clearTimeout(call.timer);
        this.pending.delete(key);
        call.reject(new Error('connection to the broker closed'));
      }
    });
  }

  static async connect(url: string, options: RequesterOptions = {}): Promise<MqttRequester> {
    const { timeoutMs = 5_000, noDelay = true, responseQos = 1 } = options;
    const instance = randomBytes(4).toString('hex');
    const client = await connectLean(url, `bench-requester-${instance}`, { noDelay });
    // A client topic of the protocol (mcp/clients/{client}/{instance}/response): the core accepts it.
    const responseTopic = `mcp/clients/bench-requester/${instance}/response`;
    await client.subscribeAsync(responseTopic, { qos: responseQos });
    return new MqttRequester(client, responseTopic, timeoutMs);
  }

  /** Publishes `payload` to `topic` and resolves with the reply's payload. */
  request(topic: string, payload: string | Buffer): Promise<Buffer> {
    const key = String(++this.sequence);
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(key);
        reject(new Error(`no reply on ${topic} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(key, { resolve, reject, timer });
      this.client.publish(
        topic,
        payload,
        { qos: 1, properties: { responseTopic: this.responseTopic, correlationData: Buffer.from(key) } },
        (err) => {
          if (err && this.pending.delete(key)) {
            clearTimeout(timer);
            reject(err);
          }
        },
      );
    });
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
