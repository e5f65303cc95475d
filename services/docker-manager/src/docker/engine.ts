import type { DependencyReport, Logger } from '@neurhomia/mcp-mqtt-core';
import { ToolError } from '@neurhomia/mcp-mqtt-core';
import Docker from 'dockerode';
import * as api from './api.js';
import { type ConnectionSettings, describeHost, dockerodeOptions } from './host.js';

/** An error of the Engine API: it answered with an HTTP status. */
export interface EngineHttpError extends Error {
  statusCode: number;
  json?: { message?: string } | string | null;
}

export function isHttpError(error: unknown): error is EngineHttpError {
  return typeof (error as EngineHttpError | undefined)?.statusCode === 'number';
}

/** The engine's own message of an HTTP error (`No such container: abc`), without dockerode's prefix. */
export function engineMessage(error: unknown): string {
  if (isHttpError(error)) {
    const { json } = error;
    if (json && typeof json === 'object' && typeof json.message === 'string') return json.message;
    if (typeof json === 'string' && json.trim() !== '') return json.trim();
    // Streamed requests keep no body: the message is in docker-modem's "(HTTP code 400) … - …".
    return error.message.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
  }
  return (error as Error)?.message ?? String(error);
}

/** Why the engine could not be reached, in words a person can act on. */
export function connectionProblem(error: unknown, where: string): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return `no Docker socket at ${where} (is the socket mounted? is the engine running?)`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied on ${where} (the service's user is not allowed on the Docker socket)`;
    case 'ECONNREFUSED':
      return `connection refused by ${where} (is the engine running?)`;
    default:
      return `${where}: ${(error as Error)?.message ?? String(error)}${code ? ` (${code})` : ''}`;
  }
}

export interface EngineState {
  reachable: boolean;
  /** Why not, when unreachable. */
  reason?: string | undefined;
  /** When the state last changed. */
  since: number;
  version?: string | undefined;
  apiVersion?: string | undefined;
}

/**
 * The Docker engine behind DOCKER_HOST: a dockerode client, and its live reachability as seen by
 * every call and by the event stream. An unreachable engine never throws anything but a
 * ToolError from `call`, and shows as `down` in the service's health.
 */
export class Engine {
  readonly docker: Docker;
  readonly where: string;
  private state: EngineState = { reachable: false, reason: 'not contacted yet', since: Date.now() };
  private readonly listeners = new Set<(state: EngineState) => void>();

  constructor(
    settings: ConnectionSettings,
    private readonly logger: Logger,
  ) {
    this.docker = new Docker(dockerodeOptions(settings));
    this.where = describeHost(settings.host);
  }

  get current(): Readonly<EngineState> {
    return this.state;
  }

  /** Called on every change of reachability. */
  onChange(listener: (state: EngineState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs one Engine API operation. An error that is not an HTTP answer means the engine could not
   * be reached: the state turns unreachable and the caller gets a ToolError saying why. An HTTP
   * answer (even an error status) proves the engine is there; the error is rethrown as it is.
   */
  async call<T>(operation: (docker: Docker) => Promise<T>, signal?: AbortSignal): Promise<T> {
    try {
      const result = await operation(this.docker);
      this.reachable();
      return result;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (isHttpError(error)) {
        this.reachable();
        throw error;
      }
      throw this.unreachable(error);
    }
  }

  /** Marks the engine reachable (an answer came back). */
  reachable() {
    if (this.state.reachable) return;
    const wasDown = this.state.reason !== 'not contacted yet';
    this.state = {
      reachable: true,
      since: Date.now(),
      version: this.state.version,
      apiVersion: this.state.apiVersion,
    };
    if (wasDown) this.logger.info({ engine: this.where }, 'Docker engine reachable again');
    else this.logger.info({ engine: this.where }, 'Docker engine reachable');
    for (const listener of this.listeners) listener(this.state);
    if (this.state.version === undefined) this.readVersion();
  }

  /** The engine's version, for health (an engine replaced by another may differ: read again). */
  private readVersion() {
    api.version(this.docker).then(
      (version) => {
        if (!this.state.reachable) return;
        this.state.version = version.Version;
        this.state.apiVersion = version.ApiVersion;
      },
      () => {},
    );
  }

  /** Marks the engine unreachable; returns the ToolError a call reports. */
  unreachable(error: unknown): ToolError {
    const reason = connectionProblem(error, this.where);
    if (this.state.reachable || this.state.reason !== reason) {
      this.state = { reachable: false, reason, since: Date.now() };
      this.logger.warn({ engine: this.where, reason }, 'Docker engine unreachable');
      for (const listener of this.listeners) listener(this.state);
    }
    return new ToolError(`Docker engine unreachable: ${reason}`, {
      retryAfterS: 5,
      data: { reason: 'engine_unreachable', engine: this.where },
    });
  }

  /** The health report's `docker` dependency. */
  report(): DependencyReport {
    const { reachable, reason, since, version, apiVersion } = this.state;
    return {
      status: reachable ? 'ok' : 'down',
      engine: this.where,
      ...(reachable ? {} : { reason }),
      since: new Date(since).toISOString(),
      ...(version ? { version, api_version: apiVersion } : {}),
    };
  }
}
