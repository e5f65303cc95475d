/**
 * automation.* and script.* services. `script.<name>` gives an optional response (SupportsResponse
 * OPTIONAL, as every script service); `automation.trigger` runs the automation's actions.
 */
import { runActions, slugify } from '../automations.js';
import { isoformat, nowUs } from '../clock.js';
import type { Context } from '../event-bus.js';
import type { Hass } from '../hass.js';
import { bool, dict } from '../validation.js';
import { registerEntityServices, writeState } from './entity-service.js';

export type ScriptConfig = { alias: string; sequence: unknown[]; mode?: string; icon?: string };

export const scriptAttributes = (config: ScriptConfig, lastTriggered: string | null, current = 0) => ({
  last_triggered: lastTriggered,
  mode: config.mode ?? 'single',
  current,
  ...(config.icon ? { icon: config.icon } : {}),
  friendly_name: config.alias,
});

/** Run a script as its service does: on while running, `script_started` fired, then off. */
export async function runScript(hass: Hass, key: string, context: Context): Promise<Record<string, unknown>> {
  const config = hass.scripts.get(key);
  const entityId = `script.${key}`;
  if (!config) return {};
  const lastTriggered = isoformat(nowUs());
  hass.bus.fire('script_started', { name: config.alias, entity_id: entityId }, { context });
  hass.states.set(entityId, 'on', scriptAttributes(config, lastTriggered, 1), { context });
  try {
    await runActions(hass, config.sequence, context);
  } finally {
    hass.states.set(entityId, 'off', scriptAttributes(config, lastTriggered, 0), { context });
  }
  return {};
}

export function registerScriptService(hass: Hass, key: string): void {
  const config = hass.scripts.get(key);
  if (!config) return;
  hass.services.register('script', key, {
    schema: null,
    supportsResponse: 'optional',
    description: { name: config.alias, description: '', fields: {} },
    handler: (call) => runScript(hass, key, call.context),
  });
}

export function registerAutomationServices(hass: Hass): void {
  const noFields = (name: string, description: string) => ({ name, description, fields: {} });
  registerEntityServices(hass, [
    {
      domain: 'automation',
      service: 'trigger',
      description: {
        name: 'Trigger',
        description: 'Triggers the actions of an automation.',
        fields: {
          skip_condition: {
            default: true,
            selector: { boolean: null },
            name: 'Skip conditions',
            description: 'Defines whether or not the conditions will be skipped.',
          },
        },
      },
      fields: { skip_condition: { validator: bool, default: true }, variables: { validator: dict } },
      run: (s, _p, c) => hass.automations.trigger(s.entityId, c.context),
    },
    {
      domain: 'automation',
      service: 'turn_on',
      description: noFields('Turn on', 'Enables an automation.'),
      run: (s, _p, c) => writeState(hass, s, 'on', {}, c),
    },
    {
      domain: 'automation',
      service: 'turn_off',
      description: noFields('Turn off', 'Disables an automation.'),
      fields: { stop_actions: { validator: bool, default: true } },
      run: (s, _p, c) => writeState(hass, s, 'off', {}, c),
    },
    {
      domain: 'automation',
      service: 'toggle',
      description: noFields('Toggle', 'Toggles (enable / disable) an automation.'),
      run: (s, _p, c) => writeState(hass, s, s.state === 'on' ? 'off' : 'on', {}, c),
    },
    {
      domain: 'script',
      service: 'turn_on',
      description: noFields('Turn on', 'Runs the sequence of actions defined in a script.'),
      fields: { variables: { validator: dict } },
      run: (s, _p, c) => {
        // Started, not awaited: script.turn_on returns once the script is running.
        void runScript(hass, s.objectId, c.context).catch(() => undefined);
      },
    },
    {
      domain: 'script',
      service: 'turn_off',
      description: noFields('Turn off', 'Stops a running script.'),
      run: (s, _p, c) => writeState(hass, s, 'off', {}, c),
    },
    {
      domain: 'script',
      service: 'toggle',
      description: noFields('Toggle', 'Starts a script if it is not running, stops it otherwise.'),
      run: (s, _p, c) =>
        s.state === 'on' ? writeState(hass, s, 'off', {}, c) : void runScript(hass, s.objectId, c.context),
    },
  ]);
  hass.services.register('automation', 'reload', {
    schema: null,
    supportsResponse: 'none',
    description: noFields('Reload', 'Reloads the automation configuration.'),
    handler: (call) => {
      hass.automations.reload(call.context);
      return undefined;
    },
  });
  hass.services.register('script', 'reload', {
    schema: null,
    supportsResponse: 'none',
    description: noFields('Reload', 'Reloads all the available scripts.'),
    handler: () => undefined,
  });
  for (const key of hass.scripts.keys()) registerScriptService(hass, slugify(key));
}
