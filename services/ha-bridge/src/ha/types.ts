import { z } from 'zod';

/**
 * The shapes Home Assistant sends, as far as the bridge reads them. Objects are loose (Home
 * Assistant adds members between releases); what the bridge relies on is checked.
 * References: homeassistant/core.py `State.as_dict`, helpers/{area,device,entity}_registry.py.
 */

export const HaStateSchema = z.looseObject({
  entity_id: z.string(),
  state: z.string(),
  attributes: z.record(z.string(), z.unknown()),
  last_changed: z.string(),
  last_updated: z.string(),
});
export type HaState = z.infer<typeof HaStateSchema>;

export const HaStatesSchema = z.array(HaStateSchema);

export const HaAreaSchema = z.looseObject({
  area_id: z.string(),
  name: z.string(),
  aliases: z.array(z.string()).default([]),
  floor_id: z.string().nullish(),
  icon: z.string().nullish(),
});
export type HaArea = z.infer<typeof HaAreaSchema>;

export const HaDeviceSchema = z.looseObject({
  id: z.string(),
  name: z.string().nullish(),
  name_by_user: z.string().nullish(),
  area_id: z.string().nullish(),
  manufacturer: z.string().nullish(),
  model: z.string().nullish(),
});
export type HaDevice = z.infer<typeof HaDeviceSchema>;

export const HaEntityEntrySchema = z.looseObject({
  entity_id: z.string(),
  device_id: z.string().nullish(),
  area_id: z.string().nullish(),
  name: z.string().nullish(),
  original_name: z.string().nullish(),
  platform: z.string().nullish(),
  entity_category: z.string().nullish(),
  hidden_by: z.string().nullish(),
  disabled_by: z.string().nullish(),
});
export type HaEntityEntry = z.infer<typeof HaEntityEntrySchema>;

/** GET /api/services: `[{domain, services: {name: {name?, description?, fields?, response?}}}]`. */
export const HaServiceFieldSchema = z.looseObject({
  name: z.string().nullish(),
  description: z.string().nullish(),
  required: z.boolean().nullish(),
  example: z.unknown().optional(),
  selector: z.record(z.string(), z.unknown()).nullish(),
});
export const HaServiceSchema = z.looseObject({
  name: z.string().nullish(),
  description: z.string().nullish(),
  // Sections (collapsible groups of fields) are fields whose own `fields` hold the real ones.
  fields: z.record(z.string(), z.looseObject({})).nullish(),
  target: z.unknown().optional(),
  response: z.looseObject({ optional: z.boolean().nullish() }).nullish(),
});
export type HaService = z.infer<typeof HaServiceSchema>;
export const HaServicesSchema = z.array(
  z.looseObject({ domain: z.string(), services: z.record(z.string(), HaServiceSchema) }),
);

/** POST /api/services/{domain}/{service}: the changed states, or with ?return_response both. */
export const HaServiceResultSchema = z.union([
  HaStatesSchema,
  z.looseObject({ changed_states: HaStatesSchema, service_response: z.unknown() }),
]);

/** GET /api/history/period: one list per entity, the first item complete, later ones minimal. */
export const HaHistorySchema = z.array(
  z.array(
    z.looseObject({
      entity_id: z.string().optional(),
      state: z.string(),
      last_changed: z.string(),
      attributes: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
);

/** GET /api/logbook: entries of components/logbook/processor.py. */
export const HaLogbookSchema = z.array(
  z.looseObject({
    when: z.union([z.string(), z.number()]),
    name: z.string().nullish(),
    message: z.string().nullish(),
    state: z.string().nullish(),
    entity_id: z.string().nullish(),
    domain: z.string().nullish(),
    context_entity_id: z.string().nullish(),
    context_event_type: z.string().nullish(),
    context_domain: z.string().nullish(),
    context_name: z.string().nullish(),
    context_message: z.string().nullish(),
  }),
);

export function domainOf(entityId: string): string {
  const dot = entityId.indexOf('.');
  return dot === -1 ? entityId : entityId.slice(0, dot);
}
