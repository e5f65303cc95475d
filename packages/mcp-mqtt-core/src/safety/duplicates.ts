import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** How long a request is remembered: a repeat inside this window is answered from memory. */
export const DUPLICATE_WINDOW_MS = 30_000;

/**
 * Remembers recent requests and their answers. MQTT QoS 1 may deliver twice, and clients retry:
 * a repeated request is not executed again. While the first run is in flight the repeat waits
 * for it; afterwards it gets the same answer.
 */
export class DuplicateFilter<Answer> {
  private readonly entries: LRUCache<string, Promise<Answer>>;

  constructor(max = 10_000) {
    this.entries = new LRUCache({ max, ttl: DUPLICATE_WINDOW_MS });
  }

  /**
   * MQTT 5: Response Topic + Correlation Data; 3.1.1 peers: id. Both with the payload's hash, so
   * that a client reusing Correlation Data for a different request is not answered the old one.
   */
  static key(parts: {
    responseTopic?: string | undefined;
    correlationData?: Buffer | undefined;
    id?: unknown;
    payload: Buffer;
  }): string | undefined {
    const hash = () => createHash('sha256').update(parts.payload).digest('base64');
    if (parts.responseTopic && parts.correlationData && parts.correlationData.length > 0) {
      return `rt:${parts.responseTopic}\u0000${parts.correlationData.toString('base64')}\u0000${hash()}`;
    }
    if (parts.id === undefined || parts.id === null) return undefined;
    return `id:${JSON.stringify(parts.id)}\u0000${hash()}`;
  }

  /** Runs `execute` once per key inside the window; `duplicate` tells the caller it was a repeat. */
  run(
    key: string | undefined,
    execute: () => Promise<Answer>,
  ): { answer: Promise<Answer>; duplicate: boolean } {
    if (key === undefined) return { answer: execute(), duplicate: false };
    const existing = this.entries.get(key);
    if (existing) return { answer: existing, duplicate: true };
    const answer = execute();
    this.entries.set(key, answer);
    return { answer, duplicate: false };
  }
}
