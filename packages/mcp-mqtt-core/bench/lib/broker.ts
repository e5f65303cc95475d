import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, onExit, removeDockerOnExit, spawnChild, stopChild } from './processes.js';

/** The local broker binary (Debian's path); BENCH_MOSQUITTO_BIN points elsewhere. */
export const MOSQUITTO_BIN = process.env.BENCH_MOSQUITTO_BIN ?? '/usr/sbin/mosquitto';

export interface Broker {
  url: string;
  /** What the table header says about the broker. */
  description: string;
  stop(): Promise<void>;
}

/** The same settings as the project's mosquitto.conf where they matter for speed. */
function brokerConfig(port: number) {
  return [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    'set_tcp_nodelay true',
    'persistence false',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    '',
  ].join('\n');
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = tcpConnect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline)
          reject(new Error(`broker did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`));
        else setTimeout(attempt, 20);
      });
    };
    attempt();
  });
}

function mosquittoVersion(): string {
  try {
    return (
      execFileSync(MOSQUITTO_BIN, ['-h'], { encoding: 'utf8' }).match(/mosquitto version (\S+)/)?.[1] ?? '?'
    );
  } catch (err) {
    // `mosquitto -h` exits non-zero on some versions but still prints the banner.
    const output = String((err as { stdout?: unknown }).stdout ?? '');
    return output.match(/mosquitto version (\S+)/)?.[1] ?? '?';
  }
}

async function startLocalMosquitto(): Promise<Broker> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'mcp-bench-mosquitto-'));
  onExit(() => rmSync(dir, { recursive: true, force: true }));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, brokerConfig(port));
  const child = spawnChild(MOSQUITTO_BIN, ['-c', conf], { logFile: join(dir, 'mosquitto.log') });
  await Promise.race([
    waitForPort(port, 10_000),
    new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`mosquitto exited with code ${code} (see ${dir})`))),
    ),
  ]);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    description: `private mosquitto ${mosquittoVersion()} (${MOSQUITTO_BIN}, pid ${child.pid}) on 127.0.0.1:${port}, set_tcp_nodelay true, persistence false`,
    stop: () => stopChild(child),
  };
}

async function startContainer(): Promise<Broker> {
  const { MosquittoContainer, MOSQUITTO_IMAGE } = await import('@neurhomia/mcp-mqtt-core/testing');
  const container = await new MosquittoContainer().start();
  removeDockerOnExit(container.getId());
  return {
    url: container.getConnectionString(),
    description: `${MOSQUITTO_IMAGE} container (testing helper; ${MOSQUITTO_BIN} missing), set_tcp_nodelay true`,
    stop: async () => {
      await container.stop();
    },
  };
}

/** `MQTT_URL` if set, else a private mosquitto from the local binary, else a container. */
export async function startBroker(): Promise<Broker> {
  const external = process.env.MQTT_URL;
  if (external) {
    return {
      url: external,
      description: `external broker at MQTT_URL=${external} (its own config)`,
      stop: async () => {},
    };
  }
  if (existsSync(MOSQUITTO_BIN)) return startLocalMosquitto();
  return startContainer();
}
