/**
 * The event bus (homeassistant/core.py EventBus, Event, Context). Listeners run synchronously in
 * firing order, as Home Assistant's callbacks do on its event loop.
 */
import { isoformat, nowUs, ulid } from './clock.js';

export type Context = { id: string; parent_id: string | null; user_id: string | null };

export function newContext({
  userId = null,
  parentId = null,
  atUs,
}: {
  userId?: string | null;
  parentId?: string | null;
  atUs?: number;
} = {}): Context {
  return { id: ulid(atUs), parent_id: parentId, user_id: userId };
}

export const MATCH_ALL = '*';
// core.py EVENTS_EXCLUDED_FROM_MATCH_ALL
const EXCLUDED_FROM_MATCH_ALL = new Set(['homeassistant_close', 'state_reported']);

export type Event = {
  eventType: string;
  data: Record<string, unknown>;
  origin: 'LOCAL' | 'REMOTE';
  timeFired: number;
  context: Context;
};

/** `Event.as_dict()`; values in `data` serialize through their own toJSON (State does). */
export function eventAsDict(event: Event) {
  return {
    event_type: event.eventType,
    data: event.data,
    origin: event.origin,
    time_fired: isoformat(event.timeFired),
    context: event.context,
  };
}

export type Listener = (event: Event) => void;

export class EventBus {
  private readonly listeners = new Map<string, Set<Listener>>();

  listen(eventType: string, listener: Listener): () => void {
    let set = this.listeners.get(eventType);
    if (!set) {
      set = new Set();
      this.listeners.set(eventType, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && eventType !== MATCH_ALL) this.listeners.delete(eventType);
    };
  }

  fire(
    eventType: string,
    data: Record<string, unknown> = {},
    {
      context,
      origin = 'LOCAL',
      timeFired,
    }: { context?: Context; origin?: 'LOCAL' | 'REMOTE'; timeFired?: number } = {},
  ): Event {
    const fired = timeFired ?? nowUs();
    const event: Event = {
      eventType,
      data,
      origin,
      timeFired: fired,
      context: context ?? newContext({ atUs: fired }),
    };
    const targets = [...(this.listeners.get(eventType) ?? [])];
    if (!EXCLUDED_FROM_MATCH_ALL.has(eventType)) targets.push(...(this.listeners.get(MATCH_ALL) ?? []));
    for (const listener of targets) listener(event);
    return event;
  }

  /** `async_listeners()`: listener count by event type (GET /api/events). */
  listenerCounts(): Record<string, number> {
    return Object.fromEntries([...this.listeners].map(([type, set]) => [type, set.size]));
  }
}
