import { readFileSync } from 'node:fs';
import type { DependencyReport, Logger } from '@neurhomia/mcp-mqtt-core';
import { type Connection, createConnection, ERR_INVALID_AUTH } from 'home-assistant-js-websocket';
import { HaError, isUnknownHost, TOKEN_HELP } from './errors.js';
import { LiveStates } from './live-states.js';
import { Registries } from './registries.js';
import type { HaRest, HaTarget, RestObserver } from './rest.js';
import { startSession } from './session.js';
import { openSocket } from './socket.js';

export type LinkState =
  | 'not_configured'
  | 'connecting'
  | 'connected'
  | 'reconnecting'
  | 'unreachable'
  | 'unauthorized';

export interface LinkOptions {
  url: string | undefined;
  token: string | undefined;
  demoUrl: string | undefined;
  demoTokenFile: string | undefined;
  reconnectMaxMs: number;
  logger: Logger;
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Registries reloaded. */
  onRegistriesChanged?: () => void;
  onServicesChanged?: () => void;
}

export const NOT_CONFIGURED =
  'Home Assistant is not configured: set HA_URL (e.g. http://homeassistant.local:8123) and HA_TOKEN ' +
  '(a long-lived access token) — in compose/.env for the compose stack — or start the stack with ' +
  '`docker compose --profile demo up -d` to use the simulated home';

/**
 * The bridge's connection to Home Assistant: which instance (HA_URL, else the demo simulator),
 * with which token, and whether it works. One WebSocket session at a time keeps the entity states
 * and registries live; when it ends or cannot start, the loop tries again with a doubling delay
 * (1 s … HA_RECONNECT_MAX_S), first probing `GET /api/` to learn why it fails (Node's WebSocket
 * gives no reason). A REST answer while disconnected cuts the wait short: Home Assistant is back.
 */
export class HaLink implements HaTarget, RestObserver {
  readonly url: string | undefined;
  readonly demo: boolean;
  readonly states = new LiveStates();
  readonly registries = new Registries();
  private rest: HaRest | undefined;
  private current: LinkState;
  private why: string | undefined;
  private changedAt = Date.now();
  private currentToken: string | undefined;
  private haVersion: string | undefined;
  private connection: Connection | undefined;
  private endSession: ((reason: string) => void) | undefined;
  private wakeUp: (() => void) | undefined;
  private stopped = false;
  private everConnected = false;

  constructor(private readonly options: LinkOptions) {
    this.url = options.url ?? options.demoUrl;
    this.demo = options.url === undefined && options.demoUrl !== undefined;
    this.currentToken = options.url ? options.token : undefined;
    this.current = this.url ? 'connecting' : 'not_configured';
    this.why = this.url ? undefined : NOT_CONFIGURED;
    if (options.url && !options.token) {
      this.current = 'not_configured';
      this.why = `HA_URL is set but HA_TOKEN is not: ${TOKEN_HELP}`;
    }
  }

  get state(): LinkState {
    return this.current;
  }

  get reason(): string | undefined {
    return this.why;
  }

  /** The REST client whose probe the loop uses (built with this link as its target). */
  attach(rest: HaRest): void {
    this.rest = rest;
  }

  token(): string | undefined {
    return this.currentToken;
  }

  assertUsable(): void {
    if (this.current === 'not_configured') throw new HaError(this.why ?? NOT_CONFIGURED, 'not_configured');
    if (this.current === 'unauthorized') throw new HaError(this.why ?? TOKEN_HELP, 'unauthorized', 401);
  }

  answered(): void {
    if (this.current !== 'connected') this.wakeUp?.();
  }

  unauthorized(reason: string): void {
    this.setState('unauthorized', reason);
    this.endSession?.(reason);
  }

  start(): void {
    if (this.current === 'not_configured') {
      this.options.logger.warn(this.why);
      return;
    }
    this.options.logger.info({ url: this.url, demo: this.demo }, 'connecting to Home Assistant');
    this.loop().catch((error: unknown) =>
      this.options.logger.error({ err: error }, 'the Home Assistant connection loop stopped'),
    );
  }

  stop(): void {
    this.stopped = true;
    this.endSession?.('stopping');
    this.wakeUp?.();
    this.connection?.close();
  }

  /** The `home-assistant` dependency in health (the circuit's state is merged in by the service). */
  report(): DependencyReport {
    const status = this.current === 'connected' ? 'ok' : this.current === 'connecting' ? 'degraded' : 'down';
    return {
      status,
      connection: this.current,
      ...(this.why ? { reason: this.why } : {}),
      ...(this.url ? { url: this.url } : {}),
      ...(this.demo ? { demo: true } : {}),
      since: new Date(this.changedAt).toISOString(),
      ...(this.haVersion ? { ha_version: this.haVersion } : {}),
      entities: this.states.size,
      live_states: this.states.live,
      registries: this.registries.counts,
    };
  }

  private setState(state: LinkState, reason?: string) {
    if (state === this.current && reason === this.why) return;
    const log = this.options.logger;
    if (state === 'connected')
      log.info({ url: this.url, ha_version: this.haVersion }, 'connected to Home Assistant');
    else if (state !== 'connecting') log.warn({ url: this.url, state, reason }, `Home Assistant ${state}`);
    this.current = state;
    this.why = reason;
    this.changedAt = Date.now();
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const connected = await this.attempt();
      if (this.stopped) return;
      failures = connected ? 0 : failures + 1;
      // After a session ended, try again at once (a restart of Home Assistant); then back off.
      if (failures > 0) await this.sleep(backoffMs(failures, this.options.reconnectMaxMs));
    }
  }

  /** One connection attempt, and the session that follows; true if it got connected. */
  private async attempt(): Promise<boolean> {
    if (this.demo && !this.readDemoToken()) return false;
    if (
      this.current !== 'unreachable' &&
      this.current !== 'unauthorized' &&
      this.current !== 'not_configured'
    )
      this.setState(this.everConnected ? 'reconnecting' : 'connecting', this.why);
    if (!(await this.probe())) return false;
    const token = this.currentToken ?? '';
    let socketFailure = 'the WebSocket could not be opened';
    let connection: Connection;
    try {
      connection = await createConnection({
        createSocket: () =>
          openSocket({
            wsUrl: `${(this.url ?? '').replace(/^http/, 'ws')}/api/websocket`,
            token,
            connectTimeoutMs: this.options.connectTimeoutMs ?? 10_000,
            onFailure: (reason) => {
              socketFailure = reason;
            },
            onProtocolError: (reason) => this.options.logger.warn({ reason }, 'closing the WebSocket'),
          }),
      });
    } catch (error) {
      if (error === ERR_INVALID_AUTH) this.setState('unauthorized', `${socketFailure}: ${TOKEN_HELP}`);
      else this.setState('unreachable', `WebSocket: ${socketFailure}`);
      return false;
    }
    return this.session(connection);
  }

  private async session(connection: Connection): Promise<boolean> {
    this.connection = connection;
    this.haVersion = connection.haVersion;
    const ended = new Promise<string>((resolve) => {
      this.endSession = resolve;
      // Registered before any subscription: the library edits its listener list while firing
      // `disconnected`, which can skip listeners added after its own.
      connection.addEventListener('disconnected', () => resolve('the WebSocket connection was lost'));
    });
    let stopReloads: (() => void) | undefined;
    const ping = setInterval(() => this.ping(connection), this.options.pingIntervalMs ?? 30_000);
    try {
      stopReloads = await startSession(connection, {
        states: this.states,
        registries: this.registries,
        logger: this.options.logger,
        registriesChanged: () => this.options.onRegistriesChanged?.(),
        servicesChanged: () => this.options.onServicesChanged?.(),
      });
      this.everConnected = true;
      this.setState('connected');
      const reason = await ended;
      if (!this.stopped && this.current === 'connected') this.setState('reconnecting', reason);
      return true;
    } catch (error) {
      this.setState('unreachable', `WebSocket session: ${(error as Error).message}`);
      return false;
    } finally {
      clearInterval(ping);
      stopReloads?.();
      this.endSession = undefined;
      this.connection = undefined;
      this.states.disconnected();
      // close() stops the library's own reconnection: this loop is the only one.
      connection.close();
    }
  }

  private ping(connection: Connection) {
    const timeoutMs = this.options.pingTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    Promise.race([
      connection.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no pong within ${timeoutMs} ms`)), timeoutMs);
      }),
    ])
      .catch((error: unknown) =>
        this.endSession?.(`WebSocket ping failed: ${(error as Error)?.message ?? error}`),
      )
      .finally(() => clearTimeout(timer));
  }

  /** `GET /api/`: reachable, and the token accepted? Sets the state and its reason when not. */
  private async probe(): Promise<boolean> {
    if (!this.rest) throw new Error('HaLink.attach(rest) was not called');
    try {
      await this.rest.probe(AbortSignal.timeout(15_000));
      return true;
    } catch (error) {
      if (error instanceof HaError && error.kind === 'unauthorized') return false;
      if (this.demo && isUnknownHost(error instanceof HaError ? error.cause : error)) {
        this.setState('not_configured', `${NOT_CONFIGURED} (${this.url} is not running)`);
      } else this.setState('unreachable', (error as Error).message);
      return false;
    }
  }

  /** The demo simulator's token, written by the stack's demo profile; re-read at every attempt. */
  private readDemoToken(): boolean {
    try {
      const token = readFileSync(this.options.demoTokenFile ?? '', 'utf8').trim();
      if (token) {
        this.currentToken = token;
        return true;
      }
    } catch {
      // Missing: the demo profile is not running (yet).
    }
    this.currentToken = undefined;
    this.setState(
      'not_configured',
      `${NOT_CONFIGURED} (the demo simulator is not running: no token at ${this.options.demoTokenFile})`,
    );
    return false;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    });
  }
}

/** 1 s, 2 s, 4 s… up to `maxMs`, ±20 % so that several bridges do not retry in step. */
export function backoffMs(failures: number, maxMs: number): number {
  const base = Math.min(maxMs, 1000 * 2 ** Math.min(failures - 1, 20));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}
