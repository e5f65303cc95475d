import type { Socket } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

export const RECONNECT_MIN_MS = 500;
export const RECONNECT_MAX_MS = 30_000;

/**
 * Nagle's algorithm plus the broker's delayed ACKs turn each small request/response into a
 * 40–88 ms wait. Disabling it is the single largest latency win; it must be redone on every
 * (re)connect because each one opens a new socket.
 */
export function setNoDelay(client: MqttClient) {
  const stream = client.stream as Partial<Socket> | undefined;
  if (typeof stream?.setNoDelay === 'function') stream.setNoDelay(true);
}

/**
 * Connects with MQTT 5, TCP_NODELAY and exponential reconnect backoff (with jitter, reset on
 * success). MQTT.js reads `reconnectPeriod` each time it schedules a reconnect.
 */
export function connect(url: string, options: IClientOptions): MqttClient {
  const client = mqtt.connect(url, {
    protocolVersion: 5,
    reconnectPeriod: RECONNECT_MIN_MS,
    connectTimeout: 10_000,
    keepalive: 30,
    ...options,
  });
  let attempt = 0;
  client.on('connect', () => {
    attempt = 0;
    client.options.reconnectPeriod = RECONNECT_MIN_MS;
    setNoDelay(client);
  });
  client.on('close', () => {
    if (client.options.reconnectPeriod === 0) return;
    attempt += 1;
    const backoff = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** Math.min(attempt, 10));
    client.options.reconnectPeriod = Math.round(backoff / 2 + Math.random() * (backoff / 2));
  });
  return client;
}

/** Sockets held by `corkUntilNextTurn` until the end of the current event-loop turn. */
const corkedStreams = new WeakSet<object>();

/**
 * Holds the client's socket writes until the end of this event-loop turn: every packet written
 * meanwhile (a PUBACK and its answer; the requests of many callers at once) leaves in one
 * write(2), and in one TCP segment when they fit, instead of one system call each.
 */
export function corkUntilNextTurn(client: MqttClient) {
  const stream = client.stream as Partial<Socket> | undefined;
  if (!stream || corkedStreams.has(stream) || typeof stream.cork !== 'function') return;
  if (typeof stream.uncork !== 'function') return;
  stream.cork();
  corkedStreams.add(stream);
  setImmediate(() => {
    corkedStreams.delete(stream);
    stream.uncork!();
  });
}

/** Sockets that wrote during the current event-loop turn. */
const busyStreams = new WeakSet<object>();

/**
 * `corkUntilNextTurn` from the second write of a turn on: a lone request leaves at once, without
 * waiting for the end of the turn (measured: holding it costs a sequential caller more than the
 * system call it saves), while a burst (a relay's many callers at once) leaves in two writes.
 */
export function corkAfterFirstWrite(client: MqttClient) {
  const stream = client.stream as Partial<Socket> | undefined;
  if (!stream) return;
  if (busyStreams.has(stream)) {
    corkUntilNextTurn(client);
    return;
  }
  busyStreams.add(stream);
  setImmediate(() => busyStreams.delete(stream));
}

/** Subscribes and resolves with the granted QoS list; rejects on a refused subscription. */
export async function subscribe(
  client: MqttClient,
  topics: Record<string, { qos: 0 | 1 | 2; rap?: boolean }>,
) {
  const granted = await client.subscribeAsync(topics);
  const refused = granted.filter((g) => g.qos > 2);
  if (refused.length > 0) {
    throw new Error(
      `subscription refused by the broker: ${refused.map((g) => `${g.topic} (reason ${g.qos})`).join(', ')}`,
    );
  }
  return granted;
}
