import { ErrorCode, RpcError } from '../protocol/errors.js';
import type { ConcurrencyLimit } from '../scheduling/concurrency-limit.js';

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** Time the circuit stays open before one trial call is let through. */
  resetTimeoutMs: number;
  /** Which errors count as upstream failures (default: all). A 404 "place not found" should not. */
  isFailure: (error: unknown) => boolean;
}

/** Thrown while the circuit is open; the core answers -32006 (or serves stale cache for reads). */
export class CircuitOpenError extends RpcError {
  constructor(
    readonly dependency: string,
    readonly retryAfterMs: number,
  ) {
    super(ErrorCode.ServiceUnavailable, `Service unavailable: ${dependency} is failing; circuit open`, {
      dependency,
      retry_after_s: Math.max(1, Math.ceil(retryAfterMs / 1000)),
    });
    this.name = 'CircuitOpenError';
  }
}

/**
 * Closed → (N consecutive failures) → open → (reset timeout) → half-open: one trial call;
 * success closes, failure re-opens. State is read live by `mcp.health_check`.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;
  private current: CircuitState = 'closed';
  readonly options: CircuitBreakerOptions;
  /** The upstream's concurrency limit, when the breaker was made with `concurrency`. */
  limit: ConcurrencyLimit | undefined;

  constructor(
    readonly name: string,
    options: Partial<CircuitBreakerOptions> = {},
    private readonly now: () => number = Date.now,
    private readonly onChange?: (state: CircuitState) => void,
  ) {
    this.options = { failureThreshold: 5, resetTimeoutMs: 30_000, isFailure: () => true, ...options };
  }

  get state(): CircuitState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.options.resetTimeoutMs) {
      this.transition('half-open');
    }
    return this.current;
  }

  /** Consecutive failures counted so far (health detail). */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** Milliseconds until an open circuit lets a trial call through (0 when not open). */
  get retryInMs(): number {
    return this.current === 'open'
      ? Math.max(0, this.options.resetTimeoutMs - (this.now() - this.openedAt))
      : 0;
  }

  async run<T>(operation: () => Promise<T>): Promise<T> {
    const state = this.state;
    if (state === 'open' || (state === 'half-open' && this.trialInFlight)) {
      throw new CircuitOpenError(
        this.name,
        Math.max(0, this.options.resetTimeoutMs - (this.now() - this.openedAt)),
      );
    }
    const trial = state === 'half-open';
    if (trial) this.trialInFlight = true;
    try {
      const result = await operation();
      this.recordSuccess();
      return result;
    } catch (error) {
      if (this.options.isFailure(error)) this.recordFailure();
      else this.recordSuccess();
      throw error;
    } finally {
      if (trial) this.trialInFlight = false;
    }
  }

  private recordSuccess() {
    this.failures = 0;
    if (this.current !== 'closed') this.transition('closed');
  }

  private recordFailure() {
    this.failures += 1;
    if (this.current === 'half-open' || this.failures >= this.options.failureThreshold) {
      this.openedAt = this.now();
      this.transition('open');
    }
  }

  private transition(state: CircuitState) {
    if (state === this.current) return;
    this.current = state;
    this.onChange?.(state);
  }
}
