import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Tag of the images the suite builds (default `e2e`). E2E_IMAGE_TAG gives a run its own, so that
 * runs of different checkouts on one engine never test each other's images.
 */
export const E2E_TAG = process.env.E2E_IMAGE_TAG || 'e2e';
if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(E2E_TAG))
  throw new Error(`E2E_IMAGE_TAG: not a tag: ${E2E_TAG}`);

/** Every image the suite runs, built from the project's own Dockerfiles. */
export const IMAGES = {
  weather: {
    tag: `neurhomia/mcp-weather:${E2E_TAG}`,
    dockerfile: 'services/weather/Dockerfile',
    context: '.',
  },
  dockerManager: {
    tag: `neurhomia/mcp-docker-manager:${E2E_TAG}`,
    dockerfile: 'services/docker-manager/Dockerfile',
    context: '.',
  },
  cli: { tag: `neurhomia/mcp-cli:${E2E_TAG}`, dockerfile: 'compose/cli.Dockerfile', context: '.' },
  weatherUpstream: {
    tag: `neurhomia/weather-upstream:${E2E_TAG}`,
    dockerfile: 'services/weather/test/upstream/Dockerfile',
    context: 'services/weather/test',
  },
} as const;

export function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
) {
  return new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, ...options.env },
    });
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
