/**
 * WebSocket message shapes (components/websocket_api/messages.py) and the subscribe_entities diff:
 * `a` adds compressed states, `c` carries `+` (changed `s`, `lc` or else `lu`, `c` context, `a`
 * attributes) and `-` (removed attribute names), `r` lists removed entities.
 */

import { isDeepStrictEqual } from 'node:util';
import { timestamp } from '../clock.js';
import { HomeAssistantError, type Translation } from '../errors.js';
import type { Context } from '../event-bus.js';
import type { State } from '../state-machine.js';

export const ERR = {
  ID_REUSE: 'id_reuse',
  INVALID_FORMAT: 'invalid_format',
  NOT_ALLOWED: 'not_allowed',
  NOT_FOUND: 'not_found',
  NOT_SUPPORTED: 'not_supported',
  HOME_ASSISTANT_ERROR: 'home_assistant_error',
  SERVICE_VALIDATION_ERROR: 'service_validation_error',
  UNKNOWN_COMMAND: 'unknown_command',
  UNKNOWN_ERROR: 'unknown_error',
  UNAUTHORIZED: 'unauthorized',
  TIMEOUT: 'timeout',
  TEMPLATE_ERROR: 'template_error',
} as const;

export const resultMessage = (id: number, result: unknown = null) => ({
  id,
  type: 'result',
  success: true,
  result,
});

/** `error_message`: translation fields only when a translation key is known. */
export function errorMessage(
  id: unknown,
  code: string,
  message: string,
  translation: Translation | null = null,
) {
  const error: Record<string, unknown> = { code, message };
  if (translation) {
    error.translation_key = translation.key;
    error.translation_placeholders = translation.placeholders;
    error.translation_domain = translation.domain;
  }
  return { id, type: 'result', success: false, error };
}

export const eventMessage = (id: number, event: unknown) => ({ id, type: 'event', event });

export const translationOf = (err: unknown): Translation | null =>
  err instanceof HomeAssistantError ? err.translation : null;

type Diff = { '+'?: Record<string, unknown>; '-'?: { a: string[] } };

/** `_state_diff`. */
export function stateDiff(oldState: State, newState: State): Diff {
  const additions: Record<string, unknown> = {};
  if (oldState.state !== newState.state) additions.s = newState.state;
  if (oldState.lastChanged !== newState.lastChanged) additions.lc = timestamp(newState.lastChanged);
  else if (oldState.lastUpdated !== newState.lastUpdated) additions.lu = timestamp(newState.lastUpdated);
  const o: Context = oldState.context;
  const n: Context = newState.context;
  let context: Record<string, unknown> | string | undefined;
  if (o.parent_id !== n.parent_id) context = { parent_id: n.parent_id };
  if (o.user_id !== n.user_id)
    context = { ...(typeof context === 'object' ? context : {}), user_id: n.user_id };
  if (o.id !== n.id) context = typeof context === 'object' ? { ...context, id: n.id } : n.id;
  if (context !== undefined) additions.c = context;
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(newState.attributes)) {
    if (!isDeepStrictEqual(oldState.attributes[key], value) || !(key in oldState.attributes))
      changed[key] = value;
  }
  if (Object.keys(changed).length) additions.a = changed;
  const diff: Diff = { '+': additions };
  const removed = Object.keys(oldState.attributes).filter((key) => !(key in newState.attributes));
  if (removed.length) diff['-'] = { a: removed };
  return diff;
}

/** `_state_diff_event`: what a subscribe_entities subscriber receives for one state_changed. */
export function stateDiffEvent(entityId: string, oldState: State | null, newState: State | null) {
  if (newState === null) return { r: [entityId] };
  if (oldState === null) return { a: { [entityId]: newState.compressed() } };
  return { c: { [entityId]: stateDiff(oldState, newState) } };
}
