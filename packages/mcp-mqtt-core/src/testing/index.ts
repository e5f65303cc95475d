import { createServer } from 'node:net';
import type { Logger } from 'pino';
import { McpMqttClient, type McpMqttClientOptions } from '../client/client.js';
import type { CoreConfig } from '../config.js';
import { silentLogger } from '../observability/logger.js';
import type { ServiceDefinition } from '../service/define.js';
import { ServiceRuntime } from '../service/runtime.js';
import { MosquittoContainer } from './mosquitto.js';

export { MOSQUITTO_IMAGE, MosquittoContainer, OPEN_CONFIG, StartedMosquittoContainer } from './mosquitto.js';

export interface TestBroker extends AsyncDisposable {
  url: string;
  stop(): Promise<void>;
}

/** The broker at `MQTT_URL` when set (CI with a service container), else Mosquitto in a container. */
export async function useBroker(): Promise<TestBroker> {
  const external = process.env.MQTT_URL;
  if (external) {
    const stop = async () => {};
    return { url: external, stop, [Symbol.asyncDispose]: stop };
  }
  const broker = await new MosquittoContainer().start();
  const stop = async () => {
    await broker.stop();
  };
  return { url: broker.getConnectionString(), stop, [Symbol.asyncDispose]: stop };
}

/** A unique service id per test, so test files can share one broker and run in parallel. */
export function uniqueServiceId(prefix = 'test'): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Starts a service in this process against `url`; stop it with `await using` or `.stop()`. */
export async function startService<Config extends CoreConfig>(
  definition: ServiceDefinition<Config>,
  options: { url: string; env?: Record<string, string>; logger?: Logger },
): Promise<ServiceRuntime<Config> & AsyncDisposable> {
  const runtime = await ServiceRuntime.create(definition, {
    env: { MQTT_URL: options.url, ...options.env },
    logger: options.logger ?? silentLogger(),
  });
  await runtime.start();
  return Object.assign(runtime, { [Symbol.asyncDispose]: () => runtime.stop() });
}

export async function connectClient(
  url: string,
  options: Partial<McpMqttClientOptions> = {},
): Promise<McpMqttClient> {
  return McpMqttClient.connect({ url, timeoutMs: 5_000, ...options });
}

/** A free TCP port on 127.0.0.1 (for fixed broker ports across restarts). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
