/**
 * Lights (components/light): attributes as LightEntity.state_attributes and capability_attributes
 * lay them out, and turn_on/turn_off/toggle as Home Assistant applies them — brightness from
 * `brightness`, `brightness_pct` or a step (0 turns the light off), colour temperature clamped to the
 * light's range, parameters a light does not support dropped, the last brightness restored.
 */
import type { Hass } from '../hass.js';
import type { State } from '../state-machine.js';
import {
  clamp,
  coerceFloat,
  coerceInt,
  cvString,
  type Fields,
  Invalid,
  oneOf,
  positiveInt,
  range,
  type Validator,
} from '../validation.js';
import { fromHs, fromKelvin, kelvinToMired, rgbToHs } from './colors.js';
import { registerEntityServices, writeState } from './entity-service.js';
import type { ServiceCall } from './registry.js';

export type ColorMode = 'onoff' | 'brightness' | 'color_temp' | 'hs' | 'xy';

export const LIGHT_EFFECT = 4;
export const LIGHT_FLASH = 8;
export const LIGHT_TRANSITION = 32;

export type LightSpec = {
  name: string;
  modes: ColorMode[];
  minKelvin?: number;
  maxKelvin?: number;
  effects?: string[];
  features?: number;
};

export type LightOn = {
  brightness: number | null;
  colorMode: ColorMode;
  kelvin?: number;
  hs?: [number, number];
  effect?: string | null;
};

const colorCapable = (modes: ColorMode[]) => modes.some((m) => m === 'hs' || m === 'xy');
const brightnessCapable = (modes: ColorMode[]) => modes.some((m) => m !== 'onoff');

/** The attributes of a light, on (`on` given) or off. */
export function lightAttributes(spec: LightSpec, on: LightOn | null): Record<string, unknown> {
  const attrs: Record<string, unknown> = {};
  const hasTemp = spec.modes.includes('color_temp');
  if (hasTemp) {
    attrs.min_color_temp_kelvin = spec.minKelvin ?? 2000;
    attrs.max_color_temp_kelvin = spec.maxKelvin ?? 6535;
    attrs.min_mireds = kelvinToMired(spec.maxKelvin ?? 6535);
    attrs.max_mireds = kelvinToMired(spec.minKelvin ?? 2000);
  }
  if (spec.effects) attrs.effect_list = spec.effects;
  attrs.supported_color_modes = spec.modes;
  if (spec.effects) attrs.effect = on ? (on.effect ?? null) : null;
  attrs.color_mode = on ? on.colorMode : null;
  if (brightnessCapable(spec.modes)) attrs.brightness = on ? on.brightness : null;
  if (hasTemp) {
    const kelvin = on?.colorMode === 'color_temp' ? (on.kelvin ?? null) : null;
    attrs.color_temp_kelvin = kelvin;
    attrs.color_temp = kelvin === null ? null : kelvinToMired(kelvin);
  }
  if (hasTemp || colorCapable(spec.modes)) {
    let colors = { hs_color: null, rgb_color: null, xy_color: null } as Record<string, unknown>;
    if (on?.colorMode === 'color_temp' && on.kelvin) colors = fromKelvin(on.kelvin);
    if ((on?.colorMode === 'hs' || on?.colorMode === 'xy') && on.hs) colors = fromHs(...on.hs);
    Object.assign(attrs, colors);
  }
  attrs.friendly_name = spec.name;
  attrs.supported_features = spec.features ?? 0;
  return attrs;
}

function specOf(state: State): LightSpec {
  const a = state.attributes;
  return {
    name: String(a.friendly_name ?? state.objectId),
    modes: (a.supported_color_modes as ColorMode[] | undefined) ?? ['onoff'],
    minKelvin: a.min_color_temp_kelvin as number | undefined,
    maxKelvin: a.max_color_temp_kelvin as number | undefined,
    effects: a.effect_list as string[] | undefined,
    features: (a.supported_features as number | undefined) ?? 0,
  };
}

function currentOn(state: State): LightOn | null {
  if (state.state !== 'on') return null;
  const a = state.attributes;
  return {
    brightness: (a.brightness as number | null | undefined) ?? null,
    colorMode: (a.color_mode as ColorMode) ?? 'onoff',
    kelvin: (a.color_temp_kelvin as number | null) ?? undefined,
    hs: (a.hs_color as [number, number] | null) ?? undefined,
    effect: (a.effect as string | null | undefined) ?? null,
  };
}

const tuple =
  (items: Validator<number>[]): Validator<number[]> =>
  (v, path) => {
    if (!Array.isArray(v) || v.length !== items.length) {
      throw new Invalid(`expected a list of ${items.length} values`, path);
    }
    return v.map((x, i) => (items[i] as Validator<number>)(x, path));
  };

const byte = range(coerceInt, 0, 255);
const TURN_ON_FIELDS: Fields = {
  transition: { validator: clamp(coerceFloat, 0, 6553) },
  brightness: { validator: clamp(coerceInt, 0, 255) },
  brightness_pct: { validator: range(coerceFloat, 0, 100) },
  brightness_step: { validator: range(coerceInt, -255, 255) },
  brightness_step_pct: { validator: range(coerceFloat, -100, 100) },
  color_temp_kelvin: { validator: positiveInt },
  rgb_color: { validator: tuple([byte, byte, byte]) },
  hs_color: { validator: tuple([range(coerceFloat, 0, 360), range(coerceFloat, 0, 100)]) },
  effect: { validator: cvString },
  flash: { validator: oneOf(['short', 'long']) },
};
const TURN_OFF_FIELDS: Fields = {
  transition: TURN_ON_FIELDS.transition as Fields[string],
  flash: TURN_ON_FIELDS.flash as Fields[string],
};

function turnOff(hass: Hass, state: State, call: ServiceCall): void {
  if (state.state === 'on' && typeof state.attributes.brightness === 'number') {
    hass.memory(state.entityId).brightness = state.attributes.brightness;
  }
  hass.states.set(state.entityId, 'off', lightAttributes(specOf(state), null), { context: call.context });
}

function turnOn(hass: Hass, state: State, params: Record<string, unknown>, call: ServiceCall): void {
  const spec = specOf(state);
  const was = currentOn(state);
  const memory = hass.memory(state.entityId);
  const next: LightOn = was
    ? { ...was }
    : { brightness: null, colorMode: spec.modes[0] ?? 'onoff', effect: null };
  if (brightnessCapable(spec.modes)) {
    const current = was?.brightness ?? 0;
    let brightness: number | null = null;
    if (typeof params.brightness === 'number') brightness = params.brightness;
    else if (typeof params.brightness_pct === 'number')
      brightness = Math.round((params.brightness_pct * 255) / 100);
    else if (typeof params.brightness_step === 'number') brightness = current + params.brightness_step;
    else if (typeof params.brightness_step_pct === 'number') {
      brightness = current + Math.round((params.brightness_step_pct * 255) / 100);
    }
    if (brightness !== null) brightness = Math.min(255, Math.max(0, brightness));
    if (brightness === 0) {
      turnOff(hass, state, call);
      return;
    }
    next.brightness = brightness ?? was?.brightness ?? (memory.brightness as number | undefined) ?? 255;
  }
  if (spec.modes.includes('color_temp') && typeof params.color_temp_kelvin === 'number') {
    next.colorMode = 'color_temp';
    next.kelvin = Math.min(
      spec.maxKelvin ?? 6535,
      Math.max(spec.minKelvin ?? 2000, params.color_temp_kelvin),
    );
  }
  const colorMode = spec.modes.find((m) => m === 'hs' || m === 'xy');
  if (colorMode && (Array.isArray(params.rgb_color) || Array.isArray(params.hs_color))) {
    next.colorMode = colorMode;
    next.hs = Array.isArray(params.hs_color)
      ? (params.hs_color as [number, number])
      : rgbToHs(...(params.rgb_color as [number, number, number]));
  }
  if (spec.effects && typeof params.effect === 'string' && spec.effects.includes(params.effect)) {
    next.effect = params.effect;
  }
  if (!was && next.colorMode === 'color_temp' && next.kelvin === undefined) {
    next.kelvin = (memory.kelvin as number | undefined) ?? spec.maxKelvin ?? 4000;
  }
  if (next.kelvin !== undefined) memory.kelvin = next.kelvin;
  hass.states.set(state.entityId, 'on', lightAttributes(spec, next), { context: call.context });
}

const onOff = (domain: string, noun: string) => ({
  turn_on: { name: 'Turn on', description: `Turns on ${noun}.`, fields: {} },
  turn_off: { name: 'Turn off', description: `Turns off ${noun}.`, fields: {} },
  toggle: { name: 'Toggle', description: `Toggles ${noun} on/off.`, fields: {} },
  domain,
});

export function registerLightServices(hass: Hass): void {
  const light = onOff('light', 'one or more lights');
  const lightFields = {
    brightness_pct: {
      selector: { number: { min: 0, max: 100, unit_of_measurement: '%' } },
      name: 'Brightness',
      description:
        'Number indicating the percentage of full brightness, where 0 turns the light off, 1 is the minimum brightness, and 100 is the maximum brightness.',
    },
    color_temp_kelvin: {
      selector: { color_temp: { unit: 'kelvin', min: 2000, max: 6500 } },
      name: 'Color temperature',
      description: 'Color temperature in Kelvin.',
    },
    rgb_color: {
      selector: { color_rgb: null },
      example: '[255, 100, 100]',
      name: 'Color',
      description:
        'The color in RGB format. A list of three integers between 0 and 255 representing the values of red, green, and blue.',
    },
    transition: {
      selector: { number: { min: 0, max: 300, unit_of_measurement: 'seconds' } },
      name: 'Transition',
      description: 'Duration it takes to get to next state.',
    },
  };
  registerEntityServices(hass, [
    {
      domain: 'light',
      service: 'turn_on',
      description: { ...light.turn_on, fields: lightFields },
      fields: TURN_ON_FIELDS,
      run: (s, p, c) => turnOn(hass, s, p, c),
    },
    {
      domain: 'light',
      service: 'turn_off',
      description: light.turn_off,
      fields: TURN_OFF_FIELDS,
      run: (s, _p, c) => turnOff(hass, s, c),
    },
    {
      domain: 'light',
      service: 'toggle',
      description: { ...light.toggle, fields: lightFields },
      fields: TURN_ON_FIELDS,
      run: (s, p, c) => (s.state === 'on' ? turnOff(hass, s, c) : turnOn(hass, s, p, c)),
    },
  ]);
  for (const [domain, noun] of [
    ['switch', 'a switch'],
    ['input_boolean', 'an input boolean'],
  ] as const) {
    const d = onOff(domain, noun);
    registerEntityServices(hass, [
      {
        domain,
        service: 'turn_on',
        description: d.turn_on,
        run: (s, _p, c) => writeState(hass, s, 'on', {}, c),
      },
      {
        domain,
        service: 'turn_off',
        description: d.turn_off,
        run: (s, _p, c) => writeState(hass, s, 'off', {}, c),
      },
      {
        domain,
        service: 'toggle',
        description: d.toggle,
        run: (s, _p, c) => writeState(hass, s, s.state === 'on' ? 'off' : 'on', {}, c),
      },
    ]);
  }
}
