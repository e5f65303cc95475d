/**
 * WebSocket commands (websocket_api/commands.py and the registries', history's, logbook's and
 * automation config's commands), each with its voluptuous-style schema.
 */
import { parseDatetime } from '../clock.js';
import { HomeAssistantError, ServiceNotFound, ServiceValidationError } from '../errors.js';
import { eventAsDict, MATCH_ALL } from '../event-bus.js';
import { logbookEvents } from '../logbook.js';
import { areaJson, deviceJson, entityJson } from '../registries.js';
import { ENTITY_SERVICE_FIELDS } from '../services/entity-service.js';
import type { State } from '../state-machine.js';
import { parseResult } from '../template/python.js';
import { renderTemplate } from '../template/render.js';
import {
  bool,
  coerceFloat,
  cvString,
  dict,
  entityIds,
  type Fields,
  Invalid,
  isValidEntityId,
  listOf,
  MultipleInvalid,
  optional,
  positiveInt,
  required,
  schema,
  str,
  type Validator,
} from '../validation.js';
import type { WsConnection } from './connection.js';
import { ERR, eventMessage, stateDiffEvent, translationOf } from './messages.js';

export type Command = {
  fields: Fields;
  handler: (conn: WsConnection, id: number, msg: Record<string, unknown>) => void | Promise<void>;
};

const featuresValidator: Validator<Record<string, number>> = (v, path) => {
  const d = dict(v, path);
  for (const [k, x] of Object.entries(d)) {
    if (typeof x !== 'number' || !Number.isInteger(x))
      throw new Invalid('expected int', [...path, k], 'dictionary value');
  }
  return d as Record<string, number>;
};

/** include/exclude filter of subscribe_entities (entityfilter INCLUDE_EXCLUDE_BASE_FILTER_SCHEMA). */
const FILTER_KEYS = [
  'include_domains',
  'include_entities',
  'include_entity_globs',
  'exclude_domains',
  'exclude_entities',
  'exclude_entity_globs',
];
function entityFilter(msg: Record<string, unknown>): ((id: string) => boolean) | null {
  const list = (k: string) => (msg[k] as string[] | undefined) ?? [];
  if (FILTER_KEYS.every((k) => list(k).length === 0)) return null;
  const glob = (g: string) =>
    new RegExp(
      `^${g
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    );
  const incGlobs = list('include_entity_globs').map(glob);
  const excGlobs = list('exclude_entity_globs').map(glob);
  const hasInclude = list('include_domains').length + list('include_entities').length + incGlobs.length > 0;
  return (id) => {
    const domain = id.split('.')[0] ?? '';
    if (list('include_entities').includes(id)) return true;
    if (list('exclude_entities').includes(id) || excGlobs.some((g) => g.test(id))) return false;
    if (list('include_domains').includes(domain) || incGlobs.some((g) => g.test(id))) return true;
    if (list('exclude_domains').includes(domain)) return false;
    return !hasInclude;
  };
}

function historyRange(
  conn: WsConnection,
  id: number,
  msg: Record<string, unknown>,
): { start: number; end: number | null } | null {
  const tz = conn.hass.options.timeZone;
  const start = parseDatetime(String(msg.start_time), tz);
  if (start === null) {
    conn.sendError(id, 'invalid_start_time', 'Invalid start_time');
    return null;
  }
  let end: number | null = null;
  if (msg.end_time) {
    end = parseDatetime(String(msg.end_time), tz);
    if (end === null) {
      conn.sendError(id, 'invalid_end_time', 'Invalid end_time');
      return null;
    }
  }
  return { start, end };
}

export const COMMANDS: Record<string, Command> = {
  supported_features: {
    fields: { features: required(featuresValidator) },
    handler: (conn, id, msg) => {
      conn.setSupportedFeatures(msg.features as Record<string, number>);
      conn.sendResult(id, null);
    },
  },
  ping: { fields: {}, handler: (conn, id) => conn.sendRaw({ id, type: 'pong' }) },
  get_states: { fields: {}, handler: (conn, id) => conn.sendResult(id, conn.hass.states.all()) },
  get_config: { fields: {}, handler: (conn, id) => conn.sendResult(id, conn.hass.configAsDict()) },
  get_services: { fields: {}, handler: (conn, id) => conn.sendResult(id, conn.hass.services.descriptions()) },
  'auth/current_user': {
    fields: {},
    handler: (conn, id) =>
      conn.sendResult(id, {
        id: conn.hass.user.id,
        name: conn.hass.user.name,
        is_owner: true,
        is_admin: true,
        credentials: [{ auth_provider_type: 'homeassistant', auth_provider_id: null }],
        mfa_modules: [{ id: 'totp', name: 'Authenticator app', enabled: false }],
      }),
  },
  call_service: {
    fields: {
      domain: required(str),
      service: required(str),
      target: optional(schema(ENTITY_SERVICE_FIELDS)),
      service_data: optional(dict),
      return_response: optional(bool, false),
    },
    handler: async (conn, id, msg) => {
      const context = conn.runtime.userContext();
      const returnResponse = msg.return_response === true;
      try {
        const response = await conn.runtime.callService(
          'websocket',
          String(msg.domain),
          String(msg.service),
          (msg.service_data as Record<string, unknown>) ?? null,
          {
            context,
            target: msg.target as Record<string, unknown> | undefined,
            returnResponse,
          },
        );
        conn.sendResult(id, returnResponse ? { context, response } : { context });
      } catch (err) {
        if (err instanceof ServiceNotFound) {
          conn.sendError(
            id,
            ERR.NOT_FOUND,
            `Service ${err.domain}.${err.service} not found.`,
            err.translation,
          );
        } else if (err instanceof Invalid || err instanceof MultipleInvalid) {
          conn.sendError(id, ERR.INVALID_FORMAT, String(err));
        } else if (err instanceof ServiceValidationError) {
          conn.sendError(
            id,
            ERR.SERVICE_VALIDATION_ERROR,
            `Validation error: ${err.message}`,
            err.translation,
          );
        } else if (err instanceof HomeAssistantError) {
          conn.sendError(id, ERR.HOME_ASSISTANT_ERROR, err.message, translationOf(err));
        } else {
          conn.sendError(id, ERR.UNKNOWN_ERROR, err instanceof Error ? err.message : String(err));
        }
      }
    },
  },
  subscribe_events: {
    fields: { event_type: optional(str, MATCH_ALL) },
    handler: (conn, id, msg) => {
      const unsubscribe = conn.hass.bus.listen(String(msg.event_type), (event) =>
        conn.sendRaw(eventMessage(id, eventAsDict(event))),
      );
      conn.addSubscription(id, unsubscribe);
      conn.sendResult(id, null);
    },
  },
  unsubscribe_events: {
    fields: { subscription: required(positiveInt) },
    handler: (conn, id, msg) => {
      if (conn.removeSubscription(Number(msg.subscription))) conn.sendResult(id, null);
      else conn.sendError(id, ERR.NOT_FOUND, 'Subscription not found.');
    },
  },
  subscribe_entities: {
    fields: {
      entity_ids: optional(entityIds),
      ...Object.fromEntries(FILTER_KEYS.map((k) => [k, optional(listOf(cvString))])),
    },
    handler: (conn, id, msg) => {
      const ids = new Set((msg.entity_ids as string[] | undefined) ?? []);
      const filter = entityFilter(msg);
      const wanted = (entityId: string) =>
        (ids.size === 0 || ids.has(entityId)) && (!filter || filter(entityId));
      // Listen before reading the states, with nothing in between: no change can be missed.
      const unsubscribe = conn.hass.bus.listen('state_changed', (event) => {
        const entityId = String(event.data.entity_id);
        if (!wanted(entityId)) return;
        conn.sendRaw(
          eventMessage(
            id,
            stateDiffEvent(
              entityId,
              event.data.old_state as State | null,
              event.data.new_state as State | null,
            ),
          ),
        );
      });
      conn.addSubscription(id, unsubscribe);
      conn.sendResult(id, null);
      const initial = Object.fromEntries(
        conn.hass.states
          .all()
          .filter((s) => wanted(s.entityId))
          .map((s) => [s.entityId, s.compressed()]),
      );
      conn.sendRaw(eventMessage(id, { a: initial }));
    },
  },
  render_template: {
    fields: {
      template: required(str),
      entity_ids: optional(entityIds),
      variables: optional(dict),
      timeout: optional(coerceFloat),
      strict: optional(bool, false),
      report_errors: optional(bool, false),
    },
    handler: (conn, id, msg) => {
      const render = () => {
        try {
          const { text, info } = renderTemplate(String(msg.template), {
            states: conn.hass.states,
            registries: conn.hass.registries,
            variables: (msg.variables as Record<string, unknown>) ?? {},
            strict: msg.strict === true,
          });
          const listeners = {
            all: false,
            entities: [...info.entities].sort(),
            domains: [...info.domains].sort(),
            time: false,
          };
          conn.sendRaw(eventMessage(id, { result: parseResult(text), listeners }));
          return info;
        } catch (err) {
          if (msg.report_errors === true)
            conn.sendRaw(eventMessage(id, { error: (err as Error).message, level: 'ERROR' }));
          return null;
        }
      };
      let tracked = new Set<string>();
      let domains = new Set<string>();
      const unsubscribe = conn.hass.bus.listen('state_changed', (event) => {
        const entityId = String(event.data.entity_id);
        if (!tracked.has(entityId) && !domains.has(entityId.split('.')[0] ?? '')) return;
        const info = render();
        if (info) ({ entities: tracked, domains } = info);
      });
      conn.addSubscription(id, unsubscribe);
      conn.sendResult(id, null);
      const info = render();
      if (info) ({ entities: tracked, domains } = info);
    },
  },
  fire_event: {
    fields: { event_type: required(str), event_data: optional(dict) },
    handler: (conn, id, msg) => {
      const context = conn.runtime.userContext();
      conn.hass.bus.fire(String(msg.event_type), (msg.event_data as Record<string, unknown>) ?? {}, {
        context,
      });
      conn.sendResult(id, { context });
    },
  },
  'config/area_registry/list': {
    fields: {},
    handler: (conn, id) => conn.sendResult(id, [...conn.hass.registries.areas.values()].map(areaJson)),
  },
  'config/device_registry/list': {
    fields: {},
    handler: (conn, id) => conn.sendResult(id, [...conn.hass.registries.devices.values()].map(deviceJson)),
  },
  'config/entity_registry/list': {
    fields: {},
    handler: (conn, id) => conn.sendResult(id, [...conn.hass.registries.entities.values()].map(entityJson)),
  },
  'config/entity_registry/get': {
    fields: { entity_id: required(cvString) },
    handler: (conn, id, msg) => {
      const entry = conn.hass.registries.entities.get(String(msg.entity_id));
      if (!entry) return conn.sendError(id, ERR.NOT_FOUND, 'Entity not found');
      const state = conn.hass.states.get(entry.entityId);
      conn.sendResult(id, {
        ...entityJson(entry),
        aliases: [],
        capabilities: null,
        device_class: null,
        original_device_class: (state?.attributes.device_class as string | undefined) ?? null,
        original_icon: null,
      });
    },
  },
  'history/history_during_period': {
    fields: {
      start_time: required(str),
      end_time: optional(str),
      entity_ids: required(listOf(str)),
      include_start_time_state: optional(bool, true),
      significant_changes_only: optional(bool, true),
      minimal_response: optional(bool, false),
      no_attributes: optional(bool, false),
    },
    handler: (conn, id, msg) => {
      const range = historyRange(conn, id, msg);
      if (!range) return;
      if (range.start > Date.now() * 1000) return conn.sendResult(id, {});
      const wanted = msg.entity_ids as string[];
      if (wanted.some((e) => !conn.hass.states.get(e) && !isValidEntityId(e))) {
        return conn.sendError(id, 'invalid_entity_ids', 'Invalid entity_ids');
      }
      conn.sendResult(
        id,
        conn.hass.recorder.historyCompressed({
          startUs: range.start,
          endUs: range.end ?? Number.MAX_SAFE_INTEGER,
          entityIds: wanted,
          includeStartTimeState: msg.include_start_time_state === true,
          significantChangesOnly: msg.significant_changes_only === true,
          minimalResponse: msg.minimal_response === true,
          noAttributes: msg.no_attributes === true,
        }),
      );
    },
  },
  'logbook/get_events': {
    fields: {
      start_time: required(str),
      end_time: optional(str),
      entity_ids: optional(listOf(str)),
      device_ids: optional(listOf(str)),
      context_id: optional(str),
    },
    handler: (conn, id, msg) => {
      const range = historyRange(conn, id, msg);
      if (!range) return;
      const end = range.end ?? Date.now() * 1000;
      if (range.start > end) return conn.sendResult(id, []);
      const entityIdsWanted = [
        ...((msg.entity_ids as string[] | undefined) ?? []),
        ...((msg.device_ids as string[] | undefined) ?? []).flatMap((d) =>
          conn.hass.registries.entitiesOfDevice(d),
        ),
      ];
      conn.sendResult(
        id,
        logbookEvents(conn.hass.recorder, conn.hass.states, {
          startUs: range.start,
          endUs: end,
          entityIds: msg.entity_ids || msg.device_ids ? entityIdsWanted : null,
          contextId: (msg.context_id as string | undefined) ?? null,
          timestampWhen: true,
        }),
      );
    },
  },
  'automation/config': {
    fields: { entity_id: required(str) },
    handler: (conn, id, msg) => {
      const config = conn.hass.automations.configForEntity(String(msg.entity_id));
      if (!config) return conn.sendError(id, ERR.NOT_FOUND, 'Entity not found');
      conn.sendResult(id, { config });
    },
  },
};
