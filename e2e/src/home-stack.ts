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
import { IMAGES, REPO_ROOT, run } from './images.js';
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

      const upstream = await new GenericContainer(IMAGES.weatherUpstream.tag)
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

export class StartedHomeStack implements AsyncDisposable {
  private weatherContainer: StartedTestContainer | undefined;
  private dockerManagerContainer: StartedTestContainer | undefined;
  private gatewayContainer: StartedTestContainer | undefined;
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
   * Starts the weather image, healthy when it returns. Separate from the broker's start so a test
   * can subscribe to events before the service's first poll. Like the compose fragment, a
   * one-shot copies services/weather/ of the secrets into a directory of its own first: the
   * service mounts that and nothing else.
   */
  async startWeather(): Promise<StartedTestContainer> {
    const secrets = await this.installSecrets(secretPaths.serviceDir('weather'));
    this.weatherContainer = await new GenericContainer(IMAGES.weather.tag)
      .withNetwork(this.network)
      .withNetworkAliases('weather')
      .withBindMounts([secrets])
      .withEnvironment({
        ...serviceEnvironment('weather'),
        OPEN_METEO_BASE_URL: 'http://weather-upstream:8080/v1',
        OPEN_METEO_GEOCODING_BASE_URL: 'http://weather-upstream:8080/v1',
        HEARTBEAT_INTERVAL: '2',
        ...this.weatherEnv,
      })
      .withWaitStrategy(Wait.forHealthCheck())
      .withStartupTimeout(60_000)
      .start();
    return this.weatherContainer;
  }

  /**
   * Starts the docker-manager image as its compose fragment does — its own secrets, the engine's
   * socket, every capability dropped but SETUID/SETGID, no-new-privileges — healthy when it returns.
   */
  async startDockerManager(env: Record<string, string> = {}): Promise<StartedTestContainer> {
    const secrets = await this.installSecrets(secretPaths.serviceDir('docker-manager'));
    this.dockerManagerContainer = await new GenericContainer(IMAGES.dockerManager.tag)
      .withNetwork(this.network)
      .withNetworkAliases('docker-manager')
      .withBindMounts([secrets, { source: DOCKER_SOCKET, target: '/var/run/docker.sock', mode: 'rw' }])
      .withDroppedCapabilities('ALL')
      .withAddedCapabilities('SETUID', 'SETGID')
      .withSecurityOpt('no-new-privileges:true')
      .withEnvironment({ ...serviceEnvironment('docker-manager'), HEARTBEAT_INTERVAL: '2', ...env })
      .withWaitStrategy(Wait.forHealthCheck())
      .withStartupTimeout(60_000)
      .start();
    return this.dockerManagerContainer;
  }

  /** Starts the gateway image as its compose fragment does (client `gateway`, a relay), healthy when it returns. */
  async startGateway(env: Record<string, string> = {}): Promise<StartedTestContainer> {
    const secrets = await this.installSecrets('clients/gateway');
    this.gatewayContainer = await new GenericContainer(IMAGES.gateway.tag)
      .withNetwork(this.network)
      .withNetworkAliases('gateway')
      .withBindMounts([secrets])
      .withEnvironment({
        MQTT_URL: 'mqtt://mosquitto:1883',
        MQTT_USERNAME: 'gateway',
        MQTT_PASSWORD_FILE: `${SECRETS}/mqtt.password`,
        ...env,
      })
      .withExposedPorts(3003)
      .withWaitStrategy(Wait.forHealthCheck())
      .withStartupTimeout(60_000)
      .start();
    return this.gatewayContainer;
  }

  /** The gateway's MCP endpoint as seen from the test process. */
  gatewayEndpoint(): URL {
    if (!this.gatewayContainer) throw new Error('startGateway() first');
    return new URL(`http://127.0.0.1:${this.gatewayContainer.getMappedPort(3003)}/mcp`);
  }

  /**
   * Starts a service image that needs nothing but its own secrets and `env` (the ha-bridge), as
   * its compose fragment does, healthy when it returns. The caller stops the container.
   */
  async startService(
    id: string,
    image: string,
    env: Record<string, string> = {},
  ): Promise<StartedTestContainer> {
    const secrets = await this.installSecrets(secretPaths.serviceDir(id));
    return new GenericContainer(image)
      .withNetwork(this.network)
      .withNetworkAliases(id)
      .withBindMounts([secrets])
      .withEnvironment({ ...serviceEnvironment(id), HEARTBEAT_INTERVAL: '2', ...env })
      .withWaitStrategy(Wait.forHealthCheck())
      .withStartupTimeout(60_000)
      .start();
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
    const containers = [
      this.gatewayContainer,
      this.dockerManagerContainer,
      this.weatherContainer,
      this.upstream,
    ];
    for (const container of [...containers, this.broker]) await container?.stop().catch(() => {});
    await this.network.stop().catch(() => {});
    await removeDirectory(this.secretsDir);
    for (const dir of this.ownSecretsDirs) await removeDirectory(dir);
  }

  async [Symbol.asyncDispose]() {
    await this.stop();
  }
}
