import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sleep } from '../../src/clock.js';
import { ServiceNotSupported, ServiceValidationError } from '../../src/errors.js';
import { newContext } from '../../src/event-bus.js';
import { DEFAULT_HASS_OPTIONS, Hass } from '../../src/hass.js';
import { seedHome } from '../../src/home/index.js';

let hass: Hass;
const call = (domain: string, service: string, data: Record<string, unknown>) =>
  hass.services.call(domain, service, data, { context: newContext() });
const state = (id: string) => hass.states.get(id);

function start(coverTravelMs = 0) {
  hass = new Hass({ ...DEFAULT_HASS_OPTIONS, coverTravelMs });
  seedHome(hass);
}

afterEach(() => hass.shutdown());

describe('climate', () => {
  beforeEach(() => start());

  it('sets the temperature and mode, and reports the action', async () => {
    await call('climate', 'set_temperature', {
      entity_id: 'climate.living_room',
      temperature: 23.5,
      hvac_mode: 'heat',
    });
    expect(state('climate.living_room')?.attributes).toMatchObject({
      temperature: 23.5,
      hvac_action: 'heating',
    });
    await call('climate', 'set_hvac_mode', { entity_id: 'climate.living_room', hvac_mode: 'off' });
    expect(state('climate.living_room')?.state).toBe('off');
    expect(state('climate.living_room')?.attributes).toMatchObject({ temperature: null, hvac_action: 'off' });
    await call('climate', 'turn_on', { entity_id: 'climate.living_room' });
    expect(state('climate.living_room')?.state).toBe('heat');
    expect(state('climate.living_room')?.attributes.temperature).toBe(23.5);
  });

  it('refuses a set point out of range and a mode the entity lacks', async () => {
    const err = await call('climate', 'set_temperature', {
      entity_id: 'climate.bedroom',
      temperature: 40,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ServiceValidationError);
    expect(err.message).toBe('Provided temperature 40.0 is not valid. Accepted range is 7.0 to 30.0.');
    expect(err.translation).toMatchObject({ domain: 'climate', key: 'temp_out_of_range' });
    await expect(
      call('climate', 'set_hvac_mode', { entity_id: 'climate.bedroom', hvac_mode: 'cool' }),
    ).rejects.toThrow('HVAC mode cool is not valid. Valid HVAC modes are: off, heat, auto.');
    await expect(
      call('climate', 'set_hvac_mode', { entity_id: 'climate.bedroom', hvac_mode: 'warm' }),
    ).rejects.toSatisfy((e) => String(e).startsWith("expected HVACMode or one of 'off', 'heat'"));
  });
});

describe('covers', () => {
  it('opens and closes at once without a travel time, and sets a position', async () => {
    start();
    await call('cover', 'close_cover', { entity_id: 'cover.garage_door' });
    expect(state('cover.garage_door')?.state).toBe('closed');
    await call('cover', 'open_cover', { entity_id: 'cover.garage_door' });
    expect(state('cover.garage_door')?.state).toBe('open');
    await call('cover', 'set_cover_position', { entity_id: 'cover.living_room_blinds', position: 30 });
    expect(state('cover.living_room_blinds')?.attributes.current_position).toBe(30);
    expect(state('cover.living_room_blinds')?.state).toBe('open');
  });

  it('refuses what a cover cannot do when it is named, skips it when reached through an area', async () => {
    start();
    const err = await call('cover', 'stop_cover', { entity_id: 'cover.garage_door' }).catch((e) => e);
    expect(err).toBeInstanceOf(ServiceNotSupported);
    expect(err.message).toBe('Entity cover.garage_door does not support action cover.stop_cover.');
    await expect(
      call('cover', 'set_cover_position', { area_id: 'garage', position: 10 }),
    ).resolves.toBeNull();
  });

  it('reports opening, then open after the travel time', async () => {
    start(60);
    await call('cover', 'close_cover', { entity_id: 'cover.garage_door' });
    await sleep(100);
    expect(state('cover.garage_door')?.state).toBe('closed');
    await call('cover', 'open_cover', { entity_id: 'cover.garage_door' });
    expect(state('cover.garage_door')?.state).toBe('opening');
    await sleep(120);
    expect(state('cover.garage_door')?.state).toBe('open');
  });
});

describe('lock and alarm panel', () => {
  beforeEach(() => start());

  it('locks, unlocks and opens', async () => {
    await call('lock', 'unlock', { entity_id: 'lock.front_door' });
    expect(state('lock.front_door')?.state).toBe('unlocked');
    await call('lock', 'lock', { entity_id: 'lock.front_door', code: '0000' });
    expect(state('lock.front_door')?.state).toBe('locked');
    await call('lock', 'open', { entity_id: 'lock.front_door' });
    expect(state('lock.front_door')?.state).toBe('open');
  });

  it('arms without a code and disarms only with the right one', async () => {
    await call('alarm_control_panel', 'alarm_arm_away', { entity_id: 'alarm_control_panel.home' });
    expect(state('alarm_control_panel.home')?.state).toBe('armed_away');
    const err = await call('alarm_control_panel', 'alarm_disarm', {
      entity_id: 'alarm_control_panel.home',
      code: '9999',
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ServiceValidationError);
    expect(err.message).toBe('Invalid alarm code provided');
    expect(state('alarm_control_panel.home')?.state).toBe('armed_away');
    await call('alarm_control_panel', 'alarm_disarm', {
      entity_id: 'alarm_control_panel.home',
      code: '1234',
    });
    expect(state('alarm_control_panel.home')?.state).toBe('disarmed');
  });
});
