/**
 * Benchmark of a `tools/call` through the core against the floor (bare MQTT.js request→reply)
 * and the official MCP SDK over Streamable HTTP, in one run on the same machine and broker.
 *
 *   pnpm --filter @neurhomia/mcp-mqtt-core build && pnpm --filter @neurhomia/mcp-mqtt-core bench
 *
 * Env: MQTT_URL (use that broker), BENCH_CALLS (2000), BENCH_WARMUP (200 calls), BENCH_WARMUP_MS
 * (1500 ms at 16 in flight), BENCH_DURATION_MS (3000 per in-flight level), BENCH_CLIENT_ROW=0
 * (no McpMqttClient row), BENCH_NAIVE_CALLS (sequential calls of the naive-client rows, 100: each
 * takes ~40 ms), BENCH_NAIVE_ROWS=0 (no naive-client rows), BENCH_LOG_LEVEL (the service's
 * LOG_LEVEL; default info, as deployed), BENCH_MOSQUITTO_BIN (default /usr/sbin/mosquitto; when
 * missing, a mosquitto container is used).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpMqttClient } from '@neurhomia/mcp-mqtt-core/client';
import { startBroker } from './lib/broker.js';
import { MqttRequester } from './lib/mqtt-requester.js';
import { cpuMsOf, memoryOf, sleep, stopAll, stopChild } from './lib/processes.js';
import {
  type CoreProcessResult,
  checks,
  comparisons,
  errorLines,
  type Memory,
  markdownTable,
  type SystemResult,
} from './lib/report.js';
import {
  SERVICE_NODE_ARGS,
  startBareResponder,
  startCoreService,
  startSdkHttpServer,
} from './lib/servers.js';
import type { Target } from './lib/stats.js';
import { benchSettingsFromEnv, log, runSystems, type SystemsOptions } from './lib/systems.js';

const PACKAGE_ROOT = resolve(import.meta.dirname, '..');
const RESULTS_DIR = join(import.meta.dirname, 'results');
const SERVICE_ID = 'bench';
const REQUEST_TOPIC = `mcp/${SERVICE_ID}/jsonrpc/request`;
const BARE_TOPIC = 'bench/bare/request';
const MESSAGE = 'hello from the bench';
const settings = {
  ...benchSettingsFromEnv(),
  idleMs: 2000,
  clientRow: process.env.BENCH_CLIENT_ROW !== '0',
  naiveRows: process.env.BENCH_NAIVE_ROWS !== '0',
  naiveCalls: Number(process.env.BENCH_NAIVE_CALLS ?? 100),
  serviceLogLevel: process.env.BENCH_LOG_LEVEL ?? 'info',
};
const LABELS = {
  floor: 'floor: bare MQTT.js request→reply (QoS 1, nodelay)',
  core: 'core: tools/call echo, lean MQTT.js requester',
  'core-client': "core: tools/call echo, the core's McpMqttClient (response topic QoS 0)",
  naive: 'core: tools/call echo, naive client (MQTT.js defaults: Nagle on; response topic QoS 1)',
  'naive-qos0': 'core: tools/call echo, naive client with its response topic at QoS 0',
  'sdk-http': 'MCP SDK, Streamable HTTP stateless (loopback)',
} as const;
type Key = keyof typeof LABELS;

const versionOf = (pkg: string) => {
  const file = join(PACKAGE_ROOT, 'node_modules', pkg, 'package.json');
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
};

let rpcId = 0;
/** The JSON-RPC body of the core row; the floor's echo gets the very same bytes. */
const toolsCallBody = () =>
  `{"jsonrpc":"2.0","id":${++rpcId},"method":"tools/call","params":{"name":"echo","arguments":{"message":"${MESSAGE}"}}}`;

/** Warm-up, interleaved latency, then throughput at each level (see lib/systems.ts). */
const benchSystems = <K extends Key>(targets: Record<K, Target>, options: SystemsOptions = {}) =>
  runSystems(targets, LABELS, settings, options);

function checkCoreReply(body: Buffer) {
  type Reply = { result?: { isError?: boolean; structuredContent?: { message?: string } } };
  const reply = JSON.parse(body.toString()) as Reply;
  if (reply.result?.isError !== false || reply.result.structuredContent?.message !== MESSAGE) {
    throw new Error(`unexpected reply from the core's echo tool: ${body.toString().slice(0, 500)}`);
  }
}

/** Floor, core (and the core's client) side by side, so that background load hits all alike. */
async function benchMqtt(url: string): Promise<{ rows: SystemResult[]; core: CoreProcessResult }> {
  const requester = await MqttRequester.connect(url);
  const responder = await startBareResponder(url, BARE_TOPIC);
  const logFile = join(RESULTS_DIR, 'service.log');
  const coreOptions = { url, serviceId: SERVICE_ID, logLevel: settings.serviceLogLevel, logFile };
  const { service, discoveryMs } = await startCoreService(coreOptions);
  const client = settings.clientRow
    ? await McpMqttClient.connect({ url, clientId: 'bench-client', timeoutMs: 5_000 })
    : undefined;
  try {
    checkCoreReply(await requester.request(REQUEST_TOPIC, toolsCallBody()));
    const serverCpuMs = () => cpuMsOf(service.pid!);
    const targets: Partial<Record<Key, Target>> = {
      floor: {
        call: () => requester.request(BARE_TOPIC, toolsCallBody()),
        serverCpuMs: () => cpuMsOf(responder.pid!),
      },
      core: { call: () => requester.request(REQUEST_TOPIC, toolsCallBody()), serverCpuMs },
    };
    if (client) {
      const call = () => client.callTool(SERVICE_ID, 'echo', { message: MESSAGE });
      const first = await call();
      const echoed = first.structuredContent?.message;
      if (echoed !== MESSAGE) throw new Error(`McpMqttClient got ${JSON.stringify(first)}`);
      targets['core-client'] = { call, serverCpuMs };
    }
    let idle: Memory | undefined;
    const rows = await benchSystems(targets as Record<'floor' | 'core' | 'core-client', Target>, {
      afterWarmup: async () => {
        await sleep(settings.idleMs);
        idle = memoryOf(service.pid!);
      },
    });
    const after64 = memoryOf(service.pid!);
    if (settings.naiveRows) rows.push(...(await benchNaiveClients(url, serverCpuMs)));
    return { rows, core: { discoveryMs, idle, after64 } };
  } finally {
    await client?.close().catch(() => {});
    await requester.close().catch(() => {});
    await stopChild(responder);
    await stopChild(service);
  }
}

/**
 * What a client author gets from MQTT.js's defaults (Nagle on, response topic at QoS 1), and from
 * the one-line fix that needs no socket access (response topic at QoS 0), against the same
 * service. Few sequential calls: each takes a delayed ACK.
 */
async function benchNaiveClients(url: string, serverCpuMs: () => number): Promise<SystemResult[]> {
  const naive = await MqttRequester.connect(url, { noDelay: false, responseQos: 1 });
  const naiveQos0 = await MqttRequester.connect(url, { noDelay: false, responseQos: 0 });
  try {
    const call = (requester: MqttRequester) => async () =>
      checkCoreReply(await requester.request(REQUEST_TOPIC, toolsCallBody()));
    return await benchSystems(
      { naive: { call: call(naive), serverCpuMs }, 'naive-qos0': { call: call(naiveQos0), serverCpuMs } },
      { calls: settings.naiveCalls, warmup: Math.min(settings.warmup, 20) },
    );
  } finally {
    await naive.close().catch(() => {});
    await naiveQos0.close().catch(() => {});
  }
}

async function benchSdkHttp(): Promise<SystemResult[]> {
  const { server, endpoint } = await startSdkHttpServer();
  try {
    const client = new Client({ name: 'bench', version: '0.1.0' });
    await client.connect(new StreamableHTTPClientTransport(endpoint));
    try {
      const params = { name: 'echo', arguments: { message: MESSAGE } };
      const call = () => client.callTool(params, undefined, { timeout: 5_000 });
      const first = await call();
      const echoed = (first.structuredContent as { message?: string } | undefined)?.message;
      if (echoed !== MESSAGE) throw new Error(`SDK echo returned ${JSON.stringify(first)}`);
      return await benchSystems({ 'sdk-http': { call, serverCpuMs: () => cpuMsOf(server.pid!) } });
    } finally {
      await client.close();
    }
  } finally {
    await stopChild(server);
  }
}

async function main() {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const started = Date.now();
  const load = [loadavg()[0]!];
  const broker = await startBroker();
  const cpu = cpus();
  const header = [
    `MCP over MQTT core benchmark — ${new Date().toISOString()}`,
    `machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, mqtt.js ${versionOf('mqtt')}, @modelcontextprotocol/sdk ${versionOf('@modelcontextprotocol/sdk')}`,
    `broker: ${broker.description}`,
    `setup: requester, responder/service and broker are separate processes sharing these ${cpu.length} cores (the measured setup); 127.0.0.1 only`,
    `core service: node ${process.env.BENCH_SERVICE_NODE_ARGS ?? SERVICE_NODE_ARGS} dist/example/main.js (the images' flags), default config, LOG_LEVEL=${settings.serviceLogLevel} (info: one audit line per tools/call), stdout → bench/results/service.log as a container's log`,
    `method: warm-up of ${settings.warmup} calls + ${settings.warmupMs / 1000} s at 16 in flight; ${settings.calls} sequential calls (p50/p99); ${settings.inFlight.join(' / ')} calls in flight for ${settings.durationMs / 1000} s each (req/s); the MQTT rows interleaved (8 rounds of calls, 3 slices per level); the naive-client rows: ${settings.naiveCalls} sequential calls after a warm-up of ${Math.min(settings.warmup, 20)}, then the same throughput levels`,
    `CPU µs/call @64: user+sys time (all threads) of the server process (bare responder, core service, SDK server) and of this bench process (the requester or client), per completed call; the broker's is not counted`,
  ];
  log(`${header.join('\n')}\n`);
  let mqtt: Awaited<ReturnType<typeof benchMqtt>>;
  let systems: SystemResult[];
  try {
    mqtt = await benchMqtt(broker.url);
    systems = [...mqtt.rows, ...(await benchSdkHttp())];
  } finally {
    await broker.stop();
  }
  load.push(loadavg()[0]!);

  const targets = checks(systems, mqtt.core);
  const extra = [
    ...targets.map((c) => c.text),
    ...comparisons(systems),
    ...errorLines(systems),
    `load average (1 min): ${load[0]!.toFixed(2)} before the bench, ${load[1]!.toFixed(2)} at its end`,
    `total bench time ${((Date.now() - started) / 1000).toFixed(1)} s`,
  ];
  const table = markdownTable(systems, settings.inFlight);
  process.stdout.write(`\n${header.join('\n')}\n\n${table}\n\n${extra.join('\n')}\n`);
  const results = {
    date: new Date().toISOString(),
    header,
    settings,
    load,
    systems,
    core: mqtt.core,
    checks: targets,
  };
  writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write('results: bench/results/latest.json\n');
}

try {
  await main();
} finally {
  await stopAll();
}
