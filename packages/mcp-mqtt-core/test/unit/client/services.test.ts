import { describe, expect, it } from 'vitest';
import { type DownReason, ServiceDirectory, type ServiceStatus } from '../../../src/client/services.js';
import type { DiscoveryDocument, Heartbeat } from '../../../src/protocol/mcp.js';

const document = (
  status: 'ready' | 'offline',
  timestamp = '2026-11-28T10:00:00.000Z',
): DiscoveryDocument => ({
  service_id: 'weather',
  name: 'Weather',
  version: '1.0.0',
  description: 'Weather',
  capabilities: { tools: ['get_forecast'], resources: [], events: [] },
  mcp_version: '1.0',
  status,
  heartbeat_interval: 10,
  timestamp,
});
const beat: Heartbeat = {
  service_id: 'weather',
  status: 'alive',
  uptime: 12,
  active_connections: 0,
  last_activity: null,
  timestamp: '2026-11-28T10:00:12.000Z',
};

function record(directory: ServiceDirectory) {
  const seen: string[] = [];
  directory.on('up', (s: ServiceStatus) => seen.push(`up ${s.state}`));
  directory.on('down', (s: ServiceStatus, why: DownReason) => seen.push(`down ${s.state} ${why}`));
  directory.on('heartbeat', (_status: ServiceStatus, b: Heartbeat) => seen.push(`beat ${b.uptime}`));
  return seen;
}

describe('ServiceDirectory', () => {
  it('follows a service up, beating, stale after 3 missed intervals, up again, then offline', () => {
    const directory = new ServiceDirectory();
    const seen = record(directory);
    directory.onDiscovery('weather', document('ready'));
    directory.onHeartbeat('weather', beat);
    const last = directory.get('weather')!.lastHeartbeat!;
    directory.checkHeartbeats(last + 30_000); // exactly 3 intervals: not yet
    expect(directory.get('weather')!.state).toBe('up');
    directory.checkHeartbeats(last + 30_001);
    expect(directory.get('weather')!.state).toBe('stale');
    directory.checkHeartbeats(last + 60_000); // stale is reported once
    directory.onHeartbeat('weather', { ...beat, uptime: 50 });
    directory.onDiscovery('weather', document('offline', '2026-11-28T10:05:00.000Z'));
    expect(seen).toEqual([
      'up up',
      'beat 12',
      'down stale missed 3 heartbeats',
      'beat 50',
      'up up',
      'down offline offline',
    ]);
    expect(directory.get('weather')).toMatchObject({
      state: 'offline',
      up: false,
      heartbeat: { uptime: 50 },
      discovery: { timestamp: '2026-11-28T10:05:00.000Z' },
    });
  });

  it('reports a service first seen offline as down, and forgets a cleared document', () => {
    const directory = new ServiceDirectory();
    const seen = record(directory);
    directory.onDiscovery('weather', document('offline'));
    expect(seen).toEqual(['down offline offline']);
    directory.onDiscovery('weather', undefined);
    expect(directory.get('weather')).toBeUndefined();
  });

  it('ignores malformed documents and heartbeats of unknown services', () => {
    const directory = new ServiceDirectory();
    const seen = record(directory);
    directory.onDiscovery('weather', { service_id: 'weather', status: 'ready' });
    directory.onHeartbeat('weather', beat);
    directory.onDiscovery('weather', document('ready'));
    directory.onHeartbeat('weather', { ...beat, uptime: 'long' });
    expect(seen).toEqual(['up up']);
    expect(directory.list().map((s) => s.serviceId)).toEqual(['weather']);
  });
});
