import { defineTool } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import { shortId } from '../docker/containers.js';
import { bounded, type DockerDeps, isoFromSeconds, readTool } from './common.js';

export function createListImagesTool(deps: DockerDeps) {
  return defineTool({
    name: 'list_images',
    description:
      'Images on the Docker engine, newest first: id, tags, digests, size, creation time and how many ' +
      'containers use each.',
    ...readTool(deps, 'List images'),
    input: z.object({
      reference: z
        .string()
        .min(1)
        .max(255)
        .optional()
        .describe('Only images whose name matches, e.g. "node", "node:24*" or "*/mosquitto"'),
      dangling: z.boolean().optional().describe('true: only untagged images; false: only tagged ones'),
      limit: z.number().int().min(1).max(500).default(100).describe('Most images returned'),
    }),
    handler: async (args, { signal }) => {
      const filters: Record<string, string[]> = {};
      if (args.reference) filters.reference = [args.reference];
      if (args.dangling !== undefined) filters.dangling = [String(args.dangling)];
      const images = await deps.engine.call(
        // `containers` counts are only filled in when the engine is asked for them (shared-size).
        (docker) => docker.listImages({ filters, abortSignal: signal }),
        signal,
      );
      const sorted = [...images].sort((a, b) => b.Created - a.Created);
      const { items, total, truncated } = bounded(sorted, args.limit);
      return {
        images: items.map((image) => ({
          id: shortId(image.Id),
          tags: (image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>'),
          digests: (image.RepoDigests ?? []).filter((digest) => !digest.startsWith('<none>')),
          size_bytes: image.Size,
          created: isoFromSeconds(image.Created),
          ...(image.Containers >= 0 ? { containers: image.Containers } : {}),
        })),
        count: items.length,
        total,
        truncated,
      };
    },
  });
}
