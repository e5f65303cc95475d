import { defineTool } from '@neurhomia/mcp-mqtt-core';
import type Docker from 'dockerode';
import { z } from 'zod';
import {
  COMPOSE_PROJECT_LABEL,
  composeOf,
  healthFromStatus,
  identityOfSummary,
  nameOf,
  shortId,
} from '../docker/containers.js';
import type { Protection } from '../safety/policy.js';
import { bounded, type DockerDeps, isoFromSeconds, readTool } from './common.js';

const STATES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'] as const;
const filterText = z.string().min(1).max(200);

const FiltersSchema = z
  .object({
    name: filterText.optional().describe('Part of the container name'),
    label: z
      .array(filterText)
      .max(10)
      .optional()
      .describe('Labels the container carries: "key" or "key=value", all of them'),
    status: z.array(z.enum(STATES)).max(7).optional().describe('Container states, any of them'),
    compose_project: filterText.optional().describe('Compose project (com.docker.compose.project)'),
    image: filterText.optional().describe('Image the container runs (name[:tag], id, or an ancestor)'),
  })
  .describe('Engine-side filters, combined with AND');
export type Filters = z.infer<typeof FiltersSchema>;

/** The Engine API's `filters` query from the tool's. */
export function engineFilters(filters: Filters | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!filters) return out;
  if (filters.name) out.name = [filters.name];
  const labels = [...(filters.label ?? [])];
  if (filters.compose_project) labels.push(`${COMPOSE_PROJECT_LABEL}=${filters.compose_project}`);
  if (labels.length) out.label = labels;
  if (filters.status?.length) out.status = filters.status;
  if (filters.image) out.ancestor = [filters.image];
  return out;
}

/** One container as list_containers shows it. */
export function containerSummary(
  container: Docker.ContainerInfo,
  deps: Pick<DockerDeps, 'policy'>,
  protection: Protection,
) {
  const identity = identityOfSummary(container);
  const protectedBecause = deps.policy.protectedReason(identity, protection);
  const compose = composeOf(container.Labels);
  return {
    id: shortId(container.Id),
    name: nameOf(container.Names),
    image: container.Image,
    state: container.State,
    status: container.Status,
    health: healthFromStatus(container.Status),
    created: isoFromSeconds(container.Created),
    ports: (container.Ports ?? []).map((port) => ({
      private: port.PrivatePort,
      ...(port.PublicPort ? { public: port.PublicPort, host_ip: port.IP } : {}),
      type: port.Type,
    })),
    compose_project: compose?.project ?? null,
    compose_service: compose?.service ?? null,
    manageable: deps.policy.manageable(identity) && !protectedBecause,
    ...(protectedBecause ? { protected: protectedBecause } : {}),
  };
}

export function createListContainersTool(deps: DockerDeps) {
  return defineTool({
    name: 'list_containers',
    description:
      'Containers on the Docker engine: id, name, image, state, status, health, creation time, ports, ' +
      'compose project/service, and whether this service may start/stop/restart it (manageable). ' +
      'Running ones only unless all=true.',
    ...readTool(deps, 'List containers'),
    input: z.object({
      all: z.boolean().default(false).describe('Include stopped containers'),
      filters: FiltersSchema.optional(),
      limit: z.number().int().min(1).max(500).default(100).describe('Most containers returned'),
    }),
    handler: async (args, { signal }) => {
      const [containers, protection] = await Promise.all([
        deps.engine.call(
          (docker) =>
            docker.listContainers({
              all: args.all,
              filters: engineFilters(args.filters),
              abortSignal: signal,
            }),
          signal,
        ),
        deps.policy.protection(signal),
      ]);
      // The engine lists newest first; names sort better for people.
      const sorted = [...containers].sort((a, b) => nameOf(a.Names).localeCompare(nameOf(b.Names)));
      const { items, total, truncated } = bounded(sorted, args.limit);
      return {
        containers: items.map((container) => containerSummary(container, deps, protection)),
        count: items.length,
        total,
        truncated,
        manageable_by: deps.policy.describeScope(),
      };
    },
  });
}
