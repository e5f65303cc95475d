import { beforeEach, describe, expect, it } from 'vitest';
import { newContext } from '../../src/event-bus.js';
import { Hass } from '../../src/hass.js';
import { seedHome } from '../../src/home/index.js';
import { MultipleInvalid } from '../../src/validation.js';

let hass: Hass;
const call = (domain: string, service: string, data: Record<string, unknown>) =>
  hass.services.call(domain, service, data, { context: newContext() });
const attrs = (id: string) => hass.states.get(id)?.attributes ?? {};

beforeEach(() => {
  hass = new Hass();
  seedHome(hass);
});

describe('light services', () => {
  it('turn_on with brightness_pct sets brightness on the 0–255 scale', async () => {
    await call('light', 'turn_off', { entity_id: 'light.kitchen' });
    await call('light', 'turn_on', { entity_id: 'light.kitchen', brightness_pct: 50 });
    expect(hass.states.get('light.kitchen')?.state).toBe('on');
    expect(attrs('light.kitchen')).toMatchObject({ brightness: 128, color_mode: 'brightness' });
  });

  it('clamps brightness, steps it, and turns off at 0', async () => {
    await call('light', 'turn_on', { entity_id: 'light.kitchen', brightness: 400 });
    expect(attrs('light.kitchen').brightness).toBe(255);
    await call('light', 'turn_on', { entity_id: 'light.kitchen', brightness_step: -55 });
    expect(attrs('light.kitchen').brightness).toBe(200);
    await call('light', 'turn_on', { entity_id: 'light.kitchen', brightness: 0 });
    expect(hass.states.get('light.kitchen')?.state).toBe('off');
    expect(attrs('light.kitchen').brightness).toBeNull();
  });

  it('restores the last brightness when turned on without one', async () => {
    await call('light', 'turn_on', { entity_id: 'light.living_room_floor_lamp', brightness: 77 });
    await call('light', 'turn_off', { entity_id: 'light.living_room_floor_lamp' });
    await call('light', 'toggle', { entity_id: 'light.living_room_floor_lamp' });
    expect(attrs('light.living_room_floor_lamp').brightness).toBe(77);
    await call('light', 'toggle', { entity_id: 'light.living_room_floor_lamp' });
    expect(hass.states.get('light.living_room_floor_lamp')?.state).toBe('off');
  });

  it('sets colour temperature within the light range and derives the colour attributes', async () => {
    await call('light', 'turn_on', { entity_id: 'light.bedroom', color_temp_kelvin: 1000 });
    expect(attrs('light.bedroom')).toMatchObject({
      color_mode: 'color_temp',
      color_temp_kelvin: 2200,
      color_temp: 454,
    });
    expect(attrs('light.bedroom').rgb_color).toHaveLength(3);
    await call('light', 'turn_on', { entity_id: 'light.living_room_ceiling', rgb_color: [255, 0, 0] });
    expect(attrs('light.living_room_ceiling')).toMatchObject({
      color_mode: 'xy',
      hs_color: [0, 100],
      rgb_color: [255, 0, 0],
      color_temp_kelvin: null,
    });
  });

  it('drops what a light cannot do', async () => {
    await call('light', 'turn_on', {
      entity_id: 'light.entrance_porch',
      brightness: 10,
      rgb_color: [1, 2, 3],
    });
    expect(hass.states.get('light.entrance_porch')?.state).toBe('on');
    expect(attrs('light.entrance_porch')).not.toHaveProperty('brightness');
    expect(attrs('light.entrance_porch').color_mode).toBe('onoff');
  });

  it('refuses out-of-range and unknown fields with voluptuous errors', async () => {
    await expect(
      call('light', 'turn_on', { entity_id: 'light.kitchen', brightness_pct: 150 }),
    ).rejects.toThrow(MultipleInvalid);
    await expect(
      call('light', 'turn_on', { entity_id: 'light.kitchen', brightness_pct: 150 }),
    ).rejects.toSatisfy(
      (err) => String(err) === "value must be at most 100 for dictionary value @ data['brightness_pct']",
    );
    await expect(call('light', 'turn_on', { entity_id: 'light.kitchen', colour: 'red' })).rejects.toSatisfy(
      (err) => String(err) === "extra keys not allowed @ data['colour']",
    );
  });

  it('targets every light of an area, including those whose area comes from their device', async () => {
    const coffee = hass.states.get('switch.coffee_machine');
    await call('light', 'turn_on', { area_id: 'kitchen' });
    expect(hass.states.get('light.kitchen')?.state).toBe('on');
    expect(hass.states.get('light.kitchen_under_cabinet')?.state).toBe('on');
    expect(hass.states.get('switch.coffee_machine')).toBe(coffee); // a switch: not a light service's target
  });

  it('switches and input booleans turn on, off and toggle', async () => {
    await call('switch', 'turn_on', { entity_id: 'switch.tv' });
    await call('switch', 'turn_off', { entity_id: 'switch.coffee_machine' });
    expect(hass.states.get('switch.tv')?.state).toBe('on');
    await call('switch', 'toggle', { entity_id: ['switch.tv', 'switch.coffee_machine'] });
    expect(hass.states.get('switch.tv')?.state).toBe('off');
    expect(hass.states.get('switch.coffee_machine')?.state).toBe('on');
    await call('input_boolean', 'toggle', { entity_id: 'input_boolean.guest_mode' });
    expect(hass.states.get('input_boolean.guest_mode')?.state).toBe('on');
  });
});
