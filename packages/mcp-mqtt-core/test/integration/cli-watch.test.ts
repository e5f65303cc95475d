import { describe, expect, inject, it } from 'vitest';
import { startService, uniqueServiceId } from '../../src/testing/index.js';
import { announceSilentService } from './announce.js';
import { spawnCli, waitForJsonLine } from './cli-process.js';
import { mechanicsService, rawClient, waitFor } from './helpers.js';
import { PacketType, startMqttProxy } from './mqtt-proxy.js';

const url = inject('mqttUrl');

describe('mcp-mqtt watch', () => {
  it('--json: one object per line for up, heartbeats, events, stale and down; SIGTERM ends it with 0', async () => {
    const serviceId = uniqueServiceId('watched');
    const staleId = uniqueServiceId('stale');
    const proxy = await startMqttProxy(url);
    const watch = spawnCli(proxy.url, ['watch', '--json']);
    const silent = await announceSilentService(url, staleId, { heartbeatInterval: 1 });
    try {
      const mine =
        (type: string, id = serviceId) =>
        (line: Record<string, unknown>) =>
          line.type === type && line.service === id;
      // The watch is subscribed once the silent service's retained document shows up.
      await waitForJsonLine(watch, mine('up', staleId), 'up line of the announced service');

      const service = await startService(mechanicsService({ id: serviceId }), {
        url,
        env: { HEARTBEAT_INTERVAL: '1' },
      });
      const up = await waitForJsonLine(watch, mine('up'), 'up line');
      expect(up).toMatchObject({
        version: '1.2.3',
        heartbeat_interval: 1,
        tools: expect.arrayContaining(['count']),
      });
      const beat = await waitForJsonLine(watch, mine('beat'), 'heartbeat line');
      expect(beat).toMatchObject({ uptime: expect.any(Number), active_connections: expect.any(Number) });

      await service.publishEvent('ticked', { n: 1 });
      const event = await waitForJsonLine(watch, mine('event'), 'event line');
      expect(event).toMatchObject({ event: 'ticked', payload: { event: 'ticked', data: { n: 1 } } });

      // Announced ready with a 1 s heartbeat, and silent: stale after 3 missed beats.
      const stale = await waitForJsonLine(watch, mine('stale', staleId), 'stale line');
      expect(stale).toMatchObject({ missed: 3 });

      await service.stop();
      const down = await waitForJsonLine(watch, mine('down'), 'down line');
      expect(down).toMatchObject({ reason: 'offline', since: expect.any(String) });
      expect(watch.lines().every((line) => typeof JSON.parse(line).time === 'string')).toBe(true);

      watch.kill('SIGTERM');
      expect(await watch.exited).toEqual({ code: 0, signal: null });
      expect(watch.stderrText()).toBe('');
      await waitFor(() => proxy.connections[0]?.closed, 5000, 'the watch closing its connection');
      expect(proxy.connections[0]!.packets.at(-1)).toBe(PacketType.DISCONNECT);
    } finally {
      watch.kill('SIGKILL');
      await silent.clear();
      await proxy.close();
    }
  });

  it('survives its broker connection dropping, even mid-subscribe, and says so', async () => {
    // Cut right after the third SUBSCRIBE (connect, retained barrier, then watch's events): the
    // events subscription is in flight when the connection goes.
    const proxy = await startMqttProxy(url, { cutAfter: { type: PacketType.SUBSCRIBE, nth: 3 } });
    const anchorId = uniqueServiceId('anchor');
    const watch = spawnCli(proxy.url, ['watch', '--json']);
    try {
      await waitForJsonLine(watch, (l) => l.type === 'broker' && l.connected === false, 'connection lost');
      await waitForJsonLine(watch, (l) => l.type === 'broker' && l.connected === true, 'reconnected');
      await using publisher = await rawClient(url);
      await publisher.publishAsync(`mcp/${anchorId}/events/ping`, JSON.stringify({ data: { n: 2 } }), {
        qos: 1,
      });
      const event = await waitForJsonLine(
        watch,
        (l) => l.type === 'event' && l.service === anchorId,
        'event',
      );
      expect(event).toMatchObject({ event: 'ping', payload: { data: { n: 2 } } });
      expect(watch.stderrText()).toBe('');
    } finally {
      watch.kill('SIGKILL');
      await proxy.close();
    }
  });

  it('text: one readable line per happening; Ctrl-C (SIGINT) ends it with 0', async () => {
    const serviceId = uniqueServiceId('text');
    await using _service = await startService(mechanicsService({ id: serviceId }), {
      url,
      env: { HEARTBEAT_INTERVAL: '1' },
    });
    const watch = spawnCli(url, ['watch']);
    try {
      const line = (kind: string) =>
        waitFor(
          () => watch.lines().find((l) => l.includes(`  ${kind.padEnd(6)} ${serviceId}  `)),
          20_000,
          `${kind} line (stdout: ${watch.stdoutText()})`,
        );
      expect(await line('up')).toMatch(
        /^\S+Z {2}up {5}text-\w+ {2}v1\.2\.3, heartbeat every 1 s, \d+ tools$/,
      );
      expect(await line('beat')).toMatch(
        / {2}uptime \d+s, \d+ active, (idle since start|last call \S+ ago)$/,
      );
      watch.kill('SIGINT');
      expect(await watch.exited).toEqual({ code: 0, signal: null });
    } finally {
      watch.kill('SIGKILL');
    }
  });
});
