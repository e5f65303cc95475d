import { CoreConfigSchema, commaList, wholeNumber } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import { parseDockerHost } from './docker/host.js';
import { parseLabelRule } from './safety/scope.js';

const positiveInt = (fallback: number, min: number, max: number) => wholeNumber(fallback, { min, max });

/** A transform by `parse`, whose error message becomes the variable's problem. */
const parsedWith =
  <T>(parse: (text: string) => T) =>
  (text: string, ctx: z.RefinementCtx<string>): T => {
    try {
      return parse(text);
    } catch (error) {
      ctx.issues.push({ code: 'custom', message: (error as Error).message, input: text });
      return z.NEVER;
    }
  };

/** Comma-separated glob patterns (`*`, `?`), blanks ignored. */
const globList = commaList(
  z
    .string()
    .max(200, 'a pattern is at most 200 characters')
    .regex(/^[A-Za-z0-9_.*?-]+$/, 'a pattern uses container-name characters and * ? only'),
);

export const DockerManagerConfigSchema = CoreConfigSchema.extend({
  /**
   * The engine, as the docker CLI and dockerode read it: unix:///path (default
   * /var/run/docker.sock), tcp://host:port (TLS with DOCKER_TLS_VERIFY=1 or port 2376),
   * ssh://user@host[:port] (the engine's socket over SSH, with the agent at SSH_AUTH_SOCK).
   */
  DOCKER_HOST: z.string().default('unix:///var/run/docker.sock').transform(parsedWith(parseDockerHost)),
  DOCKER_TLS_VERIFY: z.stringbool().default(false),
  /** Directory of ca.pem, cert.pem and key.pem for tcp:// with TLS. */
  DOCKER_CERT_PATH: z.string().min(1).optional(),
  /** Agent socket for ssh:// engines. */
  SSH_AUTH_SOCK: z.string().min(1).optional(),
  /** Deadline of one Engine API request, except logs, stop, restart and pull (bounded by their tools). */
  DOCKER_API_TIMEOUT_MS: positiveInt(15_000, 500, 120_000),
  /** true: start, stop, restart and pull_image are hidden and refused (-32002, reason read_only). */
  DOCKER_READ_ONLY: z.stringbool().default(false),
  /**
   * A container carrying this label is manageable: `key=value`, or `key` for any value. `none`:
   * no label makes a container manageable (DOCKER_ALLOW_NAMES only). Empty = the default.
   */
  DOCKER_ALLOW_LABEL: z.string().default('neurhomia.manage=true').transform(parsedWith(parseLabelRule)),
  /** Container names that are manageable too, e.g. `media-*,zigbee2mqtt`. */
  DOCKER_ALLOW_NAMES: globList,
  /** Container names never touched, on top of this service's own container and its broker. */
  DOCKER_PROTECT_NAMES: globList,
  /** true: inspect_container shows environment values (default: names only, values redacted). */
  DOCKER_SHOW_ENV: z.stringbool().default(false),
  /** Most bytes of log text get_container_logs returns (the newest lines are kept). */
  DOCKER_LOGS_MAX_BYTES: positiveInt(64 * 1024, 1024, 192 * 1024),
  /** Longest `timeout_s` a caller may give stop/restart (seconds before the engine kills). */
  DOCKER_MAX_STOP_TIMEOUT_S: positiveInt(120, 1, 600),
  /** Deadline of pull_image. */
  DOCKER_PULL_TIMEOUT_S: positiveInt(600, 10, 3600),
  /** Engine API calls at once (a priority queue behind): a burst of logs cannot swamp the engine. */
  DOCKER_CONCURRENCY: positiveInt(8, 1, 64),
  /**
   * Longest wait, in seconds, between attempts to reach the engine again while it is away (the
   * event stream's reconnection, which is also how the service notices the engine is back).
   */
  DOCKER_RECONNECT_MAX_S: positiveInt(5, 1, 300),
});

export type DockerManagerConfig = z.infer<typeof DockerManagerConfigSchema>;
