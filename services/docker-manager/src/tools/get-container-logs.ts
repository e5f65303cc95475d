import type { Readable } from 'node:stream';
import { defineTool } from '@neurhomia/mcp-mqtt-core';
import type Docker from 'dockerode';
import { z } from 'zod';
import { containerError, containerRef, inspectContainer, nameOf } from '../docker/containers.js';
import { LogCollector } from '../docker/logs.js';
import { type DockerDeps, readTool } from './common.js';

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * `since` as the Engine API takes it (Unix seconds), from what a person writes: a duration back
 * from now (`90s`, `10m`, `2h`, `1d`), an RFC 3339 date (`2025-01-31T08:00:00Z`) or Unix seconds.
 */
export function sinceSeconds(text: string, now = Date.now()): string | undefined {
  const value = text.trim();
  if (/^\d{1,12}(\.\d{1,9})?$/.test(value)) return value;
  const duration = /^(\d{1,9})([smhd])$/.exec(value);
  if (duration) return String(Math.floor(now / 1000) - Number(duration[1]) * DURATION_UNITS[duration[2]!]!);
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return String(Math.floor(ms / 1000));
  }
  return undefined;
}

const sinceArg = z
  .string()
  .max(40)
  .refine((text) => sinceSeconds(text) !== undefined, {
    message: 'a duration (90s, 10m, 2h, 1d), an RFC 3339 date or Unix seconds',
  })
  .describe(
    'Only lines from then on: a duration back from now (10m, 2h, 1d), an RFC 3339 date or Unix seconds',
  );

/** The raw log stream of a container (`GET /containers/{id}/logs`, not followed). */
function openLogStream(docker: Docker, id: string, query: Record<string, unknown>, signal: AbortSignal) {
  return new Promise<Readable>((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/containers/${encodeURIComponent(id)}/logs?`,
        method: 'GET',
        options: query,
        isStream: true,
        abortSignal: signal,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error', 501: 'not implemented' },
      },
      (error, stream) => (error ? reject(error) : resolve(stream as Readable)),
    );
  });
}

function drain(stream: Readable, collector: LogCollector, signal: AbortSignal) {
  return new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => {
      try {
        collector.push(chunk);
      } catch (error) {
        stream.destroy();
        reject(error);
      }
    });
    stream.once('end', () => resolve());
    stream.once('error', (error) => reject(signal.aborted ? signal.reason : error));
  });
}

export function createGetContainerLogsTool(deps: DockerDeps) {
  const maxBytes = deps.config.DOCKER_LOGS_MAX_BYTES;
  return defineTool({
    name: 'get_container_logs',
    description:
      "The last lines of a container's output, each with its stream (stdout or stderr; tty for a " +
      `container with a terminal, where both are one stream). At most ${Math.round(maxBytes / 1024)} KiB of ` +
      'text: past it the oldest lines are left out and truncated=true.',
    ...readTool(deps, 'Container logs'),
    input: z.object({
      id: containerRef,
      lines: z
        .number()
        .int()
        .min(1)
        .max(5_000)
        .default(100)
        .describe('Entries from the end of the log, counted over both streams before `stream` filters them'),
      since: sinceArg.optional(),
      timestamps: z.boolean().default(false).describe("Each line's time as the engine recorded it"),
      stream: z.enum(['both', 'stdout', 'stderr']).default('both').describe('Which output'),
    }),
    handler: async (args, { signal }) => {
      const info = await inspectContainer(deps.engine, args.id, signal);
      const tty = info.Config.Tty;
      const since = args.since === undefined ? undefined : sinceSeconds(args.since);
      const query = {
        stdout: args.stream !== 'stderr',
        stderr: args.stream !== 'stdout',
        tail: String(args.lines),
        timestamps: args.timestamps,
        follow: false,
        ...(since ? { since } : {}),
      };
      const collector = new LogCollector({ tty, timestamps: args.timestamps, maxBytes });
      try {
        const stream = await deps.engine.call(
          (docker) => openLogStream(docker, info.Id, query, signal),
          signal,
        );
        await drain(stream, collector, signal);
      } catch (error) {
        throw containerError(error, args.id);
      }
      const { lines, truncated, bytes } = collector.finish();
      return {
        id: info.Id.slice(0, 12),
        name: nameOf(info.Name),
        tty,
        stream: args.stream,
        lines,
        line_count: lines.length,
        bytes,
        truncated,
        ...(tty ? { note: 'The container has a TTY: stdout and stderr are one stream (tty).' } : {}),
      };
    },
  });
}
