import type { Readable } from 'node:stream';
import { defineTool, ToolError } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import { shortId } from '../docker/containers.js';
import { engineMessage, isHttpError } from '../docker/engine.js';
import {
  CATEGORY,
  DOCKER_ADMIN,
  type DockerDeps,
  mutating,
  WRITE_ANNOTATIONS,
  WRITE_RATE_LIMIT,
} from './common.js';

/** A registry host: a name with a dot, localhost, an IPv4 or [IPv6] address, any of them with a port. */
const DOMAIN =
  /^(?:localhost|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+|[a-zA-Z0-9-]+(?=:)|\[[0-9a-fA-F:]+\])(?::\d{1,5})?$/;
/** Repository path, then an optional tag and digest (distribution's reference grammar). */
const PATH =
  /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::\w[\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/**
 * An image reference as `docker pull` takes it: [registry[:port]/]path[:tag][@sha256:digest]. As
 * in distribution's grammar, the first component is a registry only when it has a dot or a port
 * or is `localhost`; otherwise it is part of the (lower-case) path. Checked strictly: it becomes a
 * query parameter of the Engine API.
 */
export function isImageReference(reference: string): boolean {
  const slash = reference.indexOf('/');
  const first = slash === -1 ? '' : reference.slice(0, slash);
  const isDomain = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (isDomain) return DOMAIN.test(first) && PATH.test(reference.slice(slash + 1));
  return PATH.test(reference);
}

export const imageRef = z
  .string()
  .min(1)
  .max(255)
  .refine(
    isImageReference,
    'an image reference like "eclipse-mosquitto:2", "ghcr.io/owner/app:1.2" or "name@sha256:…"',
  )
  .describe('Image to pull: name[:tag] (tag "latest" when omitted) or name@sha256:digest');

/** `name` → `name:latest`; a tag or digest given is kept. (A registry port is not a tag.) */
export function withDefaultTag(reference: string): string {
  if (reference.includes('@')) return reference;
  const lastSegment = reference.slice(reference.lastIndexOf('/') + 1);
  return lastSegment.includes(':') ? reference : `${reference}:latest`;
}

interface ProgressMessage {
  status?: string;
  id?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** What the engine's pull progress stream (one JSON object per line) said in the end. */
export interface PullOutcome {
  statuses: string[];
  layers: number;
  digest: string | undefined;
  error: string | undefined;
}

/** Reads the progress stream to its end; an `error` line is the pull's failure. */
export function readProgress(stream: Readable, signal: AbortSignal): Promise<PullOutcome> {
  return new Promise((resolve, reject) => {
    const layers = new Set<string>();
    const statuses: string[] = [];
    let digest: string | undefined;
    let error: string | undefined;
    let buffered = '';
    const handle = (line: string) => {
      let message: ProgressMessage;
      try {
        message = JSON.parse(line) as ProgressMessage;
      } catch {
        return;
      }
      if (message.error || message.errorDetail?.message) {
        error ??= message.errorDetail?.message ?? message.error;
        return;
      }
      if (message.id && /^[0-9a-f]{12}$/.test(message.id)) layers.add(message.id);
      const status = message.status ?? '';
      const found = /^Digest: (sha256:[0-9a-f]{64})/.exec(status);
      if (found) digest = found[1];
      // Per-layer progress is noise for a caller; the overall lines are kept (a bounded few).
      if (!message.id || status.startsWith('Status:') || status.startsWith('Pulling from')) {
        if (statuses.length < 20) statuses.push(status);
      }
    };
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = (lines.pop() ?? '').slice(-64 * 1024);
      for (const line of lines) if (line.trim()) handle(line);
    });
    stream.once('end', () => {
      if (buffered.trim()) handle(buffered);
      resolve({ statuses, layers: layers.size, digest, error });
    });
    stream.once('error', (failure) => reject(signal.aborted ? signal.reason : failure));
  });
}

export function createPullImageTool(deps: DockerDeps) {
  const tool = defineTool({
    name: 'pull_image',
    description:
      "Pulls an image from its registry and waits until it is complete; reports the registry's error " +
      "(unknown image, access denied…) as a failure. Anonymous pulls only: the engine's own credentials are not used.",
    category: CATEGORY,
    input: z.object({ image: imageRef }),
    permissions: DOCKER_ADMIN,
    // Destructive like the other writes: a pull moves a tag, and what is recreated from it changes.
    annotations: {
      ...WRITE_ANNOTATIONS,
      idempotentHint: true,
      openWorldHint: true,
      title: 'Pull an image',
    },
    timeoutMs: deps.config.DOCKER_PULL_TIMEOUT_S * 1000,
    rateLimit: WRITE_RATE_LIMIT,
    // Two pulls of one image wait for each other (the second then finds it up to date).
    serialize: ({ image }) => `image:${withDefaultTag(image)}`,
    uses: deps.limit,
    handler: async ({ image }, { signal, logger, caller }) => {
      const reference = withDefaultTag(image);
      let outcome: PullOutcome;
      try {
        const stream = (await deps.engine.call(
          (docker) => docker.pull(reference, { abortSignal: signal }),
          signal,
        )) as unknown as Readable;
        outcome = await readProgress(stream, signal);
      } catch (error) {
        if (!isHttpError(error)) throw error;
        throw new ToolError(`Cannot pull ${reference}: ${engineMessage(error)}`, {
          data: { reason: 'pull_failed', image: reference, status: error.statusCode },
        });
      }
      if (outcome.error) {
        throw new ToolError(`Cannot pull ${reference}: ${outcome.error}`, {
          data: { reason: 'pull_failed', image: reference },
        });
      }
      const info = await deps.engine.call((docker) => docker.getImage(reference).inspect(), signal);
      const status =
        outcome.statuses.findLast((s) => s.startsWith('Status:'))?.replace(/^Status:\s*/, '') ?? null;
      logger.info({ image: reference, caller: caller.id, layers: outcome.layers }, 'image pulled');
      return {
        image: reference,
        id: shortId(info.Id),
        digest: outcome.digest ?? info.RepoDigests?.[0]?.split('@')[1] ?? null,
        up_to_date: status?.startsWith('Image is up to date') ?? false,
        status,
        layers: outcome.layers,
        size_bytes: info.Size,
      };
    },
  });
  return mutating(tool, deps.config.DOCKER_READ_ONLY);
}
