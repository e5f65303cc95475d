import { randomBytes } from 'node:crypto';
import { type McpMqttClient, RemoteError } from '@neurhomia/mcp-mqtt-core/client';
import { connectClient } from '@neurhomia/mcp-mqtt-core/testing';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerLogs, HomeStackContainers, type StartedHomeStack } from '../src/home-stack.js';
import { rawConnect } from '../src/mqtt.js';
import { secretPaths } from '../src/secrets.js';

/**
 * Attacks by someone holding a client's MQTT credentials, against the stack's real broker
 * configuration and secrets (TLS listeners on, the weather service connected over TLS).
 */
let stack: StartedHomeStack;
let client: McpMqttClient;
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  stack = await new HomeStackContainers().withTls().start();
  await stack.startWeather();
  client = await connectClient(stack.getConnectionString(), {
    ...(await stack.credentials('cli')),
    apiKey: await stack.secret(secretPaths.clientApiKey('cli')),
    timeoutMs: 10_000,
  });
});

afterAll(async () => {
  await client?.close();
  await stack?.stop();
});

/** Messages a raw client receives, by topic. */
function countMessages(connection: mqtt.MqttClient) {
  const counts = new Map<string, number>();
  connection.on('message', (topic) => counts.set(topic, (counts.get(topic) ?? 0) + 1));
  return counts;
}

/** Pings that got an answer (a result or a JSON-RPC error: either way the service saw them). */
async function pingsAnswered(count: number) {
  const results = await Promise.allSettled(
    Array.from({ length: count }, () => client.request('weather', 'ping', {})),
  );
  return results.filter((r) => r.status === 'fulfilled' || r.reason instanceof RemoteError).length;
}

describe('shared subscription of a service', () => {
  it('answers 40 of 40 pings while 10 cli connections join $share/weather/… and guessed groups', async () => {
    const groups = [
      'weather',
      'weather',
      'weather',
      'weather',
      'weather',
      'mcp',
      'default',
      'group',
      hex(16),
      hex(16),
    ];
    const attackers = await Promise.all(
      groups.map(() => stack.credentials('cli').then((c) => rawConnect(stack.getConnectionString(), c))),
    );
    const stolen = attackers.map(countMessages);
    try {
      await Promise.all(
        attackers.map((a, i) =>
          a.subscribeAsync(`$share/${groups[i]}/mcp/weather/jsonrpc/request`, { qos: 1 }),
        ),
      );
      expect(await pingsAnswered(40)).toBe(40);
      // The read ACL still drops whatever reaches the attackers' own groups.
      expect(stolen.reduce((sum, counts) => sum + [...counts.values()].reduce((a, b) => a + b, 0), 0)).toBe(
        0,
      );
    } finally {
      await Promise.all(attackers.map((a) => a.endAsync()));
    }
  });
});

describe('re-announce trigger mcp/system/discovery', () => {
  it('refuses 20,000 publishes from a non-admin client; mcp/+/discovery subscribers receive none', async () => {
    await using cliWatcher = await rawConnect(stack.getConnectionString(), await stack.credentials('cli'));
    await using frontEnd = await rawConnect(
      stack.getConnectionString(),
      await stack.credentials('neurhomia'),
    );
    const seenByCli = countMessages(cliWatcher);
    const seenByFrontEnd = countMessages(frontEnd);
    await cliWatcher.subscribeAsync('mcp/+/discovery', { qos: 0 });
    await frontEnd.subscribeAsync('mcp/+/discovery', { qos: 0 });
    // Both still get the services' documents (retained) through the same filter.
    await sleep(500);
    expect(seenByCli.get('mcp/weather/discovery')).toBe(1);
    expect(seenByFrontEnd.get('mcp/weather/discovery')).toBe(1);

    const results = await Promise.allSettled(
      Array.from({ length: 20_000 }, () => frontEnd.publishAsync('mcp/system/discovery', '{}', { qos: 1 })),
    );
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(20_000);
    expect(String((refused[0] as PromiseRejectedResult).reason)).toMatch(/not authori[sz]ed/i);
    await sleep(2_000);
    expect(seenByCli.get('mcp/system/discovery') ?? 0).toBe(0);
    expect(seenByFrontEnd.get('mcp/system/discovery') ?? 0).toBe(0);
  });

  it('still lets the admin client make the services re-announce', async () => {
    await using admin = await rawConnect(stack.getConnectionString(), await stack.credentials('cli'));
    const seen = countMessages(admin);
    await admin.subscribeAsync('mcp/weather/discovery', { qos: 0 });
    await sleep(500);
    const retained = seen.get('mcp/weather/discovery') ?? 0;
    await admin.publishAsync('mcp/system/discovery', '{}', { qos: 1 });
    const deadline = Date.now() + 5_000;
    while ((seen.get('mcp/weather/discovery') ?? 0) === retained && Date.now() < deadline) await sleep(100);
    expect(seen.get('mcp/weather/discovery') ?? 0).toBeGreaterThan(retained);
  });
});

describe('retained requests', () => {
  it('are never executed, and the service clears them from its request topic', async () => {
    await using attacker = await rawConnect(stack.getConnectionString(), await stack.credentials('cli'));
    const answers = countMessages(attacker);
    await attacker.subscribeAsync('mcp/clients/cli/retained/response', { qos: 1 });
    const request = {
      jsonrpc: '2.0',
      id: 'r',
      method: 'ping',
      auth: { api_key: await stack.secret(secretPaths.clientApiKey('cli')) },
    };
    await attacker.publishAsync('mcp/weather/jsonrpc/request', JSON.stringify(request), {
      qos: 1,
      retain: true,
      properties: { responseTopic: 'mcp/clients/cli/retained/response' },
    });
    await sleep(2_000);
    expect(answers.size).toBe(0);
    // A new subscriber of the request topic (as the service's user: no one else may read it)
    // finds nothing retained: the service published the empty retained message that clears it.
    await using reader = await rawConnect(stack.getConnectionString(), await stack.credentials('weather'));
    const retained = countMessages(reader);
    await reader.subscribeAsync('mcp/weather/jsonrpc/request', { qos: 1 });
    await sleep(2_000);
    expect(retained.size).toBe(0);
  });
});

describe('client ids', () => {
  const takeover = /Client (weather-\S+) already connected, closing old connection/;

  it("does not let a cli connection guessing the service's client id disconnect it", async () => {
    const guesses = [
      'weather',
      'weather-0',
      'weather-1',
      `weather-${hex(4)}`,
      `weather-${hex(16)}`,
      `weather-${'0'.repeat(32)}`,
    ];
    for (const clientId of guesses) {
      const attacker = await rawConnect(stack.getConnectionString(), {
        ...(await stack.credentials('cli')),
        clientId,
      });
      await attacker.endAsync();
    }
    await sleep(1_000);
    expect(await containerLogs(stack.broker)).not.toMatch(takeover);
    expect(await containerLogs(stack.weather)).not.toMatch(/disconnected from the broker/);
    expect(await pingsAnswered(1)).toBe(1);
  });

  // What remains: the id is in the broker's log. Whoever reads it can take the session over
  // (the service reconnects at once and takes it back). This also shows that the check above
  // would see a takeover.
  it('lets a client that knows the id from the broker log take the session over (documented limit)', async () => {
    const id = /as (weather-[0-9a-f]+) \(p5.*u'weather'\)/.exec(await containerLogs(stack.broker))?.[1];
    expect(id).toBeDefined();
    const attacker = await rawConnect(stack.getConnectionString(), {
      ...(await stack.credentials('cli')),
      clientId: id!,
    });
    await attacker.endAsync();
    await sleep(1_000);
    expect(await containerLogs(stack.broker)).toMatch(takeover);
    // The service is back: it reconnected with backoff.
    const deadline = Date.now() + 15_000;
    let answered = 0;
    while (answered === 0 && Date.now() < deadline) answered = await pingsAnswered(1);
    expect(answered).toBe(1);
  });
});

describe('broker limits', () => {
  it('announces a Maximum Packet Size of 256 KiB answers plus 4 KiB of headers, which the services honour', async () => {
    const credentials = await stack.credentials('cli');
    const connack = await new Promise<mqtt.IConnackPacket>((resolve, reject) => {
      const connection = mqtt.connect(stack.getConnectionString(), {
        ...credentials,
        protocolVersion: 5,
        reconnectPeriod: 0,
      });
      connection.once('connect', (packet) => connection.endAsync().then(() => resolve(packet)));
      connection.once('error', reject);
    });
    expect(connack.properties?.maximumPacketSize).toBe(256 * 1024 + 4096);
  });
});

describe('TLS listeners (MOSQUITTO_TLS=true)', () => {
  const tlsUrl = (scheme: string, port: number) =>
    `${scheme}://${stack.broker.getHost()}:${stack.broker.getMappedPort(port)}`;
  const ca = () => stack.secret('clients/cli/ca.crt');

  it('accepts MQTT over TLS verified with the stack CA, on 8883 and on secure WebSockets 9443', async () => {
    const credentials = await stack.credentials('cli');
    await using mqtts = await rawConnect(tlsUrl('mqtts', 8883), { ...credentials, ca: await ca() });
    expect(mqtts.connected).toBe(true);
    await using wss = await rawConnect(tlsUrl('wss', 9443), { ...credentials, ca: await ca() });
    expect(wss.connected).toBe(true);
  });

  it('refuses plaintext MQTT on the TLS port, and a client that does not trust the stack CA', async () => {
    const credentials = await stack.credentials('cli');
    await expect(
      rawConnect(tlsUrl('mqtt', 8883), { ...credentials, connectTimeout: 3_000 }),
    ).rejects.toThrow();
    await expect(rawConnect(tlsUrl('mqtts', 8883), credentials)).rejects.toThrow(/certificate/i);
  });

  it('connects the weather service over TLS', async () => {
    expect(await containerLogs(stack.weather)).toMatch(
      /"broker":"mqtts:\/\/mosquitto:8883".*connected and announced/,
    );
    expect(await pingsAnswered(1)).toBe(1);
  });
});
