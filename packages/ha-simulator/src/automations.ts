/**
 * Automations: the configuration list (automations.yaml, edited through /api/config/automation),
 * one `automation.*` entity per configuration, and triggering. A trigger fires
 * `automation_triggered`, updates `last_triggered` and runs the action steps that call services
 * (`action:`/`service:`) in a context whose parent is the caller's, as Home Assistant's scripts do.
 * Other step types (delays, conditions, templates) are accepted and skipped.
 */
import { isoformat, nowUs } from './clock.js';
import { type Context, newContext } from './event-bus.js';
import type { Hass } from './hass.js';
import { Invalid, MultipleInvalid, oneOf, pyRepr } from './validation.js';

export type AutomationConfig = Record<string, unknown> & { id: string };

const TRIGGER_PLATFORMS = new Set([
  'calendar',
  'conversation',
  'device',
  'event',
  'geo_location',
  'homeassistant',
  'mqtt',
  'numeric_state',
  'persistent_notification',
  'state',
  'sun',
  'tag',
  'template',
  'time',
  'time_pattern',
  'webhook',
  'zone',
]);
const MODES = ['parallel', 'queued', 'restart', 'single'] as const;

/** Home Assistant's `slugify` for the ASCII-able names used here. */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return slug || 'unnamed';
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/**
 * The data validator of the config view: the keys automation/config.py requires (after the
 * backward-compatible renames trigger→triggers, action→actions) and known trigger platforms.
 */
export function validateAutomationConfig(config: unknown): void {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new MultipleInvalid([new Invalid('expected a dictionary')]);
  }
  const c = config as Record<string, unknown>;
  const errors: Invalid[] = [];
  const triggers = c.triggers ?? c.trigger;
  const actions = c.actions ?? c.action;
  if (triggers === undefined) errors.push(new Invalid('required key not provided', ['triggers']));
  if (actions === undefined) errors.push(new Invalid('required key not provided', ['actions']));
  if (errors.length) throw new MultipleInvalid(errors);
  for (const [index, trigger] of asList(triggers).entries()) {
    const t = trigger as Record<string, unknown> | null;
    const platform = t && typeof t === 'object' ? (t.trigger ?? t.platform) : undefined;
    if (platform === undefined) {
      throw new Invalid('required key not provided', ['triggers', index, 'trigger']);
    }
    if (typeof platform !== 'string' || !TRIGGER_PLATFORMS.has(platform)) {
      throw new Invalid(`Invalid trigger ${pyRepr(platform)} specified`);
    }
  }
  if (c.mode !== undefined) {
    try {
      oneOf(MODES)(c.mode, ['mode']);
    } catch (err) {
      if (err instanceof Invalid) err.errorType = 'dictionary value';
      throw err;
    }
  }
}

/** Keys first in the order the config view writes them (config/automation.py _write_value). */
export function orderedConfig(
  current: Record<string, unknown>,
  update: Record<string, unknown>,
): AutomationConfig {
  const out: Record<string, unknown> = {};
  for (const key of ['id', 'alias', 'description', 'triggers', 'conditions', 'actions']) {
    if (key in current) out[key] = current[key];
    if (key in update) out[key] = update[key];
  }
  return { ...out, ...current, ...update } as AutomationConfig;
}

export class Automations {
  configs: AutomationConfig[] = [];
  private readonly entityOf = new Map<string, string>();

  constructor(private readonly hass: Hass) {}

  entityIdFor(configId: string): string | undefined {
    return this.entityOf.get(configId);
  }

  configForEntity(entityId: string): AutomationConfig | undefined {
    const id = [...this.entityOf].find(([, e]) => e === entityId)?.[0];
    return id === undefined ? undefined : this.configs.find((c) => c.id === id);
  }

  private attributes(config: AutomationConfig, lastTriggered: string | null, current = 0) {
    return {
      id: config.id,
      last_triggered: lastTriggered,
      mode: config.mode ?? 'single',
      current,
      friendly_name: typeof config.alias === 'string' ? config.alias : config.id,
    };
  }

  /** automation.reload: entities follow the configuration list. */
  reload(context?: Context): void {
    const seen = new Set<string>();
    for (const config of this.configs) {
      seen.add(config.id);
      let entityId = this.entityOf.get(config.id);
      if (!entityId) {
        const base = `automation.${slugify(typeof config.alias === 'string' ? config.alias : config.id)}`;
        entityId = base;
        for (let n = 2; this.hass.states.get(entityId) || this.hass.registries.entities.has(entityId); n++) {
          entityId = `${base}_${n}`;
        }
        this.entityOf.set(config.id, entityId);
        const now = nowUs();
        this.hass.registries.entities.set(entityId, {
          entityId,
          id: this.hass.newId(),
          uniqueId: config.id,
          platform: 'automation',
          deviceId: null,
          areaId: null,
          configEntryId: null,
          name: null,
          originalName: null,
          icon: null,
          hasEntityName: false,
          entityCategory: null,
          translationKey: null,
          disabledBy: null,
          hiddenBy: null,
          labels: [],
          createdAt: now,
          modifiedAt: now,
        });
      }
      const previous = this.hass.states.get(entityId);
      const lastTriggered = (previous?.attributes.last_triggered as string | null | undefined) ?? null;
      const value = previous?.state ?? (config.initial_state === false ? 'off' : 'on');
      this.hass.states.set(entityId, value, this.attributes(config, lastTriggered), { context });
    }
    for (const [configId, entityId] of this.entityOf) {
      if (seen.has(configId)) continue;
      this.entityOf.delete(configId);
      this.hass.registries.entities.delete(entityId);
      this.hass.states.remove(entityId, context);
    }
  }

  /** Run an automation's actions now (automation.trigger). */
  async trigger(entityId: string, callerContext: Context): Promise<void> {
    const config = this.configForEntity(entityId);
    const state = this.hass.states.get(entityId);
    if (!config || !state) return;
    const context = newContext({ parentId: callerContext.id, userId: callerContext.user_id });
    const now = nowUs();
    this.hass.bus.fire(
      'automation_triggered',
      { name: state.name, entity_id: entityId, source: 'action automation.trigger' },
      { context },
    );
    this.hass.states.set(entityId, state.state, this.attributes(config, isoformat(now)), { context });
    await runActions(this.hass, asList(config.actions ?? config.action), context);
  }
}

/** The service-calling steps of a script or automation, in order. */
export async function runActions(hass: Hass, steps: unknown[], context: Context): Promise<void> {
  for (const step of steps) {
    if (!step || typeof step !== 'object') continue;
    const s = step as Record<string, unknown>;
    const action = s.action ?? s.service;
    if (typeof action !== 'string' || !action.includes('.')) continue;
    const [domain = '', service = ''] = action.split('.');
    const data = { ...((s.data ?? s.service_data ?? {}) as Record<string, unknown>) };
    const target = (s.target ?? {}) as Record<string, unknown>;
    await hass.services.call(domain, service, data, { context, target });
  }
}
