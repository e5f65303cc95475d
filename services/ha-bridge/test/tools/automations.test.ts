import { describe, expect, it } from 'vitest';
import { KEYS, useBridge } from '../helpers.js';

const bridge = useBridge();

const PORCH = {
  alias: 'Porch light at sunset',
  description: 'Made by the bridge test',
  triggers: [{ trigger: 'sun', event: 'sunset' }],
  actions: [{ action: 'light.turn_on', target: { entity_id: 'light.entrance_porch' } }],
  mode: 'single',
};

describe('trigger_automation', () => {
  it("runs an automation's actions", async () => {
    bridge.sim.setState('switch.coffee_machine', 'off');
    const answer = await bridge.call('trigger_automation', { entity_id: 'automation.good_morning' });
    expect(answer.structuredContent).toMatchObject({ ok: true, entity_id: 'automation.good_morning' });
    expect(bridge.sim.hass.states.get('switch.coffee_machine')?.state).toBe('on');
    const state = await bridge.call('get_entity_state', { entity_id: 'automation.good_morning' });
    expect(
      Date.now() -
        Date.parse(String((state.structuredContent.attributes as { last_triggered: string }).last_triggered)),
    ).toBeLessThan(10_000);
  });

  it('refuses what is not an automation, and an unknown one', async () => {
    const light = await bridge.call('trigger_automation', { entity_id: 'light.kitchen' });
    expect(light.structuredContent.error).toBe('light.kitchen is not an automation (automation.…)');
    const unknown = await bridge.call('trigger_automation', { entity_id: 'automation.nope' });
    expect(unknown.structuredContent.error).toBe('entity automation.nope not found');
  });
});

describe('create_automation', () => {
  it('creates an automation that Home Assistant loads, and lists it at once', async () => {
    await bridge.call('list_automations'); // cached before the creation
    const answer = await bridge.call('create_automation', { config: PORCH }, { apiKey: KEYS.admin });
    expect(answer.isError).toBe(false);
    expect(answer.structuredContent).toMatchObject({
      ok: true,
      id: expect.stringMatching(/^\d+$/),
      entity_id: 'automation.porch_light_at_sunset',
      state: 'on',
    });
    const listed = await bridge.call('list_automations');
    expect(listed._meta).toBeUndefined();
    expect(
      (listed.structuredContent.automations as { entity_id: string }[]).map((a) => a.entity_id),
    ).toContain('automation.porch_light_at_sunset');
  });

  it('replaces an automation by id', async () => {
    const answer = await bridge.call(
      'create_automation',
      { id: '1718000000003', config: { ...PORCH, alias: 'Garage check' } },
      { apiKey: KEYS.admin },
    );
    // Home Assistant keeps the entity id of an automation whose alias changes.
    expect(answer.structuredContent).toMatchObject({
      id: '1718000000003',
      entity_id: 'automation.garage_door_left_open',
    });
    const state = await bridge.call('get_entity_state', { entity_id: 'automation.garage_door_left_open' });
    expect(state.structuredContent.name).toBe('Garage check');
  });

  it("reports Home Assistant's validation error", async () => {
    const answer = await bridge.call(
      'create_automation',
      { config: { ...PORCH, triggers: [{ trigger: 'moon' }] } },
      { apiKey: KEYS.admin },
    );
    expect(answer.isError).toBe(true);
    expect(answer.structuredContent.error).toMatch(/HTTP 400.*Invalid trigger 'moon'/);
  });

  it('refuses a config without triggers or actions with -32602', async () => {
    const refused = await bridge.refusal(
      'create_automation',
      { config: { alias: 'Nothing' } },
      { apiKey: KEYS.admin },
    );
    expect(refused.code).toBe(-32602);
    expect(JSON.stringify(refused.data)).toMatch(/needs triggers/);
  });

  it('needs ha:admin', async () => {
    const refused = await bridge.refusal('create_automation', { config: PORCH }, { apiKey: KEYS.writer });
    expect(refused).toMatchObject({ code: -32002, data: { required_permission: 'ha:admin' } });
  });
});

describe('render_template', () => {
  it('renders a template, for ha:admin only', async () => {
    bridge.sim.setState('sensor.outdoor_temperature', '12.5');
    const answer = await bridge.call(
      'render_template',
      { template: "Outside: {{ states('sensor.outdoor_temperature') }} °C" },
      { apiKey: KEYS.admin },
    );
    expect(answer.structuredContent).toEqual({ result: 'Outside: 12.5 °C' });
    const refused = await bridge.refusal('render_template', { template: '{{ 1 }}' }, { apiKey: KEYS.writer });
    expect(refused).toMatchObject({ code: -32002, data: { required_permission: 'ha:admin' } });
  });

  it("reports a template error in Home Assistant's words", async () => {
    const answer = await bridge.call('render_template', { template: '{{ states(' }, { apiKey: KEYS.admin });
    expect(answer.isError).toBe(true);
    expect(answer.structuredContent.error).toMatch(/Error rendering template/);
  });
});
