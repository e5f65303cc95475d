import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueServiceId } from '../../src/testing/index.js';
import { announceSilentService } from './announce.js';
import { spawnCli } from './cli-process.js';
import { waitFor } from './helpers.js';
import { PacketType, startMqttProxy } from './mqtt-proxy.js';

const url = inject('mqttUrl');
const silentId = uniqueServiceId('pending');
let silent: Awaited<ReturnType<typeof announceSilentService>>;

beforeAll(async () => {
  silent = await announceSilentService(url, silentId);
});
afterAll(async () => {
  await silent?.clear();
});

describe('mcp-mqtt and signals', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    'a pending call interrupted by %s exits %i after closing its connection',
    async (signal, exitCode) => {
      const proxy = await startMqttProxy(url);
      const call = spawnCli(proxy.url, ['call', silentId, 'echo', '--timeout', '60000']);
      try {
        await waitFor(
          () => proxy.connections[0]?.packets.includes(PacketType.PUBLISH),
          20_000,
          `the request going out (stderr: ${call.stderrText()})`,
        );
        call.kill(signal);
        expect(await call.exited).toEqual({ code: exitCode, signal: null });
        expect(call.stdoutText()).toBe('');
        expect(call.stderrText()).toBe(
          `interrupted by ${signal} while waiting for ${silentId} to answer tools/call (echo); the call may or may not have run\n`,
        );
        await waitFor(() => proxy.connections[0]?.closed, 5000, 'the connection closed');
        expect(proxy.connections[0]!.packets.at(-1)).toBe(PacketType.DISCONNECT);
      } finally {
        call.kill('SIGKILL');
        await proxy.close();
      }
    },
  );

  it('a connection attempt the broker never answers is interrupted too', async () => {
    // Accepts TCP and never sends CONNACK: the CLI waits for its connect timeout unless stopped.
    const sockets = new Set<Socket>();
    const blackhole = createServer((socket) => sockets.add(socket.on('error', () => {})));
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    const { port } = blackhole.address() as { port: number };
    const call = spawnCli(`mqtt://127.0.0.1:${port}`, ['services', '--timeout', '60000']);
    try {
      await waitFor(() => sockets.size > 0, 20_000, 'the CLI connecting');
      call.kill('SIGTERM');
      expect(await call.exited).toEqual({ code: 143, signal: null });
      expect(call.stderrText()).toBe('interrupted by SIGTERM\n');
    } finally {
      call.kill('SIGKILL');
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => blackhole.close(resolve));
    }
  });
});
