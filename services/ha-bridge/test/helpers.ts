import { type HaSimulator, type HaSimulatorOptions, startHaSimulator } from '@neurhomia/ha-simulator';
import { createServer, type LocalServer, silentLogger } from '@neurhomia/mcp-mqtt-core';
import { afterAll, beforeAll } from 'vitest';
import type { HaBridgeConfig } from '../src/config.js';
import { haBridgeService } from '../src/service.js';

/** API keys of the tests: a reader, a writer, an admin (ha:* covers read, write and admin). */
export const KEYS = {
  reader: 'reader-key-0001',
  writer: 'writer-key-0001',
  admin: 'admin-key-00001',
};
export const API_KEYS = `${KEYS.reader}=ha:read,${KEYS.writer}=ha:read|ha:write,${KEYS.admin}=ha:*`;

export interface ToolAnswer {
  isError: boolean;
  structuredContent: Record<string, unknown>;
  _meta?: Record<string, unknown>;
}

export interface Bridge extends AsyncDisposable {
  sim: HaSimulator;
  server: LocalServer<HaBridgeConfig>;
  /** tools/call as the writer by default; resolves with the result, or rejects with the RPC error. */
  call(
    name: string,
    args?: Record<string, unknown>,
    options?: { apiKey?: string; method?: string },
  ): Promise<ToolAnswer>;
  /** The JSON-RPC error of a call expected to be refused. */
  refusal(name: string, args?: Record<string, unknown>, options?: { apiKey?: string }): Promise<RpcFailure>;
  health(): ReturnType<LocalServer['core']['health']>;
}

export interface RpcFailure {
  code: number;
  message: string;
  data?: Record<string, unknown>;
}

/**
 * Sets an entity to the other of `on` and `off`: a change to notice whatever state the simulated
 * home, which follows the wall clock, has given it.
 */
export function flipState(sim: HaSimulator, entityId: string): void {
  sim.setState(entityId, sim.hass.states.get(entityId)?.state === 'on' ? 'off' : 'on');
}

/** Polls until `condition` holds (5 s at most). */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The bridge without a broker (the core's createServer) against an in-process Home Assistant
 * simulator, connected and with its live states loaded.
 */
export async function startBridge(
  env: Record<string, string> = {},
  simulator: HaSimulatorOptions = {},
  options: { waitConnected?: boolean } = {},
): Promise<Bridge> {
  const sim = await startHaSimulator(simulator);
  const server = await createServer(haBridgeService, {
    env: { HA_URL: sim.url, HA_TOKEN: sim.token, MCP_API_KEYS: API_KEYS, HA_RECONNECT_MAX_S: '1', ...env },
    logger: silentLogger(),
  });
  await server.start();
  const health = () => server.core.health();
  if (options.waitConnected !== false) {
    await until(
      () => health().dependency_details['home-assistant']?.connection === 'connected',
      'the bridge to connect',
    );
  }
  const request = (
    name: string,
    args: Record<string, unknown>,
    options: { apiKey?: string; method?: string },
  ) =>
    server.request(
      options.method ?? 'tools/call',
      { name, arguments: args },
      { apiKey: options.apiKey ?? KEYS.writer },
    );
  const bridge: Bridge = {
    sim,
    server,
    health,
    async call(name, args = {}, options = {}) {
      const answer = await request(name, args, options);
      if (answer.error) throw Object.assign(new Error(answer.error.message), answer.error);
      return answer.result as ToolAnswer;
    },
    async refusal(name, args = {}, options = {}) {
      const answer = await request(name, args, options);
      if (!answer.error)
        throw new Error(`expected ${name} to be refused, got ${JSON.stringify(answer.result)}`);
      return answer.error;
    },
    async [Symbol.asyncDispose]() {
      await server.close();
      await sim.close();
    },
  };
  return bridge;
}

/** One bridge for the tests of a file: started before them, stopped after them. */
export function useBridge(env: Record<string, string> = {}, simulator: HaSimulatorOptions = {}): Bridge {
  let current: Bridge | undefined;
  beforeAll(async () => {
    current = await startBridge(env, simulator);
  });
  afterAll(async () => {
    await current?.[Symbol.asyncDispose]();
  });
  const started = () => {
    if (!current) throw new Error('the bridge is started in beforeAll');
    return current;
  };
  return {
    get sim() {
      return started().sim;
    },
    get server() {
      return started().server;
    },
    call: (...args) => started().call(...args),
    refusal: (...args) => started().refusal(...args),
    health: () => started().health(),
    [Symbol.asyncDispose]: async () => {},
  };
}
