import { spawn } from 'node:child_process';
import { REPO_ROOT, STACK_FILES, type StackImage, stackImages } from './stack-images.js';

export { REPO_ROOT };

/**
 * Tag of the images the suite builds and runs (E2E_IMAGE_TAG, default `e2e`): runs that share a
 * Docker engine use different tags so that one never runs the other's images.
 */
export const IMAGE_TAG = process.env.E2E_IMAGE_TAG || 'e2e';
if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(IMAGE_TAG))
  throw new Error(`E2E_IMAGE_TAG: '${IMAGE_TAG}' is not a valid image tag`);

/** The compose files whose images the suite builds: the stack, and the suite's own overlay. */
export const E2E_COMPOSE_FILES = [...STACK_FILES, 'e2e/compose.upstream.yaml'];

/** Every image the suite runs, as the compose files declare them (src/stack-images.ts). */
export function e2eImages(): StackImage[] {
  return stackImages({ tag: IMAGE_TAG, files: E2E_COMPOSE_FILES });
}

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

/** `docker build` with BuildKit (the Dockerfiles use cache mounts), exactly as compose would. */
export async function buildImages(images: StackImage[]) {
  for (const image of images) {
    const args = Object.entries(image.args).flatMap(([key, value]) => ['--build-arg', `${key}=${value}`]);
    await run('docker', ['build', '-q', '-f', image.dockerfile, ...args, '-t', image.image, image.context], {
      env: { DOCKER_BUILDKIT: '1' },
    });
  }
}
