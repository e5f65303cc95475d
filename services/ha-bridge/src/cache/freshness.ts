import { LRUCache } from 'lru-cache';

/** Entities remembered as changed: far more than can change while one read is in flight. */
const MAX_REMEMBERED = 10_000;
/** A read that keeps seeing writes land during its fetch gives up after this many tries. */
const MAX_ATTEMPTS = 3;

/**
 * Keeps a cached read from outliving a change it raced with. The core caches a read's answer
 * when its handler returns; if the entity changed while the read was in flight, that answer may
 * predate the change, and the invalidation that came with the change has already run.
 *
 * - A write made through the bridge that lands during a read makes the read fetch again: a read
 *   that arrives after a write (even one sharing an in-flight call through coalescing) never
 *   answers with the state from before it.
 * - Any other change during the read (from Home Assistant's event stream) drops the answer from
 *   the cache right after the core stores it: the caller gets what was true when it asked, the
 *   next caller a fresh read.
 */
export class Freshness {
  private sequence = 0;
  private readonly written = new LRUCache<string, number>({ max: MAX_REMEMBERED });
  private readonly changed = new LRUCache<string, number>({ max: MAX_REMEMBERED });

  /** A write through the bridge finished: these entities have their new state in Home Assistant. */
  markWritten(entityIds: Iterable<string>): void {
    this.sequence += 1;
    for (const id of entityIds) {
      this.written.set(id, this.sequence);
      this.changed.set(id, this.sequence);
    }
  }

  /** Home Assistant reported these entities changed. */
  markChanged(entityIds: Iterable<string>): void {
    this.sequence += 1;
    for (const id of entityIds) this.changed.set(id, this.sequence);
  }

  /**
   * Runs `fetch` (again, if a write to one of `entitiesOf(answer)` landed meanwhile) and calls
   * `dropCached` right after the core has cached the answer if another change raced with it.
   */
  async read<T>(
    fetch: () => Promise<T>,
    entitiesOf: (answer: T) => Iterable<string>,
    dropCached: () => void,
  ): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      const since = this.sequence;
      const answer = await fetch();
      const ids = [...entitiesOf(answer)];
      if (attempt < MAX_ATTEMPTS && this.since(this.written, since, ids)) continue;
      // setImmediate runs after the microtasks in which the core stores the answer.
      if (this.since(this.changed, since, ids)) setImmediate(dropCached);
      return answer;
    }
  }

  private since(map: LRUCache<string, number>, since: number, ids: readonly string[]): boolean {
    if (this.sequence === since) return false;
    return ids.some((id) => (map.get(id) ?? 0) > since);
  }
}
