/**
 * Benchmark of a `tools/call` through the gateway (MCP Streamable HTTP → gateway → MQTT → the
 * core's example service), side by side in one run with the official MCP SDK's Streamable HTTP
 * echo server called directly, and the service called over MQTT by the core's client (what the
 * gateway adds). The harness is the core's (packages/mcp-mqtt-core/bench/lib).
 *
 *   pnpm --filter @neurhomia/gateway bench          # turbo builds the core and the gateway first
 *
 * Env: as the core's bench (MQTT_URL, BENCH_CALLS, BENCH_WARMUP, BENCH_WARMUP_MS,
 * BENCH_DURATION_MS, BENCH_MOSQUITTO_BIN); BENCH_LOG_LEVEL is the gateway's and the service's;
 * BENCH_GATEWAY_NODE_ARGS replaces the gateway's node flags.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpMqttClient } from '@neurhomia/mcp-mqtt-core/client';
import { startBroker } from '../../../packages/mcp-mqtt-core/bench/lib/broker.js';
import {
  cpuMsOf,
  freePort,
  memoryOf,
  sleep,
  spawnChild,
  stopAll,
  stopChild,
} from '../../../packages/mcp-mqtt-core/bench/lib/processes.js';
import { errorLines, markdownTable, throughputAt } from '../../../packages/mcp-mqtt-core/bench/lib/report.js';
import {
  SERVICE_NODE_ARGS,
  startCoreService,
  startSdkHttpServer,
} from '../../../packages/mcp-mqtt-core/bench/lib/servers.js';
import type { Target } from '../../../packages/mcp-mqtt-core/bench/lib/stats.js';
import { benchSettingsFromEnv, log, runSystems } from '../../../packages/mcp-mqtt-core/bench/lib/systems.js';

const PACKAGE_ROOT = join(import.meta.dirname, '..');
const RESULTS_DIR = join(import.meta.dirname, 'results');
const SERVICE_ID = 'bench';
const MESSAGE = 'hello from the bench';
const settings = { ...benchSettingsFromEnv(), logLevel: process.env.BENCH_LOG_LEVEL ?? 'info' };
/**
 * The stack's node flags for the gateway (services/Dockerfile's CMD, its fragment's NODE_OPTIONS);
 * BENCH_GATEWAY_NODE_ARGS replaces them (e.g. --cpu-prof).
 */
const GATEWAY_NODE_ARGS =
  process.env.BENCH_GATEWAY_NODE_ARGS ?? `${SERVICE_NODE_ARGS} --max-old-space-size=160`;
const LABELS = {
  gateway: 'gateway: MCP Streamable HTTP → gateway → MQTT → service (SDK client, one session)',
  'gateway-fetch': 'gateway, the same calls with fetch (a lighter client than the SDK’s)',
  'sdk-http': 'MCP SDK Streamable HTTP echo server, called directly (stateless, as the core’s bench)',
  'core-client': 'the service over MQTT, the core’s McpMqttClient (no HTTP, no gateway)',
} as const;
type Key = keyof typeof LABELS;

/** The gateway as deployed: `node dist/main.js`, configured by its environment; ready when /health is 200. */
async function startGateway(url: string) {
  const port = await freePort();
  const gateway = spawnChild(
    process.execPath,
    [...GATEWAY_NODE_ARGS.split(' ').filter(Boolean), join(PACKAGE_ROOT, 'dist/main.js')],
    {
      env: {
        MQTT_URL: url,
        GATEWAY_PORT: String(port),
        GATEWAY_SERVICES: SERVICE_ID,
        LOG_LEVEL: settings.logLevel,
      },
      logFile: join(RESULTS_DIR, 'gateway.log'),
    },
  );
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (gateway.exitCode !== null) throw new Error('the gateway exited; see bench/results/gateway.log');
    const health = await fetch(`${base}/health`).catch(() => undefined);
    const body = (await health?.json().catch(() => undefined)) as
      | { dependencies?: Record<string, unknown> }
      | undefined;
    if (health?.status === 200 && body?.dependencies?.[SERVICE_ID]) break;
    if (Date.now() > deadline) throw new Error(`the gateway did not serve ${SERVICE_ID} within 20 s`);
    await sleep(100);
  }
  return { gateway, endpoint: new URL(`${base}/mcp`) };
}

/**
 * A session opened by hand, then each call one `fetch` POST: the gateway's own cost shows without
 * the SDK client's (its validation and transport take more CPU per call than the gateway).
 */
async function fetchCaller(endpoint: URL) {
  const headers = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };
  const init = await fetch(endpoint, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'bench', version: '0' },
      },
    }),
  });
  await init.text();
  const session = {
    ...headers,
    'mcp-session-id': init.headers.get('mcp-session-id') ?? '',
    'mcp-protocol-version': '2025-11-25',
  };
  await fetch(endpoint, {
    method: 'POST',
    headers: session,
    body: '{"jsonrpc":"2.0","method":"notifications/initialized"}',
  }).then((r) => r.text());
  let id = 0;
  return async () => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: session,
      body: `{"jsonrpc":"2.0","id":${++id},"method":"tools/call","params":{"name":"${SERVICE_ID}__echo","arguments":{"message":"${MESSAGE}"}}}`,
    });
    // The answer comes as one SSE message: `event: message` then `data: {…}`.
    const text = await response.text();
    const body = JSON.parse(/^data: (.*)$/m.exec(text)?.[1] ?? text) as { result?: object };
    if (!body.result) throw new Error(`the gateway answered ${JSON.stringify(body).slice(0, 300)}`);
    return body.result;
  };
}

async function sdkClient(endpoint: URL) {
  const client = new Client({ name: 'gateway-bench', version: '0.1.0' });
  await client.connect(new StreamableHTTPClientTransport(endpoint));
  return client;
}

function checkEcho(result: object, where: string) {
  const echoed = (result as { structuredContent?: { message?: string } }).structuredContent?.message;
  if (echoed !== MESSAGE) throw new Error(`${where} answered ${JSON.stringify(result).slice(0, 300)}`);
}

async function main() {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const started = Date.now();
  const load = [loadavg()[0]!];
  const broker = await startBroker();
  const cpu = cpus();
  const header = [
    `MCP gateway benchmark — ${new Date().toISOString()}`,
    `machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`,
    `broker: ${broker.description}`,
    `setup: this bench (the clients), the gateway, the example service, the SDK server and the broker are separate processes on these ${cpu.length} cores; 127.0.0.1 only`,
    `gateway: node ${GATEWAY_NODE_ARGS} dist/main.js, LOG_LEVEL=${settings.logLevel}; service: the core's example (echo), default config; the gateway's row counts the CPU of both`,
    `method: warm-up of ${settings.warmup} calls + ${settings.warmupMs / 1000} s at 16 in flight; ${settings.calls} sequential calls (p50/p99), interleaved; ${settings.inFlight.join(' / ')} calls in flight for ${settings.durationMs / 1000} s each, alternating (req/s)`,
  ];
  log(`${header.join('\n')}\n`);
  const closers: Array<() => Promise<unknown>> = [];
  try {
    const { service } = await startCoreService({
      url: broker.url,
      serviceId: SERVICE_ID,
      logLevel: settings.logLevel,
      logFile: join(RESULTS_DIR, 'service.log'),
    });
    closers.push(() => stopChild(service));
    const { gateway, endpoint } = await startGateway(broker.url);
    closers.push(() => stopChild(gateway));
    const sdk = await startSdkHttpServer();
    closers.push(() => stopChild(sdk.server));

    const viaGateway = await sdkClient(endpoint);
    const direct = await sdkClient(sdk.endpoint);
    const mqtt = await McpMqttClient.connect({ url: broker.url, clientId: 'bench-client', timeoutMs: 5_000 });
    const viaFetch = await fetchCaller(endpoint);
    closers.push(
      () => viaGateway.close(),
      () => direct.close(),
      () => mqtt.close(),
    );
    const args = { message: MESSAGE };
    const targets: Record<Key, Target> = {
      gateway: {
        call: () =>
          viaGateway.callTool({ name: `${SERVICE_ID}__echo`, arguments: args }, undefined, {
            timeout: 5_000,
          }),
        serverCpuMs: () => cpuMsOf(gateway.pid!) + cpuMsOf(service.pid!),
      },
      'gateway-fetch': {
        call: viaFetch,
        serverCpuMs: () => cpuMsOf(gateway.pid!) + cpuMsOf(service.pid!),
      },
      'sdk-http': {
        call: () => direct.callTool({ name: 'echo', arguments: args }, undefined, { timeout: 5_000 }),
        serverCpuMs: () => cpuMsOf(sdk.server.pid!),
      },
      'core-client': {
        call: () => mqtt.callTool(SERVICE_ID, 'echo', args),
        serverCpuMs: () => cpuMsOf(service.pid!),
      },
    };
    checkEcho(await viaGateway.callTool({ name: `${SERVICE_ID}__echo`, arguments: args }), 'the gateway');
    checkEcho(await direct.callTool({ name: 'echo', arguments: args }), 'the SDK server');
    checkEcho(await viaFetch(), 'the gateway (fetch)');
    checkEcho(await mqtt.callTool(SERVICE_ID, 'echo', args), 'the service');

    const systems = await runSystems(targets, LABELS, settings);
    const gatewayMemory = memoryOf(gateway.pid!);
    load.push(loadavg()[0]!);
    const [viaRow, sdkRow] = [
      systems.find((s) => s.key === 'gateway')!,
      systems.find((s) => s.key === 'sdk-http')!,
    ];
    const ratio = viaRow.latency.p50 / sdkRow.latency.p50;
    const at64 = Math.max(
      throughputAt(viaRow, 64) ?? 0,
      throughputAt(
        systems.find((s) => s.key === 'gateway-fetch'),
        64,
      ) ?? 0,
    );
    const checks = [
      `gateway p50 / direct SDK p50 = ${viaRow.latency.p50.toFixed(3)} / ${sdkRow.latency.p50.toFixed(3)} ms = ${ratio.toFixed(2)}× (goal ≤ 1.5×) ${ratio <= 1.5 ? 'PASS' : 'MISS'}`,
      `seed 004: gateway p50 ${viaRow.latency.p50.toFixed(2)} ms (target < 100 ms: ${(100 / viaRow.latency.p50).toFixed(0)}× under), best gateway row ${Math.round(at64)} req/s @64 (target > 100 req/s: ${(at64 / 100).toFixed(0)}× over) ${viaRow.latency.p50 < 100 && at64 > 100 ? 'PASS' : 'MISS'}`,
      `gateway process VmRSS after the 64-in-flight run: ${gatewayMemory ? `${gatewayMemory.rssMb.toFixed(1)} MB (RssAnon ${gatewayMemory.anonMb.toFixed(1)} MB)` : '?'}`,
      ...errorLines(systems),
      `load average (1 min): ${load[0]!.toFixed(2)} before, ${load[1]!.toFixed(2)} at the end; total ${((Date.now() - started) / 1000).toFixed(1)} s`,
    ];
    const table = markdownTable(systems, settings.inFlight);
    process.stdout.write(`\n${header.join('\n')}\n\n${table}\n\n${checks.join('\n')}\n`);
    writeFileSync(
      join(RESULTS_DIR, 'latest.json'),
      `${JSON.stringify({ date: new Date().toISOString(), header, settings, load, systems, checks }, null, 2)}\n`,
    );
    process.stdout.write('results: bench/results/latest.json\n');
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
    await broker.stop();
  }
}

try {
  await main();
} finally {
  await stopAll();
}
