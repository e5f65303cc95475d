/**
 * What the REST and WebSocket layers share: the core, the observation log, the token, the latency
 * knob and injected service failures. A service call spends the latency inside itself (between its
 * start and end in the observation log), so calls that overlap in time are seen overlapping.
 */
import { timingSafeEqual } from 'node:crypto';
import { sleep } from './clock.js';
import { HomeAssistantError, ServiceValidationError } from './errors.js';
import { type Context, newContext } from './event-bus.js';
import type { Hass } from './hass.js';
import type { Observations } from './observations.js';
import { resolveTargets } from './services/entity-service.js';
import type { ServiceResponse } from './services/registry.js';

export type InjectedFailure = { kind: 'home_assistant_error' | 'service_validation_error'; message: string };

export class Runtime {
  latencyMs: number;
  private token: string;
  private readonly failures = new Map<string, InjectedFailure>();
  private readonly revokeListeners = new Set<() => void>();

  constructor(
    readonly hass: Hass,
    readonly observations: Observations,
    { token, latencyMs }: { token: string; latencyMs: number },
  ) {
    this.token = token;
    this.latencyMs = latencyMs;
  }

  get currentToken(): string {
    return this.token;
  }

  /** Constant-time comparison with the valid token. */
  checkToken(candidate: string | undefined): boolean {
    if (candidate === undefined) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Replace the token; sessions opened with the old one are closed, as on a revoked refresh token. */
  rotateToken(next: string): void {
    this.token = next;
    for (const listener of [...this.revokeListeners]) listener();
  }

  onTokenRevoked(listener: () => void): () => void {
    this.revokeListeners.add(listener);
    return () => this.revokeListeners.delete(listener);
  }

  /** Make `domain.service` fail (after its latency) until cleared with `null`. */
  setFailure(domain: string, service: string, failure: InjectedFailure | null): void {
    const key = `${domain}.${service}`;
    if (failure) this.failures.set(key, failure);
    else this.failures.delete(key);
  }

  clearFailures(): void {
    this.failures.clear();
  }

  /** The context of a request made with the API token: the owner's. */
  userContext(): Context {
    return newContext({ userId: this.hass.user.id });
  }

  delay(): Promise<void> {
    return sleep(this.latencyMs);
  }

  /** A service call from a client, observed and delayed, then run by the registry. */
  async callService(
    transport: 'rest' | 'websocket',
    domain: string,
    service: string,
    data: Record<string, unknown> | null,
    {
      context,
      target,
      returnResponse = false,
    }: { context: Context; target?: Record<string, unknown>; returnResponse?: boolean },
  ): Promise<ServiceResponse | null> {
    const merged = { ...(data ?? {}), ...(target ?? {}) };
    const entityIds = resolveTargets(this.hass, merged).referenced;
    const end = this.observations.startCall({
      transport,
      domain,
      service,
      entityIds,
      serviceData: merged,
      contextId: context.id,
    });
    try {
      await this.delay();
      const failure = this.failures.get(`${domain}.${service}`);
      if (failure) {
        throw failure.kind === 'service_validation_error'
          ? new ServiceValidationError(failure.message)
          : new HomeAssistantError(failure.message);
      }
      const response = await this.hass.services.call(domain, service, data, {
        context,
        target,
        returnResponse,
      });
      end();
      return response;
    } catch (err) {
      end(err);
      throw err;
    }
  }
}
