/**
 * The images of the home stack, as the compose files declare them: every service of
 * compose/compose.yaml (and of its profiles) that has a `build:` section — the services of
 * services/ (its include block, which `pnpm stack:sync` writes), the CLI, the demo's Home
 * Assistant simulator — plus what other compose files add (the e2e suite's
 * compose.upstream.yaml: the weather upstream). No list of images is kept anywhere else: the
 * e2e suite builds these, and CI builds the stack's own in its image matrix.
 *
 *   node e2e/src/stack-images.ts               every image of compose/compose.yaml, as JSON
 *   node e2e/src/stack-images.ts --matrix      the same as a GitHub Actions matrix ({"include": […]})
 *
 * Node 24 runs this file as is (type stripping): no import but Node's own.
 */
import { spawnSync } from 'node:child_process';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The stack itself: what users run and CI publishes. */
export const STACK_FILES = ['compose/compose.yaml'];
/** The Dockerfile of every service of services/ (its folder is the build argument SERVICE). */
export const SERVICE_DOCKERFILE = 'services/Dockerfile';

export type StackImage = {
  /** The compose service, e.g. `weather`, `ha-simulator`, `cli`. */
  service: string;
  /** Its image with the tag asked for, e.g. `neurhomia/mcp-weather:e2e`. */
  image: string;
  /** Build context and Dockerfile, relative to the repository root. */
  context: string;
  dockerfile: string;
  args: Record<string, string>;
};

type ComposeConfig = {
  services: Record<
    string,
    { image?: string; build?: { context: string; dockerfile?: string; args?: Record<string, string | null> } }
  >;
};

/**
 * Reads the compose files with `docker compose config` (every profile, the image tag `tag`) and
 * returns the images they build, sorted by service.
 */
export function stackImages(options: { tag: string; files?: string[] }): StackImage[] {
  const files = options.files ?? STACK_FILES;
  const { status, stdout, stderr, error } = spawnSync(
    'docker',
    ['compose', ...files.flatMap((f) => ['-f', f]), '--profile', '*', 'config', '--format', 'json'],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      // Only what the interpolation needs: no compose/.env value of this machine changes the list.
      env: { ...process.env, MCP_IMAGE_TAG: options.tag, COMPOSE_PROFILES: '' },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  if (error) throw error;
  if (status !== 0) throw new Error(`docker compose config failed (exit ${status}): ${stderr.trim()}`);
  const config = JSON.parse(stdout) as ComposeConfig;
  return Object.entries(config.services)
    .filter(([, service]) => service.build)
    .map(([name, service]) => {
      const build = service.build!;
      if (!service.image) throw new Error(`compose service ${name} is built but names no image`);
      const args = Object.fromEntries(
        Object.entries(build.args ?? {}).map(([key, value]) => [key, value ?? '']),
      );
      return {
        service: name,
        image: service.image,
        context: relative(REPO_ROOT, build.context) || '.',
        dockerfile: relative(REPO_ROOT, `${build.context}/${build.dockerfile ?? 'Dockerfile'}`),
        args,
      };
    })
    .sort((a, b) => a.service.localeCompare(b.service));
}

/** The services of services/ among them: those built by services/Dockerfile. */
export function serviceIds(images: StackImage[]): string[] {
  return images.filter((i) => i.dockerfile === SERVICE_DOCKERFILE).map((i) => i.args.SERVICE ?? i.service);
}

/** `strategy.matrix` of CI's image job: one entry an image, build arguments as `KEY=value` lines. */
export function githubMatrix(images: StackImage[]) {
  return {
    include: images.map((i) => ({
      name: i.service,
      context: i.context,
      file: i.dockerfile,
      'build-args': Object.entries(i.args)
        .map(([key, value]) => `${key}=${value}`)
        .join('\n'),
    })),
  };
}

if (import.meta.main) {
  const images = stackImages({ tag: 'local' });
  console.log(JSON.stringify(process.argv.includes('--matrix') ? githubMatrix(images) : images));
}
