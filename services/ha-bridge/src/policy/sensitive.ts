import type { HassEntity } from 'home-assistant-js-websocket';
import { domainOf } from '../ha/types.js';

export const HA_READ = 'ha:read';
export const HA_WRITE = 'ha:write';
export const HA_ADMIN = 'ha:admin';

/** Entities whose writes open the house: they need ha:admin. */
const SENSITIVE_DOMAINS = new Set(['lock', 'alarm_control_panel']);
const SENSITIVE_COVER_CLASSES = new Set(['garage', 'gate', 'door']);

/**
 * A lock, an alarm panel, or a cover that is a garage door, a gate or a door. A cover whose
 * device class is unknown (no state seen yet) counts as sensitive: when in doubt, ask for admin.
 */
export function isSensitive(entityId: string, state: HassEntity | undefined): boolean {
  const domain = domainOf(entityId);
  if (SENSITIVE_DOMAINS.has(domain)) return true;
  if (domain !== 'cover') return false;
  if (!state) return true;
  const deviceClass = state.attributes.device_class;
  return typeof deviceClass === 'string' && SENSITIVE_COVER_CLASSES.has(deviceClass);
}

/**
 * Services that act on Home Assistant itself rather than on a device: restarting or stopping it,
 * reloading its configuration, purging history, backups, add-ons. They need ha:admin.
 */
const ADMIN_SERVICES: Record<string, ReadonlySet<string> | '*'> = {
  homeassistant: new Set([
    'restart',
    'stop',
    'reload_all',
    'reload_core_config',
    'reload_config_entry',
    'reload_custom_templates',
    'set_location',
    'save_persistent_states',
  ]),
  hassio: '*',
  backup: '*',
  recorder: '*',
  system_log: '*',
  logger: '*',
  shell_command: '*',
};

export function isAdminService(domain: string, service: string): boolean {
  const entry = ADMIN_SERVICES[domain];
  return entry === '*' || entry?.has(service) === true;
}
