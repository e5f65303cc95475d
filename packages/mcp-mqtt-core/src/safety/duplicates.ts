import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** How long a request is remembered: a repeat inside this window is answered from memory. */
export const DUPLICATE_WINDOW_MS = 30_000;
/** Payloads up to this size are kept as they are for the comparison; larger ones as a hash. */
const KEEP_PAYLOAD_BYTES = 4096;
/** What an entry costs beyond its key, fingerprint and answer: map node, objects, promise. */
const ENTRY_OVERHEAD_BYTES = 200;
/**
 * Answer bytes every entry is weighed with from the start: most answers are smaller, and only a
 * larger one costs a second insertion (to be re-weighed) on the common path.
 */
const ANSWER_ALLOWANCE_BYTES = 1024;

interface Entry<Answer> {
  /** The request's bytes (or their SHA-256 when large), to tell a true repeat from a reuse. */
  fingerprint: Buffer;
  answer: Promise<Answer>;
}

/**
 * Remembers recent requests and their answers. MQTT QoS 1 may deliver twice, and clients retry:
 * a repeated request is not executed again. While the first run is in flight the repeat waits
 * for it; afterwards it gets the same answer.
 *
 * Key: MQTT 5 Response Topic + Correlation Data; 3.1.1 peers: the JSON-RPC id. A repeat must also
 * carry the same bytes, so a client reusing Correlation Data for a different request is not
 * answered the old result. Comparing bytes on a key match costs nothing on the common path,
 * where hashing every payload would.
 */
export class DuplicateFilter<Answer> {
  private readonly entries: LRUCache<string, Entry<Answer>>;

  /**
   * Bounded in entries and in bytes: a key holds the caller's Response Topic and Correlation
   * Data, an entry holds the answer, and both come from (or go to) the network. `sizeOf` tells an
   * answer's bytes; `weigh` re-weighs an entry once its answer is known.
   */
  constructor(
    max = 10_000,
    maxBytes = 16 * 1024 * 1024,
    private readonly sizeOf: (answer: Answer) => number = () => 0,
  ) {
    this.entries = new LRUCache({ max, maxSize: maxBytes, ttl: DUPLICATE_WINDOW_MS });
  }

  static key(parts: {
    responseTopic?: string | undefined;
    correlationData?: Buffer | undefined;
    id?: unknown;
  }): string | undefined {
    if (parts.responseTopic && parts.correlationData && parts.correlationData.length > 0) {
      return `rt:${parts.responseTopic}\u0000${parts.correlationData.toString('base64')}`;
    }
    if (parts.id === undefined || parts.id === null) return undefined;
    return `id:${JSON.stringify(parts.id)}`;
  }

  private static fingerprint(payload: Buffer): Buffer {
    return payload.length <= KEEP_PAYLOAD_BYTES ? payload : createHash('sha256').update(payload).digest();
  }

  /** Runs `execute` once per (key, payload) inside the window; `duplicate` tells it was a repeat. */
  run(
    key: string | undefined,
    payload: Buffer,
    execute: () => Promise<Answer>,
  ): { answer: Promise<Answer>; duplicate: boolean } {
    if (key === undefined) return { answer: execute(), duplicate: false };
    const fingerprint = DuplicateFilter.fingerprint(payload);
    const existing = this.entries.get(key);
    if (existing?.fingerprint.equals(fingerprint)) return { answer: existing.answer, duplicate: true };
    const answer = execute();
    // A copy: MQTT.js may reuse the buffer of a received packet.
    const entry = { fingerprint: Buffer.from(fingerprint), answer };
    this.entries.set(key, entry, { size: DuplicateFilter.weight(key, entry) + ANSWER_ALLOWANCE_BYTES });
    return { answer, duplicate: false };
  }

  /**
   * Weighs the entry of `key` with its answer, once known: `answer` is what `run` returned for it,
   * `value` what it resolved to. Only an answer larger than the allowance costs a second insertion;
   * an entry evicted or replaced meanwhile is left alone.
   */
  weigh(key: string, answer: Promise<Answer>, value: Answer) {
    const bytes = this.sizeOf(value);
    if (bytes <= ANSWER_ALLOWANCE_BYTES) return;
    const entry = this.entries.peek(key);
    if (entry?.answer !== answer) return;
    // A new object: lru-cache keeps the old size when the same value is set again.
    this.entries.set(
      key,
      { ...entry },
      { size: DuplicateFilter.weight(key, entry) + bytes, noUpdateTTL: true },
    );
  }

  private static weight(key: string, entry: { fingerprint: Buffer }): number {
    return ENTRY_OVERHEAD_BYTES + key.length * 2 + entry.fingerprint.length;
  }

  /**
   * Forgets the request `key` if `answer` is still the one remembered for it: a request cancelled
   * by its caller owes no answer, and its repeat must run rather than wait for an answer that will
   * never come.
   */
  forget(key: string, answer: Promise<Answer>) {
    if (this.entries.peek(key)?.answer === answer) this.entries.delete(key);
  }
}
