/**
 * Climate (components/climate): set_temperature refuses a set point outside min_temp..max_temp and
 * an HVAC mode the entity does not list, with the ServiceValidationError texts of climate's
 * strings.json; turn_on restores the last mode that was not `off`.
 */
import { translatedValidationError } from '../errors.js';
import type { Hass } from '../hass.js';
import type { State } from '../state-machine.js';
import { coerceEnum, coerceFloat, cvString, type Fields, Invalid, required } from '../validation.js';
import { registerEntityServices } from './entity-service.js';
import type { ServiceCall } from './registry.js';

export const CLIMATE_TARGET_TEMPERATURE = 1;
export const CLIMATE_PRESET_MODE = 16;
export const CLIMATE_TURN_OFF = 128;
export const CLIMATE_TURN_ON = 256;

const HVAC_MODES = ['off', 'heat', 'cool', 'heat_cool', 'auto', 'dry', 'fan_only'] as const;
const hvacMode = coerceEnum('HVACMode', HVAC_MODES);

export type ClimateSpec = {
  name: string;
  hvacModes: string[];
  presetModes: string[];
  minTemp: number;
  maxTemp: number;
  step: number;
};

export type ClimateState = { mode: string; current: number; target: number; preset: string };

function hvacAction({ mode, current, target }: ClimateState): string {
  if (mode === 'off') return 'off';
  if (mode === 'cool') return current > target ? 'cooling' : 'idle';
  return current < target ? 'heating' : 'idle';
}

export function climateAttributes(spec: ClimateSpec, s: ClimateState): Record<string, unknown> {
  return {
    hvac_modes: spec.hvacModes,
    min_temp: spec.minTemp,
    max_temp: spec.maxTemp,
    target_temp_step: spec.step,
    preset_modes: spec.presetModes,
    current_temperature: s.current,
    temperature: s.mode === 'off' ? null : s.target,
    hvac_action: hvacAction(s),
    preset_mode: s.preset,
    friendly_name: spec.name,
    supported_features: CLIMATE_TARGET_TEMPERATURE | CLIMATE_PRESET_MODE | CLIMATE_TURN_OFF | CLIMATE_TURN_ON,
  };
}

function read(hass: Hass, state: State): { spec: ClimateSpec; s: ClimateState } {
  const a = state.attributes;
  const memory = hass.memory(state.entityId);
  return {
    spec: {
      name: String(a.friendly_name),
      hvacModes: a.hvac_modes as string[],
      presetModes: a.preset_modes as string[],
      minTemp: a.min_temp as number,
      maxTemp: a.max_temp as number,
      step: a.target_temp_step as number,
    },
    s: {
      mode: state.state,
      current: a.current_temperature as number,
      target: (a.temperature as number | null) ?? (memory.target as number | undefined) ?? 20,
      preset: String(a.preset_mode ?? 'none'),
    },
  };
}

function write(hass: Hass, state: State, spec: ClimateSpec, s: ClimateState, call: ServiceCall): void {
  const memory = hass.memory(state.entityId);
  memory.target = s.target;
  if (s.mode !== 'off') memory.lastMode = s.mode;
  hass.states.set(state.entityId, s.mode, climateAttributes(spec, s), { context: call.context });
}

function checkMode(spec: ClimateSpec, mode: string): void {
  if (!spec.hvacModes.includes(mode)) {
    throw translatedValidationError(
      'climate',
      'not_valid_hvac_mode',
      `HVAC mode ${mode} is not valid. Valid HVAC modes are: ${spec.hvacModes.join(', ')}.`,
      { mode, modes: spec.hvacModes.join(', ') },
    );
  }
}

const fmt = (n: number) => (Number.isInteger(n) ? `${n}.0` : String(n));

function setTemperature(hass: Hass, state: State, params: Record<string, unknown>, call: ServiceCall): void {
  const { spec, s } = read(hass, state);
  if (typeof params.hvac_mode === 'string') {
    checkMode(spec, params.hvac_mode);
    s.mode = params.hvac_mode;
  }
  if (typeof params.temperature === 'number') {
    const t = params.temperature;
    if (t < spec.minTemp || t > spec.maxTemp) {
      throw translatedValidationError(
        'climate',
        'temp_out_of_range',
        `Provided temperature ${fmt(t)} is not valid. Accepted range is ${fmt(spec.minTemp)} to ${fmt(spec.maxTemp)}.`,
        { check_temp: fmt(t), min_temp: fmt(spec.minTemp), max_temp: fmt(spec.maxTemp) },
      );
    }
    s.target = t;
  }
  write(hass, state, spec, s, call);
}

const SET_TEMPERATURE_FIELDS: Fields = {
  temperature: { validator: coerceFloat },
  target_temp_high: { validator: coerceFloat },
  target_temp_low: { validator: coerceFloat },
  hvac_mode: { validator: hvacMode },
};

export function registerClimateServices(hass: Hass): void {
  const target = (name: string, description: string, fields: Record<string, unknown> = {}) => ({
    name,
    description,
    fields,
  });
  const mutate =
    (fn: (spec: ClimateSpec, s: ClimateState, params: Record<string, unknown>) => void) =>
    (state: State, params: Record<string, unknown>, call: ServiceCall) => {
      const { spec, s } = read(hass, state);
      fn(spec, s, params);
      write(hass, state, spec, s, call);
    };
  registerEntityServices(hass, [
    {
      domain: 'climate',
      service: 'set_temperature',
      description: target('Set target temperature', 'Sets the temperature setpoint.', {
        temperature: {
          filter: { supported_features: [1] },
          selector: { number: { min: 0, max: 250, step: 0.1, mode: 'box' } },
          name: 'Target temperature',
          description: 'The temperature setpoint.',
        },
        hvac_mode: {
          selector: { select: { options: [...HVAC_MODES], translation_key: 'hvac_mode' } },
          name: 'HVAC mode',
          description: 'HVAC operation mode.',
        },
      }),
      fields: SET_TEMPERATURE_FIELDS,
      requiredFeatures: CLIMATE_TARGET_TEMPERATURE,
      run: (state, params, call) => {
        if (!['temperature', 'target_temp_high', 'target_temp_low'].some((k) => k in params)) {
          throw new Invalid('must contain at least one of temperature, target_temp_high, target_temp_low.');
        }
        setTemperature(hass, state, params, call);
      },
    },
    {
      domain: 'climate',
      service: 'set_hvac_mode',
      description: target('Set HVAC mode', 'Sets HVAC operation mode.', {
        hvac_mode: {
          selector: { state: { hide_states: ['unavailable', 'unknown'] } },
          name: 'HVAC mode',
          description: 'HVAC operation mode.',
        },
      }),
      fields: { hvac_mode: required(hvacMode) },
      run: mutate((spec, s, params) => {
        checkMode(spec, String(params.hvac_mode));
        s.mode = String(params.hvac_mode);
      }),
    },
    {
      domain: 'climate',
      service: 'set_preset_mode',
      description: target('Set preset mode', 'Sets preset mode.', {
        preset_mode: {
          required: true,
          example: 'away',
          selector: { text: null },
          name: 'Preset mode',
          description: 'Preset mode.',
        },
      }),
      fields: { preset_mode: required(cvString) },
      requiredFeatures: CLIMATE_PRESET_MODE,
      run: mutate((spec, s, params) => {
        const preset = String(params.preset_mode);
        if (!spec.presetModes.includes(preset)) {
          throw translatedValidationError(
            'climate',
            'not_valid_preset_mode',
            `Preset mode ${preset} is not valid. Valid preset modes are: ${spec.presetModes.join(', ')}.`,
            { mode: preset, modes: spec.presetModes.join(', ') },
          );
        }
        s.preset = preset;
      }),
    },
    {
      domain: 'climate',
      service: 'turn_on',
      description: target('Turn on', 'Turns climate device on.'),
      requiredFeatures: CLIMATE_TURN_ON,
      run: (state, _params, call) => {
        const { spec, s } = read(hass, state);
        if (s.mode === 'off')
          s.mode =
            (hass.memory(state.entityId).lastMode as string | undefined) ??
            spec.hvacModes.find((m) => m !== 'off') ??
            'heat';
        write(hass, state, spec, s, call);
      },
    },
    {
      domain: 'climate',
      service: 'turn_off',
      description: target('Turn off', 'Turns climate device off.'),
      requiredFeatures: CLIMATE_TURN_OFF,
      run: mutate((_spec, s) => {
        s.mode = 'off';
      }),
    },
    {
      domain: 'climate',
      service: 'toggle',
      description: target('Toggle', 'Toggles climate device, from on to off, or off to on.'),
      requiredFeatures: CLIMATE_TURN_OFF | CLIMATE_TURN_ON,
      run: (state, _params, call) => {
        const { spec, s } = read(hass, state);
        s.mode =
          s.mode === 'off' ? ((hass.memory(state.entityId).lastMode as string | undefined) ?? 'heat') : 'off';
        write(hass, state, spec, s, call);
      },
    },
  ]);
}
