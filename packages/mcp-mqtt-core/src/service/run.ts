import { ConfigError, type CoreConfig } from '../config.js';
import type { ServiceDefinition } from './define.js';
import { ServiceRuntime } from './runtime.js';

/**
 * The process entry of a service: builds the runtime from the environment, starts it, and
 * stops it gracefully on SIGTERM/SIGINT (in-flight requests finish, discovery goes offline).
 */
export async function runService<Config extends CoreConfig>(
  definition: ServiceDefinition<Config>,
): Promise<void> {
  let runtime: ServiceRuntime<Config>;
  try {
    runtime = await ServiceRuntime.create(definition);
  } catch (err) {
    // A config problem is the operator's to fix: say what, without a stack trace.
    process.stderr.write(
      `${definition.id}: ${err instanceof ConfigError ? err.message : (err as Error).stack}\n`,
    );
    process.exit(1);
  }
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(130);
    runtime.logger.info({ signal }, 'stopping');
    runtime.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        runtime.logger.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  await runtime.start();
}
