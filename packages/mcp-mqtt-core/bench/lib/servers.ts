import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { connectLean } from './mqtt-requester.js';
import { spawnChild, spawnTs, waitForLine } from './processes.js';

const BENCH_DIR = join(import.meta.dirname, '..');
/** Node flags the service images run with (the CMD of services/Dockerfile). */
export const SERVICE_NODE_ARGS = '--max-semi-space-size=4';
const PACKAGE_ROOT = join(BENCH_DIR, '..');

/** bench/bare-responder.ts, echoing `topic`; resolves once it has subscribed. */
export async function startBareResponder(url: string, topic: string): Promise<ChildProcess> {
  const responder = spawnTs(join(BENCH_DIR, 'bare-responder.ts'), {
    env: { MQTT_URL: url, BARE_TOPIC: topic },
    pipeStdout: true,
  });
  await waitForLine(responder, /^ready /m);
  return responder;
}

export interface CoreServiceOptions {
  url: string;
  serviceId: string;
  logLevel: string;
  /** Receives the service's stdout and stderr, as a container's log would. */
  logFile: string;
}

/**
 * Spawns the example service as deployed (`node dist/example/main.js`, configured by the
 * environment only) and measures the time from spawn to its retained "ready" discovery document
 * arriving at a subscriber that subscribed before the spawn.
 */
export async function startCoreService(
  options: CoreServiceOptions,
): Promise<{ service: ChildProcess; discoveryMs: number }> {
  const discoveryTopic = `mcp/${options.serviceId}/discovery`;
  const watcher = await connectLean(options.url, `bench-discovery-${process.pid}`);
  // A retained document of an earlier run (external broker) must not count: clear it first.
  await watcher.publishAsync(discoveryTopic, '', { qos: 1, retain: true });
  let spawnedAt = Number.POSITIVE_INFINITY;
  const ready = new Promise<number>((resolve) => {
    watcher.on('message', (_topic, payload) => {
      const arrived = performance.now();
      if (arrived < spawnedAt || payload.length === 0) return;
      const { status } = JSON.parse(payload.toString()) as { status?: string };
      if (status === 'ready') resolve(arrived - spawnedAt);
    });
  });
  await watcher.subscribeAsync(discoveryTopic, { qos: 1 });
  spawnedAt = performance.now();
  // The same V8 flags as the service images (see services/Dockerfile), unless overridden.
  const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? SERVICE_NODE_ARGS).split(' ').filter(Boolean);
  const service = spawnChild(process.execPath, [...nodeArgs, join(PACKAGE_ROOT, 'dist/example/main.js')], {
    env: { MQTT_URL: options.url, MCP_SERVICE_ID: options.serviceId, LOG_LEVEL: options.logLevel },
    logFile: options.logFile,
  });
  try {
    const failed = new Promise<never>((_, reject) => {
      service.once('exit', (code) =>
        reject(new Error(`the core service exited (code ${code}); see ${options.logFile}`)),
      );
      setTimeout(() => reject(new Error(`no "ready" on ${discoveryTopic} within 15 s`)), 15_000).unref();
    });
    return { service, discoveryMs: await Promise.race([ready, failed]) };
  } finally {
    await watcher.endAsync();
  }
}

/** bench/sdk-http-server.ts; resolves with its MCP endpoint URL once it listens. */
export async function startSdkHttpServer(): Promise<{ server: ChildProcess; endpoint: URL }> {
  const server = spawnTs(join(BENCH_DIR, 'sdk-http-server.ts'), { pipeStdout: true });
  const port = Number((await waitForLine(server, /^ready (\d+)/m))[1]);
  return { server, endpoint: new URL(`http://127.0.0.1:${port}/mcp`) };
}
