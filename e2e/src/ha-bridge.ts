import { GenericContainer, type StartedTestContainer, Wait } from 'testcontainers';
import { SECRETS, type StartedHomeStack } from './home-stack.js';
import { IMAGES } from './images.js';

/** The token the simulator accepts and the bridge presents (no secret: a throwaway network). */
export const HA_TOKEN = 'e2e-long-lived-access-token';

/** The Home Assistant simulator image on the stack's network, as `ha-simulator:8123`. */
export function startHaSimulator(stack: StartedHomeStack): Promise<StartedTestContainer> {
  return new GenericContainer(IMAGES.haSimulator.tag)
    .withNetwork(stack.network)
    .withNetworkAliases('ha-simulator')
    .withEnvironment({ HA_SIM_TOKEN: HA_TOKEN })
    .withWaitStrategy(Wait.forHealthCheck())
    .withStartupTimeout(60_000)
    .start();
}

/** The ha-bridge image as the compose stack runs it: its own broker user, the generated key list. */
export function startHaBridge(
  stack: StartedHomeStack,
  env: Record<string, string> = {},
): Promise<StartedTestContainer> {
  return new GenericContainer(IMAGES.haBridge.tag)
    .withNetwork(stack.network)
    .withNetworkAliases('ha-bridge')
    .withBindMounts([{ source: stack.secretsDir, target: SECRETS, mode: 'ro' }])
    .withEnvironment({
      MQTT_URL: 'mqtt://mosquitto:1883',
      MQTT_USERNAME: 'ha-bridge',
      MQTT_PASSWORD_FILE: `${SECRETS}/mqtt/ha-bridge.password`,
      MCP_API_KEYS_FILE: `${SECRETS}/api/keys`,
      HA_URL: 'http://ha-simulator:8123',
      HA_TOKEN,
      HEARTBEAT_INTERVAL: '2',
      ...env,
    })
    .withWaitStrategy(Wait.forHealthCheck())
    .withStartupTimeout(60_000)
    .start();
}
