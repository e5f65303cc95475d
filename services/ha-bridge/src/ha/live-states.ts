import type { HassEntities, HassEntity } from 'home-assistant-js-websocket';

export interface EntityChange {
  entityId: string;
  /** null: the entity appeared. */
  oldState: HassEntity | null;
  /** null: the entity was removed. */
  newState: HassEntity | null;
}

export type ChangeListener = (changes: readonly EntityChange[]) => void;

/**
 * Every entity's current state, kept live by `subscribe_entities` (home-assistant-js-websocket's
 * `subscribeEntities` hands over the whole map after each update; unchanged entities keep their
 * object, so a change is found by identity). After a reconnection the first map is compared
 * with what was known: changes missed while disconnected are reported, unchanged entities are
 * not. While disconnected the last known states stay (`live` is false).
 */
export class LiveStates {
  private readonly states = new Map<string, HassEntity>();
  private readonly listeners = new Set<ChangeListener>();
  /** A first complete map has arrived (in this or an earlier session). */
  loaded = false;
  /** The map is kept current by an open subscription. */
  live = false;
  /** When the last update arrived (ms since epoch). */
  updatedAt = 0;

  get size(): number {
    return this.states.size;
  }

  get(entityId: string): HassEntity | undefined {
    return this.states.get(entityId);
  }

  values(): IterableIterator<HassEntity> {
    return this.states.values();
  }

  ids(): IterableIterator<string> {
    return this.states.keys();
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A complete map from the subscription. */
  apply(entities: HassEntities): void {
    const first = !this.loaded;
    const changes: EntityChange[] = [];
    let present = 0;
    for (const [entityId, next] of Object.entries(entities)) {
      present += 1;
      const previous = this.states.get(entityId);
      if (previous === next) continue;
      this.states.set(entityId, next);
      if (previous && sameState(previous, next)) continue;
      changes.push({ entityId, oldState: previous ?? null, newState: next });
    }
    if (this.states.size > present) {
      for (const [entityId, previous] of this.states) {
        if (entities[entityId] === undefined) {
          this.states.delete(entityId);
          changes.push({ entityId, oldState: previous, newState: null });
        }
      }
    }
    this.loaded = true;
    this.live = true;
    this.updatedAt = Date.now();
    // The very first map is the starting point, not a change.
    if (first || changes.length === 0) return;
    for (const listener of this.listeners) listener(changes);
  }

  /** The subscription ended: the states stay, no longer live. */
  disconnected(): void {
    this.live = false;
  }
}

/** The same state written again (a resubscription): same value, same timestamps. */
function sameState(a: HassEntity, b: HassEntity): boolean {
  return a.state === b.state && a.last_updated === b.last_updated && a.last_changed === b.last_changed;
}
