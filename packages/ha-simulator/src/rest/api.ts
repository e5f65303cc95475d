/**
 * The REST API of components/api/__init__.py: status, config, states, events, services (with
 * `?return_response`), template and error log, with its status codes and message bodies.
 */
import { HomeAssistantError, ServiceNotFound, TemplateError } from '../errors.js';
import type { Runtime } from '../runtime.js';
import type { State } from '../state-machine.js';
import { renderTemplate } from '../template/render.js';
import { Invalid, MultipleInvalid } from '../validation.js';
import { HttpError, type Route, sendJson, sendMessage, sendText } from './http.js';

const parseJson = (text: string): unknown => (text ? JSON.parse(text) : null);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function apiRoutes(runtime: Runtime): Route[] {
  const hass = runtime.hass;
  return [
    { method: 'GET', pattern: '/api/', handler: ({ res }) => sendMessage(res, 200, 'API running.') },
    { method: 'GET', pattern: '/api/config', handler: ({ res }) => sendJson(res, 200, hass.configAsDict()) },
    {
      method: 'GET',
      pattern: '/api/core/state',
      handler: ({ res }) =>
        sendJson(res, 200, {
          state: 'RUNNING',
          recorder_state: { migration_in_progress: false, migration_is_live: false },
        }),
    },
    {
      method: 'GET',
      pattern: '/api/components',
      handler: ({ res }) => sendJson(res, 200, hass.components()),
    },
    {
      method: 'GET',
      pattern: '/api/events',
      handler: ({ res }) =>
        sendJson(
          res,
          200,
          Object.entries(hass.bus.listenerCounts()).map(([event, count]) => ({
            event,
            listener_count: count,
          })),
        ),
    },
    {
      method: 'POST',
      pattern: '/api/events/{event_type}',
      handler: async ({ res, params, body }) => {
        const text = await body();
        let data: unknown;
        try {
          data = parseJson(text);
        } catch {
          return sendMessage(res, 400, 'Event data should be valid JSON.');
        }
        if (data !== null && !isObject(data))
          return sendMessage(res, 400, 'Event data should be a JSON object');
        hass.bus.fire(String(params.event_type), data ?? {}, {
          origin: 'REMOTE',
          context: runtime.userContext(),
        });
        sendMessage(res, 200, `Event ${params.event_type} fired.`);
      },
    },
    { method: 'GET', pattern: '/api/states', handler: ({ res }) => sendJson(res, 200, hass.states.all()) },
    {
      method: 'GET',
      pattern: '/api/states/{entity_id}',
      handler: ({ res, params }) => {
        const state = hass.states.get(String(params.entity_id));
        if (state) sendJson(res, 200, state);
        else sendMessage(res, 404, 'Entity not found.');
      },
    },
    {
      method: 'POST',
      pattern: '/api/states/{entity_id}',
      handler: async ({ res, params, body }) => {
        const data = parseJson(await body()); // invalid JSON is not caught by Home Assistant: 500
        if (!isObject(data)) return sendMessage(res, 400, 'State data should be a JSON object');
        if (data.state === null || data.state === undefined)
          return sendMessage(res, 400, 'No state attribute specified.');
        const entityId = String(params.entity_id);
        const isNew = hass.states.get(entityId) === undefined;
        let state: State;
        try {
          state = hass.states.set(
            entityId,
            String(data.state),
            isObject(data.attributes) ? data.attributes : {},
            {
              forceUpdate: data.force_update === true,
              context: runtime.userContext(),
            },
          );
        } catch (err) {
          if (!(err instanceof HomeAssistantError)) throw err;
          return sendMessage(
            res,
            400,
            err.message.startsWith('Invalid entity id')
              ? 'Invalid entity ID specified.'
              : 'Invalid state specified.',
          );
        }
        sendJson(res, isNew ? 201 : 200, state, { Location: `/api/states/${state.entityId}` });
      },
    },
    {
      method: 'DELETE',
      pattern: '/api/states/{entity_id}',
      handler: ({ res, params }) => {
        if (hass.states.remove(String(params.entity_id), runtime.userContext()))
          sendMessage(res, 200, 'Entity removed.');
        else sendMessage(res, 404, 'Entity not found.');
      },
    },
    {
      method: 'GET',
      pattern: '/api/services',
      handler: ({ res }) =>
        sendJson(
          res,
          200,
          Object.entries(hass.services.descriptions()).map(([domain, services]) => ({ domain, services })),
        ),
    },
    {
      method: 'POST',
      pattern: '/api/services/{domain}/{service}',
      ownLatency: true,
      handler: async ({ res, params, query, body }) => {
        const domain = String(params.domain);
        const service = String(params.service);
        const text = await body();
        let data: unknown;
        try {
          data = parseJson(text);
        } catch {
          return sendMessage(res, 400, 'Data should be valid JSON.');
        }
        if (!hass.services.has(domain, service)) throw new HttpError(400);
        const responseRequested = query.has('return_response');
        const supports = hass.services.supportsResponse(domain, service);
        if (responseRequested && supports === 'none') {
          return sendMessage(
            res,
            400,
            'Service does not support responses. Remove return_response from request.',
          );
        }
        if (!responseRequested && supports === 'only') {
          return sendMessage(
            res,
            400,
            'Service call requires responses but caller did not ask for responses. Add ?return_response to query parameters.',
          );
        }
        if (data !== null && !isObject(data)) throw new HttpError(400); // the service schema refuses it (vol.Invalid)
        const context = runtime.userContext();
        const changed: State[] = [];
        const stop = hass.bus.listen('state_changed', (event) => {
          const state = event.data.new_state as State | null;
          if (state && event.context.id === context.id) changed.push(state);
        });
        let response: unknown;
        try {
          response = await runtime.callService('rest', domain, service, data, {
            context,
            returnResponse: responseRequested,
          });
        } catch (err) {
          if (err instanceof Invalid || err instanceof MultipleInvalid || err instanceof ServiceNotFound)
            throw new HttpError(400);
          throw err;
        } finally {
          stop();
        }
        sendJson(
          res,
          200,
          responseRequested ? { changed_states: changed, service_response: response } : changed,
        );
      },
    },
    {
      method: 'POST',
      pattern: '/api/template',
      handler: async ({ res, body }) => {
        try {
          const data = parseJson(await body());
          if (!isObject(data)) return sendMessage(res, 400, 'Template data should be a JSON object');
          // data["template"] raises KeyError, which Home Assistant does not catch: a 500.
          if (typeof data.template !== 'string') throw new Error("KeyError: 'template'");
          const rendered = renderTemplate(data.template, {
            states: hass.states,
            registries: hass.registries,
            variables: isObject(data.variables) ? data.variables : {},
            strict: false,
          });
          sendText(res, 200, rendered.text);
        } catch (err) {
          if (err instanceof TemplateError || err instanceof SyntaxError) {
            return sendMessage(res, 400, `Error rendering template: ${err.message}`);
          }
          throw err;
        }
      },
    },
    {
      method: 'GET',
      pattern: '/api/error_log',
      handler: ({ res }) =>
        sendText(
          res,
          200,
          `${new Date().toISOString().replace('T', ' ').slice(0, 23)} WARNING (MainThread) [homeassistant.components.http.ban] Login attempt or request with invalid authentication from 127.0.0.1\n`,
        ),
    },
  ];
}
