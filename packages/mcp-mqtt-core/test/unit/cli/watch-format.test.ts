import { describe, expect, it } from 'vitest';
import { compactDuration, WatchFormatter } from '../../../src/cli/format/watch.js';
import type { ServiceStatus } from '../../../src/client/services.js';
import type { Heartbeat } from '../../../src/protocol/mcp.js';

const now = new Date('2026-11-28T10:01:00.000Z');
const status = {
  serviceId: 'weather',
  discovery: {
    service_id: 'weather',
    name: 'Weather',
    version: '1.2.0',
    description: '',
    capabilities: { tools: ['a', 'b', 'c'], resources: [], events: [] },
    mcp_version: '1.0',
    status: 'ready',
    heartbeat_interval: 30,
    timestamp: '2026-11-28T10:00:00.000Z',
  },
  lastHeartbeat: Date.parse('2026-11-28T09:59:30.000Z'),
  heartbeat: undefined,
  up: true,
  state: 'up',
} satisfies ServiceStatus;
const beat: Heartbeat = {
  service_id: 'weather',
  status: 'alive',
  uptime: 7384,
  active_connections: 2,
  last_activity: '2026-11-28T10:00:48.000Z',
  timestamp: '2026-11-28T10:01:00.000Z',
};

describe('compactDuration', () => {
  it('keeps two units at most', () => {
    expect([0, 45, 90, 3600, 7384, 200_000].map(compactDuration)).toEqual([
      '0s',
      '45s',
      '1m30s',
      '1h00m',
      '2h03m',
      '2d07h',
    ]);
  });
});

describe('WatchFormatter', () => {
  it('writes one line per happening, as text and as one JSON object', () => {
    const f = new WatchFormatter();
    const lines = [
      f.up(status, now),
      f.heartbeat(status, beat, now),
      f.heartbeat(status, { ...beat, last_activity: null }, now),
      f.down(status, 'missed 3 heartbeats', now),
      f.up(status, now),
      f.event('weather', 'weather_alert', { event: 'weather_alert', data: { location: 'Lyon' } }, now),
      f.down({ ...status, discovery: { ...status.discovery, status: 'offline' } }, 'offline', now),
    ];
    expect(lines.map((l) => l.text)).toEqual([
      '2026-11-28T10:01:00.000Z  up     weather  v1.2.0, heartbeat every 30 s, 3 tools',
      '2026-11-28T10:01:00.000Z  beat   weather  uptime 2h03m, 2 active, last call 12s ago',
      '2026-11-28T10:01:00.000Z  beat   weather  uptime 2h03m, 2 active, idle since start',
      '2026-11-28T10:01:00.000Z  stale  weather  no heartbeat for 90 s (3 missed)',
      '2026-11-28T10:01:00.000Z  up     weather  heartbeats again',
      '2026-11-28T10:01:00.000Z  event  weather/weather_alert  {"location":"Lyon"}',
      '2026-11-28T10:01:00.000Z  down   weather  offline since 2026-11-28T10:00:00.000Z',
    ]);
    expect(lines.map((l) => l.json.type)).toEqual(['up', 'beat', 'beat', 'stale', 'up', 'event', 'down']);
    expect(lines[1]!.json).toEqual({
      time: '2026-11-28T10:01:00.000Z',
      type: 'beat',
      service: 'weather',
      uptime: 7384,
      active_connections: 2,
      last_activity: '2026-11-28T10:00:48.000Z',
    });
    expect(lines[3]!.json).toMatchObject({ missed: 3, last_heartbeat: '2026-11-28T09:59:30.000Z' });
    expect(lines[4]!.json).toMatchObject({ recovered: true });
    expect(lines[5]!.json).toMatchObject({ event: 'weather_alert', payload: { data: { location: 'Lyon' } } });
    expect(new WatchFormatter().event('x', 'raw', [1, 2], now).text).toMatch(/ {2}\[1,2\]$/);
    expect(new WatchFormatter().connection(false, now)).toEqual({
      text: '2026-11-28T10:01:00.000Z  broker connection lost, reconnecting…',
      json: { time: '2026-11-28T10:01:00.000Z', type: 'broker', connected: false },
    });
    expect(lines[6]!.json).toMatchObject({ reason: 'offline', since: '2026-11-28T10:00:00.000Z' });
  });
});
