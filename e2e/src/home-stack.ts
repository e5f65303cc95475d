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
import { IMAGES, REPO_ROOT } from './images.js';

const MOSQUITTO_IMAGE = 'eclipse-mosquitto:2';
const SECRETS = '/run/secrets/mcp';

/**
 * The home stack on a testcontainers network, wired as compose wires it: secrets-init generates
 * passwords, API keys and the ACL from the project's mosquitto/ and services/*\/mosquitto/
 * fragments; Mosquitto runs the project's mosquitto.conf (auth + ACL on); the weather image talks
 * to a local upstream that replays Open-Meteo's recorded responses.
 */
/** The generated files belong to the containers' users: remove them from a container too. */
async function removeSecrets(dir: string) {
  await new GenericContainer(MOSQUITTO_IMAGE)
    .withUser('root')
    .withEntrypoint(['/bin/sh', '-c', 'rm -rf /secrets/* /secrets/.[!.]*'])
    .withBindMounts([{ source: dir, target: '/secrets', mode: 'rw' }])
    .withWaitStrategy(Wait.forOneShotStartup())
    .start()
    .then((cleaner) => cleaner.stop())
    .catch(() => {});
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // a leftover temporary directory is not worth failing a run for
  }
}

export class HomeStackContainers {
  private weatherEnv: Record<string, string> = {};

  withWeatherEnvironment(env: Record<string, string>): this {
    this.weatherEnv = { ...this.weatherEnv, ...env };
    return this;
  }

  async start(): Promise<StartedHomeStack> {
    const secretsDir = mkdtempSync(join(tmpdir(), 'e2e-secrets-'));
    const network = await new Network().start();
    const started: StartedTestContainer[] = [];
    try {
      const mounts = [
        { source: join(REPO_ROOT, 'mosquitto'), target: '/stack/mosquitto', mode: 'ro' as const },
        { source: join(REPO_ROOT, 'services'), target: '/stack/services', mode: 'ro' as const },
      ];
      const init = await new GenericContainer(MOSQUITTO_IMAGE)
        .withEntrypoint(['/bin/sh', '/stack/mosquitto/bootstrap/init-secrets.sh'])
        .withUser('root')
        .withBindMounts([...mounts, { source: secretsDir, target: SECRETS, mode: 'rw' }])
        .withWaitStrategy(Wait.forOneShotStartup())
        .start();
      await init.stop();

      const broker = await new GenericContainer(MOSQUITTO_IMAGE)
        .withCommand(['/bin/sh', '/stack/mosquitto/bootstrap/run-broker.sh'])
        .withBindMounts([mounts[0]!, { source: secretsDir, target: SECRETS, mode: 'ro' }])
        .withNetwork(network)
        .withNetworkAliases('mosquitto')
        .withExposedPorts(1883)
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
      await removeSecrets(secretsDir);
      throw err;
    }
  }
}

export class StartedHomeStack implements AsyncDisposable {
  private weatherContainer: StartedTestContainer | undefined;
  private gatewayContainer: StartedTestContainer | undefined;

  constructor(
    readonly network: StartedNetwork,
    readonly broker: StartedTestContainer,
    readonly upstream: StartedTestContainer,
    private readonly secretsDir: string,
    private readonly weatherEnv: Record<string, string>,
  ) {}

  /**
   * An image of the stack on its network as MQTT user `user` (password and keys from the
   * generated secrets), started once its healthcheck passes.
   */
  private startImage(tag: string, user: string, env: Record<string, string>) {
    return new GenericContainer(tag)
      .withNetwork(this.network)
      .withNetworkAliases(user)
      .withBindMounts([{ source: this.secretsDir, target: SECRETS, mode: 'ro' }])
      .withEnvironment({
        MQTT_URL: 'mqtt://mosquitto:1883',
        MQTT_USERNAME: user,
        MQTT_PASSWORD_FILE: `${SECRETS}/mqtt/${user}.password`,
        ...env,
      })
      .withWaitStrategy(Wait.forHealthCheck())
      .withStartupTimeout(60_000);
  }

  /**
   * Starts the weather image, healthy when it returns. Separate from the broker's start so a test
   * can subscribe to events before the service's first poll.
   */
  async startWeather(): Promise<StartedTestContainer> {
    this.weatherContainer = await this.startImage(IMAGES.weather.tag, 'weather', {
      MCP_API_KEYS_FILE: `${SECRETS}/api/keys`,
      MCP_RELAY_CLIENTS_FILE: `${SECRETS}/api/relays`,
      OPEN_METEO_BASE_URL: 'http://weather-upstream:8080/v1',
      OPEN_METEO_GEOCODING_BASE_URL: 'http://weather-upstream:8080/v1',
      HEARTBEAT_INTERVAL: '2',
      ...this.weatherEnv,
    }).start();
    return this.weatherContainer;
  }

  get weather(): StartedTestContainer {
    if (!this.weatherContainer) throw new Error('startWeather() first');
    return this.weatherContainer;
  }

  /** Starts the gateway image as the stack does (user `gateway`, a relay), healthy when it returns. */
  async startGateway(env: Record<string, string> = {}): Promise<StartedTestContainer> {
    this.gatewayContainer = await this.startImage(IMAGES.gateway.tag, 'gateway', env)
      .withExposedPorts(3003)
      .start();
    return this.gatewayContainer;
  }

  /** The gateway's MCP endpoint as seen from the test process. */
  gatewayEndpoint(): URL {
    if (!this.gatewayContainer) throw new Error('startGateway() first');
    return new URL(`http://127.0.0.1:${this.gatewayContainer.getMappedPort(3003)}/mcp`);
  }

  /** The broker as seen from the test process. */
  getConnectionString(): string {
    return `mqtt://${this.broker.getHost()}:${this.broker.getMappedPort(1883)}`;
  }

  /**
   * A generated secret, e.g. `mqtt/cli.password` or `api/cli.key`, read inside the broker
   * container: the files belong to the containers' users, not necessarily to the test's.
   */
  async secret(path: string): Promise<string> {
    const { output, exitCode } = await this.broker.exec(['cat', `${SECRETS}/${path}`]);
    if (exitCode !== 0) throw new Error(`cannot read secret ${path}: ${output}`);
    return output.trim();
  }

  async credentials(user: string) {
    return { username: user, password: await this.secret(`mqtt/${user}.password`) };
  }

  async stop() {
    for (const container of [this.gatewayContainer, this.weatherContainer, this.upstream, this.broker])
      await container?.stop().catch(() => {});
    await this.network.stop().catch(() => {});
    rmSync(this.secretsDir, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose]() {
    await this.stop();
  }
}
