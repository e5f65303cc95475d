/**
 * pnpm bench: the bridge under 200 concurrent calls mixing reads and writes on ten entities,
 * against the Home Assistant simulator with 20 ms of latency.
 *
 * The bridge runs as its own process (src/main.ts, the service as deployed), the simulator and
 * the client in this one, the broker a private Mosquitto (lib/broker.ts). 200 callers each send
 * their next call as soon as the previous one answered, 4000 calls in all (30 % writes, 50 % reads
 * of one entity, 20 % entity lists, on ten entities; lib/workload.ts). Checked: every call answers
 * (none hangs past its timeout), the simulator saw at most one call in flight per entity, and
 * mcp.health_check shows the queue and cache figures (sampled during the run). Measured:
 * throughput, and p50/p99 of cached reads, uncached reads and writes.
 *
 *   BENCH_CONCURRENCY=200 BENCH_CALLS=4000 BENCH_LATENCY_MS=20 pnpm bench
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startHaSimulator } from '@neurhomia/ha-simulator';
import type { McpMqttClient } from '@neurhomia/mcp-mqtt-core/client';
import { connectClient, uniqueServiceId } from '@neurhomia/mcp-mqtt-core/testing';
import { startBroker } from './lib/broker.js';
import { ms, summarize } from './lib/stats.js';
import { burst, ENTITIES, type Kind, type PlannedCall } from './lib/workload.js';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 200);
const TOTAL = Number(process.env.BENCH_CALLS ?? 4000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const CALL_TIMEOUT_MS = 35_000;
const SERVICE_DIR = fileURLToPath(new URL('..', import.meta.url));

type Class = 'cached read' | 'uncached read' | 'write';
type Health = {
  queue: {
    pending: number;
    running: number;
    by_priority: Record<string, number>;
    dependencies: Record<string, unknown>;
  };
  cache: { hit_rate: number; size: number; hits: number; misses: number };
  dependencies: Record<string, string>;
};

function startBridge(env: Record<string, string>): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=@neurhomia/source', '--import', 'tsx', 'src/main.ts'],
    {
      cwd: SERVICE_DIR,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  process.once('exit', () => child.kill('SIGKILL'));
  return child;
}

async function waitConnected(client: McpMqttClient, serviceId: string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const health = await client
      .request<Health>(serviceId, 'mcp.health_check', {}, { timeoutMs: 2_000 })
      .catch(() => undefined);
    if (health?.dependencies['home-assistant'] === 'ok') return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the bridge did not connect to the simulator within 30 s');
}

async function main() {
  const serviceId = uniqueServiceId('ha-bridge-bench');
  const [broker, sim] = await Promise.all([startBroker(), startHaSimulator({ latencyMs: LATENCY_MS })]);
  const bridge = startBridge({
    MQTT_URL: broker.url,
    MCP_SERVICE_ID: serviceId,
    HA_URL: sim.url,
    HA_TOKEN: sim.token,
    LOG_LEVEL: 'warn',
    // One caller sends every call here: its per-caller bucket must not be what is measured.
    HA_RATE_LIMIT_BURST: '100000',
    HA_RATE_LIMIT_PER_S: '100000',
  });
  const client = await connectClient(broker.url, { timeoutMs: CALL_TIMEOUT_MS });
  const monitor = await connectClient(broker.url, { timeoutMs: 5_000 });
  try {
    await waitConnected(monitor, serviceId);
    // Warm-up: module caches, connections, the first answers cached.
    await Promise.all(burst(50, 1).map((c) => client.callTool(serviceId, c.tool, c.args)));
    sim.resetObservations();

    const samples: Record<Class, number[]> = { 'cached read': [], 'uncached read': [], write: [] };
    const failures: string[] = [];
    /** -32005: a bound of the scheduler refused the call at once (a pile-up on one entity). */
    const refusals: string[] = [];
    const peaks = { pending: 0, running: 0, byPriority: {} as Record<string, number>, healthReports: 0 };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const health = await monitor.request<Health>(serviceId, 'mcp.health_check').catch(() => undefined);
        if (health) {
          peaks.healthReports += 1;
          peaks.pending = Math.max(peaks.pending, health.queue.pending);
          peaks.running = Math.max(peaks.running, health.queue.running);
          for (const [priority, count] of Object.entries(health.queue.by_priority))
            peaks.byPriority[priority] = Math.max(peaks.byPriority[priority] ?? 0, count);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    // Closed loop: CONCURRENCY callers, each sending its next call as soon as the last answered.
    const plan = burst(TOTAL, 1000);
    let nextCall = 0;
    const worker = async () => {
      for (let index = nextCall++; index < plan.length; index = nextCall++) {
        const call = plan[index] as PlannedCall;
        const t0 = performance.now();
        try {
          const result = await client.callTool(serviceId, call.tool, call.args);
          const elapsed = performance.now() - t0;
          if (result.isError) failures.push(`${call.tool}: ${JSON.stringify(result.structuredContent)}`);
          samples[classify(call.kind, result._meta)].push(elapsed);
        } catch (error) {
          const { code, message } = error as { code?: number; message: string };
          (code === -32005 ? refusals : failures).push(`${call.tool}: ${message}`);
        }
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const elapsedS = (performance.now() - started) / 1000;
    sampling = false;
    await sampler;
    const health = await monitor.request<Health>(serviceId, 'mcp.health_check');

    const total = TOTAL;
    const maxPerEntity = Math.max(...ENTITIES.map((id) => sim.maxConcurrentByEntity[id] ?? 0));
    const rows = (['cached read', 'uncached read', 'write'] as Class[]).map((name) => ({
      name,
      ...summarize(samples[name]),
    }));
    const report = {
      date: new Date().toISOString(),
      setup: {
        concurrency: CONCURRENCY,
        calls: TOTAL,
        latency_ms: LATENCY_MS,
        broker: broker.description,
        node: process.version,
      },
      throughput_per_s: total / elapsedS,
      calls: total,
      failures: failures.length,
      refused: refusals.length,
      max_concurrent_calls_per_entity: maxPerEntity,
      simulator: { service_calls: sim.calls.length, rest: sim.counters.rest },
      classes: rows,
      health_peaks: peaks,
      health_after: { queue: health.queue, cache: health.cache },
    };
    mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
    writeFileSync(
      new URL(`./results/${report.date.replaceAll(':', '-')}.json`, import.meta.url),
      JSON.stringify(report, null, 2),
    );

    console.log(
      `\nha-bridge: ${TOTAL} calls, ${CONCURRENCY} in flight at all times, simulator latency ${LATENCY_MS} ms`,
    );
    console.log(`broker: ${broker.description}`);
    console.log(
      `throughput ${report.throughput_per_s.toFixed(0)} calls/s (${total} calls in ${elapsedS.toFixed(2)} s), failures ${failures.length}, refused at once (-32005) ${refusals.length}`,
    );
    console.log('\n| calls | count | p50 | p99 | max |\n| --- | --- | --- | --- | --- |');
    for (const row of rows)
      console.log(`| ${row.name} | ${row.count} | ${ms(row.p50)} | ${ms(row.p99)} | ${ms(row.max)} |`);
    console.log(`\nmost calls in flight at once on one entity (simulator): ${maxPerEntity}`);
    console.log(`Home Assistant requests: ${JSON.stringify(sim.counters.rest)}`);
    console.log(
      `mcp.health_check during the run (${peaks.healthReports} reports): peak pending ${peaks.pending}, peak running ${peaks.running}, peak by priority ${JSON.stringify(peaks.byPriority)}`,
    );
    console.log(
      `mcp.health_check after: queue ${JSON.stringify(health.queue)}, cache ${JSON.stringify(health.cache)}`,
    );
    for (const failure of failures.slice(0, 5)) console.log(`failure: ${failure}`);
    for (const refusal of refusals.slice(0, 3)) console.log(`refused: ${refusal}`);

    const problems = [
      ...(failures.length > 0 ? [`${failures.length} calls failed or did not answer`] : []),
      ...(maxPerEntity > 1 ? [`the simulator saw ${maxPerEntity} calls at once on one entity`] : []),
      ...(peaks.healthReports === 0 ? ['mcp.health_check never answered during the run'] : []),
    ];
    if (problems.length > 0) {
      console.error(`\nFAILED: ${problems.join('; ')}`);
      process.exitCode = 1;
    }
  } finally {
    await client.close();
    await monitor.close();
    bridge.kill('SIGTERM');
    await sim.close();
    await broker.stop();
  }
}

/** A read answered from the cache carries `_meta.cached`; everything else reached Home Assistant. */
function classify(kind: Kind, meta: unknown): Class {
  if (kind === 'write') return 'write';
  return (meta as { cached?: boolean } | undefined)?.cached ? 'cached read' : 'uncached read';
}

await main();
