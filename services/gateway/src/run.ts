import { ConfigError } from '@neurhomia/mcp-mqtt-core';
import { Gateway } from './app.js';

/** Tries to connect for about a minute: the broker may be starting, or reloading its password file. */
const START_ATTEMPTS = 8;

/**
 * The process entry: configuration from the environment (a bad variable is named, and the
 * process exits 1), connection to the broker (retried with backoff while it starts), the HTTP
 * server, and a graceful stop on SIGTERM/SIGINT.
 */
export async function runGateway(): Promise<void> {
  let gateway: Gateway | undefined;
  for (let attempt = 1; !gateway; attempt++) {
    try {
      gateway = await Gateway.create();
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`gateway: ${err.message}\n`);
        process.exit(1);
      }
      if (attempt >= START_ATTEMPTS) {
        process.stderr.write(`gateway: cannot reach the broker: ${(err as Error).message}\n`);
        process.exit(1);
      }
      const delayS = Math.min(16, 2 ** (attempt - 1));
      process.stderr.write(`gateway: ${(err as Error).message}; retrying in ${delayS} s\n`);
      await new Promise((resolve) => setTimeout(resolve, delayS * 1000));
    }
  }
  const running = gateway;
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(130);
    running.logger.info({ signal }, 'stopping');
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        running.logger.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  await running.listen();
}
