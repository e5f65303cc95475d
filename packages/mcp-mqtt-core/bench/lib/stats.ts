/** Percentile of already sorted samples, linear interpolation between closest ranks. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low]!;
  return lowValue + (sorted[high]! - lowValue) * (rank - low);
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    mean: sorted.length > 0 ? sum / sorted.length : Number.NaN,
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
  };
}

export type Call = () => Promise<unknown>;

/** One system under test: how to call it, and where to read its server's CPU time (ms). */
export interface Target {
  call: Call;
  serverCpuMs?: () => number;
}

export interface ThroughputResult {
  inFlight: number;
  completed: number;
  errors: number;
  seconds: number;
  perSecond: number;
  /** CPU time per completed call, µs: the server process, and this (client) process. */
  serverCpuUs?: number;
  clientCpuUs?: number;
}

/**
 * `inFlight` workers, each calling back to back until `durationMs` has passed or `maxCalls` were
 * started. Bounded in time and count, so it always ends (calls themselves carry a timeout).
 */
export async function measureThroughput(
  call: Call,
  inFlight: number,
  durationMs: number,
  maxCalls = 1_000_000,
): Promise<ThroughputResult> {
  let started = 0;
  let completed = 0;
  let errors = 0;
  const begin = performance.now();
  const deadline = begin + durationMs;
  const worker = async () => {
    while (performance.now() < deadline && started < maxCalls) {
      started += 1;
      try {
        await call();
        completed += 1;
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - begin) / 1000;
  return { inFlight, completed, errors, seconds, perSecond: completed / seconds };
}

/**
 * Unmeasured calls before measuring: `count` sequential ones, then `ms` of 16 in flight, so that
 * V8 has optimized the hot path of every process involved (the core's takes thousands of calls).
 */
export async function warmUp(call: Call, count: number, ms = 0): Promise<void> {
  for (let i = 0; i < count; i++) await call();
  if (ms > 0) await measureThroughput(call, 16, ms);
}

/**
 * Sequential latency of several systems, interleaved: `rounds` rounds, each giving every system
 * `count / rounds` calls in turn, so that background load on a shared machine hits all alike.
 */
export async function measureLatencyInterleaved<K extends string>(
  targets: Record<K, Target>,
  count: number,
  rounds = 8,
): Promise<Record<K, LatencySummary>> {
  const keys = Object.keys(targets) as K[];
  const samples = Object.fromEntries(keys.map((key) => [key, [] as number[]])) as Record<K, number[]>;
  const perRound = Math.ceil(count / rounds);
  for (let round = 0; round < rounds; round++) {
    for (const key of keys) {
      for (let i = 0; i < perRound && samples[key].length < count; i++) {
        const started = performance.now();
        await targets[key].call();
        samples[key].push(performance.now() - started);
      }
    }
  }
  return Object.fromEntries(keys.map((key) => [key, summarize(samples[key])])) as Record<K, LatencySummary>;
}

/**
 * Throughput of several systems at one level, alternating in `slices` slices of `durationMs`
 * each system, with the CPU time each slice cost its server and this process. A server idles
 * while another system runs, so its CPU time during a slice is that slice's.
 */
export async function measureThroughputAlternating<K extends string>(
  targets: Record<K, Target>,
  inFlight: number,
  durationMs: number,
  slices = 3,
  maxCalls = 1_000_000,
): Promise<Record<K, ThroughputResult>> {
  const keys = Object.keys(targets) as K[];
  const totals = Object.fromEntries(
    keys.map((key) => [key, { completed: 0, errors: 0, seconds: 0, serverMs: 0, clientMs: 0 }]),
  ) as Record<K, { completed: number; errors: number; seconds: number; serverMs: number; clientMs: number }>;
  for (let slice = 0; slice < slices; slice++) {
    for (const key of keys) {
      const { call, serverCpuMs } = targets[key];
      const serverBefore = serverCpuMs?.() ?? Number.NaN;
      const clientBefore = process.cpuUsage();
      const run = await measureThroughput(call, inFlight, durationMs / slices, maxCalls / slices);
      const client = process.cpuUsage(clientBefore);
      const total = totals[key];
      total.completed += run.completed;
      total.errors += run.errors;
      total.seconds += run.seconds;
      total.serverMs += (serverCpuMs?.() ?? Number.NaN) - serverBefore;
      total.clientMs += (client.user + client.system) / 1000;
    }
  }
  return Object.fromEntries(
    keys.map((key) => {
      const { completed, errors, seconds, serverMs, clientMs } = totals[key];
      const perCall = (ms: number) =>
        completed > 0 && Number.isFinite(ms) ? (ms * 1000) / completed : undefined;
      const result: ThroughputResult = {
        inFlight,
        completed,
        errors,
        seconds,
        perSecond: completed / seconds,
      };
      const serverCpuUs = perCall(serverMs);
      const clientCpuUs = perCall(clientMs);
      if (serverCpuUs !== undefined) result.serverCpuUs = serverCpuUs;
      if (clientCpuUs !== undefined) result.clientCpuUs = clientCpuUs;
      return [key, result];
    }),
  ) as Record<K, ThroughputResult>;
}
