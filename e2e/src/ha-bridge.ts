import { GenericContainer, type StartedTestContainer, Wait } from 'testcontainers';
import type { StartedHomeStack } from './home-stack.js';
import { imageOf } from './provided.js';

/** The token the simulator accepts and the bridge presents (no secret: a throwaway network). */
export const HA_TOKEN = 'e2e-long-lived-access-token';

/** The Home Assistant simulator image on the stack's network, as `ha-simulator:8123`. */
export function startHaSimulator(stack: StartedHomeStack): Promise<StartedTestContainer> {
  return new GenericContainer(imageOf('ha-simulator'))
    .withNetwork(stack.network)
    .withNetworkAliases('ha-simulator')
    .withEnvironment({ HA_SIM_TOKEN: HA_TOKEN })
    .withWaitStrategy(Wait.forHealthCheck())
    .withStartupTimeout(60_000)
    .start();
}

/** The ha-bridge image as the compose stack runs it (its own secrets only), on the simulator. */
export function startHaBridge(
  stack: StartedHomeStack,
  env: Record<string, string> = {},
): Promise<StartedTestContainer> {
  return stack.startService('ha-bridge', {
    env: { HA_URL: 'http://ha-simulator:8123', HA_TOKEN, ...env },
  });
}
