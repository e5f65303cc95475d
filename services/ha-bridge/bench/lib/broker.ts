import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBroker } from '@neurhomia/mcp-mqtt-core/testing';

const MOSQUITTO_BIN = process.env.BENCH_MOSQUITTO_BIN ?? '/usr/sbin/mosquitto';

export interface Broker {
  url: string;
  description: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function listening(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited with code ${child.exitCode}`);
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(true)).once('error', () => resolve(false));
      socket.once('close', () => socket.destroy());
    });
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`mosquitto did not listen on ${port}`);
}

/**
 * `MQTT_URL` when set; else a private Mosquitto from the local binary (on loopback, nodelay on,
 * as the project's mosquitto.conf); else a container. A container's published port goes through
 * docker-proxy, whose own sockets add tens of ms to small messages: not what is measured here.
 */
export async function startBroker(): Promise<Broker> {
  if (process.env.MQTT_URL || !existsSync(MOSQUITTO_BIN)) {
    const broker = await useBroker();
    return {
      url: broker.url,
      description: process.env.MQTT_URL ? 'MQTT_URL' : 'Mosquitto container',
      stop: () => broker.stop(),
    };
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ha-bridge-bench-'));
  const config = join(dir, 'mosquitto.conf');
  writeFileSync(
    config,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'set_tcp_nodelay true',
      'persistence false',
      '',
    ].join('\n'),
  );
  const child = spawn(MOSQUITTO_BIN, ['-c', config], { stdio: 'ignore' });
  process.once('exit', () => child.kill('SIGKILL'));
  await listening(port, child);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    description: `private mosquitto (${MOSQUITTO_BIN}) on 127.0.0.1:${port}, set_tcp_nodelay true`,
    stop: async () => {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
