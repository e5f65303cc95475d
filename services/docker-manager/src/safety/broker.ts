import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type Docker from 'dockerode';
import { COMPOSE_SERVICE_LABEL, nameOf } from '../docker/containers.js';

/** The broker this service connects to, as MQTT_URL (or MQTT_BROKER/MQTT_PORT) names it. */
export interface BrokerAddress {
  host: string;
  port: number;
}

const DEFAULT_PORTS: Record<string, number> = {
  'mqtt:': 1883,
  'tcp:': 1883,
  'mqtts:': 8883,
  'ssl:': 8883,
  'ws:': 80,
  'wss:': 443,
};

export function brokerAddress(url: string): BrokerAddress | undefined {
  try {
    const parsed = new URL(url);
    const port = parsed.port ? Number(parsed.port) : DEFAULT_PORTS[parsed.protocol];
    if (!parsed.hostname || port === undefined) return undefined;
    return { host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port };
  } catch {
    return undefined;
  }
}

export type BrokerMatch = { ids: string[]; how: 'address' | 'published_port' | 'name' | 'none' };

/**
 * The containers on this engine that are the broker, found the way this process reaches it:
 *
 * 1. by address: the broker's host resolved with this process's resolver (Docker's embedded DNS
 *    inside a compose network: the service name or any alias gives the container's address on
 *    the network they share), matched against every network address of every running container;
 * 2. by published port, when the host resolves to an address no container has (the broker is
 *    reached through the host: 127.0.0.1, the machine's LAN address): the containers publishing
 *    that port on the host;
 * 3. by name, when the host cannot be resolved: containers named like it, or whose compose service is.
 *
 * Over-matching is the safe side: a protected container is only refused mutating calls.
 */
export async function findBrokerContainers(
  broker: BrokerAddress,
  running: readonly Docker.ContainerInfo[],
  resolve: (host: string) => Promise<string[]> = resolveHost,
): Promise<BrokerMatch> {
  const addresses = isIP(broker.host) ? [broker.host] : await resolve(broker.host).catch(() => []);
  if (addresses.length > 0) {
    const wanted = new Set(addresses.map(normaliseAddress));
    const byAddress = running.filter((container) =>
      Object.values(container.NetworkSettings?.Networks ?? {}).some(
        (network) =>
          (network.IPAddress && wanted.has(normaliseAddress(network.IPAddress))) ||
          (network.GlobalIPv6Address && wanted.has(normaliseAddress(network.GlobalIPv6Address))),
      ),
    );
    if (byAddress.length > 0) return { ids: byAddress.map((c) => c.Id), how: 'address' };
    const byPort = running.filter((container) =>
      (container.Ports ?? []).some((port) => port.PublicPort === broker.port && port.Type === 'tcp'),
    );
    return byPort.length > 0
      ? { ids: byPort.map((c) => c.Id), how: 'published_port' }
      : { ids: [], how: 'none' };
  }
  const byName = running.filter(
    (container) =>
      nameOf(container.Names) === broker.host || container.Labels?.[COMPOSE_SERVICE_LABEL] === broker.host,
  );
  return byName.length > 0 ? { ids: byName.map((c) => c.Id), how: 'name' } : { ids: [], how: 'none' };
}

async function resolveHost(host: string): Promise<string[]> {
  const answers = await lookup(host, { all: true });
  return answers.map((answer) => answer.address);
}

/** `::ffff:10.0.0.2` and `10.0.0.2` are one address. */
function normaliseAddress(address: string): string {
  return address.toLowerCase().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
}
