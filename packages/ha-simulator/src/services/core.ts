/**
 * homeassistant.turn_on/turn_off/toggle (components/homeassistant: grouped by domain, forwarded to
 * each domain's own service, domains without it skipped), homeassistant.update_entity,
 * persistent_notification.create/dismiss and weather.get_forecasts (SupportsResponse ONLY).
 */
import { DAY, HOUR, isoformat, nowUs } from '../clock.js';
import { HomeAssistantError } from '../errors.js';
import type { Hass } from '../hass.js';
import { cvString, oneOf, optional, required, schema } from '../validation.js';
import { ENTITY_SERVICE_FIELDS, registerEntityServices, resolveTargets } from './entity-service.js';

export const WEATHER_FORECAST_DAILY = 1;
export const WEATHER_FORECAST_HOURLY = 2;

const CONDITIONS = ['sunny', 'partlycloudy', 'cloudy', 'rainy', 'partlycloudy', 'sunny', 'pouring'];

/** A deterministic forecast: the same hour gives the same numbers. */
function forecast(kind: 'daily' | 'hourly', fromUs: number): Array<Record<string, unknown>> {
  const step = kind === 'daily' ? DAY : HOUR;
  const start = Math.floor(fromUs / step) * step + (kind === 'daily' ? 11 * HOUR : step);
  return Array.from({ length: kind === 'daily' ? 7 : 24 }, (_, i) => {
    const at = start + i * step;
    const seed = Math.floor(at / HOUR);
    const hourOfDay = seed % 24;
    const base = 14 + 5 * Math.sin(((seed / 24) % 365) / 58);
    const diurnal = kind === 'daily' ? 4 : 4 * Math.sin(((hourOfDay - 9) / 24) * 2 * Math.PI);
    const entry: Record<string, unknown> = {
      condition: CONDITIONS[seed % CONDITIONS.length],
      datetime: isoformat(at),
      wind_bearing: (seed * 37) % 360,
      temperature: Math.round((base + diurnal) * 10) / 10,
    };
    if (kind === 'daily') entry.templow = Math.round((base - 5) * 10) / 10;
    Object.assign(entry, {
      wind_speed: Math.round((8 + (seed % 7) * 2.3) * 10) / 10,
      precipitation:
        entry.condition === 'rainy' || entry.condition === 'pouring' ? ((seed % 5) + 1) * 0.8 : 0,
      humidity: 55 + (seed % 35),
    });
    return entry;
  });
}

export function registerCoreServices(hass: Hass): void {
  for (const service of ['turn_on', 'turn_off', 'toggle'] as const) {
    hass.services.register('homeassistant', service, {
      schema: schema(ENTITY_SERVICE_FIELDS, { allowExtra: true }),
      supportsResponse: 'none',
      description: {
        name: `Generic ${service.replace('_', ' ')}`,
        description: `Generic action to ${service.replace('_', ' ')} devices on/off under any domain.`,
        fields: {},
        target: { entity: [{}] },
      },
      handler: async (call) => {
        const params = Object.fromEntries(
          Object.entries(call.data).filter(([k]) => !(k in ENTITY_SERVICE_FIELDS)),
        );
        const { referenced } = resolveTargets(hass, call.data);
        const byDomain = new Map<string, string[]>();
        for (const id of referenced) {
          const domain = id.split('.')[0] ?? '';
          if (domain === 'homeassistant' || !hass.states.get(id)) continue;
          byDomain.set(domain, [...(byDomain.get(domain) ?? []), id]);
        }
        for (const [domain, ids] of byDomain) {
          if (!hass.services.has(domain, service)) continue; // logged as unsupported by Home Assistant
          await hass.services.call(domain, service, { ...params, entity_id: ids }, { context: call.context });
        }
        return undefined;
      },
    });
  }
  hass.services.register('homeassistant', 'update_entity', {
    schema: schema({ entity_id: required(ENTITY_SERVICE_FIELDS.entity_id?.validator ?? cvString) }),
    supportsResponse: 'none',
    description: {
      name: 'Update entity',
      description: 'Forces one or more entities to update their data.',
      fields: {},
    },
    handler: () => undefined,
  });

  hass.services.register('persistent_notification', 'create', {
    schema: schema({
      message: required(cvString),
      title: optional(cvString),
      notification_id: optional(cvString),
    }),
    supportsResponse: 'none',
    description: {
      name: 'Create',
      description: 'Shows a notification on the notifications panel.',
      fields: {},
    },
    handler: (call) => {
      const id = String(call.data.notification_id ?? hass.newId());
      hass.notifications.set(id, {
        notification_id: id,
        title: (call.data.title as string | undefined) ?? null,
        message: String(call.data.message),
        created_at: isoformat(nowUs()),
      });
      hass.bus.fire('persistent_notifications_updated', {}, { context: call.context });
      return undefined;
    },
  });
  hass.services.register('persistent_notification', 'dismiss', {
    schema: schema({ notification_id: required(cvString) }),
    supportsResponse: 'none',
    description: {
      name: 'Dismiss',
      description: 'Deletes a notification from the notifications panel.',
      fields: {},
    },
    handler: (call) => {
      hass.notifications.delete(String(call.data.notification_id));
      return undefined;
    },
  });

  registerEntityServices(hass, [
    {
      domain: 'weather',
      service: 'get_forecasts',
      description: {
        name: 'Get forecasts',
        description: 'Get weather forecasts.',
        fields: {
          type: {
            required: true,
            selector: {
              select: { options: ['daily', 'hourly', 'twice_daily'], translation_key: 'forecast_type' },
            },
            name: 'Forecast type',
            description: 'The scope of the weather forecast.',
          },
        },
      },
      fields: { type: required(oneOf(['daily', 'hourly', 'twice_daily'])) },
      supportsResponse: 'only',
      run: (state, params) => {
        const kind = String(params.type);
        const features = Number(state.attributes.supported_features ?? 0);
        const bit =
          kind === 'daily' ? WEATHER_FORECAST_DAILY : kind === 'hourly' ? WEATHER_FORECAST_HOURLY : 4;
        if ((features & bit) === 0) {
          throw new HomeAssistantError(
            `Weather entity '${state.entityId}' does not support '${kind}' forecast`,
          );
        }
        return { forecast: forecast(kind as 'daily' | 'hourly', nowUs()) };
      },
    },
  ]);
}
