import { defineTool } from '@neurhomia/mcp-mqtt-core';
import type Docker from 'dockerode';
import { z } from 'zod';
import {
  COMPOSE_PROJECT_LABEL,
  COMPOSE_WORKING_DIR_LABEL,
  composeOf,
  healthFromStatus,
  nameOf,
  shortId,
} from '../docker/containers.js';
import { bounded, type DockerDeps, readTool } from './common.js';

/** Most containers named per project (the counts always cover them all). */
const MAX_CONTAINERS_PER_STACK = 50;

export interface Stack {
  project: string;
  working_dir: string | null;
  running: number;
  total: number;
  containers: Array<{
    id: string;
    name: string;
    service: string | null;
    state: string;
    health: string | null;
  }>;
  truncated: boolean;
}

/** Containers grouped by compose project; projects sorted by name. */
export function groupStacks(containers: readonly Docker.ContainerInfo[]): {
  stacks: Stack[];
  standalone: { running: number; total: number };
} {
  const stacks = new Map<string, Stack>();
  const standalone = { running: 0, total: 0 };
  for (const container of containers) {
    const compose = composeOf(container.Labels);
    const running = container.State === 'running' ? 1 : 0;
    if (!compose) {
      standalone.total += 1;
      standalone.running += running;
      continue;
    }
    let stack = stacks.get(compose.project);
    if (!stack) {
      stack = {
        project: compose.project,
        working_dir: container.Labels?.[COMPOSE_WORKING_DIR_LABEL] ?? null,
        running: 0,
        total: 0,
        containers: [],
        truncated: false,
      };
      stacks.set(compose.project, stack);
    }
    stack.total += 1;
    stack.running += running;
    if (stack.containers.length < MAX_CONTAINERS_PER_STACK) {
      stack.containers.push({
        id: shortId(container.Id),
        name: nameOf(container.Names),
        service: compose.service,
        state: container.State,
        health: healthFromStatus(container.Status),
      });
    } else {
      stack.truncated = true;
    }
  }
  for (const stack of stacks.values()) stack.containers.sort((a, b) => a.name.localeCompare(b.name));
  return { stacks: [...stacks.values()].sort((a, b) => a.project.localeCompare(b.project)), standalone };
}

export function createListStacksTool(deps: DockerDeps) {
  return defineTool({
    name: 'list_stacks',
    description:
      'Compose stacks on the engine: containers grouped by compose project (label ' +
      `${COMPOSE_PROJECT_LABEL}), with running/total per project and each container's service, state and ` +
      'health; plus the count of containers outside any project.',
    ...readTool(deps, 'List compose stacks'),
    input: z.object({
      project: z.string().min(1).max(200).optional().describe('Only this compose project'),
      limit: z.number().int().min(1).max(200).default(50).describe('Most projects returned'),
    }),
    handler: async (args, { signal }) => {
      const filters: Record<string, string[]> = args.project
        ? { label: [`${COMPOSE_PROJECT_LABEL}=${args.project}`] }
        : {};
      const containers = await deps.engine.call(
        (docker) => docker.listContainers({ all: true, filters, abortSignal: signal }),
        signal,
      );
      const { stacks, standalone } = groupStacks(containers);
      const { items, total, truncated } = bounded(stacks, args.limit);
      return {
        stacks: items,
        count: items.length,
        total,
        truncated,
        ...(args.project ? {} : { standalone }),
      };
    },
  });
}
