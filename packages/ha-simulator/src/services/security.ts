/**
 * Locks and the alarm panel (components/lock, components/alarm_control_panel with the `manual`
 * platform's code check): disarming needs the panel's code; a wrong or missing code is the
 * platform's ServiceValidationError "Invalid alarm code provided".
 */
import { translatedValidationError } from '../errors.js';
import type { Hass } from '../hass.js';
import type { State } from '../state-machine.js';
import { cvString } from '../validation.js';
import { registerEntityServices, writeState } from './entity-service.js';
import type { ServiceCall } from './registry.js';

export const LOCK_OPEN = 1;
export const ALARM_ARM_HOME = 1;
export const ALARM_ARM_AWAY = 2;
export const ALARM_ARM_NIGHT = 4;
export const ALARM_TRIGGER = 8;
export const ALARM_ARM_VACATION = 32;

export const lockAttributes = (name: string, features: number) => ({
  friendly_name: name,
  supported_features: features,
});

export const alarmAttributes = (name: string, changedBy: string | null = null) => ({
  code_format: 'number',
  changed_by: changedBy,
  code_arm_required: false,
  friendly_name: name,
  supported_features: ALARM_ARM_HOME | ALARM_ARM_AWAY | ALARM_ARM_NIGHT | ALARM_TRIGGER | ALARM_ARM_VACATION,
});

const codeField = {
  code: { example: '1234', selector: { text: null }, name: 'Code', description: 'An optional code.' },
};

export function registerSecurityServices(hass: Hass): void {
  const lockService = (
    service: string,
    name: string,
    description: string,
    value: string,
    requiredFeatures = 0,
  ) => ({
    domain: 'lock',
    service,
    description: { name, description, fields: codeField },
    fields: { code: { validator: cvString } },
    requiredFeatures,
    run: (s: State, _p: Record<string, unknown>, c: ServiceCall) => writeState(hass, s, value, {}, c),
  });
  registerEntityServices(hass, [
    lockService('lock', 'Lock', 'Locks a lock.', 'locked'),
    lockService('unlock', 'Unlock', 'Unlocks a lock.', 'unlocked'),
    lockService('open', 'Open', 'Opens a lock.', 'open', LOCK_OPEN),
  ]);

  const arm = (service: string, name: string, value: string, requiredFeatures: number) => ({
    domain: 'alarm_control_panel',
    service,
    description: {
      name,
      description: `Arms the alarm in the ${value.replace('armed_', '')} mode.`,
      fields: codeField,
    },
    fields: { code: { validator: cvString } },
    requiredFeatures,
    run: (s: State, _p: Record<string, unknown>, c: ServiceCall) =>
      writeState(hass, s, value, { changed_by: null }, c),
  });
  registerEntityServices(hass, [
    arm('alarm_arm_home', 'Arm home', 'armed_home', ALARM_ARM_HOME),
    arm('alarm_arm_away', 'Arm away', 'armed_away', ALARM_ARM_AWAY),
    arm('alarm_arm_night', 'Arm night', 'armed_night', ALARM_ARM_NIGHT),
    arm('alarm_arm_vacation', 'Arm vacation', 'armed_vacation', ALARM_ARM_VACATION),
    {
      ...arm('alarm_trigger', 'Trigger', 'triggered', ALARM_TRIGGER),
      description: { name: 'Trigger', description: 'Triggers the alarm manually.', fields: codeField },
    },
    {
      domain: 'alarm_control_panel',
      service: 'alarm_disarm',
      description: { name: 'Disarm', description: 'Disarms the alarm.', fields: codeField },
      fields: { code: { validator: cvString } },
      run: (s, p, c) => {
        if (p.code !== hass.options.alarmCode) {
          throw translatedValidationError('manual', 'invalid_code', 'Invalid alarm code provided');
        }
        return writeState(hass, s, 'disarmed', { changed_by: null }, c);
      },
    },
  ]);
}
