/**
 * The state machine (homeassistant/core.py State, StateMachine): `last_changed` moves only when the
 * state value changes, `last_updated` when the value or the attributes change, `last_reported` on
 * every write; a write that changes nothing fires `state_reported` instead of `state_changed`.
 */
import { isDeepStrictEqual } from 'node:util';
import { isoformat, nowUs, timestamp } from './clock.js';
import { HomeAssistantError } from './errors.js';
import { type Context, type EventBus, newContext } from './event-bus.js';
import { isValidEntityId } from './validation.js';

export type Attributes = Readonly<Record<string, unknown>>;

/** `State.as_dict()`. */
export type StateDict = {
  entity_id: string;
  state: string;
  attributes: Attributes;
  last_changed: string;
  last_reported: string;
  last_updated: string;
  context: Context;
};

/** `State.as_compressed_state` (subscribe_entities). */
export type CompressedState = { s: string; a: Attributes; c: string | Context; lc: number; lu?: number };

export const MAX_STATE_LENGTH = 255; // homeassistant.const.MAX_LENGTH_STATE_STATE

export class State {
  readonly domain: string;
  readonly objectId: string;

  constructor(
    readonly entityId: string,
    readonly state: string,
    readonly attributes: Attributes,
    readonly lastChanged: number,
    readonly lastUpdated: number,
    public lastReported: number,
    readonly context: Context,
  ) {
    const dot = entityId.indexOf('.');
    this.domain = entityId.slice(0, dot);
    this.objectId = entityId.slice(dot + 1);
  }

  get name(): string {
    const friendly = this.attributes.friendly_name;
    return typeof friendly === 'string' && friendly ? friendly : this.objectId.replace(/_/g, ' ');
  }

  asDict(): StateDict {
    return {
      entity_id: this.entityId,
      state: this.state,
      attributes: this.attributes,
      last_changed: isoformat(this.lastChanged),
      last_reported: isoformat(this.lastReported),
      last_updated: isoformat(this.lastUpdated),
      context: this.context,
    };
  }

  /** JSON of a State is its as_dict, wherever it is nested (event data, REST bodies). */
  toJSON(): StateDict {
    return this.asDict();
  }

  compressed(): CompressedState {
    const ctx = this.context;
    const out: CompressedState = {
      s: this.state,
      a: this.attributes,
      c: ctx.parent_id === null && ctx.user_id === null ? ctx.id : ctx,
      lc: timestamp(this.lastChanged),
    };
    if (this.lastChanged !== this.lastUpdated) out.lu = timestamp(this.lastUpdated);
    return out;
  }
}

export type SetOptions = { context?: Context; forceUpdate?: boolean; at?: number };

export class StateMachine {
  private readonly states = new Map<string, State>();

  constructor(private readonly bus: EventBus) {}

  get(entityId: string): State | undefined {
    return this.states.get(entityId) ?? this.states.get(entityId.toLowerCase());
  }

  all(domain?: string): State[] {
    const all = [...this.states.values()];
    return domain ? all.filter((s) => s.domain === domain) : all;
  }

  entityIds(): string[] {
    return [...this.states.keys()];
  }

  /** `async_set`: add or update an entity; returns the state now in the machine. */
  set(entityId: string, newState: string, attributes: Attributes = {}, options: SetOptions = {}): State {
    const id = entityId.toLowerCase();
    if (!isValidEntityId(id)) {
      throw new HomeAssistantError(
        `Invalid entity id encountered: ${entityId}. Format should be <domain>.<object_id>`,
      );
    }
    const value = String(newState);
    if (value.length > MAX_STATE_LENGTH) {
      throw new HomeAssistantError(
        `Invalid state with length ${value.length}. State max length is 255 characters.`,
      );
    }
    const now = options.at ?? nowUs();
    const context = options.context ?? newContext({ atUs: now });
    const old = this.states.get(id);
    const sameState = old !== undefined && old.state === value && !options.forceUpdate;
    const sameAttributes = old !== undefined && isDeepStrictEqual(old.attributes, attributes);
    if (old && sameState && sameAttributes) {
      const oldLastReported = old.lastReported;
      old.lastReported = now;
      this.bus.fire(
        'state_reported',
        { entity_id: id, old_last_reported: isoformat(oldLastReported), new_state: old },
        { context, timeFired: now },
      );
      return old;
    }
    const state = new State(
      id,
      value,
      Object.freeze(structuredClone(sameAttributes && old ? old.attributes : attributes)),
      sameState && old ? old.lastChanged : now,
      now,
      now,
      context,
    );
    this.states.set(id, state);
    this.bus.fire(
      'state_changed',
      { entity_id: id, old_state: old ?? null, new_state: state },
      { context, timeFired: now },
    );
    return state;
  }

  /** `async_remove`: fires state_changed with `new_state: null`. */
  remove(entityId: string, context?: Context): boolean {
    const id = entityId.toLowerCase();
    const old = this.states.get(id);
    if (!old) return false;
    this.states.delete(id);
    this.bus.fire('state_changed', { entity_id: id, old_state: old, new_state: null }, { context });
    return true;
  }

  /** Put a state in place without any event: the seed, whose history is already recorded. */
  restore(state: State): void {
    this.states.set(state.entityId, state);
  }
}
