import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GenericContainer,
  Network,
  type StartedNetwork,
  type StartedTestContainer,
  Wait,
} from 'testcontainers';
import { REPO_ROOT, run } from './images.js';
import { imageOf } from './provided.js';
import { DUMP_SCRIPT, parseDump, secretPaths } from './secrets.js';

const MOSQUITTO_IMAGE = 'eclipse-mosquitto:2';
const NODE_IMAGE = 'node:24-bookworm-slim';
const SECRETS = '/run/secrets/mcp';
const BOOTSTRAP = '/stack/mosquitto/bootstrap';

const repoMount = (dir: string, target: string) =>
  ({ source: join(REPO_ROOT, dir), target, mode: 'ro' }) as const;

/** A one-shot container of the secrets jobs: root, the capabilities compose gives them, no network. */
async function runJob(
  image: string,
  entrypoint: string[],
  mounts: Parameters<GenericContainer['withBindMounts']>[0],
  env: Record<string, string> = {},
) {
  const job = await new GenericContainer(image)
    .withEntrypoint(entrypoint)
    .withUser('root')
    .withNetworkMode('none')
    .withEnvironment(env)
    .withBindMounts(mounts)
    .withWaitStrategy(Wait.forOneShotStartup())
    .start();
  const { stdout: output } = await run('docker', ['logs', job.getId()]);
  await job.stop();
  return output;
}

/** Everything a container wrote to stdout and stderr so far. */
export async function containerLogs(container: StartedTestContainer) {
  const { stdout, stderr } = await run('docker', ['logs', container.getId()]);
  return stdout + stderr;
}

/** The generated files belong to the containers' users: remove them from a container too. */
async function removeDirectory(dir: string) {
  await runJob(
    MOSQUITTO_IMAGE,
    ['/bin/sh', '-c', 'rm -rf /d/* /d/.[!.]*'],
    [{ source: dir, target: '/d', mode: 'rw' }],
  ).catch(() => {});
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // a leftover temporary directory is not worth failing a run for
  }
}

/** A service's environment as its compose fragment sets it: everything from its own secrets. */
function serviceEnvironment(id: string) {
  return {
    MQTT_URL_FILE: `${SECRETS}/mqtt-url`,
    NODE_EXTRA_CA_CERTS: `${SECRETS}/ca.crt`,
    MQTT_USERNAME: id,
    MQTT_PASSWORD_FILE: `${SECRETS}/mqtt.password`,
    MCP_API_KEYS_FILE: `${SECRETS}/api-keys`,
    MCP_SHARE_GROUP_FILE: `${SECRETS}/share-group`,
    MCP_RELAY_CLIENTS_FILE: `${SECRETS}/relay-clients`,
  };
}

/**
 * The home stack on a testcontainers network, wired as compose wires it (compose/compose.yaml,
 * services/weather/compose.yaml): tls-init makes the CA and the broker's certificate,
 * secrets-init generates passwords, share groups, API keys (digests for the services) and the
 * ACL from the project's mosquitto/ and services/*\/mosquitto/ fragments; Mosquitto runs the
 * project's mosquitto.conf (auth + ACL on) as its own user; the weather image gets a copy of its
 * own secrets only (install-secrets.sh) and talks to a local upstream that replays Open-Meteo's
 * recorded responses.
 */
export class HomeStackContainers {
  private weatherEnv: Record<string, string> = {};
  private tls = false;

  withWeatherEnvironment(env: Record<string, string>): this {
    this.weatherEnv = { ...this.weatherEnv, ...env };
    return this;
  }

  /** MOSQUITTO_TLS=true: listeners 8883/9443, and the weather service connects with mqtts://. */
  withTls(): this {
    this.tls = true;
    return this;
  }

  async start(): Promise<StartedHomeStack> {
    const secretsDir = mkdtempSync(join(tmpdir(), 'e2e-secrets-'));
    const network = await new Network().start();
    const started: StartedTestContainer[] = [];
    try {
      const all = { source: secretsDir, target: SECRETS, mode: 'rw' } as const;
      await runJob(
        NODE_IMAGE,
        ['node', `${BOOTSTRAP}/make-certs.mjs`],
        [repoMount('mosquitto', '/stack/mosquitto'), all],
      );
      await runJob(
        MOSQUITTO_IMAGE,
        ['/bin/sh', `${BOOTSTRAP}/init-secrets.sh`],
        [repoMount('mosquitto', '/stack/mosquitto'), repoMount('services', '/stack/services'), all],
        { MOSQUITTO_TLS: String(this.tls) },
      );

      const ports = this.tls ? [1883, 8883, 9443] : [1883];
      const broker = await new GenericContainer(MOSQUITTO_IMAGE)
        .withCommand(['/bin/sh', `${BOOTSTRAP}/run-broker.sh`])
        .withUser('mosquitto')
        .withDroppedCapabilities('ALL')
        .withEnvironment({ MOSQUITTO_TLS: String(this.tls) })
        .withBindMounts([repoMount('mosquitto', '/stack/mosquitto'), { ...all, mode: 'ro' }])
        .withNetwork(network)
        .withNetworkAliases('mosquitto')
        .withExposedPorts(...ports)
        .withWaitStrategy(Wait.forLogMessage(/mosquitto version .* running/))
        .start();
      started.push(broker);

      const upstream = await new GenericContainer(imageOf('weather-upstream'))
        .withNetwork(network)
        .withNetworkAliases('weather-upstream')
        .withExposedPorts(8080)
        .withWaitStrategy(Wait.forHttp('/health', 8080))
        .start();
      started.push(upstream);

      return new StartedHomeStack(network, broker, upstream, secretsDir, this.weatherEnv);
    } catch (err) {
      for (const container of started.reverse()) await container.stop().catch(() => {});
      await network.stop().catch(() => {});
      await removeDirectory(secretsDir);
      throw err;
    }
  }
}

/** The engine's socket as this process reaches it (DOCKER_HOST unix://…, else the default path). */
const DOCKER_SOCKET = process.env.DOCKER_HOST?.startsWith('unix://')
  ? process.env.DOCKER_HOST.slice('unix://'.length)
  : '/var/run/docker.sock';

/** How a service's compose fragment runs it, beyond its image, its secrets and its environment. */
export type ServiceOptions = {
  env?: Record<string, string>;
  /** The fragment's `user:` (docker-manager: root, which the image's entrypoint drops to node). */
  user?: string;
  /** The fragment's `cap_add:` (every capability is dropped first, as every fragment does). */
  capabilities?: string[];
  mounts?: Parameters<GenericContainer['withBindMounts']>[0];
};

export class StartedHomeStack implements AsyncDisposable {
  private weatherContainer: StartedTestContainer | undefined;
  private gatewayContainer: StartedTestContainer | undefined;
  /** Every container started on this stack, stopped by stop(). */
  private readonly containers: StartedTestContainer[] = [];
  /** Each container's own copy of its secrets (install-secrets.sh), removed by stop(). */
  private readonly ownSecretsDirs: string[] = [];
  private files: Promise<Map<string, string>> | undefined;

  constructor(
    readonly network: StartedNetwork,
    readonly broker: StartedTestContainer,
    readonly upstream: StartedTestContainer,
    private readonly secretsDir: string,
    private readonly weatherEnv: Record<string, string>,
  ) {}

  /**
   * Starts the image of a service of services/ (its compose service `id`) as its compose fragment
   * does: a one-shot copies services/<id>/ of the secrets into a directory of its own first, the
   * only secrets it mounts; the same environment; no capability, no new privileges. Healthy when
   * it returns. Any service starts this way from its id alone.
   */
  async startService(id: string, options: ServiceOptions = {}): Promise<StartedTestContainer> {
    const secrets = await this.installSecrets(secretPaths.serviceDir(id));
    const container = await new GenericContainer(imageOf(id))
      .withNetwork(this.network)
      .withNetworkAliases(id)
      .withBindMounts([secrets, ...(options.mounts ?? [])])
      .withUser(options.user ?? 'node')
      .withDroppedCapabilities('ALL')
      .withAddedCapabilities(...(options.capabilities ?? []))
      .withSecurityOpt('no-new-privileges:true')
      .withEnvironment({ ...serviceEnvironment(id), HEARTBEAT_INTERVAL: '2', ...options.env })
      .withWaitStrategy(Wait.forHealthCheck())
      .withStartupTimeout(60_000)
      .start();
    this.containers.push(container);
    return container;
  }

  /**
   * Starts the weather image against the recorded-response upstream. Separate from the broker's
   * start so a test can subscribe to events before the service's first poll.
   */
  async startWeather(): Promise<StartedTestContainer> {
    this.weatherContainer = await this.startService('weather', {
      env: {
        OPEN_METEO_BASE_URL: 'http://weather-upstream:8080/v1',
        OPEN_METEO_GEOCODING_BASE_URL: 'http://weather-upstream:8080/v1',
        ...this.weatherEnv,
      },
    });
    return this.weatherContainer;
  }

  /**
   * Starts the docker-manager image as its compose fragment does: the engine's socket mounted,
   * started as root with SETUID/SETGID only, the entrypoint joining the socket's group and
   * dropping to node.
   */
  startDockerManager(env: Record<string, string> = {}): Promise<StartedTestContainer> {
    return this.startService('docker-manager', {
      user: 'root',
      capabilities: ['SETUID', 'SETGID'],
      mounts: [{ source: DOCKER_SOCKET, target: '/var/run/docker.sock', mode: 'rw' }],
      env: { RUN_WITH_GROUP_OF: '/var/run/docker.sock', ...env },
    });
  }

  /** Starts the gateway image as its compose fragment does (client `gateway`, a relay), healthy when it returns. */
  async startGateway(env: Record<string, string> = {}): Promise<StartedTestContainer> {
    const secrets = await this.installSecrets('clients/gateway');
    this.gatewayContainer = await new GenericContainer(imageOf('gateway'))
      .withNetwork(this.network)
      .withNetworkAliases('gateway')
      .withBindMounts([secrets])
      .withEnvironment({
        MQTT_URL: 'mqtt://mosquitto:1883',
        MQTT_USERNAME: 'gateway',
        MQTT_PASSWORD_FILE: `${SECRETS}/mqtt.password`,
        GATEWAY_HOST: '0.0.0.0',
        ...env,
      })
      .withExposedPorts(3003)
      .withWaitStrategy(Wait.forHealthCheck())
      .withStartupTimeout(60_000)
      .start();
    this.containers.push(this.gatewayContainer);
    return this.gatewayContainer;
  }

  /** The gateway's MCP endpoint as seen from the test process. */
  gatewayEndpoint(): URL {
    if (!this.gatewayContainer) throw new Error('startGateway() first');
    return new URL(`http://127.0.0.1:${this.gatewayContainer.getMappedPort(3003)}/mcp`);
  }

  /**
   * Like a fragment's `<id>-secrets` one-shot: copies one directory of the secrets
   * (`services/<id>` or `clients/<name>`) into a directory of the container's own, the only
   * secrets it mounts.
   */
  private async installSecrets(from: string) {
    const dir = mkdtempSync(join(tmpdir(), `e2e-${from.split('/')[1]}-secrets-`));
    this.ownSecretsDirs.push(dir);
    await runJob(
      MOSQUITTO_IMAGE,
      ['/bin/sh', '/stack/bootstrap/install-secrets.sh', from],
      [
        repoMount('mosquitto/bootstrap', '/stack/bootstrap'),
        { source: this.secretsDir, target: SECRETS, mode: 'ro' },
        { source: dir, target: '/own', mode: 'rw' },
      ],
    );
    return { source: dir, target: SECRETS, mode: 'ro' } as const;
  }

  get weather(): StartedTestContainer {
    if (!this.weatherContainer) throw new Error('startWeather() first');
    return this.weatherContainer;
  }

  /** The broker as seen from the test process. */
  getConnectionString(): string {
    return `mqtt://${this.broker.getHost()}:${this.broker.getMappedPort(1883)}`;
  }

  /** Every generated file (path relative to the secrets root → content), read once. */
  allSecrets(): Promise<Map<string, string>> {
    this.files ??= runJob(
      MOSQUITTO_IMAGE,
      ['/bin/sh', '-c', DUMP_SCRIPT, 'dump', '/s'],
      [{ source: this.secretsDir, target: '/s', mode: 'ro' }],
    ).then(parseDump);
    return this.files;
  }

  /** A generated secret, e.g. `clients/cli/mqtt.password` or `clients/cli/api.key`. */
  async secret(path: string): Promise<string> {
    const value = (await this.allSecrets()).get(path);
    if (value === undefined) throw new Error(`no generated secret ${path}`);
    return value.trim();
  }

  async credentials(user: string) {
    const files = await this.allSecrets();
    const path = files.has(secretPaths.servicePassword(user))
      ? secretPaths.servicePassword(user)
      : secretPaths.clientPassword(user);
    return { username: user, password: await this.secret(path) };
  }

  /**
   * `mcp.call_tool` of a service with `mosquitto_rr` run inside the broker container, as the cli
   * user with its API key; the parsed answer.
   */
  async mosquittoRr(serviceId: string, tool: string, args: Record<string, unknown>): Promise<unknown> {
    const { password } = await this.credentials('cli');
    const request = JSON.stringify({
      jsonrpc: '2.0',
      id: 'rr',
      method: 'mcp.call_tool',
      params: { tool_name: tool, arguments: args },
      auth: { api_key: await this.secret(secretPaths.clientApiKey('cli')) },
    });
    const { output, exitCode } = await this.broker.exec([
      ...['mosquitto_rr', '-h', 'localhost', '-u', 'cli', '-P', password],
      ...['-t', `mcp/${serviceId}/jsonrpc/request`, '-e', 'mcp/clients/cli/rr/response'],
      ...['-m', request, '-W', '10'],
    ]);
    if (exitCode !== 0) throw new Error(`mosquitto_rr exited ${exitCode}: ${output}`);
    return JSON.parse(output.trim());
  }

  async stop() {
    for (const container of [...this.containers.reverse(), this.upstream, this.broker])
      await container.stop().catch(() => {});
    await this.network.stop().catch(() => {});
    await removeDirectory(this.secretsDir);
    for (const dir of this.ownSecretsDirs) await removeDirectory(dir);
  }

  async [Symbol.asyncDispose]() {
    await this.stop();
  }
}
