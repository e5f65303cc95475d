import { beforeEach, describe, expect, it } from 'vitest';
import { HomeAssistantError, ServiceNotFound, ServiceValidationError } from '../../src/errors.js';
import { type Event, newContext } from '../../src/event-bus.js';
import { Hass } from '../../src/hass.js';
import { seedHome } from '../../src/home/index.js';

let hass: Hass;
const context = newContext({ userId: 'u1' });

beforeEach(() => {
  hass = new Hass();
  seedHome(hass);
});

describe('service registry', () => {
  it('refuses an unknown service with ServiceNotFound', async () => {
    const err = await hass.services.call('light', 'explode', {}, { context }).catch((e) => e);
    expect(err).toBeInstanceOf(ServiceNotFound);
    expect(err.translation).toEqual({
      domain: 'homeassistant',
      key: 'service_not_found',
      placeholders: { domain: 'light', service: 'explode' },
    });
  });

  it('checks response flags before running anything', async () => {
    const noResponse = await hass.services
      .call('light', 'turn_on', { entity_id: 'light.kitchen' }, { context, returnResponse: true })
      .catch((e) => e);
    expect(noResponse).toBeInstanceOf(ServiceValidationError);
    expect(noResponse.message).toBe(
      "An action which does not return responses can't be called with return_response=True.",
    );
    const required = await hass.services
      .call('weather', 'get_forecasts', { entity_id: 'weather.home', type: 'daily' }, { context })
      .catch((e) => e);
    expect(required.translation.key).toBe('service_lacks_response_request');
  });

  it('fires call_service, then runs the handler in the caller context', async () => {
    hass.states.set('switch.tv', 'off', { friendly_name: 'TV Plug' }); // on in the seeded evenings
    const seen: Event[] = [];
    hass.bus.listen('*', (e) => seen.push(e));
    await hass.services.call('switch', 'turn_on', null, { context, target: { entity_id: 'switch.tv' } });
    expect(seen.map((e) => e.eventType)).toEqual(['call_service', 'state_changed']);
    expect(seen[0]?.data).toEqual({
      domain: 'switch',
      service: 'turn_on',
      service_data: { entity_id: 'switch.tv' },
    });
    expect(seen[1]?.context).toBe(context);
  });

  it('gives responses keyed by entity for entity services that return one', async () => {
    const response = await hass.services.call(
      'weather',
      'get_forecasts',
      { entity_id: 'weather.home', type: 'hourly' },
      { context, returnResponse: true },
    );
    const forecast =
      (response as Record<string, { forecast: Array<Record<string, unknown>> }>)['weather.home']?.forecast ??
      [];
    expect(forecast).toHaveLength(24);
    expect(Object.keys(forecast[0] ?? {})).toEqual([
      'condition',
      'datetime',
      'wind_bearing',
      'temperature',
      'wind_speed',
      'precipitation',
      'humidity',
    ]);
    await expect(
      hass.services.call(
        'weather',
        'get_forecasts',
        { entity_id: 'weather.home', type: 'twice_daily' },
        { context, returnResponse: true },
      ),
    ).rejects.toThrow(HomeAssistantError);
  });

  it('describes services as get_services does', () => {
    const d = hass.services.descriptions();
    expect(d.light?.turn_on).toMatchObject({ name: 'Turn on', target: { entity: [{ domain: ['light'] }] } });
    expect(d.light?.turn_on).not.toHaveProperty('response');
    expect(d.weather?.get_forecasts?.response).toEqual({ optional: false });
    expect(d.script?.good_night?.response).toEqual({ optional: true });
  });

  it('homeassistant.turn_off forwards to each domain and skips domains without the service', async () => {
    await hass.services.call(
      'homeassistant',
      'turn_on',
      { entity_id: ['light.kitchen', 'switch.tv', 'lock.front_door'] },
      { context },
    );
    expect(hass.states.get('light.kitchen')?.state).toBe('on');
    expect(hass.states.get('switch.tv')?.state).toBe('on');
    await hass.services.call(
      'homeassistant',
      'toggle',
      { entity_id: ['light.kitchen', 'switch.tv'] },
      { context },
    );
    expect(hass.states.get('light.kitchen')?.state).toBe('off');
    expect(hass.states.get('switch.tv')?.state).toBe('off');
  });
});

describe('automations and scripts', () => {
  it('automation.trigger fires automation_triggered, records last_triggered and runs the actions', async () => {
    const triggered: Event[] = [];
    hass.bus.listen('automation_triggered', (e) => triggered.push(e));
    await hass.services.call('cover', 'close_cover', { entity_id: 'cover.living_room_blinds' }, { context });
    await hass.services.call('automation', 'trigger', { entity_id: 'automation.good_morning' }, { context });
    expect(triggered).toHaveLength(1);
    expect(triggered[0]?.context.parent_id).toBe(context.id);
    expect(hass.states.get('cover.living_room_blinds')?.state).toBe('open');
    expect(hass.states.get('switch.coffee_machine')?.state).toBe('on');
    const last = Date.parse(String(hass.states.get('automation.good_morning')?.attributes.last_triggered));
    expect(Date.now() - last).toBeLessThan(5000);
  });

  it('automation.turn_off disables, a script runs its sequence and answers an empty response', async () => {
    await hass.services.call('automation', 'turn_off', { entity_id: 'automation.away_mode' }, { context });
    expect(hass.states.get('automation.away_mode')?.state).toBe('off');
    await hass.services.call('light', 'turn_on', { entity_id: 'light.office_desk' }, { context });
    const response = await hass.services.call('script', 'good_night', {}, { context, returnResponse: true });
    expect(response).toEqual({});
    expect(hass.states.get('light.office_desk')?.state).toBe('off');
    expect(hass.states.get('lock.front_door')?.state).toBe('locked');
    expect(hass.states.get('alarm_control_panel.home')?.state).toBe('armed_night');
    expect(hass.states.get('script.good_night')?.state).toBe('off');
  });
});
