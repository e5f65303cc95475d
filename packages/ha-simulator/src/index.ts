/**
 * Start a simulated Home Assistant in-process:
 *
 *   await using sim = await startHaSimulator();
 *   fetch(`${sim.url}/api/states`, { headers: { Authorization: `Bearer ${sim.token}` } });
 *
 * The handle carries the test controls (latency, failure switch, token rotation, injected service
 * failures, state changes made "outside") and the observation log.
 */
import { randomBytes } from 'node:crypto';
import { startControlServer } from './control.js';
import { DEFAULT_HASS_OPTIONS, Hass, type HassOptions } from './hass.js';
import { seedHome } from './home/index.js';
import { type Counters, Observations, type ServiceCallRecord } from './observations.js';
import { type InjectedFailure, Runtime } from './runtime.js';
import { type DownMode, SimulatorServer } from './server.js';
import type { StateDict } from './state-machine.js';

export type { Counters, DownMode, InjectedFailure, ServiceCallRecord, StateDict };
export { Hass };

export type HaSimulatorOptions = {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** The long-lived access token clients must present; random when not given. */
  token?: string;
  /** Added to every REST answer and WebSocket result; spent inside service calls. */
  latencyMs?: number;
  /** Seed of the home's generated history (same seed, same home). */
  seed?: number;
  /** Also serve the HTTP control API (see README) on this port; 0 picks one. */
  controlPort?: number;
  hass?: Partial<HassOptions>;
  log?: (line: string) => void;
};

export type HaSimulator = {
  /** Base URL, e.g. http://127.0.0.1:41234 (REST lives under /api/). */
  url: string;
  /** ws://…/api/websocket */
  wsUrl: string;
  port: number;
  /** The currently valid token. */
  readonly token: string;
  /** Control API base URL, when `controlPort` was given. */
  controlUrl: string | null;
  /** The simulated core, for assertions a client cannot make. */
  hass: Hass;
  setLatency(ms: number): void;
  /** Failure switch: `refuse` stops listening (connection refused), `bad-gateway` answers 502. */
  setDown(down: boolean, mode?: DownMode): Promise<void>;
  /** Replace the token (random when not given); sessions opened with the old one are closed. */
  rotateToken(next?: string): string;
  /** Make a service fail with a HomeAssistantError or ServiceValidationError; null clears. */
  failService(domain: string, service: string, failure: InjectedFailure | null): void;
  /** A change made outside the API (a device, a person): fires state_changed. Keeps attributes when omitted. */
  setState(entityId: string, state: string, attributes?: Record<string, unknown>): StateDict;
  /** Service calls, oldest first. */
  readonly calls: ServiceCallRecord[];
  callsFor(entityId: string): ServiceCallRecord[];
  /** Most calls in flight at once, per entity. */
  readonly maxConcurrentByEntity: Record<string, number>;
  readonly counters: Counters;
  resetObservations(): void;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
};

export async function startHaSimulator(options: HaSimulatorOptions = {}): Promise<HaSimulator> {
  const log = options.log ?? (() => {});
  const host = options.host ?? '127.0.0.1';
  const hass = new Hass({ ...DEFAULT_HASS_OPTIONS, ...options.hass });
  seedHome(hass, { seed: options.seed ?? 42 });
  const observations = new Observations();
  const runtime = new Runtime(hass, observations, {
    token: options.token ?? randomBytes(32).toString('hex'),
    latencyMs: options.latencyMs ?? 0,
  });
  const server = new SimulatorServer(runtime, host, log);
  const port = await server.listen(options.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const control =
    options.controlPort === undefined
      ? null
      : await startControlServer(runtime, server, host, options.controlPort);

  let closed = false;
  const handle: HaSimulator = {
    url: `http://${urlHost}:${port}`,
    wsUrl: `ws://${urlHost}:${port}/api/websocket`,
    port,
    get token() {
      return runtime.currentToken;
    },
    controlUrl: control ? `http://${urlHost}:${control.port}` : null,
    hass,
    setLatency: (ms) => {
      runtime.latencyMs = Math.max(0, ms);
    },
    setDown: (down, mode) => server.setDown(down, mode),
    rotateToken: (next) => {
      const token = next ?? randomBytes(32).toString('hex');
      runtime.rotateToken(token);
      return token;
    },
    failService: (domain, service, failure) => runtime.setFailure(domain, service, failure),
    setState: (entityId, state, attributes) =>
      hass.states.set(entityId, state, attributes ?? hass.states.get(entityId)?.attributes ?? {}).asDict(),
    get calls() {
      return observations.calls;
    },
    callsFor: (entityId) => observations.callsFor(entityId),
    get maxConcurrentByEntity() {
      return observations.maxConcurrentByEntity;
    },
    get counters() {
      return observations.counters;
    },
    resetObservations: () => observations.reset(),
    close: async () => {
      if (closed) return;
      closed = true;
      hass.shutdown();
      await Promise.all([server.close(), control?.close()]);
    },
    [Symbol.asyncDispose]: () => handle.close(),
  };
  return handle;
}
