import { AbstractStartedContainer, GenericContainer, Wait } from 'testcontainers';

export const MOSQUITTO_IMAGE = 'eclipse-mosquitto:2';
const MQTT_PORT = 1883;
const WS_PORT = 9001;

/** An open broker for tests: nodelay on (as in the project's mosquitto.conf), v5 and v3.1.1. */
export const OPEN_CONFIG = `listener ${MQTT_PORT}
protocol mqtt
listener ${WS_PORT}
protocol websockets
allow_anonymous true
set_tcp_nodelay true
persistence false
log_dest stderr
`;

/**
 * Mosquitto in a container, testcontainers-module style:
 * `await using broker = await new MosquittoContainer().withConfig(conf).start()`.
 */
export class MosquittoContainer extends GenericContainer {
  private config = OPEN_CONFIG;
  private fixedPort: number | undefined;

  constructor(image = MOSQUITTO_IMAGE) {
    super(image);
    // Ready = the MQTT port accepts connections inside the container. A log-line wait can miss the
    // line after a restart (the log stream is re-attached "since" a second-granular time).
    this.withWaitStrategy(Wait.forListeningPorts()).withStartupTimeout(30_000);
  }

  /** Replaces the whole mosquitto.conf. */
  withConfig(config: string): this {
    this.config = config;
    return this;
  }

  /** Binds the broker to a fixed host port, so that a restarted broker comes back at the same URL. */
  withHostPort(port: number): this {
    this.fixedPort = port;
    return this;
  }

  override async start(): Promise<StartedMosquittoContainer> {
    this.withExposedPorts(this.fixedPort ? { container: MQTT_PORT, host: this.fixedPort } : MQTT_PORT);
    this.withCopyContentToContainer([
      { content: this.config, target: '/mosquitto/config/mosquitto.conf', mode: 0o644 },
    ]);
    return new StartedMosquittoContainer(await super.start());
  }
}

export class StartedMosquittoContainer extends AbstractStartedContainer {
  /** `mqtt://host:port` as seen from the test process. */
  getConnectionString(): string {
    return `mqtt://${this.getHost()}:${this.getMappedPort(MQTT_PORT)}`;
  }

  /** Runs a mosquitto client (mosquitto_rr, mosquitto_pub…) inside the broker container. */
  async run(command: string[]): Promise<{ output: string; exitCode: number }> {
    const result = await this.exec(command);
    return { output: result.output, exitCode: result.exitCode };
  }
}
