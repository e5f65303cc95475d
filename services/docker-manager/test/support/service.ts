import { defineService } from '@neurhomia/mcp-mqtt-core';
import type { McpMqttClient } from '@neurhomia/mcp-mqtt-core/client';
import { connectClient, startService, uniqueServiceId } from '@neurhomia/mcp-mqtt-core/testing';
import pino from 'pino';
import { inject } from 'vitest';
import { CONTAINER_STATE_EVENT, type ContainerStateEvent } from '../../src/events/container-state.js';
import type { SelfEvidence } from '../../src/safety/self.js';
import { dockerManagerService, setupDockerManager } from '../../src/service.js';
import { waitFor } from './containers.js';

/** Log lines a test can look at (pino's JSON objects). */
export function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { logger, lines };
}

export interface StartOptions {
  env?: Record<string, string>;
  /** What the service believes about its own container (default: what /proc says, here none). */
  self?: SelfEvidence;
  logger?: pino.Logger;
}

/**
 * The service in this process, with its own service id, on the run's broker; a client connected
 * to the same broker. `await using` stops both.
 */
export async function startDockerManager(options: StartOptions = {}) {
  const url = inject('mqttUrl');
  const id = uniqueServiceId('docker');
  const definition = options.self
    ? defineService({ ...dockerManagerService, setup: (ctx) => setupDockerManager(ctx, options.self) })
    : dockerManagerService;
  const service = await startService(definition, {
    url,
    env: { MCP_SERVICE_ID: id, ...options.env },
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const client = await connectClient(url, { timeoutMs: 20_000 });
  const call = (tool: string, args: Record<string, unknown> = {}) => client.callTool(id, tool, args);
  const health = () => client.request<HealthAnswer>(id, 'mcp.health_check', {});
  return {
    id,
    service,
    client,
    call,
    health,
    /** The container_state events the service publishes from now on (their `data`), in order. */
    async containerStates(): Promise<ContainerStateEvent[]> {
      const events: ContainerStateEvent[] = [];
      client.on('event', ({ event, payload }) => {
        if (event === CONTAINER_STATE_EVENT) events.push((payload as { data: ContainerStateEvent }).data);
      });
      await client.subscribeEvents(id, CONTAINER_STATE_EVENT);
      return events;
    },
    /** Resolves once the service follows the engine's event stream. */
    streaming: () =>
      waitFor(
        async () => (await health()).dependency_details.docker?.event_stream === 'streaming',
        'the stream',
      ),
    async [Symbol.asyncDispose]() {
      await client.close();
      await service.stop();
    },
  };
}

export interface HealthAnswer {
  status: string;
  dependencies: Record<string, string>;
  dependency_details: Record<string, Record<string, unknown>>;
  queue: { pending: number; running: number };
}

export type Client = McpMqttClient;

/** A call refused at the protocol level: its JSON-RPC error. */
export async function refusal(
  promise: Promise<unknown>,
): Promise<{ code: number; message: string; data?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: number; message: string; data?: Record<string, unknown> };
  }
  throw new Error('expected a JSON-RPC error, got a result');
}

/**
 * A tool's answer as the tests read it: nested fields by name. A wrong path reads undefined and
 * fails its assertion, which is all a test needs.
 */
// biome-ignore lint/suspicious/noExplicitAny: answers are checked by assertions, not by types
export type Answer = Record<string, any>;

/** The structured content of a tools/call result. */
export const answerOf = (result: { structuredContent?: Record<string, unknown> }) =>
  result.structuredContent as Answer;
