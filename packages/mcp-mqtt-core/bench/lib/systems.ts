import type { SystemResult } from './report.js';
import {
  measureLatencyInterleaved,
  measureThroughputAlternating,
  type Target,
  type ThroughputResult,
  warmUp,
} from './stats.js';

export interface BenchSettings {
  calls: number;
  warmup: number;
  warmupMs: number;
  durationMs: number;
  inFlight: number[];
  /** Bound on calls per throughput run (the duration bounds it as well). */
  maxCalls: number;
}

/** BENCH_CALLS (2000), BENCH_WARMUP (200 calls), BENCH_WARMUP_MS (1500), BENCH_DURATION_MS (3000 per level). */
export function benchSettingsFromEnv(): BenchSettings {
  return {
    calls: Number(process.env.BENCH_CALLS ?? 2000),
    warmup: Number(process.env.BENCH_WARMUP ?? 200),
    warmupMs: Number(process.env.BENCH_WARMUP_MS ?? 1500),
    durationMs: Number(process.env.BENCH_DURATION_MS ?? 3000),
    inFlight: [1, 16, 64],
    maxCalls: 500_000,
  };
}

export const log = (line: string) => process.stderr.write(`${line}\n`);

export interface SystemsOptions {
  /** Runs after the sequential warm-up calls (e.g. to measure idle memory). */
  afterWarmup?: () => Promise<void>;
  /** Sequential calls and warm-up calls, instead of the settings' (slow systems get fewer). */
  calls?: number;
  warmup?: number;
}
/**
 * Warm-up (sequential calls, then `afterWarmup`, then a burst at 16 in flight), sequential
 * latency, then throughput at each level; with several systems, interleaved and alternating so
 * that background load on a shared machine hits all alike.
 */
export async function runSystems<K extends string>(
  targets: Record<K, Target>,
  labels: Record<K, string>,
  settings: BenchSettings,
  options: SystemsOptions = {},
): Promise<SystemResult[]> {
  const { calls = settings.calls, warmup = settings.warmup } = options;
  const keys = Object.keys(targets) as K[];
  log(`· ${keys.join(', ')}: warm-up, ${calls} sequential calls each, then throughput`);
  for (const key of keys) await warmUp(targets[key].call, warmup);
  await options.afterWarmup?.();
  for (const key of keys) await warmUp(targets[key].call, 0, settings.warmupMs);
  const latency = await measureLatencyInterleaved(targets, calls, 8);
  const throughput = {} as Record<K, ThroughputResult[]>;
  for (const key of keys) throughput[key] = [];
  for (const inFlight of settings.inFlight) {
    const runs = await measureThroughputAlternating(
      targets,
      inFlight,
      settings.durationMs,
      3,
      settings.maxCalls,
    );
    for (const key of keys) {
      throughput[key].push(runs[key]);
      const run = runs[key];
      log(
        `  ${key} @${run.inFlight}: ${Math.round(run.perSecond)} req/s${run.errors ? ` (${run.errors} errors)` : ''}`,
      );
    }
  }
  return keys.map(
    (key): SystemResult => ({ key, label: labels[key], latency: latency[key], throughput: throughput[key] }),
  );
}
