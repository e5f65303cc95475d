import { EventEmitter } from 'node:events';

/** A call through the gateway, as the dashboard's feed and /mcp/status show it. */
export interface CallRecord {
  kind: 'call';
  seq: number;
  at: string;
  /** `mcp` (Streamable HTTP at /mcp) or `http` (seed 002's API, and the dashboard's form). */
  via: 'mcp' | 'http';
  method: string;
  service: string;
  tool?: string;
  duration_ms: number;
  outcome: 'ok' | 'tool_error' | 'error';
  error?: { code: number; message: string };
  /** A short digest of the caller's key (never the key), or null without one. */
  key_id: string | null;
  /** The start of the result's text; shown only to a viewer holding the same key. */
  result?: string;
}

export interface EventRecord {
  kind: 'event';
  seq: number;
  at: string;
  service: string;
  event: string;
  /** The event's JSON, cut at PREVIEW_CHARS. */
  payload: string;
}

export interface ServiceRecord {
  kind: 'service';
  seq: number;
  at: string;
  service: string;
  change: string;
  state: string;
  reason?: string;
}

export type ActivityRecord = CallRecord | EventRecord | ServiceRecord;
type Stored = ActivityRecord & { keyDigest?: string };
type Unsequenced<T> = T extends ActivityRecord ? Omit<T, 'seq' | 'at'> : never;

const PREVIEW_CHARS = 2000;
const STATS_WINDOW_MS = 60_000;

export function preview(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}

/**
 * The recent history of the gateway: calls, business events and service changes, in a ring of
 * `capacity` records, with live listeners (the dashboard's stream) and the call figures of
 * /mcp/status over the last minute.
 */
export class Activity extends EventEmitter<{ record: [Stored] }> {
  private readonly ring: Stored[] = [];
  private readonly samples: Array<{ at: number; ms: number; failed: boolean }> = [];
  private seq = 0;
  private readonly startedAt = Date.now();

  constructor(private readonly capacity = 200) {
    super();
    // Every open dashboard stream listens; their number is bounded by the HTTP layer.
    this.setMaxListeners(0);
  }

  add(record: Unsequenced<ActivityRecord>, keyDigest?: string) {
    const stored = { ...record, seq: ++this.seq, at: new Date().toISOString(), keyDigest } as Stored;
    this.ring.push(stored);
    if (this.ring.length > this.capacity) this.ring.shift();
    if (stored.kind === 'call') {
      this.samples.push({ at: Date.now(), ms: stored.duration_ms, failed: stored.outcome === 'error' });
      // Pruned in halves: the figures only need the last minute, and a splice per call would cost.
      if (this.samples.length > 20_000) this.samples.splice(0, 10_000);
    }
    this.emit('record', stored);
  }

  /** The newest `limit` records, oldest first, as `viewer` may see them. */
  recent(viewerDigest: string | undefined, limit = this.capacity): ActivityRecord[] {
    return this.ring.slice(-limit).map((record) => Activity.view(record, viewerDigest));
  }

  /** A record without its key digest, and without another caller's result. */
  static view(record: Stored, viewerDigest: string | undefined): ActivityRecord {
    const { keyDigest, ...rest } = record;
    if (rest.kind === 'call' && keyDigest !== viewerDigest) {
      const { result: _hidden, ...withoutResult } = rest;
      return withoutResult;
    }
    return rest;
  }

  /** Calls in the last minute: rate, error rate and latency (seed 002's `performance`). */
  stats() {
    const now = Date.now();
    const recent = this.samples.filter((s) => now - s.at <= STATS_WINDOW_MS);
    const seconds = Math.max(1, Math.min(STATS_WINDOW_MS, now - this.startedAt) / 1000);
    const durations = recent.map((s) => s.ms).sort((a, b) => a - b);
    const at = (q: number) =>
      durations[Math.min(durations.length - 1, Math.floor(q * durations.length))] ?? 0;
    const round = (value: number) => Math.round(value * 100) / 100;
    return {
      window_seconds: STATS_WINDOW_MS / 1000,
      calls: recent.length,
      requests_per_second: round(recent.length / seconds),
      error_rate: recent.length ? round(recent.filter((s) => s.failed).length / recent.length) : 0,
      avg_response_time_ms: durations.length
        ? round(durations.reduce((a, b) => a + b, 0) / durations.length)
        : 0,
      p50_response_time_ms: round(at(0.5)),
      p95_response_time_ms: round(at(0.95)),
    };
  }
}
