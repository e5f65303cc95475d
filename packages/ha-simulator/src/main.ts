/**
 * Process entry of the image: `node dist/main.js`. One log line at start (never the token), a clean
 * stop on SIGTERM/SIGINT.
 */
import { loadSimulatorEnv, SimulatorConfigError } from './config.js';
import { startHaSimulator } from './index.js';

const line = (level: string, msg: string, extra: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ level, time: new Date().toISOString(), msg, ...extra })}\n`);

async function main(): Promise<void> {
  let env: ReturnType<typeof loadSimulatorEnv>;
  try {
    env = loadSimulatorEnv();
  } catch (err) {
    if (err instanceof SimulatorConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const sim = await startHaSimulator({
    port: env.HA_SIM_PORT,
    host: env.HA_SIM_HOST,
    token: env.HA_SIM_TOKEN,
    latencyMs: env.HA_SIM_LATENCY_MS,
    seed: env.HA_SIM_SEED,
    controlPort: env.HA_SIM_CONTROL_PORT,
    hass: { coverTravelMs: env.HA_SIM_COVER_TRAVEL_MS, timeZone: env.HA_SIM_TIME_ZONE },
    log: (msg) => line('warn', msg),
  });
  line('info', 'Home Assistant simulator listening', {
    port: sim.port,
    host: env.HA_SIM_HOST,
    ha_version: sim.hass.options.haVersion,
    entities: sim.hass.states.all().length,
    latency_ms: env.HA_SIM_LATENCY_MS,
    control_port: sim.controlUrl ? Number(new URL(sim.controlUrl).port) : null,
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    line('info', 'stopping', { signal });
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  line('error', 'failed to start', { error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
