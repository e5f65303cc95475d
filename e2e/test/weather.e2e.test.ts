import { type McpMqttClient, RemoteError, RequestTimeoutError } from '@neurhomia/mcp-mqtt-core/client';
import { connectClient } from '@neurhomia/mcp-mqtt-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerLogs, HomeStackContainers, type StartedHomeStack } from '../src/home-stack.js';
import { deliveredWithin, rawConnect } from '../src/mqtt.js';
import { secretPaths } from '../src/secrets.js';

/**
 * The weather image behind Mosquitto with the project's auth and ACL, driven by the core's
 * client and by mosquitto_rr run inside the broker container.
 */
let stack: StartedHomeStack;
let client: McpMqttClient;
const events: Array<{ event: string; payload: unknown }> = [];

beforeAll(async () => {
  stack = await new HomeStackContainers().withWeatherEnvironment({ WEATHER_WATCH: 'Storm;1,1' }).start();
  client = await connectClient(stack.getConnectionString(), {
    ...(await stack.credentials('cli')),
    apiKey: await stack.secret(secretPaths.clientApiKey('cli')),
    timeoutMs: 10_000,
  });
  client.on('event', (e) => events.push(e));
  // Subscribed before the service starts: its first poll runs at once and events are not retained.
  await client.subscribeEvents('weather', 'weather_alert');
  await client.watchServices();
  await stack.startWeather();
});

afterAll(async () => {
  await client?.close();
  await stack?.stop();
});

describe('weather image through the authenticated broker', () => {
  it('announces itself ready with its tools, resource and event', async () => {
    const services = await client.listServices();
    const weather = services.find((s) => s.serviceId === 'weather');
    expect(weather?.discovery).toMatchObject({
      status: 'ready',
      capabilities: {
        tools: ['get_current_weather', 'get_forecast', 'get_weather_alerts'],
        resources: ['weather_widget'],
        events: ['weather_alert'],
      },
    });
  });

  it('answers every tool through the core client', async () => {
    const current = await client.callTool('weather', 'get_current_weather', { location: 'Berlin' });
    expect(current.isError).toBe(false);
    expect(current.structuredContent).toMatchObject({
      location: { name: 'Berlin' },
      provider: 'open-meteo',
      units: 'metric',
    });
    expect(typeof current.structuredContent!.temperature).toBe('number');

    const forecast = await client.callTool('weather', 'get_forecast', {
      location: '52.52,13.41',
      days: 3,
      units: 'imperial',
    });
    expect(forecast.isError).toBe(false);
    expect((forecast.structuredContent!.days as unknown[]).length).toBe(3);

    const alerts = await client.callTool('weather', 'get_weather_alerts', { location: '1,1' });
    const list = alerts.structuredContent!.alerts as Array<{ derived: boolean; kind: string }>;
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((a) => a.derived === true)).toBe(true);

    const unknown = await client.callTool('weather', 'get_current_weather', { location: 'Atlantis' });
    expect(unknown.isError).toBe(true);
    expect(String(unknown.structuredContent!.error)).toContain('Atlantis');

    const invalid = await client
      .callTool('weather', 'get_forecast', { location: 'Berlin', days: 17 })
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(RemoteError);
    expect(invalid).toMatchObject({ code: -32602, data: { param: 'days' } });
  });

  it('serves the widget resource whose interactions point at real tools', async () => {
    const read = await client.request<{ contents: Array<{ text: string }> }>('weather', 'resources/read', {
      uri: 'mcp://weather/widget/weather_widget',
    });
    const widget = JSON.parse(read.contents[0]!.text) as { interactions: Array<{ action: string }> };
    const tools = (await client.listTools('weather')).map((t) => t.name);
    expect(widget.interactions.length).toBeGreaterThan(0);
    for (const interaction of widget.interactions) expect(tools).toContain(interaction.action);
  });

  it('answers mosquitto_rr run inside the broker container', async () => {
    const { password } = await stack.credentials('cli');
    const request = JSON.stringify({
      jsonrpc: '2.0',
      id: 'rr',
      method: 'mcp.call_tool',
      params: { tool_name: 'get_current_weather', arguments: { location: '52.52,13.41' } },
      auth: { api_key: await stack.secret(secretPaths.clientApiKey('cli')) },
    });
    const { output, exitCode } = await stack.broker.exec([
      'mosquitto_rr',
      '-h',
      'localhost',
      '-u',
      'cli',
      '-P',
      password,
      '-t',
      'mcp/weather/jsonrpc/request',
      '-e',
      'mcp/clients/cli/rr/response',
      '-m',
      request,
      '-W',
      '10',
    ]);
    expect(exitCode).toBe(0);
    expect(JSON.parse(output.trim())).toMatchObject({
      id: 'rr',
      result: { success: true, data: { provider: 'open-meteo' } },
    });
  });

  // With keys configured, nothing is published into a client's inbox for a request that carries
  // no key of that client (not even -32001: anyone with broker credentials could otherwise make
  // the service write into another client's inbox). The refusal is in the service's log.
  it('leaves a request without an API key unanswered and logs the refusal', async () => {
    await using anonymous = await connectClient(stack.getConnectionString(), {
      ...(await stack.credentials('cli')),
      timeoutMs: 3_000,
    });
    await expect(
      anonymous.callTool('weather', 'get_current_weather', { location: 'Berlin' }),
    ).rejects.toBeInstanceOf(RequestTimeoutError);
    expect(await containerLogs(stack.weather)).toMatch(
      /"reason":"inbox","response_topic":"mcp\/clients\/cli\/[^"]+","why":"request without a key of this client"/,
    );
  });

  it('publishes a weather_alert event for a watched location', async () => {
    const deadline = Date.now() + 30_000;
    while (!events.some((e) => e.event === 'weather_alert') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    const alert = events.find((e) => e.event === 'weather_alert')!.payload as {
      service_id: string;
      data: { derived: boolean; location: { name: string } };
    };
    expect(alert).toMatchObject({
      service_id: 'weather',
      data: { derived: true, location: { name: 'Storm' } },
    });
  });

  it('refuses a client with a wrong password', async () => {
    const refused = await rawConnect(stack.getConnectionString(), {
      username: 'cli',
      password: 'wrong',
    }).then(
      async (c) => {
        await c.endAsync();
        return undefined;
      },
      (err: { code?: number }) => err,
    );
    expect(refused).toMatchObject({ code: expect.any(Number) });
    expect((refused as { code: number }).code).not.toBe(0);
  });

  it("does not let weather's credentials read another service's request topic", async () => {
    await using asWeather = await rawConnect(stack.getConnectionString(), await stack.credentials('weather'));
    await using asCli = await rawConnect(stack.getConnectionString(), await stack.credentials('cli'));
    const received = await deliveredWithin(asWeather, 'mcp/docker-manager/jsonrpc/request', () =>
      asCli.publishAsync('mcp/docker-manager/jsonrpc/request', '{"jsonrpc":"2.0","id":1,"method":"ping"}', {
        qos: 1,
      }),
    );
    expect(received).toEqual([]);
  });

  it("does not let a client read another client's responses", async () => {
    await using spy = await rawConnect(stack.getConnectionString(), await stack.credentials('neurhomia'));
    const received = await deliveredWithin(spy, 'mcp/clients/cli/#', () =>
      client.callTool('weather', 'get_current_weather', { location: 'Berlin' }),
    );
    expect(received).toEqual([]);
    // …while the owner of those responses got its answer (the call above resolved).
  });

  it('turns its discovery offline when the container is stopped', async () => {
    await stack.weather.stop();
    const deadline = Date.now() + 15_000;
    while (client.service('weather')?.discovery.status !== 'offline' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(client.service('weather')?.discovery.status).toBe('offline');
  });
});
