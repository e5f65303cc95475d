import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import pino from 'pino';
import { expect } from 'vitest';
import { z } from 'zod';
import { RemoteError } from '../../src/client/errors.js';
import { CoreConfigSchema } from '../../src/config.js';
import { ToolError } from '../../src/protocol/errors.js';
import {
  defineResource,
  defineService,
  defineTool,
  type ServiceDefinition,
} from '../../src/service/define.js';

const EXAMPLE_MAIN = fileURLToPath(new URL('../../src/example/main.ts', import.meta.url));

/** Every example process a test started: killed when the test worker exits, whatever happened. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Runs the example service as its own process (tsx, from src), as a deployment would. */
export function spawnExample(
  env: Record<string, string>,
  nodeArgs: string[] = [],
): ChildProcess & { ready: Promise<void> } {
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--conditions=@neurhomia/source', '--import', 'tsx', EXAMPLE_MAIN],
    {
      env: { ...process.env, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`example not announced within 20 s: ${output}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('connected and announced')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`example exited with ${code}: ${output}`));
    });
  });
  return Object.assign(child, { ready });
}

export async function kill(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

/** A raw MQTT.js connection, for tests that speak the wire protocol by hand. */
export async function rawClient(url: string, options: mqtt.IClientOptions = {}) {
  const client = await mqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0, ...options });
  return Object.assign(client, { [Symbol.asyncDispose]: () => client.endAsync() });
}

/** Collects the messages of a topic filter. */
export async function collect(client: mqtt.MqttClient, filter: string) {
  const messages: Array<{ topic: string; payload: string; retain: boolean; correlationData?: Buffer }> = [];
  client.on('message', (topic, payload, packet) => {
    if (mqttMatch(filter, topic)) {
      messages.push({
        topic,
        payload: payload.toString(),
        retain: packet.retain,
        correlationData: packet.properties?.correlationData,
      });
    }
  });
  await client.subscribeAsync(filter, { qos: 1 });
  return messages;
}

function mqttMatch(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

export async function waitFor<T>(
  probe: () => T | undefined | false,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A service whose tools exercise every per-tool mechanism of the core. */
export function mechanicsService(options: { id: string; upstream?: { fail: boolean } }): ServiceDefinition {
  const upstream = options.upstream ?? { fail: false };
  let executions = 0;
  return defineService({
    id: options.id,
    name: 'Mechanics',
    version: '1.2.3',
    description: 'Tools that exercise the runtime',
    config: CoreConfigSchema,
    events: ['ticked'],
    setup: ({ dependencies }) => {
      const breaker = dependencies.circuitBreaker('upstream', { failureThreshold: 2, resetTimeoutMs: 400 });
      return {
        tools: [
          defineTool({
            name: 'count',
            description: 'Counts its own executions (duplicates must not run twice)',
            input: z.object({ label: z.string().optional() }),
            handler: () => ({ executions: ++executions }),
          }),
          defineTool({
            name: 'limited',
            description: 'Rate limited: 2 calls, then 1 per 10 s',
            input: z.object({}),
            rateLimit: { capacity: 2, refillPerSecond: 0.1 },
            handler: () => ({ ok: true }),
          }),
          defineTool({
            name: 'slow',
            description: 'Sleeps longer than its timeout unless told otherwise',
            input: z.object({ ms: z.number().int().min(0).max(5_000) }),
            timeoutMs: 200,
            handler: async ({ ms }, { signal }) => {
              await new Promise((resolve, reject) => {
                const timer = setTimeout(resolve, ms);
                signal.addEventListener('abort', () => {
                  clearTimeout(timer);
                  reject(signal.reason);
                });
              });
              return { slept: ms };
            },
          }),
          defineTool({
            name: 'cached',
            description: 'Cached for 300 ms per key',
            input: z.object({ key: z.string() }),
            cache: { ttlMs: 300, key: ({ key }) => key },
            handler: ({ key }) => ({ key, computedAt: ++executions }),
          }),
          defineTool({
            name: 'fetch_upstream',
            description: 'Calls a flaky upstream through a circuit breaker',
            input: z.object({ key: z.string() }),
            annotations: { readOnlyHint: true },
            cache: { ttlMs: 1, key: ({ key }) => key },
            handler: ({ key }) =>
              breaker.run(async () => {
                if (upstream.fail) throw new Error('upstream 503');
                return { key, fresh: true };
              }),
          }),
          defineTool({
            name: 'not_found',
            description: 'Fails as a tool does: isError with a message',
            input: z.object({}),
            handler: () => {
              throw new ToolError('place "Atlantis" not found', { retryAfterS: 7 });
            },
          }),
          defineTool({
            name: 'admin_only',
            description: 'Needs mech:admin',
            input: z.object({}),
            permissions: ['mech:admin'],
            annotations: { destructiveHint: true },
            handler: () => ({ done: true }),
          }),
          defineTool({
            name: 'reader',
            description: 'Needs mech:read',
            input: z.object({}),
            permissions: ['mech:read'],
            handler: () => ({ read: true }),
          }),
        ],
        resources: [
          defineResource({ id: 'panel', name: 'Panel', type: 'widget', read: () => ({ sections: [] }) }),
        ],
      };
    },
  });
}

/** The RemoteError a call ends with (fails the test if it succeeds or fails otherwise). */
export async function remoteErrorOf(promise: Promise<unknown>): Promise<RemoteError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(RemoteError);
  return error as RemoteError;
}

/** A logger that keeps its lines in memory, for tests that assert what a service logs. */
export function memoryLogger(level = 'info') {
  const lines: Array<Record<string, unknown> & { msg?: string; reason?: string }> = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

/** Resident memory of a process, in MiB, from /proc (Linux). */
export async function rssMiB(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  return kb / 1024;
}
