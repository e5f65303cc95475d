import { IMAGE_TAG, REPO_ROOT, run } from './images.js';
import { DUMP_SCRIPT, parseDump } from './secrets.js';

/**
 * The real home stack (compose/compose.yaml) with its `demo` profile (the Home Assistant
 * simulator for ha-bridge), plus e2e/compose.upstream.yaml, which adds the recorded-response
 * server and points the weather service at it. The project name is unique and
 * every host port ephemeral (on the default bind address, loopback): it never touches a stack
 * that runs on this machine.
 */
export function composeProject(name = `neurhomia-e2e-${process.pid}`) {
  const env = {
    COMPOSE_PROJECT_NAME: name,
    MCP_IMAGE_TAG: IMAGE_TAG, // the images the global setup built from the same Dockerfiles
    COMPOSE_PROFILES: 'demo', // the simulated Home Assistant of the ha-bridge
    MOSQUITTO_PORT: '0',
    MOSQUITTO_WS_PORT: '0',
    MOSQUITTO_TLS_PORT: '0',
    MOSQUITTO_WSS_PORT: '0',
    GATEWAY_PUBLISHED_PORT: '0',
    OPEN_METEO_BASE_URL: 'http://weather-upstream:8080/v1',
    OPEN_METEO_GEOCODING_BASE_URL: 'http://weather-upstream:8080/v1',
  };
  const args = ['compose', '-f', 'compose/compose.yaml', '-f', 'e2e/compose.upstream.yaml'];
  const compose = (command: string[], options: { input?: string } = {}) =>
    run('docker', [...args, ...command], { env, cwd: REPO_ROOT, ...options });

  return {
    name,
    env,
    /** `docker compose …` of this project, as argv (for spawning it yourself). */
    argv: (command: string[]) => [...args, ...command],
    compose,

    /**
     * Containers of the project as `docker inspect` sees them: exited one-shots and `run`
     * containers included (`docker compose ps` leaves the latter out).
     */
    async containers(): Promise<ContainerInfo[]> {
      const { stdout } = await run('docker', [
        'ps',
        '-a',
        '-q',
        '--filter',
        `label=com.docker.compose.project=${name}`,
      ]);
      const ids = stdout.split('\n').filter(Boolean);
      return ids.length === 0 ? [] : inspect(ids);
    },

    async container(service: string): Promise<ContainerInfo> {
      const found = (await this.containers()).find(
        (c) => c.Config.Labels['com.docker.compose.service'] === service,
      );
      if (!found) throw new Error(`no container for service ${service}`);
      return found;
    },

    /** Every file of the mcp-secrets volume, read by a throw-away secrets-init container. */
    async allSecrets() {
      const { stdout } = await compose([
        'run',
        '--rm',
        '--no-deps',
        '-T',
        '--entrypoint',
        '/bin/sh',
        'secrets-init',
        '-c',
        DUMP_SCRIPT,
        'dump',
        '/run/secrets/mcp',
      ]);
      return parseDump(stdout);
    },
  };
}

export interface ContainerInfo {
  Id: string;
  Name: string;
  Config: { User: string; Env: string[]; Labels: Record<string, string> };
  State: { Status: string; ExitCode: number };
  HostConfig: {
    Init: boolean | null;
    ReadonlyRootfs: boolean;
    CapDrop: string[] | null;
    CapAdd: string[] | null;
    Memory: number;
    SecurityOpt: string[] | null;
    PortBindings: Record<string, Array<{ HostIp: string; HostPort: string }>>;
  };
  Mounts: Array<{ Type: string; Name?: string; Source: string; Destination: string; RW: boolean }>;
}

export async function inspect(ids: string[]): Promise<ContainerInfo[]> {
  const { stdout } = await run('docker', ['inspect', ...ids]);
  return JSON.parse(stdout) as ContainerInfo[];
}
