import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Tag of the images the suite builds. E2E_IMAGE_TAG gives a run tags of its own, so that two
 * checkouts testing on one Docker engine do not replace each other's images.
 */
export const E2E_TAG = process.env.E2E_IMAGE_TAG || 'e2e';

/** Every image the suite runs, built from the project's own Dockerfiles. */
export const IMAGES = {
  weather: {
    tag: `neurhomia/mcp-weather:${E2E_TAG}`,
    dockerfile: 'services/weather/Dockerfile',
    context: '.',
  },
  gateway: {
    tag: `neurhomia/mcp-gateway:${E2E_TAG}`,
    dockerfile: 'services/gateway/Dockerfile',
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
