import type { Logger } from 'pino';

export interface LogLimiterOptions {
  /** Lines a reason may write in a burst… */
  burst?: number;
  /** …and per second after it. */
  perSecond?: number;
  /** How often the "N more suppressed" summary is written while lines are being dropped. */
  summaryIntervalMs?: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
  suppressed: number;
}

/**
 * Warnings about refused requests, rate-limited per reason: a flood of junk (20,000 requests
 * with a `$SYS` Response Topic, a wrong key in a loop) writes a few lines and then one summary
 * per interval — "N more … suppressed" — instead of flushing the container's log (and the audit
 * trail with it). Reasons are fixed strings from the code, never from the network.
 */
export class LogLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly burst: number;
  private readonly perSecond: number;
  private readonly summaryIntervalMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    options: LogLimiterOptions = {},
  ) {
    this.burst = options.burst ?? 10;
    this.perSecond = options.perSecond ?? 1;
    this.summaryIntervalMs = options.summaryIntervalMs ?? 10_000;
  }

  warn(reason: string, fields: Record<string, unknown>, message: string) {
    const now = Date.now();
    let bucket = this.buckets.get(reason);
    if (!bucket) {
      bucket = { tokens: this.burst, updatedAt: now, suppressed: 0 };
      this.buckets.set(reason, bucket);
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.perSecond);
    bucket.updatedAt = now;
    if (bucket.tokens < 1) {
      bucket.suppressed += 1;
      this.timer ??= setTimeout(() => this.summarise(), this.summaryIntervalMs).unref();
      return;
    }
    bucket.tokens -= 1;
    this.logger.warn({ reason, ...fields }, message);
  }

  /** Writes one line per reason that dropped lines since the last summary. */
  summarise() {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const [reason, bucket] of this.buckets) {
      if (bucket.suppressed === 0) continue;
      this.logger.warn(
        { reason, suppressed: bucket.suppressed },
        `${bucket.suppressed} more "${reason}" warnings suppressed`,
      );
      bucket.suppressed = 0;
    }
  }

  /** Flushes a last summary (on stop). */
  close() {
    this.summarise();
  }
}
