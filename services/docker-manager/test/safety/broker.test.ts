import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { brokerAddress, findBrokerContainers } from '../../src/safety/broker.js';

/** Entries of `GET /containers/json` with only what the matching reads (ids, names, addresses, ports). */
function container(
  id: string,
  name: string,
  extra: Partial<Docker.ContainerInfo> = {},
): Docker.ContainerInfo {
  return {
    Id: id,
    Names: [`/${name}`],
    Labels: {},
    Ports: [],
    NetworkSettings: { Networks: {} },
    ...extra,
  } as unknown as Docker.ContainerInfo;
}
const onNetwork = (ip: string) =>
  ({
    NetworkSettings: { Networks: { stack: { IPAddress: ip } } },
  }) as unknown as Partial<Docker.ContainerInfo>;

const broker = container('b'.repeat(64), 'stack-mosquitto-1', {
  ...onNetwork('172.20.0.2'),
  Labels: { 'com.docker.compose.service': 'mosquitto' },
  Ports: [{ IP: '0.0.0.0', PrivatePort: 1883, PublicPort: 1883, Type: 'tcp' }],
});
const other = container('c'.repeat(64), 'other', onNetwork('172.20.0.3'));

describe('the broker behind MQTT_URL', () => {
  it('parses the host and port, with the default port of each scheme', () => {
    expect(brokerAddress('mqtt://mosquitto:1883')).toEqual({ host: 'mosquitto', port: 1883 });
    expect(brokerAddress('mqtts://broker.lan')).toEqual({ host: 'broker.lan', port: 8883 });
    expect(brokerAddress('ws://[::1]:9001')).toEqual({ host: '::1', port: 9001 });
    expect(brokerAddress('not a url')).toBeUndefined();
  });

  it('finds it by the address its name resolves to', async () => {
    const match = await findBrokerContainers({ host: 'mosquitto', port: 1883 }, [other, broker], async () => [
      '172.20.0.2',
    ]);
    expect(match).toEqual({ ids: [broker.Id], how: 'address' });
  });

  it('finds it by published port when reached through the host', async () => {
    expect(await findBrokerContainers({ host: '127.0.0.1', port: 1883 }, [other, broker])).toEqual({
      ids: [broker.Id],
      how: 'published_port',
    });
    expect(await findBrokerContainers({ host: '192.168.1.10', port: 8883 }, [other, broker])).toEqual({
      ids: [],
      how: 'none',
    });
  });

  it('falls back to the name or compose service when the host does not resolve', async () => {
    const unresolved = async () => {
      throw new Error('ENOTFOUND');
    };
    expect(
      await findBrokerContainers({ host: 'mosquitto', port: 1883 }, [other, broker], unresolved),
    ).toEqual({
      ids: [broker.Id],
      how: 'name',
    });
  });
});
