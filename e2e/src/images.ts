import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Tag of the images the suite builds and runs (E2E_IMAGE_TAG, default `e2e`): runs that share a
 * Docker engine use different tags so that one never runs the other's images.
 */
export const IMAGE_TAG = process.env.E2E_IMAGE_TAG || 'e2e';
if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(IMAGE_TAG))
  throw new Error(`E2E_IMAGE_TAG: '${IMAGE_TAG}' is not a valid image tag`);

/** Every image the suite runs, built from the project's own Dockerfiles. */
export const IMAGES = {
  weather: {
    tag: `neurhomia/mcp-weather:${IMAGE_TAG}`,
    dockerfile: 'services/weather/Dockerfile',
    context: '.',
  },
  haBridge: {
    tag: `neurhomia/mcp-ha-bridge:${IMAGE_TAG}`,
    dockerfile: 'services/ha-bridge/Dockerfile',
    context: '.',
  },
  haSimulator: {
    tag: `neurhomia/ha-simulator:${IMAGE_TAG}`,
    dockerfile: 'packages/ha-simulator/Dockerfile',
    context: '.',
  },
  gateway: {
    tag: `neurhomia/mcp-gateway:${IMAGE_TAG}`,
    dockerfile: 'services/gateway/Dockerfile',
    context: '.',
  },
  dockerManager: {
    tag: `neurhomia/mcp-docker-manager:${IMAGE_TAG}`,
    dockerfile: 'services/docker-manager/Dockerfile',
    context: '.',
  },
  cli: { tag: `neurhomia/mcp-cli:${IMAGE_TAG}`, dockerfile: 'compose/cli.Dockerfile', context: '.' },
  weatherUpstream: {
    tag: `neurhomia/weather-upstream:${IMAGE_TAG}`,
    dockerfile: 'services/weather/test/upstream/Dockerfile',
    context: 'services/weather/test',
  },
} as const;

export function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {},
) {
  return new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, ...options.env },
    });
    // A command that exits without reading its stdin closes the pipe first: the EPIPE of this
    // write is no failure of the command (its exit code says that), and must not go uncaught.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}\n${stderr.slice(-4000)}`));
    });
  });
}

/** `docker build` with BuildKit (the Dockerfiles use cache mounts), exactly as a user would. */
export async function buildImages() {
  for (const image of Object.values(IMAGES)) {
    await run('docker', ['build', '-q', '-f', image.dockerfile, '-t', image.tag, image.context], {
      env: { DOCKER_BUILDKIT: '1' },
    });
  }
}
