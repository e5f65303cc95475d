/**
 * What clients did to the simulated Home Assistant, for tests: every service call (which entities,
 * when it started and ended, how it ended), the most calls seen in flight at once per entity, and
 * request counters by REST route and WebSocket command. Not part of Home Assistant's API.
 */

export type ServiceCallRecord = {
  seq: number;
  transport: 'rest' | 'websocket';
  domain: string;
  service: string;
  entityIds: string[];
  serviceData: Record<string, unknown>;
  contextId: string;
  startedAt: number;
  endedAt: number | null;
  ok: boolean | null;
  error: string | null;
};

export type Counters = {
  /** REST requests by "METHOD /route/{param}". */
  rest: Record<string, number>;
  /** REST requests by "METHOD /actual/path" (the first MAX_PATH_KEYS distinct ones). */
  restByPath: Record<string, number>;
  /** WebSocket commands by type (`auth` counts authentication attempts). */
  websocket: Record<string, number>;
  /** WebSocket connections opened. */
  websocketConnections: number;
};

const MAX_RECORDS = 10_000;
const MAX_PATH_KEYS = 1000;
const emptyCounters = (): Counters => ({ rest: {}, restByPath: {}, websocket: {}, websocketConnections: 0 });

export class Observations {
  calls: ServiceCallRecord[] = [];
  counters: Counters = emptyCounters();
  /** Highest number of calls in flight at the same time, per entity. */
  maxConcurrentByEntity: Record<string, number> = {};
  private readonly inFlight = new Map<string, number>();
  private seq = 0;

  countRest(route: string, path: string): void {
    this.counters.rest[route] = (this.counters.rest[route] ?? 0) + 1;
    const byPath = this.counters.restByPath;
    if (path in byPath || Object.keys(byPath).length < MAX_PATH_KEYS) byPath[path] = (byPath[path] ?? 0) + 1;
  }

  countCommand(type: string): void {
    this.counters.websocket[type] = (this.counters.websocket[type] ?? 0) + 1;
  }

  countConnection(): void {
    this.counters.websocketConnections++;
  }

  /** A service call begins; returns the function that records its end. */
  startCall(
    record: Omit<ServiceCallRecord, 'seq' | 'startedAt' | 'endedAt' | 'ok' | 'error'>,
  ): (error?: unknown) => void {
    const entry: ServiceCallRecord = {
      ...record,
      seq: ++this.seq,
      startedAt: Date.now(),
      endedAt: null,
      ok: null,
      error: null,
    };
    this.calls.push(entry);
    if (this.calls.length > MAX_RECORDS) this.calls.splice(0, this.calls.length - MAX_RECORDS);
    for (const id of record.entityIds) {
      const now = (this.inFlight.get(id) ?? 0) + 1;
      this.inFlight.set(id, now);
      this.maxConcurrentByEntity[id] = Math.max(this.maxConcurrentByEntity[id] ?? 0, now);
    }
    let ended = false;
    return (error?: unknown) => {
      if (ended) return;
      ended = true;
      entry.endedAt = Date.now();
      entry.ok = error === undefined;
      entry.error = error === undefined ? null : error instanceof Error ? error.message : String(error);
      for (const id of record.entityIds) {
        const left = (this.inFlight.get(id) ?? 1) - 1;
        if (left <= 0) this.inFlight.delete(id);
        else this.inFlight.set(id, left);
      }
    };
  }

  /** Calls that touched an entity, in the order they started. */
  callsFor(entityId: string): ServiceCallRecord[] {
    return this.calls.filter((c) => c.entityIds.includes(entityId));
  }

  reset(): void {
    this.calls = [];
    this.counters = emptyCounters();
    this.maxConcurrentByEntity = {};
    this.seq = 0;
    // Calls still in flight keep counting towards concurrency after a reset.
    for (const [id, n] of this.inFlight) this.maxConcurrentByEntity[id] = n;
  }

  snapshot() {
    return {
      calls: structuredClone(this.calls),
      counters: structuredClone(this.counters),
      maxConcurrentByEntity: { ...this.maxConcurrentByEntity },
    };
  }
}
