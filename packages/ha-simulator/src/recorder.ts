/**
 * The recorder: every state write that changes something, and the events the logbook describes,
 * kept in memory (bounded), queried as components/history and components/logbook do.
 * History rules (recorder/history): the state at the start time is included with its timestamps
 * moved to the start time; `significant_changes_only` keeps value changes except for
 * SIGNIFICANT_DOMAINS; `minimal_response` keeps only `state`/`last_changed` after the first row,
 * except for NEED_ATTRIBUTE_DOMAINS.
 */
import { DAY, isoformat, timestamp } from './clock.js';
import type { Event, EventBus } from './event-bus.js';
import type { State } from './state-machine.js';

const SIGNIFICANT_DOMAINS = new Set([
  'climate',
  'device_tracker',
  'humidifier',
  'thermostat',
  'water_heater',
]);
const NEED_ATTRIBUTE_DOMAINS = new Set([
  'climate',
  'humidifier',
  'input_datetime',
  'thermostat',
  'water_heater',
]);
// Events the logbook reads besides state changes.
const LOGBOOK_EVENT_TYPES = new Set([
  'call_service',
  'automation_triggered',
  'script_started',
  'logbook_entry',
]);

export type StateRow = { state: State; hasOldState: boolean };

export type HistoryQuery = {
  startUs: number;
  endUs: number;
  entityIds: string[];
  includeStartTimeState: boolean;
  significantChangesOnly: boolean;
  minimalResponse: boolean;
  noAttributes: boolean;
};

export type RecorderLimits = { keepUs: number; maxRowsPerEntity: number; maxEvents: number };
const DEFAULT_LIMITS: RecorderLimits = { keepUs: 10 * DAY, maxRowsPerEntity: 20_000, maxEvents: 50_000 };

export class Recorder {
  private readonly rows = new Map<string, StateRow[]>();
  private events: Event[] = [];

  constructor(
    bus: EventBus,
    private readonly limits: RecorderLimits = DEFAULT_LIMITS,
  ) {
    bus.listen('state_changed', (event) => {
      const state = event.data.new_state as State | null;
      if (state) this.recordState(state, event.data.old_state !== null);
    });
    bus.listen('*', (event) => {
      if (LOGBOOK_EVENT_TYPES.has(event.eventType)) this.recordEvent(event);
    });
  }

  recordState(state: State, hasOldState: boolean): void {
    let list = this.rows.get(state.entityId);
    if (!list) {
      list = [];
      this.rows.set(state.entityId, list);
    }
    list.push({ state, hasOldState });
    const horizon = state.lastUpdated - this.limits.keepUs;
    let drop = 0;
    while (drop < list.length - 1 && (list[drop]?.state.lastUpdated ?? 0) < horizon) drop++;
    drop = Math.max(drop, list.length - this.limits.maxRowsPerEntity);
    if (drop > 0) list.splice(0, drop);
  }

  recordEvent(event: Event): void {
    this.events.push(event);
    if (this.events.length > this.limits.maxEvents) this.events = this.events.slice(-this.limits.maxEvents);
  }

  stateRows(entityId: string): readonly StateRow[] {
    return this.rows.get(entityId) ?? [];
  }

  allStateRows(): StateRow[] {
    return [...this.rows.values()].flat();
  }

  recordedEvents(): readonly Event[] {
    return this.events;
  }

  /** True when something was recorded before `us` (history's `has_states_before`). */
  hasStatesBefore(us: number): boolean {
    for (const list of this.rows.values()) if ((list[0]?.state.lastUpdated ?? Infinity) < us) return true;
    return false;
  }

  /** The rows of one entity for a history query, before shaping: [start state?, ...changes]. */
  private select(entityId: string, q: HistoryQuery): Array<{ state: State; at: number | null }> {
    const list = this.rows.get(entityId) ?? [];
    const domain = entityId.split('.')[0] ?? '';
    const out: Array<{ state: State; at: number | null }> = [];
    if (q.includeStartTimeState) {
      let before: State | undefined;
      for (const row of list) {
        if (row.state.lastUpdated < q.startUs) before = row.state;
        else break;
      }
      if (before) out.push({ state: before, at: q.startUs });
    }
    for (const { state } of list) {
      if (state.lastUpdated <= q.startUs || state.lastUpdated >= q.endUs) continue;
      if (
        q.significantChangesOnly &&
        !SIGNIFICANT_DOMAINS.has(domain) &&
        state.lastChanged !== state.lastUpdated
      ) {
        continue;
      }
      out.push({ state, at: null });
    }
    return out;
  }

  /** GET /api/history/period: one list per entity that has rows, in the asked order. */
  history(q: HistoryQuery): Array<Array<Record<string, unknown>>> {
    const result: Array<Array<Record<string, unknown>>> = [];
    for (const entityId of q.entityIds) {
      const selected = this.select(entityId, q);
      if (selected.length === 0) continue;
      const domain = entityId.split('.')[0] ?? '';
      const full = ({ state, at }: { state: State; at: number | null }) => {
        const updated = at ?? state.lastUpdated;
        const changed = at ?? state.lastChanged;
        return {
          entity_id: state.entityId,
          state: state.state,
          attributes: q.noAttributes && !NEED_ATTRIBUTE_DOMAINS.has(domain) ? {} : state.attributes,
          last_changed: isoformat(changed),
          last_updated: isoformat(updated),
        };
      };
      if (!q.minimalResponse || NEED_ATTRIBUTE_DOMAINS.has(domain)) {
        result.push(selected.map(full));
        continue;
      }
      const [first, ...rest] = selected;
      if (!first) continue;
      const rows: Array<Record<string, unknown>> = [full(first)];
      let previous = first.state.state;
      for (const { state } of rest) {
        if (state.state === previous) continue;
        previous = state.state;
        rows.push({ state: state.state, last_changed: isoformat(state.lastUpdated) });
      }
      result.push(rows);
    }
    return result;
  }

  /** history/history_during_period: compressed rows by entity id (`s`, `a`, `lu`, `lc`). */
  historyCompressed(q: HistoryQuery): Record<string, Array<Record<string, unknown>>> {
    const result: Record<string, Array<Record<string, unknown>>> = {};
    for (const entityId of q.entityIds) {
      const selected = this.select(entityId, q);
      if (selected.length === 0) continue;
      const domain = entityId.split('.')[0] ?? '';
      const minimal = q.minimalResponse && !NEED_ATTRIBUTE_DOMAINS.has(domain);
      const rows: Array<Record<string, unknown>> = [];
      let previous: string | null = null;
      for (const [index, { state, at }] of selected.entries()) {
        if (minimal && index > 0) {
          if (state.state === previous) continue;
          previous = state.state;
          rows.push({ s: state.state, lu: timestamp(state.lastUpdated) });
          continue;
        }
        previous = state.state;
        const row: Record<string, unknown> = { s: state.state };
        if (!q.noAttributes || NEED_ATTRIBUTE_DOMAINS.has(domain)) row.a = state.attributes;
        const updated = at ?? state.lastUpdated;
        const changed = at ?? state.lastChanged;
        row.lu = timestamp(updated);
        if (changed !== updated) row.lc = timestamp(changed);
        rows.push(row);
      }
      result[entityId] = rows;
    }
    return result;
  }
}
