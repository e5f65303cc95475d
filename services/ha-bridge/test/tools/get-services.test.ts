import { describe, expect, it } from 'vitest';
import { useBridge } from '../helpers.js';

const bridge = useBridge();

describe('get_services', () => {
  it('lists only service names per domain without a domain', async () => {
    const answer = await bridge.call('get_services');
    expect(answer.isError).toBe(false);
    const domains = answer.structuredContent.domains as { domain: string; services: string[] }[];
    expect(domains.find((d) => d.domain === 'light')?.services).toEqual(['toggle', 'turn_off', 'turn_on']);
    expect(JSON.stringify(answer.structuredContent).length).toBeLessThan(8_000);
  });

  it("details a domain's services: fields, target, response", async () => {
    const answer = await bridge.call('get_services', { domain: 'climate' });
    const services = answer.structuredContent.services as {
      service: string;
      target: boolean;
      response: string;
      fields: { field: string; required?: boolean; type?: string }[];
    }[];
    const setTemperature = services.find((s) => s.service === 'set_temperature');
    expect(setTemperature).toMatchObject({ target: true, response: 'none' });
    expect(setTemperature?.fields.map((f) => f.field)).toContain('temperature');
    const weather = await bridge.call('get_services', { domain: 'weather' });
    const forecasts = (weather.structuredContent.services as { service: string; response: string }[]).find(
      (s) => s.service === 'get_forecasts',
    );
    expect(forecasts?.response).toBe('only');
  });

  it('says when a domain has no services', async () => {
    const answer = await bridge.call('get_services', { domain: 'spaceship' });
    expect(answer).toMatchObject({
      isError: true,
      structuredContent: { error: 'no services in domain spaceship' },
    });
  });

  it('keeps the list for an hour, and drops it when Home Assistant registers a service', async () => {
    bridge.sim.resetObservations();
    await bridge.call('get_services', { domain: 'light' });
    const cached = await bridge.call('get_services', { domain: 'light' });
    expect(cached._meta).toMatchObject({ cached: true });
    bridge.sim.hass.bus.fire('service_registered', { domain: 'light', service: 'blink' });
    await expect
      .poll(async () => (await bridge.call('get_services', { domain: 'light' }))._meta)
      .toBeUndefined();
  });
});
