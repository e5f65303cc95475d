/**
 * REST views over recorded data and configuration: /api/history/period (components/history),
 * /api/logbook (components/logbook/rest_api.py) and /api/config/automation/config
 * (components/config/view.py EditIdBasedConfigView + config/automation.py).
 */

import { orderedConfig, validateAutomationConfig } from '../automations.js';
import { DAY, nowUs, parseDatetime, startOfLocalDayUs } from '../clock.js';
import { HomeAssistantError } from '../errors.js';
import { logbookEvents } from '../logbook.js';
import type { Runtime } from '../runtime.js';
import { entityIds, Invalid, isValidEntityId, MultipleInvalid } from '../validation.js';
import { type Route, type RouteRequest, sendJson, sendMessage } from './http.js';

export function recordedRoutes(runtime: Runtime): Route[] {
  const hass = runtime.hass;
  const tz = () => hass.options.timeZone;

  const history = ({ res, params, query }: RouteRequest) => {
    let start: number | null = null;
    if (params.datetime) {
      start = parseDatetime(params.datetime, tz());
      if (start === null) return sendMessage(res, 400, 'Invalid datetime');
    }
    const raw = query.get('filter_entity_id');
    const ids = raw ? raw.trim().toLowerCase().split(',') : [];
    if (!raw || ids.length === 0) return sendMessage(res, 400, 'filter_entity_id is missing');
    if (ids.some((id) => !hass.states.get(id) && !isValidEntityId(id)))
      return sendMessage(res, 400, 'Invalid filter_entity_id');
    const now = nowUs();
    const startUs = start ?? now - DAY;
    if (startUs > now) return sendJson(res, 200, []);
    let endUs = startUs + DAY;
    const endText = query.get('end_time');
    if (endText) {
      const end = parseDatetime(endText, tz());
      if (end === null) return sendMessage(res, 400, 'Invalid end_time');
      endUs = end;
    }
    const includeStart = !query.has('skip_initial_state');
    if (!hass.recorder.hasStatesBefore(endUs)) return sendJson(res, 200, []);
    sendJson(
      res,
      200,
      hass.recorder.history({
        startUs,
        endUs,
        entityIds: ids,
        includeStartTimeState: includeStart,
        significantChangesOnly: query.get('significant_changes_only') !== '0',
        minimalResponse: query.has('minimal_response'),
        noAttributes: query.has('no_attributes'),
      }),
    );
  };

  const logbook = ({ res, params, query }: RouteRequest) => {
    let start: number;
    if (params.datetime) {
      const parsed = parseDatetime(params.datetime, tz());
      if (parsed === null) return sendMessage(res, 400, 'Invalid datetime');
      start = parsed;
    } else start = startOfLocalDayUs(nowUs(), tz());
    const periodText = query.get('period');
    // int(period) raising ValueError is not caught by Home Assistant: a 500.
    if (periodText !== null && !/^\s*[+-]?\d+\s*$/.test(periodText))
      throw new Error(`invalid literal for int(): '${periodText}'`);
    const period = periodText === null ? 1 : Number(periodText);
    let ids: string[] | null = null;
    const entityText = query.get('entity');
    if (entityText) {
      try {
        ids = entityIds(entityText, []);
      } catch {
        throw new HomeAssistantError(
          `Invalid entity id(s) encountered: ${entityText}. Format should be <domain>.<object_id>`,
        );
      }
    }
    let startUs: number;
    let endUs: number;
    const endText = query.get('end_time');
    if (endText === null) {
      startUs = start - (period - 1) * DAY;
      endUs = startUs + period * DAY;
    } else {
      const end = parseDatetime(endText, tz());
      if (end === null) return sendMessage(res, 400, 'Invalid end_time');
      startUs = start;
      endUs = end;
    }
    const contextId = query.get('context_id');
    if (ids && contextId) return sendMessage(res, 400, "Can't combine entity with context_id");
    sendJson(
      res,
      200,
      logbookEvents(hass.recorder, hass.states, {
        startUs,
        endUs,
        entityIds: ids,
        contextId,
        timestampWhen: false,
      }),
    );
  };

  const automationPath = '/api/config/automation/config/{config_key}';
  return [
    { method: 'GET', pattern: '/api/history/period', handler: history },
    { method: 'GET', pattern: '/api/history/period/{datetime}', handler: history },
    { method: 'GET', pattern: '/api/logbook', handler: logbook },
    { method: 'GET', pattern: '/api/logbook/{datetime}', handler: logbook },
    {
      method: 'GET',
      pattern: automationPath,
      handler: ({ res, params }) => {
        const config = hass.automations.configs.find((c) => c.id === params.config_key);
        if (!config) return sendMessage(res, 404, 'Resource not found');
        sendJson(res, 200, config);
      },
    },
    {
      method: 'POST',
      pattern: automationPath,
      handler: async ({ res, params, body }) => {
        const text = await body();
        let data: unknown;
        try {
          data = JSON.parse(text);
        } catch {
          return sendMessage(res, 400, 'Invalid JSON specified');
        }
        try {
          validateAutomationConfig(data);
        } catch (err) {
          if (err instanceof Invalid || err instanceof MultipleInvalid)
            return sendMessage(res, 400, `Message malformed: ${err}`);
          throw err;
        }
        const key = String(params.config_key);
        const configs = hass.automations.configs;
        const index = configs.findIndex((c) => c.id === key);
        const current = index >= 0 ? (configs[index] as Record<string, unknown>) : { id: key };
        const next = orderedConfig(current, data as Record<string, unknown>);
        if (index >= 0) configs[index] = next;
        else configs.push(next);
        // post_write_hook: automation.reload, so the entity appears (or follows the new alias).
        await hass.services.call('automation', 'reload', null, { context: runtime.userContext() });
        sendJson(res, 200, { result: 'ok' });
      },
    },
    {
      method: 'DELETE',
      pattern: automationPath,
      handler: async ({ res, params }) => {
        const configs = hass.automations.configs;
        const index = configs.findIndex((c) => c.id === params.config_key);
        if (index < 0) return sendMessage(res, 400, 'Resource not found');
        configs.splice(index, 1);
        await hass.services.call('automation', 'reload', null, { context: runtime.userContext() });
        sendJson(res, 200, { result: 'ok' });
      },
    },
  ];
}
