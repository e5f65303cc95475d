/**
 * The logbook (components/logbook/processor.py): state changes of non-continuous entities and the
 * described events (automation triggered, script started, logbook entries), each augmented with
 * what caused it (ContextAugmenter: the first row of its context, or of its parent context).
 */
import { isoformat, timestamp } from './clock.js';
import type { Context, Event } from './event-bus.js';
import type { Recorder } from './recorder.js';
import type { State, StateMachine } from './state-machine.js';

export type LogbookQuery = {
  startUs: number;
  endUs: number;
  entityIds: string[] | null;
  contextId: string | null;
  /** REST answers ISO `when`, the WebSocket API float timestamps. */
  timestampWhen: boolean;
};

type Row = { at: number; context: Context; state?: State; event?: Event };

const entityName = (states: StateMachine, entityId: string): string =>
  states.get(entityId)?.name ?? (entityId.split('.')[1] ?? entityId).replace(/_/g, ' ');

/** Sensors with a unit or a state class are continuous and left out (logbook/helpers.py). */
function isContinuousSensor(state: State): boolean {
  return (
    state.domain === 'sensor' &&
    ('unit_of_measurement' in state.attributes || 'state_class' in state.attributes)
  );
}

function describeEvent(event: Event): Record<string, unknown> | null {
  const data = event.data;
  if (event.eventType === 'automation_triggered') {
    const source = typeof data.source === 'string' ? data.source : undefined;
    return {
      name: data.name,
      message: source ? `triggered by ${source}` : 'triggered',
      source: source ?? null,
      entity_id: data.entity_id,
      context_id: event.context.id,
      domain: 'automation',
    };
  }
  if (event.eventType === 'script_started') {
    return {
      name: data.name,
      message: 'started',
      entity_id: data.entity_id,
      context_id: event.context.id,
      domain: 'script',
    };
  }
  return null;
}

export function logbookEvents(
  recorder: Recorder,
  states: StateMachine,
  q: LogbookQuery,
): Array<Record<string, unknown>> {
  const rows: Row[] = [];
  for (const { state, hasOldState } of recorder.allStateRows()) {
    if (hasOldState && state.lastChanged === state.lastUpdated) {
      rows.push({ at: state.lastUpdated, context: state.context, state });
    }
  }
  for (const event of recorder.recordedEvents())
    rows.push({ at: event.timeFired, context: event.context, event });
  rows.sort((a, b) => a.at - b.at);

  // The first row of each context: what the augmenter reports as the cause.
  const firstOfContext = new Map<string, Row>();
  for (const row of rows) if (!firstOfContext.has(row.context.id)) firstOfContext.set(row.context.id, row);

  const when = (us: number) => (q.timestampWhen ? timestamp(us) : isoformat(us));
  const wanted = q.entityIds ? new Set(q.entityIds) : null;
  const out: Array<Record<string, unknown>> = [];
  for (const row of rows) {
    if (row.at < q.startUs || row.at >= q.endUs) continue;
    if (q.contextId && row.context.id !== q.contextId) continue;
    let entry: Record<string, unknown>;
    if (row.state) {
      if (isContinuousSensor(row.state)) continue;
      if (wanted && !wanted.has(row.state.entityId)) continue;
      entry = { when: when(row.at), state: row.state.state, entity_id: row.state.entityId };
      entry.name = entityName(states, row.state.entityId);
      if (typeof row.state.attributes.icon === 'string') entry.icon = row.state.attributes.icon;
    } else if (row.event?.eventType === 'logbook_entry') {
      const data = row.event.data;
      if (wanted && !wanted.has(String(data.entity_id))) continue;
      entry = {
        when: when(row.at),
        name: data.name ?? null,
        message: data.message ?? null,
        domain: data.domain ?? (typeof data.entity_id === 'string' ? data.entity_id.split('.')[0] : null),
        entity_id: data.entity_id ?? null,
      };
    } else {
      const described = row.event ? describeEvent(row.event) : null;
      if (!described) continue;
      if (wanted && !wanted.has(String(described.entity_id))) continue;
      const { domain, ...rest } = described;
      entry = { ...rest, when: when(row.at), domain };
    }
    augment(entry, row, firstOfContext, states);
    out.push(entry);
  }
  return out;
}

function augment(
  entry: Record<string, unknown>,
  row: Row,
  firstOfContext: Map<string, Row>,
  states: StateMachine,
): void {
  if (row.context.user_id) entry.context_user_id = row.context.user_id;
  let cause = firstOfContext.get(row.context.id);
  if (cause === row) {
    cause = row.context.parent_id ? firstOfContext.get(row.context.parent_id) : undefined;
    if (!cause || cause === row) return;
  }
  if (!cause) return;
  if (cause.state) {
    entry.context_state = cause.state.state;
    entry.context_entity_id = cause.state.entityId;
    entry.context_entity_id_name = entityName(states, cause.state.entityId);
    return;
  }
  const event = cause.event;
  if (!event) return;
  if (event.eventType === 'call_service') {
    entry.context_domain = event.data.domain;
    entry.context_service = event.data.service;
    entry.context_event_type = 'call_service';
    return;
  }
  const described = describeEvent(event);
  if (!described) return;
  entry.context_event_type = event.eventType;
  entry.context_domain = described.domain;
  if (described.name) entry.context_name = described.name;
  if (described.message) entry.context_message = described.message;
  if (described.source) entry.context_source = described.source;
  if (typeof described.entity_id === 'string') {
    entry.context_entity_id = described.entity_id;
    entry.context_entity_id_name = entityName(states, described.entity_id);
  }
}
