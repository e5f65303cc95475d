import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHaSimulator } from '@neurhomia/ha-simulator';
import { createServer, silentLogger } from '@neurhomia/mcp-mqtt-core';
import { describe, expect, it } from 'vitest';
import { NOT_CONFIGURED } from '../../src/ha/link.js';
import { haBridgeService } from '../../src/service.js';
import { flipState, startBridge, until } from '../helpers.js';

type Details = Record<string, unknown>;
const homeAssistant = (bridge: { health(): { dependency_details: Record<string, Details> } }) =>
  bridge.health().dependency_details['home-assistant'] as Details;

describe('without HA_URL', () => {
  it('starts, and says in health and in every tool answer how to configure Home Assistant', async () => {
    const server = await createServer(haBridgeService, { env: {}, logger: silentLogger() });
    await using _ = server;
    await server.start();
    expect(server.core.health()).toMatchObject({
      status: 'degraded',
      dependencies: { 'home-assistant': 'down' },
      dependency_details: { 'home-assistant': { connection: 'not_configured', reason: NOT_CONFIGURED } },
    });
    expect(NOT_CONFIGURED).toMatch(/set HA_URL .* and HA_TOKEN .*--profile demo/);
    const calls: [string, Record<string, unknown>][] = [
      ['get_entities', {}],
      ['get_entity_state', { entity_id: 'light.kitchen' }],
      ['search_entities', { query: 'x' }],
      ['domain_summary', { domain: 'light' }],
      ['list_areas', {}],
      ['get_services', {}],
      ['get_history', { entity_ids: 'sun.sun' }],
      ['get_logbook', {}],
      ['list_automations', {}],
      ['render_template', { template: '{{ 1 }}' }],
      ['call_service', { domain: 'light', service: 'turn_on', target: { entity_id: 'light.kitchen' } }],
      ['trigger_automation', { entity_id: 'automation.x' }],
      [
        'create_automation',
        {
          config: {
            alias: 'x',
            triggers: [{ trigger: 'sun', event: 'sunset' }],
            actions: [{ action: 'light.turn_on' }],
          },
        },
      ],
    ];
    const tools = (await server.request('tools/list')).result as { tools: unknown[] };
    expect(tools.tools).toHaveLength(calls.length);
    for (const [name, args] of calls) {
      const answer = (await server.request('tools/call', { name, arguments: args })).result as {
        isError: boolean;
        structuredContent: Record<string, unknown>;
      };
      expect(answer, name).toMatchObject({
        isError: true,
        structuredContent: { error: NOT_CONFIGURED, reason: 'not_configured' },
      });
    }
  });

  it('says HA_TOKEN is missing when only HA_URL is set', async () => {
    const server = await createServer(haBridgeService, {
      env: { HA_URL: 'http://127.0.0.1:9' },
      logger: silentLogger(),
    });
    await using _ = server;
    expect(server.core.health().dependency_details['home-assistant']).toMatchObject({
      connection: 'not_configured',
      reason: expect.stringMatching(/HA_URL is set but HA_TOKEN is not: create a long-lived access token/),
    });
  });
});

describe('a token Home Assistant refuses', () => {
  it('puts the dependency down with the reason, and tools fail fast without asking again', async () => {
    await using bridge = await startBridge({ HA_TOKEN: 'not-the-token' }, {}, { waitConnected: false });
    await until(() => homeAssistant(bridge).connection === 'unauthorized', 'the token to be refused');
    expect(homeAssistant(bridge)).toMatchObject({
      status: 'down',
      reason: expect.stringMatching(
        /refused the access token \(HTTP 401\): create a long-lived access token/,
      ),
    });
    bridge.sim.resetObservations();
    const answer = await bridge.call('get_entities');
    expect(answer).toMatchObject({ isError: true, structuredContent: { reason: 'unauthorized' } });
    expect(bridge.sim.counters.rest).toEqual({});
  });

  it('is noticed when the token is revoked during a session', async () => {
    await using bridge = await startBridge();
    bridge.sim.rotateToken();
    await until(() => homeAssistant(bridge).connection === 'unauthorized', 'the revoked token to be noticed');
    expect((await bridge.call('get_entity_state', { entity_id: 'sun.sun' })).structuredContent.reason).toBe(
      'unauthorized',
    );
  });
});

describe('reconnection', () => {
  it('notices Home Assistant coming up after the bridge started, without a restart', async () => {
    await using bridge = await startBridge();
    await bridge.sim.setDown(true);
    await bridge.server.close();
    // A second bridge starts while Home Assistant is down.
    const server = await createServer(haBridgeService, {
      env: { HA_URL: bridge.sim.url, HA_TOKEN: bridge.sim.token, HA_RECONNECT_MAX_S: '1' },
      logger: silentLogger(),
    });
    await using _ = server;
    await server.start();
    const details = () => server.core.health().dependency_details['home-assistant'] as Details;
    await until(() => details().connection === 'unreachable', 'the first attempt to fail');
    expect(details()).toMatchObject({
      status: 'down',
      reason: expect.stringMatching(/connection refused \(ECONNREFUSED\)/),
    });
    await bridge.sim.setDown(false);
    await until(() => details().connection === 'connected', 'the bridge to connect', 8_000);
    expect(details()).toMatchObject({ status: 'ok', live_states: true, entities: 48 });
  }, 15_000);

  it('reconnects the WebSocket after an outage and keeps the states live', async () => {
    await using bridge = await startBridge({ HA_EVENT_FILTER: 'switch' });
    await bridge.sim.setDown(true);
    await until(() => homeAssistant(bridge).live_states === false, 'the session to end');
    expect(homeAssistant(bridge).connection).not.toBe('connected');
    await bridge.sim.setDown(false);
    await until(() => homeAssistant(bridge).connection === 'connected', 'the bridge to reconnect', 8_000);
    flipState(bridge.sim, 'switch.tv');
    await expect.poll(() => bridge.server.events.map((e) => e.payload.entity_id)).toContain('switch.tv');
  }, 15_000);
});

describe('the demo simulator (HA_DEMO_URL, HA_DEMO_TOKEN_FILE)', () => {
  it('is used when HA_URL is empty, once its token file exists', async () => {
    const sim = await startHaSimulator();
    await using _sim = sim;
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'ha-demo-')), 'token');
    const server = await createServer(haBridgeService, {
      env: { HA_DEMO_URL: sim.url, HA_DEMO_TOKEN_FILE: tokenFile, HA_RECONNECT_MAX_S: '1' },
      logger: silentLogger(),
    });
    await using _ = server;
    await server.start();
    const details = () => server.core.health().dependency_details['home-assistant'] as Details;
    await until(() => details().connection === 'not_configured', 'the missing token to be noticed');
    expect(details().reason).toMatch(/not configured.*the demo simulator is not running: no token at/);
    writeFileSync(tokenFile, `${sim.token}\n`);
    await until(() => details().connection === 'connected', 'the demo to connect', 8_000);
    expect(details()).toMatchObject({ demo: true, url: sim.url });
  }, 15_000);

  it('says the demo is not running when its host does not resolve', async () => {
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'ha-demo-')), 'token');
    writeFileSync(tokenFile, 'a-demo-token');
    const server = await createServer(haBridgeService, {
      env: { HA_DEMO_URL: 'http://ha-simulator.invalid:8123', HA_DEMO_TOKEN_FILE: tokenFile },
      logger: silentLogger(),
    });
    await using _ = server;
    await server.start();
    const details = () => server.core.health().dependency_details['home-assistant'] as Details;
    await until(() => details().connection === 'not_configured', 'the lookup to fail');
    expect(details().reason).toMatch(
      /--profile demo.*\(http:\/\/ha-simulator\.invalid:8123 is not running\)/,
    );
  });
});
